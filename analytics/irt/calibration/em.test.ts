/**
 * Calibration accuracy against published R results and seeded parameter recovery.
 *
 * Published values used (see docs/psychometrics.md, "Validation against R"):
 * - ltm `ltm(LSAT ~ z1)` (2PL, LSAT section 6): logLik −2466.653; b −3.3597, −1.3696, −0.2799,
 *   −1.8659, −3.1236; a 0.8254, 0.7229, 0.8905, 0.6886, 0.6575; SEs b .8669 .3073 .0997 .4341
 *   .8700, a .2581 .1867 .2326 .1852 .2100 (ltm summary output, Rizopoulos 2006 JSS 17(5)).
 * - ltm `rasch(LSAT)` (common slope, θ ~ N(0,1) = Assay's 1pl): logLik −2466.938; slope .7551;
 *   b −3.6153 −1.3224 −0.3176 −1.7301 −2.7802, SEs .3266 .1422 .0977 .1691 .2510.
 *   mirt's `itemtype = 'Rasch'` on LSAT6 prints the same log-likelihood −2466.938 (a = 1, free variance).
 * - ltm `rasch(LSAT, constraint = cbind(6, 1))` (a = 1, θ ~ N(0,1)): logLik −2473.054.
 * - mirt `mirt(expand.table(LSAT7), 1)` (2PL): logLik −2658.805 (mirt's anova() example).
 * - mirt `mirt(Science, 1)` (GRM): logLik −1608.870; slopes 1.0418 1.2260 2.2934 1.0949.
 *   mirt `mirt(Science, 1, 'gpcm')`: logLik −1612.683.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, CalibrationError } from './em.ts';
import { mulberry32, normal, randomItems, simulateResponses } from '../simulate.ts';
import { responseMatrix } from '../responses.ts';
import type { IrtItem } from '../model.ts';
import { readPatterns, readReference, REFERENCE_MISSING, referenceAvailable } from '../tests/reference-data.ts';

const ref = referenceAvailable ? describe : describe.skip;
if (!referenceAvailable) console.warn(`[irt calibration tests] skipped: ${REFERENCE_MISSING}`);

ref(`published R results (ltm, mirt) — skipped if absent: ${referenceAvailable ? 'present' : REFERENCE_MISSING}`, () => {
  it('2PL on LSAT6 agrees with ltm to 0.01 (a, b, logLik) and its SEs', () => {
    const r = calibrate(readReference('lsat6.csv'), { model: '2pl' });
    const b = [-3.3597, -1.3696, -0.2799, -1.8659, -3.1236];
    const a = [0.8254, 0.7229, 0.8905, 0.6886, 0.6575];
    const seB = [0.8669, 0.3073, 0.0997, 0.4341, 0.87];
    const seA = [0.2581, 0.1867, 0.2326, 0.1852, 0.21];
    r.items.forEach((it, j) => {
      expect(Math.abs(it.b! - b[j])).toBeLessThan(0.01);
      expect(Math.abs(it.a - a[j])).toBeLessThan(0.01);
      expect(Math.abs((r.standardErrors![it.id].b as number) - seB[j])).toBeLessThan(0.01);
      expect(Math.abs((r.standardErrors![it.id].a as number) - seA[j])).toBeLessThan(0.01);
    });
    expect(Math.abs(r.logLik - -2466.653)).toBeLessThan(0.01);
    expect(r.converged).toBe(true);
    expect(r.nParameters).toBe(10);
    expect(r.aic).toBeCloseTo(-2 * r.logLik + 20, 8);
    expect(r.nPatterns).toBe(30);
  });

  it("1pl on LSAT6 is ltm's rasch(LSAT): common slope .7551, logLik −2466.938", () => {
    const r = calibrate(readReference('lsat6.csv'), { model: '1pl' });
    const b = [-3.6153, -1.3224, -0.3176, -1.7301, -2.7802];
    const se = [0.3266, 0.1422, 0.0977, 0.1691, 0.251];
    r.items.forEach((it, j) => {
      expect(Math.abs(it.a - 0.7551)).toBeLessThan(0.002);
      expect(Math.abs(it.b! - b[j])).toBeLessThan(0.01);
      expect(Math.abs((r.standardErrors![it.id].b as number) - se[j])).toBeLessThan(0.005);
    });
    expect(Math.abs(r.logLik - -2466.938)).toBeLessThan(0.01);
    expect(r.nParameters).toBe(6);
  });

  it('rasch on LSAT6: a = 1 with the ability SD estimated (= the 1pl slope), same likelihood', () => {
    const r = calibrate(readReference('lsat6.csv'), { model: 'rasch' });
    const b1pl = [-3.6153, -1.3224, -0.3176, -1.7301, -2.7802];
    expect(Math.abs(r.population.sd - 0.7551)).toBeLessThan(0.002);
    r.items.forEach((it, j) => {
      expect(it.a).toBe(1);
      expect(Math.abs(it.b! - b1pl[j] * 0.7551)).toBeLessThan(0.01);
    });
    expect(Math.abs(r.logLik - -2466.938)).toBeLessThan(0.01);
  });

  it("rasch with θ ~ N(0,1) fixed matches ltm's constrained rasch (logLik −2473.054)", () => {
    const r = calibrate(readReference('lsat6.csv'), { model: 'rasch', raschVarianceFree: false });
    expect(Math.abs(r.logLik - -2473.054)).toBeLessThan(0.01);
  });

  it('2PL on LSAT7 matches mirt (logLik −2658.805); the pattern table gives the same fit', () => {
    const r = calibrate(readReference('lsat7.csv'), { model: '2pl', standardErrors: false });
    expect(Math.abs(r.logLik - -2658.805)).toBeLessThan(0.01);
    const p = calibrate(readPatterns('lsat7_patterns.csv'), { model: '2pl', standardErrors: false });
    expect(p.logLik).toBeCloseTo(r.logLik, 6);
    p.items.forEach((it, j) => expect(it.a).toBeCloseTo(r.items[j].a, 6));
  });

  it('GRM on Science (4 items) matches mirt: logLik −1608.870, slopes to 0.01', () => {
    const r = calibrate(readReference('science4_mirt.csv', 1), { model: 'grm', quadraturePoints: 61 });
    const a = [1.0418, 1.226, 2.2934, 1.0949];
    expect(Math.abs(r.logLik - -1608.87)).toBeLessThan(0.01);
    r.items.forEach((it, j) => {
      expect(Math.abs(it.a - a[j])).toBeLessThan(0.01);
      expect(it.thresholds).toHaveLength(3);
    });
  });

  it('GPCM on Science reaches at least mirt’s log-likelihood (−1612.683; mirt stops 0.17 short at TOL 1e-4)', () => {
    const r = calibrate(readReference('science4_mirt.csv', 1), { model: 'gpcm', quadraturePoints: 61, standardErrors: false });
    expect(r.logLik).toBeGreaterThanOrEqual(-1612.683);
    expect(r.logLik - -1612.683).toBeLessThan(0.2);
  });

  it('3PL on real data (SAT12, 600 × 32) converges with the default priors and gives finite SEs', () => {
    const r = calibrate(readReference('sat12_scored.csv'), { model: '3pl' });
    expect(r.converged).toBe(true);
    expect(r.warnings).toEqual([]);
    for (const it of r.items) {
      expect(it.c!).toBeGreaterThan(0.02);
      expect(it.c!).toBeLessThan(0.45);
      const se = r.standardErrors![it.id];
      for (const k of ['a', 'b', 'c']) expect(Number.isFinite(se[k] as number) && (se[k] as number) > 0).toBe(true);
    }
    // the priors cost little likelihood against the 2PL on the same data
    const two = calibrate(readReference('sat12_scored.csv'), { model: '2pl', standardErrors: false });
    expect(r.logLik).toBeGreaterThan(two.logLik);
  });

  it('3PL on LSAT6 converges with the default priors (Beta(5,17) on c, logN(0,0.5) on a)', () => {
    const r = calibrate(readReference('lsat6.csv'), { model: '3pl' });
    expect(r.converged).toBe(true);
    for (const it of r.items) expect(it.c!).toBeGreaterThan(0.05);
    expect(r.logLik).toBeGreaterThan(-2470);
  });
});

function rmse(x: number[], y: number[]): number {
  return Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / x.length);
}

describe('parameter recovery on seeded simulated data', () => {
  it('2PL 5,000 × 40: RMSE of a and b < 0.1', () => {
    const rng = mulberry32(20261123);
    const truth = randomItems('2pl', 40, rng);
    const thetas = Array.from({ length: 5000 }, () => normal(rng));
    const r = calibrate(simulateResponses(truth, thetas, rng), { model: '2pl', standardErrors: false });
    expect(r.converged).toBe(true);
    expect(rmse(r.items.map((i) => i.a), truth.map((i) => i.a))).toBeLessThan(0.1);
    expect(rmse(r.items.map((i) => i.b!), truth.map((i) => i.b!))).toBeLessThan(0.1);
  });

  it('the E-step split across two worker threads gives the same fit as one thread', () => {
    const rng = mulberry32(8);
    const truth = [...randomItems('2pl', 8, rng, 2, 'd'), ...randomItems('grm', 4, rng, 3, 'g')];
    const thetas = Array.from({ length: 1500 }, () => normal(rng));
    const m = simulateResponses(truth, thetas, rng, 0.1);
    const itemModels = Object.fromEntries(truth.map((t) => [t.id, t.model]));
    const one = calibrate(m, { itemModels, standardErrors: false, threads: 1 });
    const two = calibrate(m, { itemModels, standardErrors: false, threads: 2 });
    expect(two.logLik).toBeCloseTo(one.logLik, 6);
    two.items.forEach((it, j) => expect(it.a).toBeCloseTo(one.items[j].a, 6));
    expect(two.iterations).toBe(one.iterations);
  });

  it('handles missing responses (30% not presented) and still recovers 2PL parameters', () => {
    const rng = mulberry32(7);
    const truth = randomItems('2pl', 20, rng);
    const thetas = Array.from({ length: 4000 }, () => normal(rng));
    const r = calibrate(simulateResponses(truth, thetas, rng, 0.3), { model: '2pl', standardErrors: false });
    expect(rmse(r.items.map((i) => i.b!), truth.map((i) => i.b!))).toBeLessThan(0.12);
    expect(rmse(r.items.map((i) => i.a), truth.map((i) => i.a))).toBeLessThan(0.12);
  });

  it('mixed test: 2PL, GRM and GPCM items calibrate together', () => {
    const rng = mulberry32(99);
    const truth: IrtItem[] = [...randomItems('2pl', 10, rng, 2, 'd'), ...randomItems('grm', 5, rng, 4, 'g'), ...randomItems('gpcm', 5, rng, 3, 'p')];
    const thetas = Array.from({ length: 3000 }, () => normal(rng));
    const itemModels = Object.fromEntries(truth.map((t) => [t.id, t.model]));
    const r = calibrate(simulateResponses(truth, thetas, rng), { itemModels, standardErrors: false });
    expect(r.model).toBe('mixed');
    expect(rmse(r.items.map((i) => i.a), truth.map((i) => i.a))).toBeLessThan(0.12);
    const loc = (it: IrtItem) => it.b ?? (it.thresholds ?? it.steps)!.reduce((s, x) => s + x, 0) / (it.thresholds ?? it.steps)!.length;
    expect(rmse(r.items.map(loc), truth.map(loc))).toBeLessThan(0.12);
  });

  it('fixed-parameter calibration puts pretest items on the bank scale', () => {
    const rng = mulberry32(5);
    const bank = randomItems('2pl', 20, rng, 2, 'bank');
    const pretest = randomItems('2pl', 5, rng, 2, 'new');
    // this cohort is abler and more spread than the bank's calibration sample
    const thetas = Array.from({ length: 4000 }, () => normal(rng, 0.5, 1.2));
    const m = simulateResponses([...bank, ...pretest], thetas, rng);
    const r = calibrate(m, { model: '2pl', anchors: bank, standardErrors: false });
    expect(r.anchored).toHaveLength(20);
    expect(Math.abs(r.population.mean - 0.5)).toBeLessThan(0.08);
    expect(Math.abs(r.population.sd - 1.2)).toBeLessThan(0.08);
    r.items.slice(0, 20).forEach((it, j) => expect(it.b).toBe(bank[j].b));
    const est = r.items.slice(20);
    expect(rmse(est.map((i) => i.b!), pretest.map((i) => i.b!))).toBeLessThan(0.15);
    expect(rmse(est.map((i) => i.a), pretest.map((i) => i.a))).toBeLessThan(0.15);
  });

  it('Rasch recovers difficulties and the ability SD from score groups', () => {
    const rng = mulberry32(11);
    const truth = randomItems('rasch', 30, rng);
    const thetas = Array.from({ length: 3000 }, () => normal(rng, 0, 1.3));
    const r = calibrate(simulateResponses(truth, thetas, rng), { model: 'rasch', standardErrors: false });
    expect(Math.abs(r.population.sd - 1.3)).toBeLessThan(0.08);
    expect(rmse(r.items.map((i) => i.b!), truth.map((i) => i.b!))).toBeLessThan(0.1);
  });
});

describe('bad data gets a clear error naming the item', () => {
  it('refuses category 2 under a dichotomous model', () => {
    const m = responseMatrix(['q1', 'q2'], [[0, 1], [2, 0], [1, 1]]);
    expect(() => calibrate(m, { model: '2pl' })).toThrow(/item "q1": model 2pl is dichotomous but category 2 occurs/);
  });
  it('refuses an empty middle category and a constant item', () => {
    const m = responseMatrix(['q1', 'q2'], [[0, 1], [2, 0], [2, 1]]);
    expect(() => calibrate(m, { model: 'grm' })).toThrow(/item "q1": no responses in category 1/);
    const c = responseMatrix(['q1', 'q2'], [[0, 1], [0, 0], [0, 1]]);
    expect(() => calibrate(c, { model: '2pl' })).toThrow(CalibrationError);
  });
});
