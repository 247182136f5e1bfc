/**
 * Classification against cut scores on the θ scale, with classification accuracy by Rudner's
 * (2001, 2005) method: an examinee's true θ is taken as N(θ̂, SE²), so the probability that the
 * true level equals the reported one is Φ((c_{k+1} − θ̂)/SE) − Φ((c_k − θ̂)/SE).
 */
import { testInformation, type IrtItem } from '../irt/model.ts';
import { normalQuadrature } from '../irt/quadrature.ts';
import { normalCdf } from './normal.ts';

/** Levels split by ascending cut scores: level k is [cuts[k−1], cuts[k]) (level 0 below the first cut). */
export interface CutScores {
  cuts: number[];
  /** One label per level (cuts.length + 1), e.g. ["Bậc 1", …] or ["fail", "pass"]. */
  labels: string[];
}

export function checkCuts(c: CutScores): void {
  if (c.labels.length !== c.cuts.length + 1) throw new RangeError(`cut scores: ${c.cuts.length} cuts need ${c.cuts.length + 1} labels, got ${c.labels.length}`);
  for (let k = 1; k < c.cuts.length; k++) if (!(c.cuts[k] > c.cuts[k - 1])) throw new RangeError(`cut scores must increase: cuts[${k}] = ${c.cuts[k]} ≤ ${c.cuts[k - 1]}`);
}

/** Level index of θ (a θ exactly at a cut belongs to the higher level). */
export function levelOf(theta: number, cuts: readonly number[]): number {
  let k = 0;
  while (k < cuts.length && theta >= cuts[k]) k++;
  return k;
}

/** Probability of each true level given an estimate θ̂ with standard error SE. */
export function levelProbabilities(theta: number, se: number, cuts: readonly number[]): number[] {
  const out: number[] = [];
  let prev = 0;
  for (let k = 0; k <= cuts.length; k++) {
    const upper = k < cuts.length ? normalCdf((cuts[k] - theta) / se) : 1;
    out.push(upper - prev);
    prev = upper;
  }
  return out;
}

export interface Classification {
  level: number;
  label: string;
  /** Rudner: probability that the true level is the reported one. */
  accuracy: number;
  probabilities: number[];
}

/** Classifies one estimate and states how likely the classification is right. */
export function classify(theta: number, se: number, c: CutScores): Classification {
  checkCuts(c);
  const level = levelOf(theta, c.cuts);
  const probabilities = levelProbabilities(theta, se, c.cuts);
  return { level, label: c.labels[level], accuracy: probabilities[level], probabilities };
}

export interface ClassificationAccuracy {
  /** Expected proportion classified correctly. */
  overall: number;
  /** Per reported level: expected proportion of those reported at the level whose true level it is. */
  byLevel: { label: string; n: number; accuracy: number }[];
  /** Expected counts: matrix[true][reported]. */
  matrix: number[][];
}

/** Rudner's classification accuracy for a group of estimates {θ̂, SE}. */
export function rudnerAccuracy(estimates: readonly { theta: number; se: number }[], c: CutScores): ClassificationAccuracy {
  checkCuts(c);
  const L = c.cuts.length + 1;
  const matrix = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  for (const e of estimates) {
    const rep = levelOf(e.theta, c.cuts);
    const p = levelProbabilities(e.theta, e.se, c.cuts);
    for (let t = 0; t < L; t++) matrix[t][rep] += p[t];
  }
  let correct = 0;
  const byLevel = c.labels.map((label, k) => {
    let n = 0;
    for (let t = 0; t < L; t++) n += matrix[t][k];
    correct += matrix[k][k];
    return { label, n: Math.round(n * 1e9) / 1e9, accuracy: n > 0 ? matrix[k][k] / n : NaN };
  });
  return { overall: estimates.length ? correct / estimates.length : NaN, byLevel, matrix };
}

/**
 * Expected classification accuracy of a fixed test before anyone sits it: true θ over the
 * population grid, θ̂ ~ N(θ, 1/I(θ)) (Rudner's model from the test information).
 */
export function expectedAccuracy(items: readonly IrtItem[], c: CutScores, population = { mean: 0, sd: 1 }, points = 81): number {
  checkCuts(c);
  const quad = normalQuadrature(points, population.mean - 5 * population.sd, population.mean + 5 * population.sd, population.mean, population.sd);
  let acc = 0;
  for (let q = 0; q < points; q++) {
    const t = quad.nodes[q];
    const se = 1 / Math.sqrt(testInformation(items, t));
    const k = levelOf(t, c.cuts);
    const lo = k === 0 ? -Infinity : c.cuts[k - 1];
    const hi = k === c.cuts.length ? Infinity : c.cuts[k];
    acc += quad.weights[q] * (normalCdf((hi - t) / se) - normalCdf((lo - t) / se));
  }
  return acc;
}
