/**
 * Classical test theory item and test statistics: p-values, point-biserial and corrected
 * item-total correlations, upper–lower discrimination, Cronbach's alpha / KR-20 with the standard
 * error of measurement, alpha-if-item-deleted. Formulas as in Crocker & Algina (1986), ch. 7 and 14.
 */
import { mean, sampleCorrelation, sampleCovariance, sampleVariance } from 'simple-statistics';
import type { ScoredResponses } from './responses.ts';

/** How cells that are null (not presented / omitted) enter classical statistics. */
export type MissingPolicy = 'zero' | 'listwise';

export interface ItemStatistics {
  id: string;
  /** Persons with a score on the item (before the missing policy). */
  nAnswered: number;
  maxScore: number;
  /** Mean item score divided by the maximum score (proportion correct for dichotomous items). */
  p: number;
  mean: number;
  sd: number;
  /** Pearson r of item score with total score (point-biserial for 0/1 items). null when the item has no variance. */
  pointBiserial: number | null;
  /** Pearson r of item score with total minus the item (corrected item-total correlation). */
  correctedItemTotal: number | null;
  /** Upper–lower 27% discrimination index D = p_upper − p_lower (scores divided by max). */
  discriminationIndex: number;
  /** Cronbach's alpha of the test without this item. */
  alphaIfDeleted: number | null;
}

export interface TestStatistics {
  nPersons: number;
  nItems: number;
  missing: MissingPolicy;
  meanTotal: number;
  sdTotal: number;
  /** Cronbach's alpha (sample variances). */
  alpha: number | null;
  /** KR-20; reported only when every item is dichotomous (then it equals alpha). */
  kr20: number | null;
  /** Standard error of measurement, SD_X √(1 − α). */
  sem: number | null;
}

export interface ItemAnalysis {
  test: TestStatistics;
  items: ItemStatistics[];
  /** Total score per analysed person (aligned with `personIndex`). */
  totals: number[];
  /** Index into the input persons of each analysed person. */
  personIndex: number[];
}

/** Dense columns of item scores after applying the missing policy. */
export interface DenseScores {
  columns: number[][];
  personIndex: number[];
}

/** Applies the missing policy: `zero` scores null as 0 (omitted = wrong), `listwise` drops persons with any null. */
export function denseScores(scored: ScoredResponses, missing: MissingPolicy = 'zero'): DenseScores {
  const nItems = scored.itemIds.length;
  const personIndex: number[] = [];
  scored.scores.forEach((row, p) => {
    if (missing === 'listwise' && row.some((x) => x === null)) return;
    personIndex.push(p);
  });
  const columns: number[][] = [];
  for (let j = 0; j < nItems; j++) columns.push(personIndex.map((p) => scored.scores[p][j] ?? 0));
  return { columns, personIndex };
}

function safeCorrelation(x: number[], y: number[]): number | null {
  if (x.length < 3) return null;
  const r = sampleCorrelation(x, y);
  return Number.isFinite(r) ? r : null;
}

/** Cronbach's alpha from the sum of item variances and the total variance. */
export function cronbachAlpha(k: number, sumItemVariance: number, totalVariance: number): number | null {
  if (k < 2 || !(totalVariance > 0)) return null;
  return (k / (k - 1)) * (1 - sumItemVariance / totalVariance);
}

/**
 * KR-20 = k/(k−1) (1 − Σ p_j q_j / σ²_X) with population variances (Kuder & Richardson, 1937).
 * Algebraically equal to alpha on 0/1 items; computed from its own formula as a cross-check.
 */
export function kr20(columns: number[][], totals: number[]): number | null {
  const k = columns.length;
  const n = totals.length;
  const mt = mean(totals);
  const popVar = totals.reduce((s, t) => s + (t - mt) * (t - mt), 0) / n;
  const sumPQ = columns.reduce((s, c) => {
    const p = mean(c);
    return s + p * (1 - p);
  }, 0);
  return cronbachAlpha(k, sumPQ, popVar);
}

/**
 * Item and test statistics for a scored responses table.
 * The upper and lower groups are the top and bottom 27% by total score (Kelley, 1939).
 */
export function analyseItems(scored: ScoredResponses, opts: { missing?: MissingPolicy } = {}): ItemAnalysis {
  const missing = opts.missing ?? 'zero';
  const { columns, personIndex } = denseScores(scored, missing);
  const n = personIndex.length;
  const k = columns.length;
  if (n < 2) throw new RangeError(`classical analysis needs at least 2 persons (got ${n} after the '${missing}' missing policy)`);
  const totals = new Array<number>(n).fill(0);
  for (const col of columns) for (let i = 0; i < n; i++) totals[i] += col[i];
  const totalVar = sampleVariance(totals);
  const itemVar = columns.map((c) => sampleVariance(c));
  const sumItemVar = itemVar.reduce((s, v) => s + v, 0);
  const alpha = cronbachAlpha(k, sumItemVar, totalVar);
  const dichotomous = scored.maxScores.every((m) => m === 1);

  // Upper and lower 27% groups by total score (ties broken by input order, so results are stable).
  const order = totals.map((t, i) => [t, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const g = Math.max(1, Math.round(0.27 * n));
  const lower = order.slice(0, g).map((x) => x[1]);
  const upper = order.slice(n - g).map((x) => x[1]);

  const items: ItemStatistics[] = columns.map((col, j) => {
    const max = scored.maxScores[j];
    const m = mean(col);
    const rest = totals.map((t, i) => t - col[i]);
    // var(X − x_j) = var(X) − 2 cov(x_j, X) + var(x_j): alpha without item j in O(n).
    const covXT = sampleCovariance(col, totals);
    const restVar = totalVar - 2 * covXT + itemVar[j];
    const pu = upper.reduce((s, i) => s + col[i], 0) / (g * max);
    const pl = lower.reduce((s, i) => s + col[i], 0) / (g * max);
    return {
      id: scored.itemIds[j],
      nAnswered: scored.scores.reduce((s, row) => s + (row[j] === null ? 0 : 1), 0),
      maxScore: max,
      p: m / max,
      mean: m,
      sd: Math.sqrt(itemVar[j]),
      pointBiserial: itemVar[j] > 0 ? safeCorrelation(col, totals) : null,
      correctedItemTotal: itemVar[j] > 0 ? safeCorrelation(col, rest) : null,
      discriminationIndex: pu - pl,
      alphaIfDeleted: cronbachAlpha(k - 1, sumItemVar - itemVar[j], restVar),
    };
  });
  const sdTotal = Math.sqrt(totalVar);
  return {
    test: {
      nPersons: n,
      nItems: k,
      missing,
      meanTotal: mean(totals),
      sdTotal,
      alpha,
      kr20: dichotomous ? kr20(columns, totals) : null,
      sem: alpha === null ? null : sdTotal * Math.sqrt(Math.max(0, 1 - alpha)),
    },
    items,
    totals,
    personIndex,
  };
}
