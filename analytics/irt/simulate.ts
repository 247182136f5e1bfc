/**
 * Seeded simulation of item responses (parameter-recovery studies, tests, benchmarks).
 * Pure: the caller passes the RNG.
 */
import { categoryCount, fillCategoryProbabilities, type IrtItem, type IrtModel } from './model.ts';
import type { ResponseMatrix } from './responses.ts';

import { normal, type Rng } from '../random.ts';
export { mulberry32, normal, type Rng } from '../random.ts';

/** Draws one response category for an item at θ. */
export function drawResponse(item: IrtItem, theta: number, rng: Rng, buf: Float64Array): number {
  const n = fillCategoryProbabilities(item, theta, buf);
  let u = rng();
  for (let k = 0; k < n - 1; k++) {
    u -= buf[k];
    if (u < 0) return k;
  }
  return n - 1;
}

/** Simulates a full persons × items matrix; `missingRate` blanks cells at random (not presented). */
export function simulateResponses(items: IrtItem[], thetas: ArrayLike<number>, rng: Rng, missingRate = 0): ResponseMatrix {
  const J = items.length;
  const N = thetas.length;
  const data = new Int16Array(N * J);
  const buf = new Float64Array(Math.max(...items.map(categoryCount)));
  for (let i = 0; i < N; i++)
    for (let j = 0; j < J; j++) data[i * J + j] = missingRate > 0 && rng() < missingRate ? -1 : drawResponse(items[j], thetas[i], rng, buf);
  return { itemIds: items.map((it) => it.id), nPersons: N, nItems: J, data };
}

/** Random item parameters of a model, in the ranges usual for recovery studies. */
export function randomItems(model: IrtModel, n: number, rng: Rng, categories = 4, prefix = 'i'): IrtItem[] {
  const items: IrtItem[] = [];
  for (let j = 0; j < n; j++) {
    const id = `${prefix}${j + 1}`;
    const a = model === 'rasch' || model === 'pcm' ? 1 : model === '1pl' ? 1.2 : Math.exp(normal(rng, 0.1, 0.3));
    if (model === 'grm' || model === 'gpcm' || model === 'pcm') {
      const loc = normal(rng, 0, 0.8);
      const t: number[] = [];
      for (let k = 0; k < categories - 1; k++) t.push(loc + (k - (categories - 2) / 2) * 1.0 + normal(rng, 0, 0.15));
      if (model === 'grm') items.push({ id, model, a, thresholds: t.sort((x, y) => x - y) });
      else items.push({ id, model, a, steps: t });
    } else {
      const b = normal(rng, 0, 1);
      const it: IrtItem = { id, model, a, b };
      if (model === '3pl' || model === '4pl') it.c = 0.1 + 0.15 * rng();
      if (model === '4pl') it.d = 0.9 + 0.08 * rng();
      items.push(it);
    }
  }
  return items;
}
