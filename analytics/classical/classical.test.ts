import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseClassical } from './analyse.ts';
import { mantelHaenszel, mantelHaenszelDif, mantelSmd, etsCategory } from './dif.ts';
import { analyseItems } from './item-analysis.ts';
import { parseAnswerKey, parseResponsesCsv, scoreResponses, ResponsesError } from './responses.ts';
import { mulberry32, normal } from '../cat/rng.ts';

// Five persons × three 0/1 items, small enough to compute every statistic by hand (shown below).
const SMALL = 'person,i1,i2,i3\nP1,1,1,1\nP2,1,1,0\nP3,1,0,0\nP4,0,1,0\nP5,0,0,0\n';

describe('item and test statistics (hand-computed on SMALL)', () => {
  const ia = analyseItems(scoreResponses(parseResponsesCsv(SMALL)));
  it('p-values, alpha, KR-20 and SEM', () => {
    expect(ia.items.map((i) => i.p)).toEqual([0.6, 0.6, 0.2]);
    // Item variances (n−1): 1.2/4 = .3, .3, .8/4 = .2 (sum .8); totals 3,2,1,1,0: Σ(T−1.4)² = 5.2, var 1.3.
    // alpha = 3/2 · (1 − .8/1.3) = 0.576923…
    expect(ia.test.alpha).toBeCloseTo((3 / 2) * (1 - 0.8 / 1.3), 12);
    // KR-20: Σpq = .24+.24+.16 = .64, σ²_X = 5.2/5 = 1.04 -> 1.5·(1 − .64/1.04), the same number.
    expect(ia.test.kr20).toBeCloseTo(1.5 * (1 - 0.64 / 1.04), 12);
    // SEM = √1.3 · √(1 − α) = √(1.3 · .55/1.3) = √.55.
    expect(ia.test.sem).toBeCloseTo(Math.sqrt(0.55), 12);
  });
  it('point-biserial, corrected item-total, alpha-if-deleted, upper–lower D', () => {
    const [i1, , i3] = ia.items;
    // cov(x1, T) = Σ(.4,.4,.4,−.6,−.6)·(1.6,.6,−.4,−.4,−1.4)/4 = 1.8/4 = .45; r = .45/√(.3·1.3).
    expect(i1.pointBiserial).toBeCloseTo(0.45 / Math.sqrt(0.3 * 1.3), 12);
    // rest = 2,1,0,1,0 (var 2.8/4 = .7); cov(x1, rest) = .6/4 = .15; r = .15/√(.3·.7).
    expect(i1.correctedItemTotal).toBeCloseTo(0.15 / Math.sqrt(0.3 * 0.7), 12);
    // without i1: item variances .3 + .2 = .5, total variance .7 -> 2·(1 − .5/.7).
    expect(i1.alphaIfDeleted).toBeCloseTo(2 * (1 - 0.5 / 0.7), 12);
    // without i3: .3 + .3 = .6 over rest 2,2,1,1,0 (var 2.8/4 = .7) -> 2·(1 − .6/.7).
    expect(i3.alphaIfDeleted).toBeCloseTo(2 * (1 - 0.6 / 0.7), 12);
    // 27% of 5 rounds to 1 person per group: upper P1 (3), lower P5 (0).
    expect(i1.discriminationIndex).toBe(1);
    expect(i3.discriminationIndex).toBe(1);
  });
  it('flags an item that lowers alpha and a constant item', () => {
    const r = analyseClassical(parseResponsesCsv('i1,i2,i3,i4\n1,1,0,1\n1,1,0,1\n0,0,1,1\n0,0,1,1\n1,0,0,1\n0,1,1,1\n'));
    const codes = (id: string) => r.items.find((i) => i.id === id)!.flags.map((f) => f.code);
    expect(codes('i3')).toContain('negative-discrimination');
    expect(codes('i4')).toContain('no-variance');
    expect(codes('i4')).toContain('very-easy');
  });
  it('listwise and zero missing policies', () => {
    const raw = parseResponsesCsv('i1,i2\n1,1\n1,\n0,0\nNA,1\n');
    expect(analyseItems(scoreResponses(raw), { missing: 'listwise' }).test.nPersons).toBe(2);
    const z = analyseItems(scoreResponses(raw), { missing: 'zero' });
    expect(z.test.nPersons).toBe(4);
    expect(z.items[0].p).toBe(0.5);
    expect(z.items[0].nAnswered).toBe(3);
  });
});

describe('responses input errors', () => {
  it('names the line and the item', () => {
    expect(() => parseResponsesCsv('i1,i2\n1\n')).toThrow(/line 2: 1 fields, but the header has 2/);
    expect(() => scoreResponses(parseResponsesCsv('i1,i2\n1,x\n'))).toThrow(ResponsesError);
    expect(() => scoreResponses(parseResponsesCsv('i1,i2\n1,x\n'))).toThrow(/item 'i2': 'x'/);
    expect(() => parseResponsesCsv('i1,i1\n1,1\n')).toThrow(/duplicate item id 'i1'/);
    expect(() => parseResponsesCsv('i1\n1\n', { extraColumns: ['sex'] })).toThrow(/column 'sex' not found/);
    expect(() => parseAnswerKey('foo,bar\n1,2')).toThrow(/'item' and 'key'/);
  });
});

describe('Mantel–Haenszel DIF', () => {
  // Two score levels; reference right/wrong A,B; focal right/wrong C,D.
  const tables = [
    { a: 10, b: 10, c: 5, d: 15 }, // N = 40
    { a: 20, b: 5, c: 10, d: 10 }, // N = 45
  ];
  it('matches the hand computation of α_MH, D-DIF, χ² and the RBG standard error', () => {
    const r = mantelHaenszel(tables);
    // α = Σ AD/N / Σ BC/N (Holland & Thayer 1988)
    const R = [(10 * 15) / 40, (20 * 10) / 45];
    const S = [(10 * 5) / 40, (5 * 10) / 45];
    const alpha = (R[0] + R[1]) / (S[0] + S[1]);
    expect(r.alphaMH).toBeCloseTo(alpha, 12);
    expect(r.alphaMH).toBeCloseTo(3.470588, 5);
    expect(r.deltaMH).toBeCloseTo(-2.35 * Math.log(alpha), 12);
    // χ²: ΣA = 30, ΣE(A) = 20·15/40 + 25·30/45, ΣVar(A) = 20·20·15·25/(40²·39) + 25·20·30·15/(45²·44)
    const E = (20 * 15) / 40 + (25 * 30) / 45;
    const V = (20 * 20 * 15 * 25) / (40 * 40 * 39) + (25 * 20 * 30 * 15) / (45 * 45 * 44);
    expect(r.chiSquare).toBeCloseTo((Math.abs(30 - E) - 0.5) ** 2 / V, 12);
    expect(r.chiSquare).toBeCloseTo(5.7707, 3);
    // Robins–Breslow–Greenland: P = (A+D)/N, Q = (B+C)/N
    const P = [25 / 40, 30 / 45];
    const Q = [15 / 40, 15 / 45];
    const sR = R[0] + R[1];
    const sS = S[0] + S[1];
    const varLn =
      (P[0] * R[0] + P[1] * R[1]) / (2 * sR * sR) +
      (P[0] * S[0] + Q[0] * R[0] + P[1] * S[1] + Q[1] * R[1]) / (2 * sR * sS) +
      (Q[0] * S[0] + Q[1] * S[1]) / (2 * sS * sS);
    expect(r.seDelta).toBeCloseTo(2.35 * Math.sqrt(varLn), 12);
    expect(r.favours).toBe('reference');
  });
  it('ETS categories follow Zwick (2012)', () => {
    expect(etsCategory(-0.9, 0.1, 0.001)).toBe('A'); // |D| < 1
    expect(etsCategory(-2.0, 0.5, 0.2)).toBe('A'); // not significant
    expect(etsCategory(-1.2, 0.2, 0.001)).toBe('B');
    expect(etsCategory(1.6, 0.5, 0.001)).toBe('B'); // |D| ≥ 1.5 but not significantly above 1
    expect(etsCategory(-1.8, 0.3, 0.001)).toBe('C');
  });
  it('Mantel chi-square and SMD for a polytomous item match the hand computation', () => {
    // Scores 0..2; counts per category. Stratum 1: R [2,2,1] (sum 4, mean .8), F [3,1,0] (sum 1, mean .25).
    // Stratum 2: R [1,2,3] (sum 8, mean 4/3), F [1,1,1] (sum 3, mean 1).
    const r = mantelSmd([
      { reference: [2, 2, 1], focal: [3, 1, 0] },
      { reference: [1, 2, 3], focal: [1, 1, 1] },
    ]);
    // Mantel (1963): F = Σ focal score sums = 1 + 3; E = Σ n_F/N · T = 4/9·5 + 3/9·11;
    // V = Σ n_R n_F /(N²(N−1)) · (N·ΣY² − T²) = 20/648·(63 − 25) + 18/648·(171 − 121).
    const E = (4 / 9) * 5 + (3 / 9) * 11;
    const V = (20 / 648) * (9 * 7 - 25) + (18 / 648) * (9 * 19 - 121);
    expect(r.chiSquare).toBeCloseTo((4 - E) ** 2 / V, 12);
    // SMD with focal weights: (4·(.25 − .8) + 3·(1 − 4/3)) / 7; SD over all 18 scores: Σy = 16, Σy² = 26.
    const smd = (4 * (0.25 - 0.8) + 3 * (1 - 4 / 3)) / 7;
    expect(r.smd).toBeCloseTo(smd, 12);
    expect(r.smdOverSd).toBeCloseTo(smd / Math.sqrt((26 - 256 / 18) / 17), 12);
    expect(r.ets).toBe('AA'); // χ² ≈ 1.39, p ≈ .24: not significant
  });

  it('finds an item simulated with large DIF against the focal group and leaves the others alone', () => {
    const rng = mulberry32(42);
    const nItems = 20;
    const b = Array.from({ length: nItems }, (_, j) => -1.5 + (3 * j) / (nItems - 1));
    const groups: string[] = [];
    const columns: number[][] = Array.from({ length: nItems }, () => []);
    for (let i = 0; i < 3000; i++) {
      const g = i % 2 ? 'F' : 'R';
      const theta = normal(rng);
      groups.push(g);
      for (let j = 0; j < nItems; j++) {
        const shift = j === 3 && g === 'F' ? 1.2 : 0; // item 3 is harder for the focal group
        const p = 1 / (1 + Math.exp(-1.3 * (theta - b[j] - shift)));
        columns[j].push(rng() < p ? 1 : 0);
      }
    }
    // Two polytomous items (0..2): P0 without DIF, P1 harder for the focal group.
    const rngP = mulberry32(7);
    const poly: number[][] = [[], []];
    groups.forEach((g, i) => {
      const rest = columns.reduce((s, c) => s + c[i], 0);
      const theta = (rest - nItems / 2) / 3; // a proxy of ability good enough for simulation
      for (let k = 0; k < 2; k++) {
        const shift = k === 1 && g === 'F' ? 1 : 0;
        let y = 0;
        for (const step of [-0.5, 0.5]) if (rngP() < 1 / (1 + Math.exp(-1.5 * (theta - step - shift)))) y++;
        poly[k].push(y);
      }
    });
    columns.push(...poly);
    const totals = groups.map((_, i) => columns.reduce((s, c) => s + c[i], 0));
    const ids = [...b.map((_, j) => `I${j}`), 'P0', 'P1'];
    const maxScores = [...b.map(() => 1), 2, 2];
    const all = mantelHaenszelDif(ids, columns, maxScores, totals, groups, { reference: 'R' });
    expect(all.results[nItems].polytomous!.ets).toBe('AA');
    expect(all.results[nItems + 1].polytomous).toMatchObject({ ets: 'CC', favours: 'reference' });
    columns.splice(nItems, 2);
    const dif = mantelHaenszelDif(ids.slice(0, nItems), columns, ids.slice(0, nItems).map(() => 1), groups.map((_, i) => columns.reduce((s, c) => s + c[i], 0)), groups, { reference: 'R' });
    // The purification stage takes the DIF item out of everyone else's matching score.
    expect(dif.excludedFromMatching.F).toContain('I3');
    const res = dif.results;
    expect(res[3].ets).toBe('C');
    expect(res[3].favours).toBe('reference');
    expect(res[3].deltaMH!).toBeLessThan(-1.5);
    const others = res.filter((_, j) => j !== 3);
    expect(others.filter((r) => r.ets === 'C')).toHaveLength(0);
    expect(others.filter((r) => r.ets === 'A').length).toBeGreaterThanOrEqual(17);
  });
});

const SAT12 = '/work/shared/reference/irt';
describe.runIf(existsSync(`${SAT12}/sat12_raw.csv`))('SAT12 (mirt) raw options with the key', () => {
  const raw = parseResponsesCsv(readFileSync(`${SAT12}/sat12_raw.csv`, 'utf8'), { omitCodes: ['8'] });
  const key = parseAnswerKey(readFileSync(`${SAT12}/sat12_key.csv`, 'utf8'));
  const report = analyseClassical(raw, { key });
  it('scoring with the key reproduces mirt’s key2binary scoring (sat12_scored.csv)', () => {
    const scored = parseResponsesCsv(readFileSync(`${SAT12}/sat12_scored.csv`, 'utf8'));
    const ref = analyseItems(scoreResponses(scored));
    expect(report.items.map((i) => i.p)).toEqual(ref.items.map((i) => i.p));
    expect(report.test.alpha).toBeCloseTo(ref.test.alpha!, 12);
  });
  it('option proportions sum to 1 and the key discriminates positively on most items', () => {
    for (const it of report.items) {
      const sum = it.options!.reduce((s, o) => s + o.proportion, 0);
      expect(sum).toBeCloseTo(1, 12);
      const keyOpt = it.options!.find((o) => o.key)!;
      expect(keyOpt.proportion).toBeCloseTo(it.p, 12);
    }
    const positive = report.items.filter((it) => it.options!.find((o) => o.key)!.pointBiserial! > 0);
    expect(positive.length).toBeGreaterThanOrEqual(30);
    expect(report.test.alpha!).toBeGreaterThan(0.7);
  });
});
