import { describe, expect, it } from 'vitest';
import { alignResponses, eap, estimateAbility } from './ability.ts';
import { itemInformation, logLikelihood, probabilityCorrect, type IrtItem } from './model.ts';

// ltm's 2PL estimates for LSAT (see calibration/em.test.ts for the source).
const a = [0.8253715, 0.7229499, 0.8904748, 0.6885502, 0.6574516];
const b = [-3.3597341, -1.3696497, -0.2798983, -1.8659189, -3.1235725];
const lsat: IrtItem[] = a.map((x, j) => ({ id: `Item ${j + 1}`, model: '2pl', a: x, b: b[j] }));

const mixed: IrtItem[] = [
  { id: 'd1', model: '2pl', a: 1.2, b: -0.5 },
  { id: 'd2', model: '3pl', a: 1.5, b: 0.3, c: 0.2 },
  { id: 'd3', model: 'rasch', a: 1, b: 1 },
  { id: 'g1', model: 'grm', a: 1.4, thresholds: [-1.2, 0, 1.1] },
  { id: 'p1', model: 'gpcm', a: 0.9, steps: [-0.4, 0.6] },
  { id: 'p2', model: 'pcm', a: 1, steps: [0.2, -0.3, 0.8] },
];

describe('ability estimation', () => {
  it("MAP reproduces ltm's empirical-Bayes factor scores on LSAT (θ and SE to 0.001)", () => {
    // ltm factor.scores(ltm(LSAT ~ z1)): pattern → z1 (se.z1)
    const cases: [number[], number, number][] = [
      [[0, 0, 0, 0, 0], -1.895, 0.795],
      [[1, 1, 1, 1, 1], 0.606, 0.855],
      [[0, 1, 1, 1, 1], 0.023, 0.828],
      [[1, 0, 0, 0, 0], -1.373, 0.797],
    ];
    for (const [pat, th, se] of cases) {
      const r = estimateAbility(lsat, pat, { method: 'map' });
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(Math.abs(r.theta - th)).toBeLessThan(0.001);
        expect(Math.abs(r.se - se)).toBeLessThan(0.001);
      }
    }
  });

  it('EAP equals the posterior mean by brute-force integration, for a mix of models', () => {
    const resp = [1, 0, 1, 2, 1, 3];
    const r = eap(mixed, resp);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k <= 4000; k++) {
      const t = -8 + (16 * k) / 4000;
      const w = Math.exp(logLikelihood(mixed, resp, t) - 0.5 * t * t);
      s0 += w;
      s1 += w * t;
      s2 += w * t * t;
    }
    expect(r.theta).toBeCloseTo(s1 / s0, 4);
    expect(r.se).toBeCloseTo(Math.sqrt(s2 / s0 - (s1 / s0) ** 2), 4);
  });

  it('MLE solves the likelihood equation; extreme patterns give a typed statement, not ±Infinity', () => {
    const resp = [1, 0, 1, 0, 1, 2];
    const r = estimateAbility(mixed, resp, { method: 'mle' });
    expect(r.ok).toBe(true);
    if (r.ok) {
      const h = 1e-5;
      const d = (logLikelihood(mixed, resp, r.theta + h) - logLikelihood(mixed, resp, r.theta - h)) / (2 * h);
      expect(Math.abs(d)).toBeLessThan(1e-5);
      let info = 0;
      mixed.forEach((it) => (info += itemInformation(it, r.theta)));
      expect(r.se).toBeCloseTo(1 / Math.sqrt(info), 8);
    }
    const top = estimateAbility(mixed, [1, 1, 1, 3, 2, 3], { method: 'mle' });
    expect(top).toMatchObject({ ok: false, reason: 'extreme-pattern', direction: '+inf' });
    const bottom = estimateAbility(lsat, [0, 0, 0, 0, 0], { method: 'mle' });
    expect(bottom).toMatchObject({ ok: false, reason: 'extreme-pattern', direction: '-inf' });
    if (!bottom.ok) expect(bottom.message).toMatch(/use WLE, MAP or EAP/);
    expect(estimateAbility(lsat, [null, null, null, null, null], { method: 'mle' })).toMatchObject({ ok: false, reason: 'no-responses' });
  });

  it("WLE is finite for all-correct and all-wrong Rasch/2PL patterns and solves Warm's equation", () => {
    const rasch: IrtItem[] = [-1, -0.5, 0, 0.5, 1].map((bb, j) => ({ id: `r${j}`, model: 'rasch', a: 1, b: bb }));
    for (const pat of [[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 1, 0, 1, 0]]) {
      const r = estimateAbility(rasch, pat, { method: 'wle' });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      // Rasch: Σ(x − P) + Σ P(1−P)(1−2P) / (2 Σ P(1−P)) = 0
      let s = 0;
      let I = 0;
      let J = 0;
      rasch.forEach((it, j) => {
        const p = probabilityCorrect(it, r.theta);
        s += pat[j] - p;
        I += p * (1 - p);
        J += p * (1 - p) * (1 - 2 * p);
      });
      expect(Math.abs(s + J / (2 * I))).toBeLessThan(1e-6);
    }
    const lo = estimateAbility(lsat, [0, 0, 0, 0, 0], { method: 'wle' });
    const hi = estimateAbility(lsat, [1, 1, 1, 1, 1], { method: 'wle' });
    expect(lo.ok && hi.ok && lo.theta < hi.theta).toBe(true);
  });

  it('EAP and MAP are finite for extreme patterns and shrink to the prior', () => {
    for (const method of ['eap', 'map'] as const) {
      const r = estimateAbility(lsat, [1, 1, 1, 1, 1], { method, prior: { mean: 0.5, sd: 0.8 } });
      expect(r.ok && Number.isFinite(r.theta) && r.theta > 0.5).toBe(true);
    }
    expect(eap(lsat, [null, null, null, null, null], { mean: 0.3, sd: 1.1 }).theta).toBeCloseTo(0.3, 6);
  });

  it('EAP after 30 responses takes < 0.1 ms', () => {
    const items: IrtItem[] = Array.from({ length: 30 }, (_, j) => ({ id: `x${j}`, model: j % 3 === 0 ? '3pl' : '2pl', a: 0.8 + 0.04 * j, b: -2 + 0.13 * j, c: j % 3 === 0 ? 0.2 : undefined }));
    const resp = items.map((_, j) => (j * 7) % 3 === 0 ? 0 : 1);
    for (let i = 0; i < 5000; i++) eap(items, resp);
    let best = Infinity;
    for (let rep = 0; rep < 5; rep++) {
      const n = 2000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) eap(items, resp);
      best = Math.min(best, (performance.now() - t0) / n);
    }
    expect(best).toBeLessThan(0.1);
  });

  it('aligns {"ITEM": category} responses and rejects unknown items and bad categories', () => {
    expect(alignResponses(mixed, { d2: 1, g1: 3, p1: null })).toEqual([null, 1, null, 3, null, null]);
    expect(() => alignResponses(mixed, { nope: 1 })).toThrow(/unknown item "nope"/);
    expect(() => alignResponses(mixed, { d1: 2 })).toThrow(/item "d1" must be an integer category 0..1/);
    expect(() => estimateAbility(mixed, [5, 0, 0, 0, 0, 0])).toThrow(/not a category/);
  });
});
