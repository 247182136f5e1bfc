import { describe, expect, it } from 'vitest';
import { meanSigma, stockingLord, transformItem, type CommonItem } from './linking.ts';
import { calibrate } from './em.ts';
import { mulberry32, normal, randomItems, simulateResponses } from '../simulate.ts';
import type { IrtItem } from '../model.ts';

describe('linking two forms through common items', () => {
  const truth = { A: 1.3, B: -0.4 };
  const inverse = { A: 1 / truth.A, B: -truth.B / truth.A };

  it('recovers exact constants when the parameters are exact (mean–sigma and Stocking–Lord)', () => {
    const rng = mulberry32(1);
    const base: IrtItem[] = [...randomItems('3pl', 8, rng, 2, 'c'), ...randomItems('grm', 3, rng, 4, 'g')];
    const pairs: CommonItem[] = base.map((to) => ({ to, from: transformItem(to, inverse) }));
    const ms = meanSigma(pairs);
    expect(ms.A).toBeCloseTo(truth.A, 10);
    expect(ms.B).toBeCloseTo(truth.B, 10);
    const sl = stockingLord(pairs, { start: { A: 1, B: 0 } });
    expect(sl.A).toBeCloseTo(truth.A, 5);
    expect(sl.B).toBeCloseTo(truth.B, 5);
  });

  it('links two separate calibrations of overlapping forms', () => {
    const rng = mulberry32(2);
    const bank = randomItems('2pl', 30, rng);
    const formX = bank.slice(0, 20); // items 0..19
    const formY = bank.slice(10, 30); // items 10..29; 10 common
    const gx = Array.from({ length: 3000 }, () => normal(rng, 0, 1));
    const gy = Array.from({ length: 3000 }, () => normal(rng, 0.6, 1.25)); // abler, more spread group
    const cx = calibrate(simulateResponses(formX, gx, rng), { model: '2pl', standardErrors: false });
    const cy = calibrate(simulateResponses(formY, gy, rng), { model: '2pl', standardErrors: false });
    // Y was calibrated with its own group as N(0,1): θ_X = 1.25 θ_Y + 0.6
    const pairs: CommonItem[] = cx.items.slice(10).map((to, k) => ({ to, from: cy.items[k] }));
    const sl = stockingLord(pairs);
    expect(Math.abs(sl.A - 1.25)).toBeLessThan(0.08);
    expect(Math.abs(sl.B - 0.6)).toBeLessThan(0.08);
    const ms = meanSigma(pairs);
    expect(Math.abs(ms.A - 1.25)).toBeLessThan(0.15);
    const moved = cy.items.slice(10).map((it) => transformItem(it, sl));
    moved.forEach((it, k) => expect(Math.abs(it.b! - formY[10 + k].b!)).toBeLessThan(0.25));
  });

  it('refuses mismatched common items', () => {
    expect(() => meanSigma([{ from: { id: 'x', model: '2pl', a: 1, b: 0 }, to: { id: 'x', model: 'grm', a: 1, thresholds: [0, 1] } }, { from: { id: 'y', model: '2pl', a: 1, b: 1 }, to: { id: 'y', model: '2pl', a: 1, b: 1 } }])).toThrow(/model 2pl on one form, grm/);
    expect(() => meanSigma([])).toThrow(/at least 2/);
  });
});
