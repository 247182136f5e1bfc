/**
 * Summed-score scoring: the Lord–Wingersky (1984) recursion for P(summed score = s | θ) under any
 * mix of dichotomous and polytomous items, and the summed-score-to-EAP conversion table
 * (Thissen & Wainer, 2001) that reports θ from the number-correct score.
 */
import { categoryCount, type IrtItem } from '../irt/model.ts';
import { summedScoreDistribution } from '../irt/lordWingersky.ts';

export { summedScoreDistribution };
import { normalQuadrature } from '../irt/quadrature.ts';

export interface SummedScoreRow {
  score: number;
  /** EAP[θ | S = s] and the posterior SD. */
  eap: number;
  se: number;
  /** Model-implied proportion of the population with this score. */
  proportion: number;
}

/** Summed-score → EAP table over a normal population (default N(0, 1)), on a 61-node grid. */
export function summedScoreEapTable(items: readonly IrtItem[], population = { mean: 0, sd: 1 }, points = 61): SummedScoreRow[] {
  const quad = normalQuadrature(points, population.mean - 6 * population.sd, population.mean + 6 * population.sd, population.mean, population.sd);
  let max = 0;
  for (const it of items) max += categoryCount(it) - 1;
  const s0 = new Float64Array(max + 1);
  const s1 = new Float64Array(max + 1);
  const s2 = new Float64Array(max + 1);
  const L = new Float64Array(max + 1);
  for (let q = 0; q < points; q++) {
    const t = quad.nodes[q];
    const w = quad.weights[q];
    summedScoreDistribution(items, t, L);
    for (let s = 0; s <= max; s++) {
      const v = L[s] * w;
      s0[s] += v;
      s1[s] += v * t;
      s2[s] += v * t * t;
    }
  }
  const rows: SummedScoreRow[] = [];
  for (let s = 0; s <= max; s++) {
    const m = s1[s] / s0[s];
    rows.push({ score: s, eap: m, se: Math.sqrt(Math.max(s2[s] / s0[s] - m * m, 0)), proportion: s0[s] });
  }
  return rows;
}
