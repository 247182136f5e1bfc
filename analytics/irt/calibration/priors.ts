/**
 * Priors on item parameters for MML calibration (Bayes modal estimates when present).
 * Defaults follow BILOG-MG's for the 3PL (log-normal slope, Beta guessing), which is what makes
 * the lower asymptote estimable on real, finite data; 2PL/GRM/GPCM default to plain ML so the
 * results compare with ltm and mirt.
 */
import type { IrtModel } from '../model.ts';

export interface ItemPriors {
  /** log a ~ N(meanlog, sdlog²). */
  a?: { meanlog: number; sdlog: number };
  /** b (and GRM thresholds / GPCM steps) ~ N(mean, sd²). */
  b?: { mean: number; sd: number };
  /** c ~ Beta(alpha, beta). */
  c?: { alpha: number; beta: number };
  /** d ~ Beta(alpha, beta). */
  d?: { alpha: number; beta: number };
}

/** Default priors per model: 3PL a ~ logN(0, 0.5), c ~ Beta(5, 17) (mean ≈ 0.23); 4PL adds d ~ Beta(20, 2) (mode 0.95). */
export function defaultPriors(model: IrtModel): ItemPriors {
  if (model === '3pl') return { a: { meanlog: 0, sdlog: 0.5 }, c: { alpha: 5, beta: 17 } };
  if (model === '4pl') return { a: { meanlog: 0, sdlog: 0.5 }, c: { alpha: 5, beta: 17 }, d: { alpha: 20, beta: 2 } };
  return {};
}

/**
 * Adds the log prior, its gradient and (a negative-definite approximation of) its Hessian
 * diagonal for one slot. Returns the log prior (−Infinity outside the support).
 */
export function priorTerms(kind: 'a' | 'b' | 'c' | 'd', x: number, priors: ItemPriors, grad: Float64Array, hessDiag: Float64Array, idx: number): number {
  if (kind === 'a' && priors.a) {
    if (!(x > 0)) return -Infinity;
    const { meanlog, sdlog } = priors.a;
    const l = Math.log(x);
    const s2 = sdlog * sdlog;
    grad[idx] += -1 / x - (l - meanlog) / (s2 * x);
    hessDiag[idx] += -1 / (s2 * x * x);
    return -l - ((l - meanlog) * (l - meanlog)) / (2 * s2);
  }
  if (kind === 'b' && priors.b) {
    const { mean, sd } = priors.b;
    grad[idx] += -(x - mean) / (sd * sd);
    hessDiag[idx] += -1 / (sd * sd);
    return -((x - mean) * (x - mean)) / (2 * sd * sd);
  }
  if ((kind === 'c' || kind === 'd') && priors[kind]) {
    if (!(x > 0 && x < 1)) return -Infinity;
    const { alpha, beta } = priors[kind]!;
    grad[idx] += (alpha - 1) / x - (beta - 1) / (1 - x);
    hessDiag[idx] += -(alpha - 1) / (x * x) - (beta - 1) / ((1 - x) * (1 - x));
    return (alpha - 1) * Math.log(x) + (beta - 1) * Math.log(1 - x);
  }
  return 0;
}
