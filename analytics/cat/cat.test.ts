import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eap as irtEap, estimateAbility as irtEstimateAbility } from '../irt/ability.ts';
import { itemInformation } from '../irt/model.ts';
import { CatError, gridInformation, prepareBank, type PreparedBank } from './bank.ts';
import { eapOnBank } from './estimate.ts';
import { catItemsFromCsv, catItemsFromParameters } from './params.ts';
import { mulberry32, normal } from './rng.ts';
import { gridThetas, normalThetas, simulateCat, sympsonHetterParameters } from './simulate.ts';
import { catStep } from './step.ts';
import type { CatDesign, CatItem, CatResponse } from './types.ts';

const TCALS = '/work/shared/reference/irt/tcals_bank.csv';
const hasTcals = existsSync(TCALS);
if (!hasTcals) console.warn(`${TCALS} is absent: the tests on the real tcals bank are skipped`);

/** A seeded synthetic 2PL bank with content areas (a good bank: a in [1, 2], b spread over [−3, 3]). */
function syntheticBank(n: number, seed: number, areas = ['A', 'B', 'C']): CatItem[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, j) => ({
    id: `S${j + 1}`,
    model: '2pl' as const,
    a: 1 + rng(),
    b: -3 + 6 * rng(),
    content: areas[j % areas.length],
  }));
}

function answerAll(bank: PreparedBank, design: CatDesign, theta: number, seed: number, responseSeed = seed + 1) {
  const rng = mulberry32(responseSeed);
  const responses: CatResponse[] = [];
  for (;;) {
    const r = catStep(bank, design, { responses }, mulberry32(seed));
    if (r.kind === 'stop') return { result: r, responses };
    const item = bank.items[bank.index.get(r.itemId)!];
    const p = 1 / (1 + Math.exp(-item.a * (theta - item.b!)));
    const pc = (item.c ?? 0) + (1 - (item.c ?? 0)) * p;
    responses.push({ itemId: r.itemId, category: rng() < pc ? 1 : 0 });
  }
}

describe.runIf(hasTcals)('tcals bank (catR, 85 3PL items in 5 content groups)', () => {
  const items = catItemsFromCsv(readFileSync(TCALS, 'utf8'));
  const bank = prepareBank(items);

  it('reads the bank with its content groups', () => {
    expect(items).toHaveLength(85);
    expect(bank.areas).toEqual(['Audio1', 'Audio2', 'Written1', 'Written2', 'Written3']);
    expect(items[0]).toMatchObject({ id: '1', model: '3pl', a: 2.225, b: -1.885, c: 0.21 });
  });

  it('maximum Fisher information picks the most informative remaining item', () => {
    const rng = mulberry32(7);
    for (let trial = 0; trial < 40; trial++) {
      // A random set of answered items; θ̂ is whatever EAP gives; the pick must maximise I(θ̂).
      const responses: CatResponse[] = [];
      const k = Math.floor(rng() * 10);
      for (let r = 0; r < k; r++) {
        const id = items[Math.floor(rng() * items.length)].id;
        if (!responses.some((x) => x.itemId === id)) responses.push({ itemId: id, category: rng() < 0.5 ? 1 : 0 });
      }
      const res = catStep(bank, {}, { responses }, mulberry32(trial));
      expect(res.kind).toBe('item');
      if (res.kind !== 'item') continue;
      const answered = new Set(responses.map((x) => x.itemId));
      let best = -1;
      for (const it of items) if (!answered.has(it.id)) best = Math.max(best, itemInformation(it, res.theta));
      const picked = itemInformation(items[bank.index.get(res.itemId)!], res.theta);
      // The grid interpolation (step 0.05) may swap near-ties only.
      expect(picked).toBeGreaterThanOrEqual(best * 0.999);
      expect(answered.has(res.itemId)).toBe(false);
    }
  });

  it('meets the blueprint proportions', () => {
    const design: CatDesign = { content: { blueprint: { Audio1: 0.4, Written1: 0.4, Written3: 0.2 } }, stop: { maxItems: 10 } };
    for (let s = 0; s < 30; s++) {
      const { responses } = answerAll(bank, design, normal(mulberry32(s)), s);
      const count = (area: string) => responses.filter((x) => items[bank.index.get(x.itemId)!].content === area).length;
      expect(responses).toHaveLength(10);
      expect([count('Audio1'), count('Written1'), count('Written3')]).toEqual([4, 4, 2]);
    }
  });

  it('never gives two enemies to one candidate', () => {
    // Make the most informative items around θ = 0 enemies of each other, in two groups.
    const byInfo = items.map((it) => it.id).sort((x, y) => itemInformation(items[bank.index.get(y)!], 0) - itemInformation(items[bank.index.get(x)!], 0));
    const groups = [byInfo.slice(0, 4), byInfo.slice(4, 8)];
    const design: CatDesign = { enemies: groups, stop: { maxItems: 25 }, exposure: { method: 'randomesque', randomesque: 3 } };
    const sim = simulateCat(bank, design, { thetas: normalThetas(200, 3), seed: 3, keepRecords: true });
    for (const rec of sim.records!) for (const g of groups) expect(rec.items.filter((id) => g.includes(id)).length).toBeLessThanOrEqual(1);
    // Item-level enemies (in the parameters JSON) work the same way.
    const withEnemy = items.map((it) => (it.id === byInfo[0] ? { ...it, enemies: [byInfo[1]] } : it));
    const b2 = prepareBank(withEnemy);
    const sim2 = simulateCat(b2, { stop: { maxItems: 30 } }, { thetas: gridThetas(-1, 1, 0.5, 20), seed: 4, keepRecords: true });
    for (const rec of sim2.records!) expect(rec.items.includes(byInfo[0]) && rec.items.includes(byInfo[1])).toBe(false);
  });
});

describe('catStep contract', () => {
  const items = syntheticBank(300, 11);
  const bank = prepareBank(items);

  it('is deterministic given the seed, and the seed matters under randomesque', () => {
    const design: CatDesign = { exposure: { method: 'randomesque', randomesque: 5 }, stop: { maxItems: 15 } };
    const a = answerAll(bank, design, 0.3, 99, 5);
    const b = answerAll(bank, design, 0.3, 99, 5);
    expect(b.responses).toEqual(a.responses);
    expect(b.result).toEqual(a.result);
    const c = answerAll(bank, design, 0.3, 100, 5);
    expect(c.responses.map((x) => x.itemId)).not.toEqual(a.responses.map((x) => x.itemId));
  });

  it('the threshold-algorithm MFI equals a full scan of the interpolated information, within content areas too', () => {
    const rng = mulberry32(17);
    const blueprint = { A: 0.5, B: 0.3, C: 0.2 };
    for (let trial = 0; trial < 60; trial++) {
      const responses: CatResponse[] = [];
      const used = new Set<number>();
      const k = Math.floor(rng() * 25);
      while (responses.length < k) {
        const j = Math.floor(rng() * items.length);
        if (used.has(j)) continue;
        used.add(j);
        responses.push({ itemId: items[j].id, category: rng() < 0.5 ? 1 : 0 });
      }
      const design: CatDesign = trial % 2 ? { content: { blueprint } } : {};
      const r = catStep(bank, design, { responses }, mulberry32(trial));
      if (r.kind !== 'item') throw new Error('expected an item');
      const area = items[bank.index.get(r.itemId)!].content!;
      let best = -1;
      let bestJ = -1;
      items.forEach((it, j) => {
        if (used.has(j) || (trial % 2 && it.content !== area)) return;
        const v = gridInformation(bank, j, r.theta);
        if (v > best) [best, bestJ] = [v, j];
      });
      expect(r.itemId).toBe(items[bestJ].id);
    }
  });

  it('KL selection picks the item with the largest KL information over θ̂ ± 3/√n (Chang & Ying 1996), computed directly', () => {
    const rng = mulberry32(23);
    for (let trial = 0; trial < 10; trial++) {
      const responses: CatResponse[] = [];
      const n = 1 + Math.floor(rng() * 15);
      for (let r = 0; r < n; r++) responses.push({ itemId: items[(trial * 31 + r * 7) % items.length].id, category: rng() < 0.5 ? 1 : 0 });
      const res = catStep(bank, { selection: { method: 'kl' } }, { responses }, mulberry32(trial));
      if (res.kind !== 'item') throw new Error('expected an item');
      const half = 3 / Math.sqrt(n);
      const nodes = Array.from(bank.nodes).filter((x) => x >= res.theta - half && x <= res.theta + half);
      const kl = (it: CatItem) => {
        const p0 = 1 / (1 + Math.exp(-it.a * (res.theta - it.b!)));
        return nodes.reduce((s, t) => {
          const p = 1 / (1 + Math.exp(-it.a * (t - it.b!)));
          return s + p0 * Math.log(p0 / p) + (1 - p0) * Math.log((1 - p0) / (1 - p));
        }, 0);
      };
      const answered = new Set(responses.map((x) => x.itemId));
      const best = items.filter((it) => !answered.has(it.id)).reduce((m, it) => (kl(it) > kl(m) ? it : m));
      expect(res.itemId).toBe(best.id);
    }
  });

  it('refuses responses that do not fit the bank, naming the response', () => {
    expect(() => catStep(bank, {}, { responses: [{ itemId: 'nope', category: 1 }] }, mulberry32(1))).toThrow(/responses\[0\]: item 'nope' is not in the CAT bank/);
    expect(() => catStep(bank, {}, { responses: [{ itemId: 'S1', category: 2 }] }, mulberry32(1))).toThrow(CatError);
    expect(() =>
      catStep(bank, {}, { responses: [{ itemId: 'S1', category: 1 }, { itemId: 'S1', category: 0 }] }, mulberry32(1)),
    ).toThrow(/responses\[1\]: item 'S1' was already answered/);
  });

  it('start rules: fixed θ, random in a range, from prior information', () => {
    const fixed = catStep(bank, { start: { method: 'fixed', theta: 1.5 } }, { responses: [] }, mulberry32(1));
    expect(fixed).toMatchObject({ kind: 'item', theta: 1.5 });
    const thetas = Array.from({ length: 20 }, (_, s) => catStep(bank, { start: { method: 'random', range: [-2, -1] } }, { responses: [] }, mulberry32(s)).theta);
    for (const t of thetas) expect(t >= -2 && t <= -1).toBe(true);
    expect(new Set(thetas).size).toBeGreaterThan(10);
    const prior = catStep(bank, { start: { method: 'prior', theta: 0 } }, { responses: [], priorTheta: -0.7 }, mulberry32(1));
    expect(prior.theta).toBe(-0.7);
    // The first item is then the most informative at the start θ.
    const first = catStep(bank, { start: { method: 'fixed', theta: 2 } }, { responses: [] }, mulberry32(1));
    const best = items.reduce((m, it) => (itemInformation(it, 2) > itemInformation(m, 2) ? it : m));
    expect(first.kind === 'item' && first.itemId).toBe(best.id);
  });

  it('EAP on the prepared quadrature agrees with the IRT module’s EAP', () => {
    const rng = mulberry32(5);
    for (let t = 0; t < 10; t++) {
      const idx = Int32Array.from({ length: 30 }, (_, r) => (r * 7 + t * 13) % items.length);
      const cat = Int32Array.from(idx, () => (rng() < 0.5 ? 1 : 0));
      const logPrior = Float64Array.from(bank.nodes, (x) => -0.5 * x * x);
      const mine = eapOnBank(bank, logPrior, idx, cat);
      const ref = irtEap(Array.from(idx, (j) => items[j]), Array.from(cat));
      expect(mine.theta).toBeCloseTo(ref.theta, 8);
      expect(mine.se).toBeCloseTo(ref.se, 8);
    }
  });

  it('MLE and WLE come from the IRT module once the pattern is mixed, EAP before', () => {
    const responses: CatResponse[] = [
      { itemId: 'S1', category: 1 },
      { itemId: 'S2', category: 1 },
    ];
    const allRight = catStep(bank, { estimator: { method: 'mle' } }, { responses }, mulberry32(1));
    const eapRes = catStep(bank, {}, { responses }, mulberry32(1));
    expect(allRight.theta).toBeCloseTo(eapRes.theta, 12);
    responses.push({ itemId: 'S3', category: 0 });
    for (const method of ['mle', 'wle'] as const) {
      const r = catStep(bank, { estimator: { method } }, { responses }, mulberry32(1));
      const ref = irtEstimateAbility([items[0], items[1], items[2]], [1, 1, 0], { method });
      expect(ref.ok).toBe(true);
      if (ref.ok) expect(r.theta).toBeCloseTo(ref.theta, 10);
    }
  });

  it('selection methods: a-stratified starts in the lowest-a stratum; KL and random give eligible items', () => {
    const r = catStep(bank, { selection: { method: 'astrat', strata: 4 }, stop: { maxItems: 20 } }, { responses: [] }, mulberry32(1));
    expect(r.kind).toBe('item');
    const sortedA = items.map((x) => x.a).sort((x, y) => x - y);
    if (r.kind === 'item') expect(items[bank.index.get(r.itemId)!].a).toBeLessThanOrEqual(sortedA[74]);
    for (const method of ['kl', 'random'] as const) {
      const { responses, result } = answerAll(bank, { selection: { method }, stop: { maxItems: 12 } }, 0.5, 3);
      expect(responses).toHaveLength(12);
      expect(new Set(responses.map((x) => x.itemId)).size).toBe(12);
      expect(result.reason).toBe('max-items');
    }
  });

  it('stopping rules fire: SE target after the minimum length, maximum length, pool exhausted', () => {
    const design: CatDesign = { stop: { seTarget: 0.35, minItems: 5, maxItems: 40 } };
    const sim = simulateCat(bank, design, { thetas: normalThetas(100, 8), seed: 8, keepRecords: true });
    for (const rec of sim.records!) {
      expect(rec.items.length).toBeGreaterThanOrEqual(5);
      expect(rec.items.length).toBeLessThanOrEqual(40);
      if (rec.reason === 'se-target') expect(rec.se).toBeLessThanOrEqual(0.35);
      else expect(rec.reason).toBe('max-items');
    }
    expect(sim.stopReasons['se-target']).toBeGreaterThan(80);
    const small = prepareBank(items.slice(0, 6));
    const { result, responses } = answerAll(small, {}, 0, 1);
    expect(result.reason).toBe('max-items');
    expect(responses).toHaveLength(6);
    const blueprintOnly = answerAll(bank, { content: { blueprint: { A: 1 } } }, 0, 1);
    expect(blueprintOnly.result.reason).toBe('pool-exhausted');
    expect(blueprintOnly.responses).toHaveLength(100);
  });

  it('SPRT classifies around the cut score, quickly when θ is far from it', () => {
    const design: CatDesign = { stop: { sprt: { cuts: [0], delta: 0.3 }, maxItems: 60 }, classification: { cuts: [0], labels: ['fail', 'pass'] } };
    const sim = simulateCat(bank, design, { thetas: [...gridThetas(-2, -1, 0.5, 40), ...gridThetas(1, 2, 0.5, 40)], seed: 12, keepRecords: true });
    expect(sim.classification!.accuracy).toBeGreaterThan(0.97);
    expect(sim.stopReasons.sprt).toBeGreaterThan(220);
    expect(sim.length.mean).toBeLessThan(15);
    const one = answerAll(bank, design, 2, 4);
    expect(one.result).toMatchObject({ kind: 'stop', reason: 'sprt', classification: { index: 1, label: 'pass' } });
  });
});

describe('simulation studies', () => {
  it('recovers θ with small bias on a good bank', () => {
    const bank = prepareBank(syntheticBank(400, 21));
    const sim = simulateCat(bank, { stop: { maxItems: 30 } }, { thetas: gridThetas(-2, 2, 0.5, 60), seed: 2 });
    expect(Math.abs(sim.bias)).toBeLessThan(0.05);
    expect(sim.rmse).toBeLessThan(0.35);
    expect(sim.correlation!).toBeGreaterThan(0.95);
    // EAP shrinks towards the prior mean a little at the extremes; 30 items keep that small.
    for (const row of sim.conditional) expect(Math.abs(row.bias)).toBeLessThan(0.15);
    expect(sim.conditional).toHaveLength(9);
  });

  it('Sympson–Hetter parameters from simulation hold exposure near the target in a fresh simulation', () => {
    const bank = prepareBank(syntheticBank(200, 31));
    const design: CatDesign = { stop: { maxItems: 15 } };
    const free = simulateCat(bank, design, { thetas: normalThetas(500, 40), seed: 40 });
    expect(free.exposure.max).toBeGreaterThan(0.5);
    const sh = sympsonHetterParameters(bank, design, { rmax: 0.2, simulees: 500, iterations: 6, seed: 3 });
    const controlled = simulateCat(bank, { ...design, exposure: { method: 'sympson-hetter', parameters: sh.parameters } }, { thetas: normalThetas(1000, 41), seed: 41 });
    expect(controlled.exposure.max).toBeLessThanOrEqual(0.2 + 0.04);
    expect(controlled.exposure.poolUsage).toBeGreaterThan(free.exposure.poolUsage);
    expect(Math.abs(controlled.bias)).toBeLessThan(0.1);
  });

  it('randomesque spreads exposure', () => {
    const bank = prepareBank(syntheticBank(200, 31));
    const thetas = normalThetas(300, 50);
    const free = simulateCat(bank, { stop: { maxItems: 15 } }, { thetas, seed: 1 });
    const rq = simulateCat(bank, { stop: { maxItems: 15 }, exposure: { method: 'randomesque', randomesque: 5 } }, { thetas, seed: 1 });
    expect(rq.exposure.max).toBeLessThan(free.exposure.max);
    expect(rq.exposure.overlap).toBeLessThan(free.exposure.overlap);
  });
});

describe('polytomous and mixed banks', () => {
  it('runs GRM, GPCM and 2PL items in one CAT and recovers θ', () => {
    const rng = mulberry32(77);
    const items: CatItem[] = Array.from({ length: 150 }, (_, j) => {
      const b = -2.5 + 5 * rng();
      const a = 1 + rng();
      if (j % 3 === 0) return { id: `G${j}`, model: 'grm', a, thresholds: [b - 1, b, b + 1] };
      if (j % 3 === 1) return { id: `P${j}`, model: 'gpcm', a, steps: [b - 0.8, b + 0.8] };
      return { id: `D${j}`, model: '2pl', a, b };
    });
    const bank = prepareBank(items);
    for (const method of ['mfi', 'kl'] as const) {
      const sim = simulateCat(bank, { selection: { method }, stop: { maxItems: 20 } }, { thetas: gridThetas(-2, 2, 1, 40), seed: 6, keepRecords: true });
      expect(Math.abs(sim.bias)).toBeLessThan(0.08);
      expect(sim.rmse).toBeLessThan(0.35);
      // Polytomous items carry more information, so MFI should use them.
      const poly = sim.records!.flatMap((r) => r.items).filter((id) => !id.startsWith('D')).length;
      expect(poly / (sim.simulees * 20)).toBeGreaterThan(0.5);
    }
  });

  it('SPRT with several cuts classifies into the right band (Eggen 1999)', () => {
    const bank = prepareBank(syntheticBank(300, 5));
    const design: CatDesign = { stop: { sprt: { cuts: [-1, 1], delta: 0.3 }, minItems: 3, maxItems: 60 } };
    const sim = simulateCat(bank, design, { thetas: [...gridThetas(-2.5, -2.5, 1, 30), ...gridThetas(0, 0, 1, 30), ...gridThetas(2.5, 2.5, 1, 30)], seed: 2, keepRecords: true });
    const byTheta = (t: number) => sim.records!.filter((r) => r.theta === t);
    expect(byTheta(-2.5).filter((r) => r.classification === 0).length).toBeGreaterThanOrEqual(28);
    expect(byTheta(0).filter((r) => r.classification === 1).length).toBeGreaterThanOrEqual(28);
    expect(byTheta(2.5).filter((r) => r.classification === 2).length).toBeGreaterThanOrEqual(28);
    expect(sim.classification!.accuracy).toBeGreaterThan(0.93);
  });
});

describe('parameters JSON for CAT', () => {
  it('keeps content and enemies and names bad fields', () => {
    const items = catItemsFromParameters({ model: '2pl', items: [{ id: 'x', a: 1, b: 0, content: 'A', enemies: ['y'] }, { id: 'y', a: 1.2, b: 1 }] });
    expect(items[0]).toMatchObject({ id: 'x', content: 'A', enemies: ['y'] });
    expect(() => catItemsFromParameters({ model: '2pl', items: [{ id: 'x', a: 1, b: 0, enemies: 'y' }] })).toThrow(/items\[0\] \(id "x"\): "enemies"/);
    expect(() => prepareDesign2(items)).toThrow(/blueprint: no bank item has content area 'Z'/);
  });
});

function prepareDesign2(items: CatItem[]) {
  const bank = prepareBank(items);
  return catStep(bank, { content: { blueprint: { Z: 1 } } }, { responses: [] }, mulberry32(1));
}
