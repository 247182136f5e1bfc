import { describe, expect, it } from 'vitest';
import { eap } from './ability.ts';
import { empiricalReliability, infitOutfit, informationCurve, marginalReliability, personFitLz, sX2, chiSquareSurvival } from './fit.ts';
import { mulberry32, normal, randomItems, simulateResponses } from './simulate.ts';
import type { IrtItem } from './model.ts';

describe('fit and reliability', () => {
  const rng = mulberry32(314);
  const items = randomItems('2pl', 15, rng);
  const thetas = Array.from({ length: 2000 }, () => normal(rng));
  const m = simulateResponses(items, thetas, rng);

  it('χ² survival function is right', () => {
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquareSurvival(18.307038, 10)).toBeCloseTo(0.05, 5);
  });

  it('infit/outfit are near 1 for data from the model', () => {
    const fit = infitOutfit(items, m, thetas);
    for (const f of fit) {
      expect(f.infit).toBeGreaterThan(0.85);
      expect(f.infit).toBeLessThan(1.15);
      expect(f.outfit).toBeGreaterThan(0.7);
      expect(f.outfit).toBeLessThan(1.3);
    }
  });

  it('S-X² accepts fitting items and flags a misspecified one', () => {
    const ok = sX2(items, m);
    expect(ok).toHaveLength(15);
    expect(ok.filter((r) => r.p < 0.01).length).toBeLessThanOrEqual(1);
    for (const r of ok) expect(r.df).toBeGreaterThan(0);
    // claim item 0 discriminates far less than it does
    const wrong: IrtItem[] = items.map((it, j) => (j === 0 ? { ...it, a: 0.2, b: it.b! + 1.5 } : it));
    expect(sX2(wrong, m)[0].p).toBeLessThan(0.001);
  });

  it('lz is about standard normal for model data and very negative for a reversed pattern', () => {
    const lz = thetas.slice(0, 500).map((t, i) => personFitLz(items, Array.from(m.data.subarray(i * 15, i * 15 + 15)), t));
    const mean = lz.reduce((s, x) => s + x, 0) / lz.length;
    expect(Math.abs(mean)).toBeLessThan(0.2);
    const sorted = [...items].map((it, j) => [it.b!, j] as const).sort((x, y) => x[0] - y[0]);
    const reversed = new Array(15).fill(0);
    sorted.slice(-7).forEach(([, j]) => (reversed[j] = 1)); // hardest right, easiest wrong
    expect(personFitLz(items, reversed, 0)).toBeLessThan(-2.5);
  });

  it('marginal and empirical reliability agree for EAP scores; the SE curve is 1/√I', () => {
    const rel = marginalReliability(items);
    const est = Array.from({ length: m.nPersons }, (_, i) => eap(items, m.data.subarray(i * 15, i * 15 + 15)));
    const emp = empiricalReliability(est);
    expect(rel).toBeGreaterThan(0.5);
    expect(Math.abs(rel - emp)).toBeLessThan(0.05);
    const curve = informationCurve(items, -2, 2, 1);
    expect(curve).toHaveLength(5);
    for (const c of curve) expect(c.se).toBeCloseTo(1 / Math.sqrt(c.information), 12);
  });
});
