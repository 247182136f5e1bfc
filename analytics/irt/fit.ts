/**
 * Model fit and reliability:
 * - item infit/outfit mean-squares (Rasch family; computed for any model) and person fit lz
 *   (Drasgow, Levine & Williams, 1985; polytomous generalisation),
 * - S-X² item fit for dichotomous items (Orlando & Thissen, 2000), groups collapsed from the tails
 *   until every expected cell count is ≥ 1 (as mirt does), df = groups − item parameters,
 * - test information and SE curves, marginal and empirical reliability (as mirt's
 *   marginal_rxx and empirical_rxx).
 */
import { categoryCount, fillCategoryProbabilities, isDichotomous, itemInformation, testInformation, type IrtItem } from './model.ts';
import { normalQuadrature } from './quadrature.ts';
import type { ResponseMatrix } from './responses.ts';
import { summedScoreDistribution } from './lordWingersky.ts';

export interface ItemFit {
  id: string;
  n: number;
  infit: number;
  outfit: number;
}

/** Infit and outfit mean-squares per item given person θ estimates (one per matrix row). */
export function infitOutfit(items: readonly IrtItem[], m: ResponseMatrix, thetas: ArrayLike<number>): ItemFit[] {
  const J = items.length;
  const p = new Float64Array(64);
  const sumZ2 = new Float64Array(J);
  const sumR2 = new Float64Array(J);
  const sumV = new Float64Array(J);
  const n = new Int32Array(J);
  for (let i = 0; i < m.nPersons; i++) {
    const t = thetas[i];
    if (!Number.isFinite(t)) continue;
    for (let j = 0; j < J; j++) {
      const x = m.data[i * J + j];
      if (x < 0) continue;
      const K = fillCategoryProbabilities(items[j], t, p);
      let e = 0;
      for (let k = 1; k < K; k++) e += k * p[k];
      let v = 0;
      for (let k = 0; k < K; k++) v += (k - e) * (k - e) * p[k];
      const r2 = (x - e) * (x - e);
      sumZ2[j] += r2 / v;
      sumR2[j] += r2;
      sumV[j] += v;
      n[j]++;
    }
  }
  return items.map((it, j) => ({ id: it.id, n: n[j], infit: sumR2[j] / sumV[j], outfit: sumZ2[j] / n[j] }));
}

/** Standardised log-likelihood person-fit statistic lz at θ̂ (large negative = aberrant pattern). */
export function personFitLz(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, theta: number): number {
  const p = new Float64Array(64);
  let l0 = 0;
  let e = 0;
  let v = 0;
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (x === null || x === undefined || !(x >= 0)) continue;
    const K = fillCategoryProbabilities(items[j], theta, p);
    let ej = 0;
    let e2 = 0;
    for (let k = 0; k < K; k++) {
      const lp = Math.log(p[k]);
      ej += p[k] * lp;
      e2 += p[k] * lp * lp;
    }
    l0 += Math.log(p[x as number]);
    e += ej;
    v += e2 - ej * ej;
  }
  return (l0 - e) / Math.sqrt(v);
}

/** Regularised lower incomplete gamma P(a, x) (series / continued fraction, Numerical Recipes). */
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const gln = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let del = sum;
    let ap = a;
    for (let n = 0; n < 500; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - gln);
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - gln) * h;
}

function logGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of g) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Upper tail of the χ² distribution. */
export function chiSquareSurvival(x: number, df: number): number {
  if (df <= 0) return NaN;
  return 1 - gammaP(df / 2, x / 2);
}

export interface SX2 {
  id: string;
  sx2: number;
  df: number;
  p: number;
}

function freeParameters(it: IrtItem): number {
  switch (it.model) {
    case 'rasch':
    case '1pl':
      return 1;
    case '2pl':
      return 2;
    case '3pl':
      return 3;
    case '4pl':
      return 4;
    default:
      return categoryCount(it);
  }
}

/**
 * S-X² for every dichotomous item, from persons with complete responses. Polytomous items are
 * allowed in the test (they enter the summed score) but get no S-X² here.
 */
export function sX2(items: readonly IrtItem[], m: ResponseMatrix, population = { mean: 0, sd: 1 }, points = 61): SX2[] {
  const J = items.length;
  let maxS = 0;
  for (const it of items) maxS += categoryCount(it) - 1;
  const quad = normalQuadrature(points, population.mean - 6 * population.sd, population.mean + 6 * population.sd, population.mean, population.sd);
  // observed: persons by score, and correct counts per item and score
  const nS = new Float64Array(maxS + 1);
  const correct = Array.from({ length: J }, () => new Float64Array(maxS + 1));
  for (let i = 0; i < m.nPersons; i++) {
    let s = 0;
    let complete = true;
    for (let j = 0; j < J; j++) {
      const x = m.data[i * J + j];
      if (x < 0) {
        complete = false;
        break;
      }
      s += x;
    }
    if (!complete) continue;
    nS[s]++;
    for (let j = 0; j < J; j++) if (m.data[i * J + j] === 1 && isDichotomous(items[j].model)) correct[j][s]++;
  }
  // f(s) for the whole test, and per item: Σ_q w P_j f_{-j}(s−1)
  const full = new Float64Array(maxS + 1);
  const L = new Float64Array(maxS + 1);
  const results: SX2[] = [];
  for (let q = 0; q < points; q++) {
    summedScoreDistribution(items, quad.nodes[q], L);
    for (let s = 0; s <= maxS; s++) full[s] += quad.weights[q] * L[s];
  }
  for (let j = 0; j < J; j++) {
    const it = items[j];
    if (!isDichotomous(it.model)) continue;
    const rest = items.filter((_, k) => k !== j);
    const num = new Float64Array(maxS + 1);
    const Lr = new Float64Array(maxS);
    const p = new Float64Array(2);
    for (let q = 0; q < points; q++) {
      summedScoreDistribution(rest, quad.nodes[q], Lr);
      fillCategoryProbabilities(it, quad.nodes[q], p);
      for (let s = 1; s <= maxS; s++) num[s] += quad.weights[q] * p[1] * Lr[s - 1];
    }
    // groups s = 1..maxS−1, collapsed from both tails until expected cells ≥ 1
    type G = { n: number; o: number; e: number };
    const groups: G[] = [];
    for (let s = 1; s < maxS; s++) groups.push({ n: nS[s], o: correct[j][s], e: nS[s] * (num[s] / full[s]) });
    const ok = (g: G) => g.e >= 1 && g.n - g.e >= 1;
    const merge = (a: G, b: G): G => ({ n: a.n + b.n, o: a.o + b.o, e: a.e + b.e });
    while (groups.length > 1 && !ok(groups[0])) groups.splice(0, 2, merge(groups[0], groups[1]));
    while (groups.length > 1 && !ok(groups[groups.length - 1])) groups.splice(groups.length - 2, 2, merge(groups[groups.length - 2], groups[groups.length - 1]));
    for (let g = 1; g < groups.length - 1; g++) {
      if (!ok(groups[g])) {
        groups.splice(g, 2, merge(groups[g], groups[g + 1]));
        g--;
      }
    }
    let x2 = 0;
    for (const g of groups) {
      if (g.n === 0) continue;
      const E = g.e / g.n;
      const O = g.o / g.n;
      x2 += (g.n * (O - E) * (O - E)) / (E * (1 - E));
    }
    const df = groups.length - freeParameters(it);
    results.push({ id: it.id, sx2: x2, df, p: df > 0 ? chiSquareSurvival(x2, df) : NaN });
  }
  return results;
}

/** Test information and SE at each θ of a grid. */
export function informationCurve(items: readonly IrtItem[], from = -4, to = 4, step = 0.25): { theta: number; information: number; se: number }[] {
  const out = [];
  for (let t = from; t <= to + 1e-9; t += step) {
    const info = testInformation(items, t);
    out.push({ theta: Math.round(t * 1e9) / 1e9, information: info, se: 1 / Math.sqrt(info) });
  }
  return out;
}

/** Item information curves (one array per item) on the same grid as {@link informationCurve}. */
export function itemInformationCurves(items: readonly IrtItem[], from = -4, to = 4, step = 0.25): number[][] {
  return items.map((it) => {
    const row: number[] = [];
    for (let t = from; t <= to + 1e-9; t += step) row.push(itemInformation(it, t));
    return row;
  });
}

/** Marginal reliability: σ² / (σ² + E[1/I(θ)]) over the population. */
export function marginalReliability(items: readonly IrtItem[], population = { mean: 0, sd: 1 }, points = 61): number {
  const quad = normalQuadrature(points, population.mean - 6 * population.sd, population.mean + 6 * population.sd, population.mean, population.sd);
  let ese2 = 0;
  for (let q = 0; q < points; q++) ese2 += quad.weights[q] / testInformation(items, quad.nodes[q]);
  const v = population.sd * population.sd;
  return v / (v + ese2);
}

/** Empirical reliability of θ estimates with their SEs: var(θ̂) / (var(θ̂) + mean(SE²)). */
export function empiricalReliability(estimates: readonly { theta: number; se: number }[]): number {
  const n = estimates.length;
  const m = estimates.reduce((s, e) => s + e.theta, 0) / n;
  const v = estimates.reduce((s, e) => s + (e.theta - m) ** 2, 0) / (n - 1);
  const se2 = estimates.reduce((s, e) => s + e.se * e.se, 0) / n;
  return v / (v + se2);
}
