/** Lord–Wingersky (1984) recursion: the distribution of the summed score given θ, for any mix of models. */
import { categoryCount, fillCategoryProbabilities, type IrtItem } from './model.ts';

/**
 * P(S = s | θ) for s = 0..Σ m_j, by the Lord–Wingersky recursion. `out` (length ≥ max + 1) is
 * filled and returned.
 */
export function summedScoreDistribution(items: readonly IrtItem[], theta: number, out?: Float64Array): Float64Array {
  let max = 0;
  for (const it of items) max += categoryCount(it) - 1;
  const L = out ?? new Float64Array(max + 1);
  const next = new Float64Array(max + 1);
  const p = new Float64Array(64);
  L.fill(0);
  L[0] = 1;
  let cur = 0;
  for (const it of items) {
    const K = fillCategoryProbabilities(it, theta, p);
    next.fill(0, 0, cur + K);
    for (let s = 0; s <= cur; s++) {
      const ls = L[s];
      if (ls === 0) continue;
      for (let k = 0; k < K; k++) next[s + k] += ls * p[k];
    }
    cur += K - 1;
    for (let s = 0; s <= cur; s++) L[s] = next[s];
  }
  return L;
}

