/**
 * Monte-Carlo CAT studies with the production step function: simulees answer by the bank's own
 * model, `catStepTraced` chooses every item, and the study reports bias, RMSE, length, exposure,
 * pool usage and classification accuracy. `sympsonHetterParameters` computes exposure-control
 * parameters by the iterative simulation of Sympson & Hetter (1985).
 */
import { fillCategoryProbabilities } from '../irt/model.ts';
import type { PreparedBank } from './bank.ts';
import { mulberry32, normal, type Rng } from './rng.ts';
import { catStepTraced } from './step.ts';
import { classify } from './stopping.ts';
import type { CatDesign, CatResponse, StopReason } from './types.ts';

export interface SimulationOptions {
  /** True abilities of the simulees. */
  thetas: readonly number[];
  seed?: number;
  /** Also return every simulee's record (θ, θ̂, SE, items). */
  keepRecords?: boolean;
}

export interface SimuleeRecord {
  theta: number;
  estimate: number;
  se: number;
  items: string[];
  reason: StopReason;
  classification?: number;
}

export interface ConditionalRow {
  theta: number;
  n: number;
  bias: number;
  rmse: number;
  meanSE: number;
  meanLength: number;
}

export interface SimulationResult {
  simulees: number;
  seed: number;
  bias: number;
  rmse: number;
  meanSE: number;
  /** Correlation of θ̂ with θ. */
  correlation: number | null;
  length: { mean: number; min: number; max: number };
  stopReasons: Partial<Record<StopReason, number>>;
  exposure: {
    max: number;
    mean: number;
    /** Items never administered. */
    unused: number;
    /** Proportion of the bank administered at least once. */
    poolUsage: number;
    /** Counts of items by exposure rate band. */
    distribution: { band: string; items: number }[];
    /** Test overlap rate, Σr²/Σr (Chen, Ankenmann & Spray 2003, large-sample form). */
    overlap: number;
    mostExposed: { id: string; rate: number }[];
  };
  classification?: { cuts: number[]; accuracy: number };
  /** Per distinct true θ (grid studies) or per θ band of width 0.5 (random simulees). */
  conditional: ConditionalRow[];
  /** Exposure rate per item id (all items). */
  exposureRates: Record<string, number>;
  records?: SimuleeRecord[];
}

/** Draws a category from the model at θ. */
function drawResponse(bank: PreparedBank, j: number, theta: number, rng: Rng, buf: Float64Array): number {
  const m = fillCategoryProbabilities(bank.items[j], theta, buf);
  let u = rng();
  for (let k = 0; k < m - 1; k++) {
    u -= buf[k];
    if (u < 0) return k;
  }
  return m - 1;
}

/** N(mean, sd) abilities, seeded. */
export function normalThetas(n: number, seed: number, mean = 0, sd = 1): number[] {
  const rng = mulberry32(seed ^ 0x5bd1e995);
  return Array.from({ length: n }, () => normal(rng, mean, sd));
}

/** `lo:hi:step` grid, each point repeated `replications` times. */
export function gridThetas(lo: number, hi: number, step: number, replications: number): number[] {
  const out: number[] = [];
  for (let k = 0; lo + k * step <= hi + 1e-9; k++) {
    const t = Math.round((lo + k * step) * 1e9) / 1e9;
    for (let r = 0; r < replications; r++) out.push(t);
  }
  return out;
}

/**
 * Runs one CAT per simulee. Simulee i uses the selection seed (seed, i) for every step, as the
 * engine uses one seed per candidate, and a separate stream for its answers.
 * `onConsidered(i, j)` sees every selection event (for Sympson–Hetter).
 */
export function simulateCat(
  bank: PreparedBank,
  design: CatDesign,
  opts: SimulationOptions,
  onConsidered?: (simulee: number, j: number) => void,
): SimulationResult {
  const seed = opts.seed ?? 1;
  const N = opts.thetas.length;
  if (N === 0) throw new RangeError('simulation needs at least one simulee');
  const counts = new Float64Array(bank.n);
  const buf = new Float64Array(64);
  const records: SimuleeRecord[] = [];
  const stopReasons: Partial<Record<StopReason, number>> = {};
  const cuts = design.classification?.cuts ?? design.stop?.sprt?.cuts;
  let correct = 0;
  let sumErr = 0;
  let sumSq = 0;
  let sumSE = 0;
  let sumLen = 0;
  let minLen = Infinity;
  let maxLen = 0;
  const est: number[] = [];
  for (let i = 0; i < N; i++) {
    const theta = opts.thetas[i];
    const selSeed = (Math.imul(seed, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
    const answerRng = mulberry32((selSeed ^ 0x27d4eb2f) >>> 0);
    const responses: CatResponse[] = [];
    const trace = onConsidered ? { considered: (j: number) => onConsidered(i, j) } : undefined;
    for (;;) {
      const r = catStepTraced(bank, design, { responses }, mulberry32(selSeed), trace);
      if (r.kind === 'item') {
        const j = bank.index.get(r.itemId)!;
        responses.push({ itemId: r.itemId, category: drawResponse(bank, j, theta, answerRng, buf) });
        continue;
      }
      const len = responses.length;
      for (const x of responses) counts[bank.index.get(x.itemId)!]++;
      const e = r.theta - theta;
      sumErr += e;
      sumSq += e * e;
      sumSE += r.se;
      sumLen += len;
      if (len < minLen) minLen = len;
      if (len > maxLen) maxLen = len;
      stopReasons[r.reason] = (stopReasons[r.reason] ?? 0) + 1;
      est.push(r.theta);
      if (cuts && r.classification && r.classification.index === classify(theta, cuts).index) correct++;
      records.push({ theta, estimate: r.theta, se: r.se, items: responses.map((x) => x.itemId), reason: r.reason, ...(r.classification ? { classification: r.classification.index } : {}) });
      break;
    }
  }
  const rates = Array.from(counts, (c) => c / N);
  const sumR = rates.reduce((s, r) => s + r, 0);
  const sumR2 = rates.reduce((s, r) => s + r * r, 0);
  const bands: [string, (r: number) => boolean][] = [
    ['0', (r) => r === 0],
    ['(0, 0.05]', (r) => r > 0 && r <= 0.05],
    ['(0.05, 0.1]', (r) => r > 0.05 && r <= 0.1],
    ['(0.1, 0.2]', (r) => r > 0.1 && r <= 0.2],
    ['(0.2, 0.3]', (r) => r > 0.2 && r <= 0.3],
    ['(0.3, 0.5]', (r) => r > 0.3 && r <= 0.5],
    ['> 0.5', (r) => r > 0.5],
  ];
  const exposureRates: Record<string, number> = {};
  bank.ids.forEach((id, j) => (exposureRates[id] = rates[j]));
  // Conditional rows: distinct true θ when few (a grid), otherwise bands of 0.5.
  const distinct = new Set(opts.thetas);
  const keyOf = distinct.size <= 41 ? (t: number) => t : (t: number) => Math.round(t * 2) / 2;
  const groups = new Map<number, SimuleeRecord[]>();
  for (const rec of records) {
    const k = keyOf(rec.theta);
    const g = groups.get(k);
    if (g) g.push(rec);
    else groups.set(k, [rec]);
  }
  const conditional = [...groups.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([t, recs]): ConditionalRow => ({
      theta: t,
      n: recs.length,
      bias: recs.reduce((s, r) => s + r.estimate - r.theta, 0) / recs.length,
      rmse: Math.sqrt(recs.reduce((s, r) => s + (r.estimate - r.theta) ** 2, 0) / recs.length),
      meanSE: recs.reduce((s, r) => s + r.se, 0) / recs.length,
      meanLength: recs.reduce((s, r) => s + r.items.length, 0) / recs.length,
    }));
  const mt = opts.thetas.reduce((s, t) => s + t, 0) / N;
  const me = est.reduce((s, t) => s + t, 0) / N;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < N; i++) {
    sxy += (opts.thetas[i] - mt) * (est[i] - me);
    sxx += (opts.thetas[i] - mt) ** 2;
    syy += (est[i] - me) ** 2;
  }
  return {
    simulees: N,
    seed,
    bias: sumErr / N,
    rmse: Math.sqrt(sumSq / N),
    meanSE: sumSE / N,
    correlation: sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null,
    length: { mean: sumLen / N, min: minLen, max: maxLen },
    stopReasons,
    exposure: {
      max: rates.reduce((m, r) => (r > m ? r : m), 0),
      mean: sumR / bank.n,
      unused: rates.filter((r) => r === 0).length,
      poolUsage: rates.filter((r) => r > 0).length / bank.n,
      distribution: bands.map(([band, f]) => ({ band, items: rates.filter(f).length })),
      overlap: sumR > 0 ? sumR2 / sumR : 0,
      mostExposed: rates
        .map((rate, j) => ({ id: bank.ids[j], rate }))
        .sort((x, y) => y.rate - x.rate)
        .slice(0, 10),
    },
    ...(cuts ? { classification: { cuts: cuts.slice(), accuracy: correct / N } } : {}),
    conditional,
    exposureRates,
    ...(opts.keepRecords ? { records } : {}),
  };
}

export interface SympsonHetterOptions {
  /** Target maximum exposure rate r (for example 0.25). */
  rmax: number;
  simulees?: number;
  iterations?: number;
  seed?: number;
  /** Abilities to simulate (default N(0, 1) draws). */
  thetas?: readonly number[];
}

export interface SympsonHetterResult {
  parameters: Record<string, number>;
  /** Max selection and exposure rate seen in each iteration. */
  history: { iteration: number; maxSelection: number; maxExposure: number }[];
}

/**
 * Sympson–Hetter parameters by iterative simulation: start with K = 1; simulate with the current
 * K, measure each item's selection rate P(S) (share of simulees for whom it reached the lottery)
 * and set K = r / P(S) where P(S) > r, else 1; repeat. The design's own exposure settings are
 * replaced by Sympson–Hetter with the running K.
 */
export function sympsonHetterParameters(bank: PreparedBank, design: CatDesign, opts: SympsonHetterOptions): SympsonHetterResult {
  if (!(opts.rmax > 0 && opts.rmax <= 1)) throw new RangeError(`rmax must be in (0, 1], got ${opts.rmax}`);
  const nSim = opts.simulees ?? 1000;
  const iterations = opts.iterations ?? 8;
  const seed = opts.seed ?? 1;
  const K = new Float64Array(bank.n).fill(1);
  const history: SympsonHetterResult['history'] = [];
  for (let it = 1; it <= iterations; it++) {
    const parameters: Record<string, number> = {};
    bank.ids.forEach((id, j) => {
      if (K[j] < 1) parameters[id] = K[j];
    });
    const d: CatDesign = { ...design, exposure: { method: 'sympson-hetter', parameters } };
    const thetas = opts.thetas ?? normalThetas(nSim, seed + it);
    const seen = new Int32Array(bank.n).fill(-1);
    const selected = new Float64Array(bank.n);
    const res = simulateCat(bank, d, { thetas, seed: seed * 7919 + it }, (i, j) => {
      if (seen[j] !== i) {
        seen[j] = i;
        selected[j]++;
      }
    });
    let maxSel = 0;
    for (let j = 0; j < bank.n; j++) {
      const ps = selected[j] / thetas.length;
      if (ps > maxSel) maxSel = ps;
      K[j] = ps > opts.rmax ? opts.rmax / ps : 1;
    }
    history.push({ iteration: it, maxSelection: maxSel, maxExposure: res.exposure.max });
  }
  const parameters: Record<string, number> = {};
  bank.ids.forEach((id, j) => {
    if (K[j] < 1) parameters[id] = Math.round(K[j] * 1e6) / 1e6;
  });
  return { parameters, history };
}
