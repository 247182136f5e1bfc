/**
 * Ability estimation during a CAT. EAP runs on the bank's precomputed quadrature tables (the
 * posterior after n answers is n table-row adds plus one normalisation), so it costs microseconds;
 * MAP, MLE and WLE use the IRT module's estimators. MLE and WLE are undefined or unstable while
 * every answer is at the minimum or maximum category, so EAP stands in until the pattern is mixed
 * (and whenever the IRT estimator reports no finite maximum).
 */
import type { PreparedBank, PreparedDesign } from './bank.ts';
import type { CatDesign } from './types.ts';
import { irtEstimate } from './irt-ability.ts';

export interface AbilityEstimate {
  theta: number;
  se: number;
}

/**
 * EAP and posterior SD on the prepared quadrature.
 * @param idx item indices, `cat` the category for each.
 */
export function eapOnBank(bank: PreparedBank, logPrior: Float64Array, idx: ArrayLike<number>, cat: ArrayLike<number>, scratch?: Float64Array): AbilityEstimate {
  const Q = bank.nodes.length;
  const lp = scratch ?? new Float64Array(Q);
  lp.set(logPrior);
  const logP = bank.logP;
  for (let r = 0; r < idx.length; r++) {
    const base = bank.logOffset[idx[r]] + cat[r] * Q;
    for (let q = 0; q < Q; q++) lp[q] += logP[base + q];
  }
  let mx = -Infinity;
  for (let q = 0; q < Q; q++) if (lp[q] > mx) mx = lp[q];
  let s = 0;
  let s1 = 0;
  const nodes = bank.nodes;
  for (let q = 0; q < Q; q++) {
    const w = Math.exp(lp[q] - mx);
    lp[q] = w;
    s += w;
    s1 += w * nodes[q];
  }
  const theta = s1 / s;
  let s2 = 0;
  for (let q = 0; q < Q; q++) {
    const d = nodes[q] - theta;
    s2 += lp[q] * d * d;
  }
  return { theta, se: Math.sqrt(s2 / s) };
}

const eapScratch = new Float64Array(1024);

/** θ and SE from the answers so far with the design's estimator. */
export function estimateAbility(bank: PreparedBank, design: CatDesign, pd: PreparedDesign, idx: Int32Array, cat: Int32Array): AbilityEstimate {
  const method = design.estimator?.method ?? 'eap';
  const Q = bank.nodes.length;
  const scratch = Q <= eapScratch.length ? eapScratch.subarray(0, Q) : undefined;
  if (method === 'eap') return eapOnBank(bank, pd.logPrior, idx, cat, scratch);
  if (method === 'mle' || method === 'wle') {
    let anyAboveMin = false;
    let anyBelowMax = false;
    for (let r = 0; r < idx.length; r++) {
      if (cat[r] > 0) anyAboveMin = true;
      if (cat[r] < bank.categories[idx[r]] - 1) anyBelowMax = true;
    }
    if (!anyAboveMin || !anyBelowMax) return eapOnBank(bank, pd.logPrior, idx, cat, scratch);
  }
  const items = Array.from(idx, (j) => bank.items[j]);
  return irtEstimate(method, items, Array.from(cat), design.estimator?.prior ?? { mean: 0, sd: 1 }) ?? eapOnBank(bank, pd.logPrior, idx, cat, scratch);
}
