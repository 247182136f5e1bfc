/**
 * Differential item functioning by the Mantel–Haenszel procedure (Holland & Thayer, 1988):
 * reference and focal groups matched on total score; per score level a 2×2 table
 *
 *              right  wrong
 *   reference    A      B      n_R
 *   focal        C      D      n_F
 *
 * α_MH = Σ(A·D/N) / Σ(B·C/N); MH D-DIF = −2.35 ln α_MH (ETS delta metric; negative = the item is
 * harder for the focal group than for matched reference candidates); MH χ² with continuity
 * correction; SE of ln α_MH by Robins, Breslow & Greenland (1986); ETS A/B/C categories as in
 * Zwick (2012, ETS RR-12-08).
 */
import { errorFunction } from 'simple-statistics';

export interface TwoByTwo {
  /** reference right */ a: number;
  /** reference wrong */ b: number;
  /** focal right */ c: number;
  /** focal wrong */ d: number;
}

export type EtsCategory = 'A' | 'B' | 'C';

export interface MantelHaenszelResult {
  /** MH common odds ratio (reference vs focal); null when undefined (no informative strata). */
  alphaMH: number | null;
  /** MH D-DIF = −2.35 ln α_MH. */
  deltaMH: number | null;
  /** Standard error of MH D-DIF (2.35 × RBG SE of ln α). */
  seDelta: number | null;
  /** MH chi-square with continuity correction (1 df). */
  chiSquare: number | null;
  pValue: number | null;
  ets: EtsCategory | null;
  /** Which group the item favours when the category is B or C. */
  favours: 'reference' | 'focal' | null;
  /** Score levels that entered the statistic. */
  strata: number;
}

/** Upper tail of the standard normal. */
function normalUpper(z: number): number {
  return 0.5 * (1 - errorFunction(z / Math.SQRT2));
}

/** Mantel–Haenszel statistics from per-stratum 2×2 tables (strata with fewer than 2 persons or one group only are skipped). */
export function mantelHaenszel(tables: readonly TwoByTwo[]): MantelHaenszelResult {
  let sumR = 0;
  let sumS = 0;
  let sumPR = 0;
  let sumPSQR = 0;
  let sumQS = 0;
  let sumA = 0;
  let sumEA = 0;
  let sumVA = 0;
  let strata = 0;
  for (const t of tables) {
    const nR = t.a + t.b;
    const nF = t.c + t.d;
    const N = nR + nF;
    if (N < 2 || nR === 0 || nF === 0) continue;
    strata++;
    const m1 = t.a + t.c;
    const m0 = t.b + t.d;
    const R = (t.a * t.d) / N;
    const S = (t.b * t.c) / N;
    const P = (t.a + t.d) / N;
    const Q = (t.b + t.c) / N;
    sumR += R;
    sumS += S;
    sumPR += P * R;
    sumPSQR += P * S + Q * R;
    sumQS += Q * S;
    sumA += t.a;
    sumEA += (nR * m1) / N;
    sumVA += (nR * nF * m1 * m0) / (N * N * (N - 1));
  }
  const none: MantelHaenszelResult = { alphaMH: null, deltaMH: null, seDelta: null, chiSquare: null, pValue: null, ets: null, favours: null, strata };
  if (strata === 0 || !(sumR > 0) || !(sumS > 0)) {
    // A zero numerator or denominator makes α 0 or ∞: the chi-square is still defined.
    if (sumVA > 0) {
      const chi = Math.max(0, Math.abs(sumA - sumEA) - 0.5) ** 2 / sumVA;
      return { ...none, chiSquare: chi, pValue: 2 * normalUpper(Math.sqrt(chi)) };
    }
    return none;
  }
  const alpha = sumR / sumS;
  const delta = -2.35 * Math.log(alpha);
  const varLn = sumPR / (2 * sumR * sumR) + sumPSQR / (2 * sumR * sumS) + sumQS / (2 * sumS * sumS);
  const seDelta = 2.35 * Math.sqrt(varLn);
  const chi = sumVA > 0 ? Math.max(0, Math.abs(sumA - sumEA) - 0.5) ** 2 / sumVA : 0;
  // χ²(1) upper tail = 2·(1 − Φ(√χ²)).
  const pValue = 2 * normalUpper(Math.sqrt(chi));
  const ets = etsCategory(delta, seDelta, pValue);
  return {
    alphaMH: alpha,
    deltaMH: delta,
    seDelta,
    chiSquare: chi,
    pValue,
    ets,
    favours: ets === 'A' ? null : delta < 0 ? 'reference' : 'focal',
    strata,
  };
}

/**
 * ETS DIF categories (Zwick 2012): A when |D| < 1 or the MH χ² is not significant at .05;
 * C when |D| ≥ 1.5 and |D| is significantly greater than 1 (one-sided .05, z = (|D| − 1)/SE > 1.645);
 * B otherwise.
 */
export function etsCategory(delta: number, seDelta: number, pValue: number): EtsCategory {
  const abs = Math.abs(delta);
  if (abs < 1 || pValue >= 0.05) return 'A';
  if (abs >= 1.5 && (abs - 1) / seDelta > 1.645) return 'C';
  return 'B';
}

export type EtsPolytomousCategory = 'AA' | 'BB' | 'CC';

export interface MantelSmdResult {
  /** Mantel (1963) chi-square for ordered item scores (1 df), no continuity correction. */
  chiSquare: number | null;
  pValue: number | null;
  /** Standardized mean difference: Σ_k w_Fk (mean_Fk − mean_Rk), focal-group weights (Dorans & Schmitt 1991). */
  smd: number | null;
  /** SMD divided by the item-score SD of both groups together. */
  smdOverSd: number | null;
  ets: EtsPolytomousCategory | null;
  favours: 'reference' | 'focal' | null;
  strata: number;
}

export interface DifItemResult extends MantelHaenszelResult {
  id: string;
  reference: string;
  focal: string;
  nReference: number;
  nFocal: number;
  /** Polytomous items: Mantel's chi-square and the SMD with the ETS AA/BB/CC classes (the MH fields are null). */
  polytomous?: MantelSmdResult;
  /** Why the item was not analysed. */
  skipped?: string;
}

/** Per score level: item-score counts by category for the reference and focal groups. */
export interface OrdinalStratum {
  reference: number[];
  focal: number[];
}

/**
 * Mantel's (1963) test and the standardized mean difference for a polytomous item with scores
 * 0..m, over score-level strata; ETS classes (Zwick, Thayer & Mazzeo 1997; Allen, Carlson &
 * Zelenak 1999): AA when p ≥ .05 or |SMD/SD| ≤ .17, CC when p < .05 and |SMD/SD| > .25, BB otherwise.
 */
export function mantelSmd(strata: readonly OrdinalStratum[]): MantelSmdResult {
  let sumF = 0;
  let sumE = 0;
  let sumV = 0;
  let used = 0;
  let nF = 0;
  let smdNum = 0;
  // Item-score moments over both groups (for the SD) and the focal total.
  let n = 0;
  let s1 = 0;
  let s2 = 0;
  for (const st of strata) {
    let nR = 0;
    let nFk = 0;
    let tR = 0;
    let tF = 0;
    let tAll = 0;
    let t2All = 0;
    for (let y = 0; y < Math.max(st.reference.length, st.focal.length); y++) {
      const r = st.reference[y] ?? 0;
      const f = st.focal[y] ?? 0;
      nR += r;
      nFk += f;
      tR += y * r;
      tF += y * f;
      tAll += y * (r + f);
      t2All += y * y * (r + f);
    }
    const N = nR + nFk;
    n += N;
    s1 += tAll;
    s2 += t2All;
    nF += nFk;
    if (nFk > 0 && nR > 0) smdNum += nFk * (tF / nFk - tR / nR);
    if (N < 2 || nR === 0 || nFk === 0) continue;
    used++;
    sumF += tF;
    sumE += (nFk / N) * tAll;
    sumV += ((nR * nFk) / (N * N * (N - 1))) * (N * t2All - tAll * tAll);
  }
  const none: MantelSmdResult = { chiSquare: null, pValue: null, smd: null, smdOverSd: null, ets: null, favours: null, strata: used };
  if (used === 0 || nF === 0) return none;
  const smd = smdNum / nF;
  const sd = n > 1 ? Math.sqrt((s2 - (s1 * s1) / n) / (n - 1)) : 0;
  const smdOverSd = sd > 0 ? smd / sd : null;
  const chi = sumV > 0 ? ((sumF - sumE) * (sumF - sumE)) / sumV : null;
  const pValue = chi === null ? null : 2 * normalUpper(Math.sqrt(chi));
  let ets: EtsPolytomousCategory | null = null;
  if (pValue !== null && smdOverSd !== null) {
    const a = Math.abs(smdOverSd);
    ets = pValue >= 0.05 || a <= 0.17 ? 'AA' : a > 0.25 ? 'CC' : 'BB';
  }
  return { chiSquare: chi, pValue, smd, smdOverSd, ets, favours: ets === null || ets === 'AA' ? null : smd < 0 ? 'reference' : 'focal', strata: used };
}

export interface DifAnalysis {
  results: DifItemResult[];
  /** Per focal group: items left out of the matching score after the purification step. */
  excludedFromMatching: Record<string, string[]>;
}

/**
 * MH DIF for every dichotomous item (Mantel's test and the SMD for polytomous items), one focal
 * group at a time against the reference group.
 * Persons are matched on their total score (the studied item always included, as Holland &
 * Thayer recommend). With `purify` (default true) a second stage matches on the total without the
 * items the first stage put in category B or C (BB or CC) (the two-step procedure of Holland & Thayer 1988 /
 * Zwick 2012), so items with DIF do not contaminate the matching. Persons without a group are left out.
 * @param columns dense 0/1 item scores per item (aligned with `groups` and `totals`).
 */
export function mantelHaenszelDif(
  itemIds: readonly string[],
  columns: readonly number[][],
  maxScores: readonly number[],
  totals: readonly number[],
  groups: readonly (string | null)[],
  opts: { reference?: string; focal?: string[]; purify?: boolean } = {},
): DifAnalysis {
  const counts = new Map<string, number>();
  for (const g of groups) if (g !== null) counts.set(g, (counts.get(g) ?? 0) + 1);
  if (counts.size < 2) throw new RangeError(`DIF needs at least two groups in the grouping column (found ${[...counts.keys()].join(', ') || 'none'})`);
  // Default reference group: the largest (ties: first in sort order) — the usual convention.
  const reference = opts.reference ?? [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0][0];
  if (!counts.has(reference)) throw new RangeError(`reference group '${reference}' does not occur in the grouping column (groups: ${[...counts.keys()].join(', ')})`);
  const focals = opts.focal ?? [...counts.keys()].filter((g) => g !== reference).sort();
  for (const f of focals) if (!counts.has(f)) throw new RangeError(`focal group '${f}' does not occur in the grouping column`);
  if (focals.includes(reference)) throw new RangeError(`group '${reference}' cannot be both reference and focal`);
  const maxTotal = totals.reduce((m, t) => (t > m ? t : m), 0);

  const stage = (focal: string, excluded: readonly number[]): DifItemResult[] =>
    itemIds.map((id, j) => {
      const base = { id, reference, focal, nReference: counts.get(reference)!, nFocal: counts.get(focal)! };
      if (maxScores[j] !== 1) {
        const ordinal: OrdinalStratum[] = Array.from({ length: maxTotal + 1 }, () => ({ reference: new Array(maxScores[j] + 1).fill(0), focal: new Array(maxScores[j] + 1).fill(0) }));
        const col = columns[j];
        for (let i = 0; i < groups.length; i++) {
          const g = groups[i];
          if (g !== reference && g !== focal) continue;
          let m = totals[i];
          for (const k of excluded) if (k !== j) m -= columns[k][i];
          (g === reference ? ordinal[m].reference : ordinal[m].focal)[col[i]]++;
        }
        return { ...base, ...mantelHaenszel([]), polytomous: mantelSmd(ordinal) };
      }
      const tables: TwoByTwo[] = Array.from({ length: maxTotal + 1 }, () => ({ a: 0, b: 0, c: 0, d: 0 }));
      const col = columns[j];
      for (let i = 0; i < groups.length; i++) {
        const g = groups[i];
        if (g !== reference && g !== focal) continue;
        let m = totals[i];
        for (const k of excluded) if (k !== j) m -= columns[k][i];
        const t = tables[m];
        if (g === reference) col[i] ? t.a++ : t.b++;
        else col[i] ? t.c++ : t.d++;
      }
      return { ...base, ...mantelHaenszel(tables) };
    });

  const results: DifItemResult[] = [];
  const excludedFromMatching: Record<string, string[]> = {};
  for (const focal of focals) {
    let r = stage(focal, []);
    const flagged = r.flatMap((x, j) => (x.ets === 'B' || x.ets === 'C' || x.polytomous?.ets === 'BB' || x.polytomous?.ets === 'CC' ? [j] : []));
    // Purify only when something is flagged and enough items remain to match on.
    if ((opts.purify ?? true) && flagged.length > 0 && flagged.length < itemIds.length - 1) {
      r = stage(focal, flagged);
      excludedFromMatching[focal] = flagged.map((j) => itemIds[j]);
    } else excludedFromMatching[focal] = [];
    results.push(...r);
  }
  return { results, excludedFromMatching };
}
