import { describe, expect, it } from 'vitest';
import { eap } from '../irt/ability.ts';
import { categoryProbabilities, type IrtItem } from '../irt/model.ts';
import {
  classify,
  classifyForeignLanguageLevel,
  expectedAccuracy,
  itModuleResults,
  normalCdf,
  roundToStep,
  rudnerAccuracy,
  scaleFromMoments,
  scaleScore,
  summedScoreDistribution,
  summedScoreEapTable,
  vnScoreFromPoints,
  vnTenPointScore,
  vnTermAverage,
  vnYearAverage,
  vstepLevel,
} from './index.ts';

const mixed: IrtItem[] = [
  { id: 'a', model: '2pl', a: 1.1, b: -0.4 },
  { id: 'b', model: '3pl', a: 1.4, b: 0.5, c: 0.2 },
  { id: 'c', model: 'grm', a: 0.9, thresholds: [-1, 0.5] },
  { id: 'd', model: 'gpcm', a: 1.2, steps: [0.1, -0.2, 0.7] },
];

describe('scaled scores and the Vietnamese 0–10 scale', () => {
  it('rounds to reporting steps without binary drift', () => {
    expect(roundToStep(7.375, 0.25)).toBe(7.5);
    expect(roundToStep(7.374, 0.25)).toBe(7.25);
    expect(roundToStep(6.45, 0.1)).toBe(6.5);
    expect(roundToStep(0.35, 0.05)).toBe(0.35);
  });
  it('maps θ linearly, clamps and rounds', () => {
    expect(vnTenPointScore(0)).toBe(5);
    expect(vnTenPointScore(3.5)).toBe(10);
    expect(vnTenPointScore(-9)).toBe(0);
    expect(vnTenPointScore(0.4)).toBe(5.75); // 5 + 0.4·10/6 = 5.667 → 5.75
    const s = scaleFromMoments(0, 1, 500, 100, 1);
    expect(scaleScore(1.234, s)).toBe(623);
  });
  it('converts points and averages per TT22', () => {
    expect(vnScoreFromPoints(37, 40)).toBe(9.25);
    expect(() => vnScoreFromPoints(41, 40)).toThrow(/outside/);
    // (7 + 8 + 2·6 + 3·9) / 7 = 54/7 = 7.714 → 7.7
    expect(vnTermAverage([7, 8], 6, 9)).toBe(7.7);
    expect(vnYearAverage(6.4, 7.3)).toBe(7);
  });
});

describe('summed scores (Lord–Wingersky)', () => {
  it('matches brute-force enumeration of all response patterns', () => {
    const theta = 0.3;
    const L = summedScoreDistribution(mixed, theta);
    const brute = new Array(L.length).fill(0);
    const probs = mixed.map((it) => categoryProbabilities(it, theta) as number[]);
    const rec = (j: number, s: number, p: number) => {
      if (j === mixed.length) return void (brute[s] += p);
      probs[j].forEach((pk, k) => rec(j + 1, s + k, p * pk));
    };
    rec(0, 0, 1);
    brute.forEach((v, s) => expect(L[s]).toBeCloseTo(v, 12));
  });
  it('for Rasch items the summed-score EAP equals the pattern EAP (the score is sufficient)', () => {
    const rasch: IrtItem[] = [-1, -0.3, 0.2, 0.9, 1.5].map((b, j) => ({ id: `r${j}`, model: 'rasch', a: 1, b }));
    const table = summedScoreEapTable(rasch);
    expect(table.reduce((s, r) => s + r.proportion, 0)).toBeCloseTo(1, 10);
    for (const pat of [[1, 0, 1, 0, 0], [0, 1, 0, 1, 1], [1, 1, 1, 1, 1]]) {
      const s = pat.reduce((x, y) => x + y, 0);
      expect(table[s].eap).toBeCloseTo(eap(rasch, pat).theta, 5);
      expect(table[s].se).toBeCloseTo(eap(rasch, pat).se, 5);
    }
    for (let s = 1; s < table.length; s++) expect(table[s].eap).toBeGreaterThan(table[s - 1].eap);
  });
});

describe('classification and accuracy (Rudner)', () => {
  it('normal CDF is accurate', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
  it('classifies with the probability of being right', () => {
    const c = { cuts: [0], labels: ['fail', 'pass'] };
    expect(classify(0, 0.3, c)).toMatchObject({ label: 'pass' });
    expect(classify(0, 0.3, c).accuracy).toBeCloseTo(0.5, 6);
    expect(classify(0.6, 0.3, c).accuracy).toBeCloseTo(normalCdf(2), 6);
    expect(() => classify(0, 1, { cuts: [1, 0], labels: ['a', 'b', 'c'] })).toThrow(/increase/);
  });
  it('group accuracy sums the expected confusion matrix', () => {
    const est = [{ theta: -1, se: 0.3 }, { theta: 0.1, se: 0.3 }, { theta: 1.4, se: 0.4 }];
    const r = rudnerAccuracy(est, { cuts: [0, 1], labels: ['low', 'mid', 'high'] });
    const total = r.matrix.flat().reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(3, 10);
    const manual = (normalCdf(1 / 0.3) + (normalCdf(0.9 / 0.3) - normalCdf(-0.1 / 0.3)) + (1 - normalCdf(-0.4 / 0.4))) / 3;
    expect(r.overall).toBeCloseTo(manual, 6);
  });
  it('a longer test classifies more accurately', () => {
    const mk = (n: number): IrtItem[] => Array.from({ length: n }, (_, j) => ({ id: `i${j}`, model: '2pl', a: 1.2, b: -2 + (4 * j) / n }));
    const c = { cuts: [-0.5, 0.5], labels: ['A', 'B', 'C'] };
    expect(expectedAccuracy(mk(40), c)).toBeGreaterThan(expectedAccuracy(mk(10), c));
  });
  it('reports the 6-level framework (Bậc 1–6 = CEFR A1–C2) and IT modules', () => {
    const r = classifyForeignLanguageLevel(0.7, 0.25, [-2, -1, 0, 1, 2]);
    expect(r.level6).toMatchObject({ bac: 4, cefr: 'B2' });
    expect(r.label).toBe('Bậc 4 (B2)');
    expect(vstepLevel(6.5)?.cefr).toBe('B2');
    expect(vstepLevel(3.5)).toBeNull();
    const mods = itModuleResults({ IU01: { theta: 0.4, se: 0.3 }, IU03: { theta: -0.5, se: 0.3 } }, { IU01: 0, IU03: 0 });
    expect(mods.map((m) => m.pass)).toEqual([true, false]);
    expect(() => itModuleResults({ IU99: { theta: 0, se: 1 } }, { IU99: 0 })).toThrow(/unknown IT module/);
  });
});
