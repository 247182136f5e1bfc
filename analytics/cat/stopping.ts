/**
 * Stopping rules, combinable: always stop at `maxItems`; after `minItems`, stop when SE(θ) reaches
 * the target or when the SPRT classifies the candidate. SPRT (Wald; Reckase 1983) compares
 * L(c + δ) with L(c − δ) at each cut c; with several cuts (Eggen 1999) the candidate is classified
 * into category k once the test is decided "above" cut k − 1 and "below" cut k.
 */
import { logLikelihood } from '../irt/model.ts';
import type { PreparedBank } from './bank.ts';
import type { CatClassification, CatDesign, StopReason } from './types.ts';

export interface SprtOutcome {
  /** Category index decided by the SPRT, or null while undecided. */
  decided: number | null;
  /** log L(c + δ) − log L(c − δ) per cut. */
  logRatios: number[];
}

/** SPRT over the answers so far (items and categories aligned). */
export function sprt(bank: PreparedBank, design: CatDesign, idx: Int32Array, cat: Int32Array): SprtOutcome | null {
  const s = design.stop?.sprt;
  if (!s || s.cuts.length === 0) return null;
  const delta = s.delta ?? 0.3;
  const alpha = s.alpha ?? 0.05;
  const beta = s.beta ?? 0.05;
  const upper = Math.log((1 - beta) / alpha);
  const lower = Math.log(beta / (1 - alpha));
  const items = Array.from(idx, (j) => bank.items[j]);
  const resp = Array.from(cat);
  const logRatios = s.cuts.map((c) => logLikelihood(items, resp, c + delta) - logLikelihood(items, resp, c - delta));
  const m = s.cuts.length;
  for (let k = 0; k <= m; k++) {
    const aboveBelow = k === 0 || logRatios[k - 1] >= upper;
    const belowAbove = k === m || logRatios[k] <= lower;
    if (aboveBelow && belowAbove) return { decided: k, logRatios };
  }
  return { decided: null, logRatios };
}

/** Category of θ against sorted cuts (θ at a cut counts as reaching it). */
export function classify(theta: number, cuts: readonly number[], labels?: readonly string[]): CatClassification {
  let k = 0;
  while (k < cuts.length && theta >= cuts[k]) k++;
  return labels && labels[k] !== undefined ? { index: k, label: labels[k] } : { index: k };
}

/** Decides whether to stop before selecting item n + 1. */
export function stopDecision(
  bank: PreparedBank,
  design: CatDesign,
  n: number,
  se: number,
  idx: Int32Array,
  cat: Int32Array,
): { reason: StopReason; sprtCategory?: number } | null {
  const st = design.stop ?? {};
  const maxItems = Math.min(st.maxItems ?? bank.n, bank.n);
  if (n >= maxItems) return { reason: 'max-items' };
  if (n < Math.max(1, st.minItems ?? 1)) return null;
  if (st.seTarget !== undefined && se <= st.seTarget) return { reason: 'se-target' };
  const s = sprt(bank, design, idx, cat);
  if (s && s.decided !== null) return { reason: 'sprt', sprtCategory: s.decided };
  return null;
}
