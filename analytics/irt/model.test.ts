import { describe, expect, it } from 'vitest';
import {
  categoryProbabilities,
  itemInformation,
  logCategoryProbability,
  logLikelihood,
  logProbabilityDerivatives,
  parseParameters,
  ParametersError,
  probabilityCorrect,
  testInformation,
  type IrtItem,
} from './model.ts';

const items: IrtItem[] = [
  { id: 'r', model: 'rasch', a: 1, b: 0.3 },
  { id: 'p2', model: '2pl', a: 1.4, b: -0.5 },
  { id: 'p3', model: '3pl', a: 1.1, b: 0.2, c: 0.2 },
  { id: 'p4', model: '4pl', a: 1.7, b: 0.4, c: 0.15, d: 0.9 },
  { id: 'g', model: 'grm', a: 1.3, thresholds: [-1, 0.2, 1.5] },
  { id: 'gp', model: 'gpcm', a: 0.8, steps: [-0.7, 0.1, 0.9] },
  { id: 'pc', model: 'pcm', a: 1, steps: [0.5, -0.2] },
];

/** Fisher information as E[(d/dθ log P_X)²], by numeric differentiation — model-free check. */
function numericInformation(item: IrtItem, theta: number): number {
  const h = 1e-5;
  const p = categoryProbabilities(item, theta) as number[];
  let info = 0;
  for (let k = 0; k < p.length; k++) {
    const d = (logCategoryProbability(item, theta + h, k) - logCategoryProbability(item, theta - h, k)) / (2 * h);
    info += p[k] * d * d;
  }
  return info;
}

describe('item models', () => {
  it('4PL probability follows c + (d − c)/(1 + exp(−a(θ − b)))', () => {
    const it4 = items[3];
    const t = 0.9;
    expect(probabilityCorrect(it4, t)).toBeCloseTo(0.15 + 0.75 / (1 + Math.exp(-1.7 * (t - 0.4))), 12);
  });

  it('category probabilities sum to 1 for every model', () => {
    for (const it of items) for (const t of [-3, -0.5, 0, 1.2, 4]) {
      const p = categoryProbabilities(it, t) as number[];
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
    }
  });

  it('GPCM matches the defining formula P(X = k) ∝ exp(Σ a(θ − b_v))', () => {
    const g = items[5];
    const t = 0.4;
    const z = [0, 0.8 * (t + 0.7), 0.8 * (t + 0.7) + 0.8 * (t - 0.1), 0.8 * (t + 0.7) + 0.8 * (t - 0.1) + 0.8 * (t - 0.9)];
    const s = z.reduce((acc, v) => acc + Math.exp(v), 0);
    const p = categoryProbabilities(g, t) as number[];
    z.forEach((v, k) => expect(p[k]).toBeCloseTo(Math.exp(v) / s, 12));
  });

  it('Fisher information equals E[score²] for every model (analytic vs numeric)', () => {
    for (const it of items) for (const t of [-2, -0.3, 0.5, 2.5]) {
      expect(itemInformation(it, t)).toBeCloseTo(numericInformation(it, t), 6);
    }
  });

  it('log-probability derivatives agree with finite differences', () => {
    const out = new Float64Array(3);
    const h = 1e-4;
    for (const it of items) for (let k = 0; k < (categoryProbabilities(it, 0) as number[]).length; k++) for (const t of [-1.1, 0.7]) {
      logProbabilityDerivatives(it, t, k, out);
      const f = (x: number) => logCategoryProbability(it, x, k);
      expect(out[0]).toBeCloseTo((f(t + h) - f(t - h)) / (2 * h), 5);
      expect(out[1]).toBeCloseTo((f(t + h) - 2 * f(t) + f(t - h)) / (h * h), 3);
    }
  });

  it('test information is the sum and the log-likelihood skips missing responses', () => {
    expect(testInformation(items, 0.2)).toBeCloseTo(items.reduce((s, it) => s + itemInformation(it, 0.2), 0), 12);
    const resp = [1, null, 0, NaN, 2, -1, 1];
    const ll = logLikelihood(items, resp, 0.1);
    const manual = logCategoryProbability(items[0], 0.1, 1) + logCategoryProbability(items[2], 0.1, 0) + logCategoryProbability(items[4], 0.1, 2) + logCategoryProbability(items[6], 0.1, 1);
    expect(ll).toBeCloseTo(manual, 12);
  });
});

describe('parseParameters', () => {
  it('reads a mixed test and defaults rasch a to 1', () => {
    const p = parseParameters(JSON.stringify({ model: 'mixed', items: [{ id: 'x', model: 'rasch', b: 0.1 }, { id: 'y', model: 'grm', a: 1.2, thresholds: [-1, 1] }] }));
    expect(p.items[0]).toEqual({ id: 'x', model: 'rasch', a: 1, b: 0.1 });
    expect(p.items[1].thresholds).toEqual([-1, 1]);
  });

  it('names the item and field at fault', () => {
    const bad = (doc: unknown) => () => parseParameters(doc);
    expect(bad('{nope')).toThrow(/not valid JSON/);
    expect(bad({ model: '2pl', items: [{ id: 'q1', a: 1 }] })).toThrow(/items\[0\] \(id "q1"\): "b" is required/);
    expect(bad({ model: '3pl', items: [{ id: 'q1', a: 1, b: 0, c: 1.2 }] })).toThrow(/"c" must be in \[0, 1\)/);
    expect(bad({ model: 'grm', items: [{ id: 'q', a: 1, thresholds: [1, 0] }] })).toThrow(/strictly increasing/);
    expect(bad({ model: '2pl', items: [{ id: 'q', a: 1, b: 0 }, { id: 'q', a: 1, b: 0 }] })).toThrow(/duplicate id/);
    expect(bad({ model: 'foo', items: [] })).toThrow(ParametersError);
    expect(bad({ model: '2pl', items: [{ id: 'q', a: -1, b: 0 }] })).toThrow(/"a" must be > 0/);
  });
});
