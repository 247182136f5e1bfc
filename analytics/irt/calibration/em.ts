/**
 * Marginal maximum likelihood calibration by EM (Bock & Aitkin, 1981) on a fixed quadrature grid,
 * for any mix of rasch, 1pl, 2pl, 3pl, 4pl, grm, gpcm and pcm items.
 *
 * - E-step: identical response rows are compressed into patterns with frequencies; each pattern
 *   touches only its non-zero and missing cells (category-0 log-probabilities are summed once per
 *   node), so the cost is ~ (non-zero cells) × nodes. Missing cells (not presented) drop out of the
 *   likelihood, so CAT data and multi-form data with common items calibrate.
 * - M-step: per item Fisher scoring on the expected complete-data log-likelihood (plus log priors);
 *   shared slopes (1pl, rasch) are updated from the summed item terms.
 * - Acceleration: SQUAREM (Varadhan & Roland, 2008) around the EM map, with a monotonicity
 *   fall-back to plain EM steps.
 * - Standard errors: observed information = −∂S/∂η, the numerical (central-difference) Jacobian
 *   of the analytic marginal score S (Fisher's identity: the gradient of the expected complete-data
 *   log-likelihood at the current parameters), inverted in full. The latent mean/SD (when
 *   estimated) are held at their estimates for the SEs.
 *
 * rasch vs 1pl exactly as in R's ltm: `1pl` = one common slope with θ ~ N(0, 1); `rasch` = every
 * slope 1 with the ability variance estimated. The latter is fitted as the former (θ = σz) and
 * transformed back (b = σβ, SE by the delta method), which is the same likelihood.
 */
import { itemToJson, type IrtItem, type IrtModel } from '../model.ts';
import { availableParallelism } from 'node:os';
import { setNormalWeights } from '../quadrature.ts';
import { ParallelEStep, sharedFloat64, sharedInt32From } from './parallel.ts';
import type { ResponseMatrix } from '../responses.ts';
import { probsAndJacobian, slotCount } from './jacobian.ts';
import { defaultPriors, priorTerms, type ItemPriors } from './priors.ts';

export interface CalibrationOptions {
  /** Model for every item (default 2pl). */
  model?: IrtModel;
  /** Per-item models by item id (mixed tests); items not listed use `model`. */
  itemModels?: Record<string, IrtModel>;
  /** Fixed-parameter calibration: these items keep their parameters (the bank's scale). */
  anchors?: IrtItem[];
  /** Priors: 'default' (per model, see priors.ts), 'none', or explicit priors for every item. */
  priors?: 'default' | 'none' | ItemPriors;
  /** Quadrature nodes (default 41) and range (default [-6, 6]). */
  quadraturePoints?: number;
  thetaRange?: [number, number];
  /** Convergence: largest parameter change of one EM step (default 1e-4, mirt's TOL). */
  tolerance?: number;
  /** Maximum E-steps (default 5000). */
  maxIterations?: number;
  /** Compute standard errors (default true). */
  standardErrors?: boolean;
  /** SQUAREM acceleration (default true). */
  accelerate?: boolean;
  /** Estimate the latent mean and SD (default: true when anchors are given, else false). */
  estimateLatent?: boolean;
  /**
   * rasch only: estimate the ability variance (default true, Assay's `rasch`). false fixes
   * θ ~ N(0, 1) with every slope 1 — ltm's `rasch(data, constraint = cbind(p + 1, 1))`.
   */
  raschVarianceFree?: boolean;
  /**
   * Threads for the E-step (default: 2 — or fewer cores — when the pattern work exceeds ~3·10⁷
   * cell-nodes per E-step, e.g. 100,000 × 60; otherwise 1).
   */
  threads?: number;
}

/** Standard errors of one item's parameters, by name (thresholds/steps as arrays). */
export type ItemStandardErrors = Record<string, number | number[]>;

export interface CalibrationResult {
  model: IrtModel | 'mixed';
  items: IrtItem[];
  standardErrors?: Record<string, ItemStandardErrors>;
  seMethod?: string;
  /** Ability distribution on the reported scale. */
  population: { mean: number; sd: number };
  logLik: number;
  aic: number;
  bic: number;
  nParameters: number;
  nPersons: number;
  nPatterns: number;
  nItems: number;
  iterations: number;
  converged: boolean;
  quadrature: { points: number; range: [number, number] };
  anchored: string[];
  warnings: string[];
}

/** Thrown for data the model cannot be fitted to (message names the item). */
export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationError';
  }
}

type SlotKind = 'a' | 'b' | 'c' | 'd';

interface Spec {
  id: string;
  col: number;
  model: IrtModel;
  K: number;
  S: number;
  vals: Float64Array;
  /** Index of each slot in the parameter vector; −1 = fixed. */
  idx: Int32Array;
  /** Own free slots (excludes shared slopes). */
  own: number[];
  kinds: SlotKind[];
  priors: ItemPriors;
  off: number;
  anchored: boolean;
  shared: number; // parameter index of the shared slope or −1
  /** Offset of the item's expected counts in countsAll. */
  coff: number;
  /** Slots with a parameter index (free or shared), ascending. */
  active: Int32Array;
}

function isPoly(m: IrtModel): boolean {
  return m === 'grm' || m === 'gpcm' || m === 'pcm';
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Symmetric positive-definite inverse by Cholesky; null when not positive definite. */
export function invertSpd(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  // inverse of L, then Lᵀ⁻¹ L⁻¹
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Li[k * n + j];
      Li[i * n + j] = s / L[i * n + i];
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  return out;
}

let solveScratch = new Float64Array(64);
/**
 * Solves the small dense system A x = g (A symmetric positive definite) by Cholesky in a reused
 * scratch buffer (it runs for every item at every M-step, so it must not allocate). False if A is
 * not positive definite.
 */
function solveSmall(A: Float64Array, g: Float64Array, n: number, x: Float64Array): boolean {
  if (solveScratch.length < n * n) solveScratch = new Float64Array(n * n * 2);
  const L = solveScratch;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  for (let i = 0; i < n; i++) {
    let s = g[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * x[k];
    x[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return true;
}

/**
 * The E-step's hot loop, kept at top level with every array a parameter so V8 optimises it as a
 * leaf (closure-captured typed arrays were ~3× slower). Returns the marginal log-likelihood.
 */
export function accumulatePatterns(
  p0: number,
  p1: number,
  Q: number,
  patStart: Int32Array,
  entries: Int32Array,
  tabStart: Int32Array,
  tabEntries: Int32Array,
  linStart: Int32Array,
  linEntries: Int32Array,
  linA: Float64Array,
  linB: Float64Array,
  nodes: Float64Array,
  weights: Float64Array,
  base: Float64Array,
  table: Float64Array,
  acc: Float64Array,
  T: Float64Array,
  ll: Float64Array,
): number {
  acc.fill(0);
  T.fill(0);
  let logLik = 0;
  for (let p = p0; p < p1; p++) {
    let S = 0;
    let C = 0;
    for (let e = linStart[p], e1 = linStart[p + 1]; e < e1; e++) {
      const k = linEntries[e];
      S += linA[k];
      C += linB[k];
    }
    for (let q = 0; q < Q; q++) ll[q] = base[q] + nodes[q] * S + C;
    for (let e = tabStart[p], e1 = tabStart[p + 1]; e < e1; e++) {
      const o = tabEntries[e];
      // unrolled by 4: ~30% faster in V8, which does not vectorise
      let q = 0;
      for (; q + 3 < Q; q += 4) {
        ll[q] += table[o + q];
        ll[q + 1] += table[o + q + 1];
        ll[q + 2] += table[o + q + 2];
        ll[q + 3] += table[o + q + 3];
      }
      for (; q < Q; q++) ll[q] += table[o + q];
    }
    const e0 = patStart[p];
    const e1 = patStart[p + 1];
    let m = -Infinity;
    for (let q = 0; q < Q; q++) if (ll[q] > m) m = ll[q];
    let sum = 0;
    for (let q = 0; q < Q; q++) {
      const v = Math.exp(ll[q] - m);
      ll[q] = v;
      sum += v;
    }
    const w = weights[p];
    logLik += w * (m + Math.log(sum));
    const scale = w / sum;
    // Only nodes carrying posterior mass (> 1e-11 of the mode) are accumulated: with a long
    // test the posterior covers a third of the grid, so this cuts the scatter pass by ~2/3.
    let qlo = 0;
    while (ll[qlo] < 1e-11) qlo++;
    let qhi = Q - 1;
    while (ll[qhi] < 1e-11) qhi--;
    for (let q = qlo; q <= qhi; q++) {
      const v = ll[q] * scale;
      ll[q] = v;
      T[q] += v;
    }
    for (let e = e0; e < e1; e++) {
      const o = entries[e];
      let q = qlo;
      for (; q + 3 <= qhi; q += 4) {
        acc[o + q] += ll[q];
        acc[o + q + 1] += ll[q + 1];
        acc[o + q + 2] += ll[q + 2];
        acc[o + q + 3] += ll[q + 3];
      }
      for (; q <= qhi; q++) acc[o + q] += ll[q];
    }
  }
  return logLik;
}

/**
 * Start-value loadings: the item–rest-score correlation over answered cells, scaled up by 1.2
 * (Pearson understates the polyserial) and clamped to [0.15, 0.9].
 */
function itemRestLoadings(data: Int16Array, N: number, J: number): Float64Array {
  const total = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let t = 0;
    for (let j = 0; j < J; j++) {
      const x = data[i * J + j];
      if (x > 0) t += x;
    }
    total[i] = t;
  }
  const out = new Float64Array(J);
  for (let j = 0; j < J; j++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < N; i++) {
      const x = data[i * J + j];
      if (x < 0) continue;
      const y = total[i] - x;
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    const cov = sxy / n - (sx / n) * (sy / n);
    const vx = sxx / n - (sx / n) ** 2;
    const vy = syy / n - (sy / n) ** 2;
    const r = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0.5;
    out[j] = clamp(1.2 * r, 0.15, 0.9);
  }
  return out;
}

/**
 * Calibrates item parameters by MML-EM. Returns the items on the logistic metric with SEs,
 * log-likelihood, AIC/BIC, iterations and convergence. Throws {@link CalibrationError} for data
 * that cannot identify the model (constant items, empty categories, out-of-range categories).
 */
export function calibrate(matrix: ResponseMatrix, options: CalibrationOptions = {}): CalibrationResult {
  const Q = options.quadraturePoints ?? 41;
  const [lo, hi] = options.thetaRange ?? [-6, 6];
  const tol = options.tolerance ?? 1e-4;
  const maxIter = options.maxIterations ?? 5000;
  const J = matrix.nItems;
  const N = matrix.nPersons;
  const data = matrix.data;
  const warnings: string[] = [];
  const anchorMap = new Map((options.anchors ?? []).map((a) => [a.id, a]));
  const baseModel = options.model ?? '2pl';

  // --- category counts and checks per item
  const obsMax = new Int32Array(J).fill(-1);
  const catCount: Int32Array[] = [];
  const maxCat = 1000;
  for (let j = 0; j < J; j++) catCount.push(new Int32Array(0));
  for (let i = 0; i < N; i++) {
    const row = i * J;
    for (let j = 0; j < J; j++) {
      const x = data[row + j];
      if (x > obsMax[j]) {
        if (x > maxCat) throw new CalibrationError(`item "${matrix.itemIds[j]}": category ${x} out of range`);
        obsMax[j] = x;
      }
    }
  }
  for (let j = 0; j < J; j++) catCount[j] = new Int32Array(Math.max(obsMax[j] + 1, 0));
  for (let i = 0; i < N; i++) {
    const row = i * J;
    for (let j = 0; j < J; j++) {
      const x = data[row + j];
      if (x >= 0) catCount[j][x]++;
    }
  }

  const models: IrtModel[] = matrix.itemIds.map((id) => anchorMap.get(id)?.model ?? options.itemModels?.[id] ?? baseModel);
  const nonAnchored = matrix.itemIds.filter((id) => !anchorMap.has(id));
  const hasAnchors = nonAnchored.length < J;
  // ltm's rasch: every slope equal, fitted as a common slope on N(0,1) and transformed back.
  const raschCommon = (options.raschVarianceFree ?? true) && !hasAnchors && models.every((m) => m === 'rasch' || m === 'pcm');
  const estimateLatent = options.estimateLatent ?? hasAnchors;

  // --- item specs and parameter vector
  const par: number[] = [];
  let sharedRasch = -1;
  let shared1pl = -1;
  const specs: Spec[] = [];
  const loadings = itemRestLoadings(data, N, J);
  let off = 0;
  let coff = 0;
  for (let j = 0; j < J; j++) {
    const id = matrix.itemIds[j];
    const model = models[j];
    const anchor = anchorMap.get(id);
    const cc = catCount[j];
    const nObs = cc.reduce((s, x) => s + x, 0);
    if (nObs === 0) throw new CalibrationError(`item "${id}": no responses (every cell missing)`);
    let K: number;
    if (!isPoly(model)) {
      if (obsMax[j] > 1) throw new CalibrationError(`item "${id}": model ${model} is dichotomous but category ${obsMax[j]} occurs (score 0/1, or choose grm/gpcm/pcm)`);
      K = 2;
    } else if (anchor) {
      K = (model === 'grm' ? anchor.thresholds!.length : anchor.steps!.length) + 1;
      if (obsMax[j] > K - 1) throw new CalibrationError(`item "${id}": category ${obsMax[j]} occurs but the anchor has only ${K} categories`);
    } else {
      K = obsMax[j] + 1;
      if (K < 2) throw new CalibrationError(`item "${id}": every response is in category 0; the item cannot be calibrated`);
    }
    if (!anchor) {
      for (let k = 0; k < K; k++)
        if ((cc[k] ?? 0) === 0)
          throw new CalibrationError(
            `item "${id}": no responses in category ${k}${k === 0 ? ' (categories must start at 0: subtract the lowest code)' : ''} — collapse categories or drop the item`,
          );
    }
    const S = slotCount(model, K);
    const vals = new Float64Array(S);
    const idx = new Int32Array(S).fill(-1);
    const own: number[] = [];
    const kinds: SlotKind[] = isPoly(model) ? ['a', ...Array<SlotKind>(K - 1).fill('b')] : ['a', 'b', 'c', 'd'];
    const pri: ItemPriors = options.priors === 'none' ? {} : options.priors === undefined || options.priors === 'default' ? defaultPriors(model) : options.priors;
    let sharedIdx = -1;
    if (anchor) {
      vals[0] = anchor.a;
      if (isPoly(model)) (model === 'grm' ? anchor.thresholds! : anchor.steps!).forEach((t, k) => (vals[k + 1] = t));
      else {
        vals[1] = anchor.b ?? 0;
        vals[2] = anchor.c ?? 0;
        vals[3] = anchor.d ?? 1;
      }
    } else {
      // starting values: loading λ from the item–rest correlation (normal-ogive approximation),
      // a = 1.7 λ / √(1 − λ²), locations = −logit(p) / (1.7 λ); fewer E-steps than a = 1 starts
      const lam = loadings[j];
      const aStart = (1.7 * lam) / Math.sqrt(1 - lam * lam);
      if (model === '2pl' || model === 'grm') {
        vals[0] = aStart;
        if (model === '2pl') {
          vals[1] = -logit(clamp((cc[1] + 0.5) / (nObs + 1), 0.01, 0.99)) / (1.7 * lam);
          vals[2] = 0;
          vals[3] = 1;
        } else {
          let above = nObs;
          for (let k = 1; k < K; k++) {
            above -= cc[k - 1];
            vals[k] = -logit(clamp((above + 0.5) / (nObs + 1), 0.01, 0.99)) / (1.7 * lam);
            if (k > 1 && vals[k] <= vals[k - 1] + 0.05) vals[k] = vals[k - 1] + 0.05;
          }
        }
      } else if (!isPoly(model)) {
        const p = clamp((cc[1] + 0.5) / (nObs + 1), 0.01, 0.99);
        const c0 = model === '3pl' || model === '4pl' ? (pri.c ? pri.c.alpha / (pri.c.alpha + pri.c.beta) : 0.2) : 0;
        const d0 = model === '4pl' ? (pri.d ? pri.d.alpha / (pri.d.alpha + pri.d.beta) : 0.95) : 1;
        const pp = clamp((p - c0) / (d0 - c0), 0.02, 0.98);
        // (3PL/4PL converge in fewer E-steps from a = 1 than from the loading start)
        vals[0] = 1;
        vals[1] = -logit(pp) * 1.3;
        vals[2] = c0;
        vals[3] = d0;
      } else {
        vals[0] = 1;
        for (let k = 1; k < K; k++) vals[k] = Math.log((cc[k - 1] + 0.5) / (cc[k] + 0.5));
      }
      // free slots
      const slopeFree = model === '2pl' || model === '3pl' || model === '4pl' || model === 'grm' || model === 'gpcm';
      if (slopeFree) {
        idx[0] = par.length;
        own.push(0);
        par.push(vals[0]);
      } else if (model === '1pl' || (raschCommon && (model === 'rasch' || model === 'pcm'))) {
        if (model === '1pl') {
          if (shared1pl < 0) {
            shared1pl = par.length;
            par.push(1);
          }
          sharedIdx = shared1pl;
        } else {
          if (sharedRasch < 0) {
            sharedRasch = par.length;
            par.push(1);
          }
          sharedIdx = sharedRasch;
        }
        idx[0] = sharedIdx;
      }
      const nLoc = isPoly(model) ? K - 1 : 1;
      for (let s = 1; s <= nLoc; s++) {
        idx[s] = par.length;
        own.push(s);
        par.push(vals[s]);
      }
      if (model === '3pl' || model === '4pl') {
        idx[2] = par.length;
        own.push(2);
        par.push(vals[2]);
      }
      if (model === '4pl') {
        idx[3] = par.length;
        own.push(3);
        par.push(vals[3]);
      }
    }
    specs.push({ id, col: j, model, K, S, vals, idx, own, kinds, priors: anchor ? {} : pri, off, anchored: !!anchor, shared: sharedIdx, coff: coff, active: Int32Array.from([...idx.keys()].filter((k) => idx[k] >= 0)) });
    coff += K * Q;
    off += (K + 1) * Q;
  }
  const nItemPar = par.length;
  let latentMu = -1;
  let latentLogSd = -1;
  if (estimateLatent) {
    latentMu = par.length;
    par.push(0);
    latentLogSd = par.length;
    par.push(0);
  }
  const P = par.length;
  const tableSize = off;
  const countsAll = new Float64Array(coff);
  const maxKAll = Math.max(...specs.map((sp) => sp.K));

  // Items whose log(P_k / P_0) is linear in θ (rasch, 1pl, 2pl, gpcm, pcm): a pattern's
  // log-likelihood is base(θ) + θ·S + C over them, O(1) per node instead of O(items).
  const linear = specs.map((s) => s.model === 'rasch' || s.model === '1pl' || s.model === '2pl' || s.model === 'gpcm' || s.model === 'pcm');
  let linA: Float64Array = new Float64Array(J * maxKAll);
  let linB: Float64Array = new Float64Array(J * maxKAll);

  // Rasch family with one shared slope and complete data: the raw score is sufficient, so
  // persons are grouped by score and expected counts come from per-item score tables.
  let anyMissing = false;
  for (let i = 0; i < data.length; i++)
    if (data[i] < 0) {
      anyMissing = true;
      break;
    }
  const slope0 = specs[0].idx[0];
  const scorePath = !anyMissing && !hasAnchors && slope0 >= 0 && specs.every((s) => (s.model === 'rasch' || s.model === '1pl' || s.model === 'pcm') && s.idx[0] === slope0);

  // --- pattern compression: identical rows (including missing cells) share one likelihood
  const patRows: number[] = [];
  const patWeight: number[] = [];
  let nDropped = 0;
  let maxScoreAll = 0;
  for (const sp of specs) maxScoreAll += sp.K - 1;
  const nScores = maxScoreAll + 1;
  const scoreN = new Float64Array(scorePath ? nScores : 0);
  const scoreTab = new Float64Array(scorePath ? tableSize / Q * nScores : 0); // [(off/Q + k) * nScores + s]
  const catTotals = new Float64Array(J * maxKAll);
  if (scorePath) {
    for (let i = 0; i < N; i++) {
      const row = i * J;
      let sc = 0;
      for (let j = 0; j < J; j++) sc += data[row + j];
      scoreN[sc]++;
      for (let j = 0; j < J; j++) {
        const x = data[row + j];
        catTotals[j * maxKAll + x]++;
        if (x > 0) scoreTab[(specs[j].off / Q + x) * nScores + sc]++;
      }
    }
  } else {
    // Hash each row (FNV-1a over the cells) and confirm matches cell by cell: no key strings.
    const patIndex = new Map<number, number>();
    const nextSame: number[] = []; // chain of patterns sharing a hash
    for (let i = 0; i < N; i++) {
      const row = i * J;
      let any = false;
      let h = 0x811c9dc5;
      for (let j = 0; j < J; j++) {
        const x = data[row + j];
        if (x >= 0) any = true;
        h = Math.imul(h ^ (x + 2), 0x01000193);
      }
      if (!any) {
        nDropped++;
        continue;
      }
      let p = patIndex.get(h);
      let found = -1;
      while (p !== undefined && p >= 0) {
        const r2 = patRows[p] * J;
        let same = true;
        for (let j = 0; j < J; j++)
          if (data[r2 + j] !== data[row + j]) {
            same = false;
            break;
          }
        if (same) {
          found = p;
          break;
        }
        p = nextSame[p];
      }
      if (found >= 0) patWeight[found]++;
      else {
        const idx = patRows.length;
        nextSame.push(patIndex.get(h) ?? -1);
        patIndex.set(h, idx);
        patRows.push(i);
        patWeight.push(1);
      }
    }
  }
  if (nDropped > 0) warnings.push(`${nDropped} person(s) with no responses were left out`);
  const nPat = scorePath ? nScores : patRows.length;
  const nUsed = N - nDropped;
  // accumulation entries (every non-zero or missing cell), ll-pass table entries (non-linear
  // non-zero cells and missing cells) and linear entries (item·maxK + category)
  const patStart = new Int32Array(nPat + 1);
  const tabStart = new Int32Array(nPat + 1);
  const linStart = new Int32Array(nPat + 1);
  const entriesList: number[] = [];
  const tabList: number[] = [];
  const linList: number[] = [];
  if (!scorePath) {
    for (let p = 0; p < nPat; p++) {
      patStart[p] = entriesList.length;
      tabStart[p] = tabList.length;
      linStart[p] = linList.length;
      const row = patRows[p] * J;
      for (let j = 0; j < J; j++) {
        const x = data[row + j];
        const s = specs[j];
        if (x > 0) {
          entriesList.push(s.off + x * Q);
          if (linear[j]) linList.push(j * maxKAll + x);
          else tabList.push(s.off + x * Q);
        } else if (x < 0) {
          entriesList.push(s.off + s.K * Q);
          tabList.push(s.off + s.K * Q);
        }
      }
    }
  }
  patStart[nPat] = entriesList.length;
  tabStart[nPat] = tabList.length;
  linStart[nPat] = linList.length;
  // Very large pattern sets split the E-step across threads (shared memory, see parallel.ts).
  const work = (entriesList.length + nPat) * Q;
  const threads = scorePath ? 1 : Math.max(1, Math.floor(options.threads ?? (work > 3e7 ? Math.min(2, availableParallelism()) : 1)));
  const shared = threads > 1;
  const f64 = (n: number) => (shared ? sharedFloat64(n) : new Float64Array(n));
  const i32 = (src: number[] | Int32Array) => (shared ? sharedInt32From(src) : Int32Array.from(src));
  const entries = i32(entriesList);
  const tabEntries = i32(tabList);
  const linEntries = i32(linList);
  const patStartS = i32(patStart);
  const tabStartS = i32(tabStart);
  const linStartS = i32(linStart);
  const weights = f64(patWeight.length);
  weights.set(patWeight);
  if (shared) {
    linA = f64(linA.length);
    linB = f64(linB.length);
  }

  // --- work buffers
  const nodes = f64(Q);
  const qw = new Float64Array(Q);
  const lqw = new Float64Array(Q);
  setNormalWeights(nodes, qw, lqw, lo, hi, 0, 1);
  const table = f64(tableSize);
  const acc = new Float64Array(tableSize);
  const T = new Float64Array(Q);
  const base = f64(Q);
  const ll = new Float64Array(Q);
  let parallel: ParallelEStep | null = null;
  if (shared) {
    try {
      parallel = new ParallelEStep(accumulatePatterns, { nPat, Q, patStart: patStartS, entries, tabStart: tabStartS, tabEntries, linStart: linStartS, linEntries, linA, linB, nodes, weights, base, table }, threads);
    } catch {
      parallel = null; // no worker threads here: the single-threaded kernel on the same shared arrays
    }
  }
  const maxK = Math.max(...specs.map((s) => s.K));
  const maxS = Math.max(...specs.map((s) => s.S));
  const Pk = new Float64Array(maxK);
  const Jk = new Float64Array(maxK * maxS);
  const zk = new Float64Array(maxK);

  function unpack(p: ArrayLike<number>): void {
    for (const s of specs) for (let k = 0; k < s.S; k++) if (s.idx[k] >= 0) s.vals[k] = p[s.idx[k]];
    if (estimateLatent) setNormalWeights(nodes, qw, lqw, lo, hi, p[latentMu], Math.exp(p[latentLogSd]));
  }

  /** E-step at parameters p: fills acc and T; returns the marginal log-likelihood. */
  function estep(p: ArrayLike<number>): number {
    unpack(p);
    for (let q = 0; q < Q; q++) base[q] = lqw[q];
    for (let j = 0; j < J; j++) {
      const s = specs[j];
      const o = s.off;
      const K = s.K;
      for (let q = 0; q < Q; q++) {
        probsAndJacobian(s.model, K, s.vals, nodes[q], Pk, Jk, zk);
        const l0 = Math.log(Pk[0]);
        base[q] += l0;
        for (let k = 1; k < K; k++) table[o + k * Q + q] = Math.log(Pk[k]) - l0;
        table[o + K * Q + q] = -l0;
      }
      if (linear[j]) {
        // log(P_k/P_0) = A_k θ + B_k: 2PL-type A = a, B = −ab; GPCM A = a k, B = −a Σ_{v≤k} b_v
        const a = s.vals[0];
        if (K === 2 && s.model !== 'gpcm' && s.model !== 'pcm') {
          linA[j * maxKAll + 1] = a;
          linB[j * maxKAll + 1] = -a * s.vals[1];
        } else {
          let cum = 0;
          for (let k = 1; k < K; k++) {
            cum += s.vals[k];
            linA[j * maxKAll + k] = a * k;
            linB[j * maxKAll + k] = -a * cum;
          }
        }
      }
    }
    if (scorePath) return accumulateScores();
    if (parallel) return parallel.run(acc, T, ll);
    return accumulatePatterns(0, nPat, Q, patStartS, entries, tabStartS, tabEntries, linStartS, linEntries, linA, linB, nodes, weights, base, table, acc, T, ll);
  }

  /** Score-group E-step (rasch family, complete data): posteriors per raw score. */
  function accumulateScores(): number {
    acc.fill(0);
    T.fill(0);
    const a = specs[0].vals[0];
    let logLik = 0;
    // Σ_i C_i from category totals
    for (let j = 0; j < J; j++) for (let k = 1; k < specs[j].K; k++) logLik += catTotals[j * maxKAll + k] * linB[j * maxKAll + k];
    const post = new Float64Array(nScores * Q);
    for (let sc = 0; sc < nScores; sc++) {
      const n = scoreN[sc];
      if (n === 0) continue;
      let m = -Infinity;
      for (let q = 0; q < Q; q++) {
        const v = base[q] + a * nodes[q] * sc;
        ll[q] = v;
        if (v > m) m = v;
      }
      let sum = 0;
      for (let q = 0; q < Q; q++) {
        const v = Math.exp(ll[q] - m);
        ll[q] = v;
        sum += v;
      }
      logLik += n * (m + Math.log(sum));
      for (let q = 0; q < Q; q++) {
        const v = ll[q] / sum;
        post[sc * Q + q] = v;
        T[q] += n * v;
      }
    }
    for (const s of specs) {
      for (let k = 1; k < s.K; k++) {
        const o = s.off + k * Q;
        const row = (s.off / Q + k) * nScores;
        for (let sc = 0; sc < nScores; sc++) {
          const c = scoreTab[row + sc];
          if (c === 0) continue;
          const po = sc * Q;
          for (let q = 0; q < Q; q++) acc[o + q] += c * post[po + q];
        }
      }
    }
    return logLik;
  }

  /** Expected counts r[k * Q + q] for one item from acc and T (into the item's slice of `countsAll`). */
  function itemCounts(s: Spec): void {
    const o = s.off;
    const K = s.K;
    const counts = countsAll;
    const co = s.coff;
    for (let q = 0; q < Q; q++) {
      let r0 = T[q] - acc[o + K * Q + q];
      for (let k = 1; k < K; k++) {
        const r = acc[o + k * Q + q];
        counts[co + k * Q + q] = r;
        r0 -= r;
      }
      counts[co + q] = r0 > 0 ? r0 : 0;
    }
  }

  const grad = new Float64Array(maxS);
  const fish = new Float64Array(maxS * maxS);
  const hdiag = new Float64Array(maxS);
  /** Item objective (expected complete-data log-lik + log prior) with slot gradient and Fisher information. */
  const dP = new Float64Array(4);
  /**
   * Dichotomous items: Σ_q r1 log P + r0 log(1 − P), gradient Σ (r1 − nP)/(P(1 − P)) ∂P and Fisher
   * information Σ n ∂P ∂Pᵀ/(P(1 − P)), over the item's active slots only (2 for a 2PL, not 4).
   */
  function dichotomousObjective(s: Spec, vals: Float64Array, withDerivs: boolean): number {
    const co = s.coff;
    const act = s.active;
    const na = act.length;
    const a = vals[0];
    const b = vals[1];
    const c = vals[2];
    const dc = vals[3] - c;
    let f = 0;
    for (let q = 0; q < Q; q++) {
      const th = nodes[q];
      const z = a * (th - b);
      const ps = z > 35 ? 1 - 1e-15 : z < -35 ? 1e-15 : 1 / (1 + Math.exp(-z));
      let p = c + dc * ps;
      if (p < 1e-15) p = 1e-15;
      else if (p > 1 - 1e-15) p = 1 - 1e-15;
      const r0 = countsAll[co + q];
      const r1 = countsAll[co + Q + q];
      f += r1 * Math.log(p) + r0 * Math.log(1 - p);
      if (!withDerivs) continue;
      const w = dc * ps * (1 - ps);
      dP[0] = w * (th - b);
      dP[1] = -w * a;
      dP[2] = 1 - ps;
      dP[3] = ps;
      const pq = p * (1 - p);
      const g = (r1 - (r0 + r1) * p) / pq;
      const fi = (r0 + r1) / pq;
      for (let u = 0; u < na; u++) {
        const su = act[u];
        const du = dP[su];
        grad[su] += g * du;
        for (let v = 0; v <= u; v++) fish[su * 4 + act[v]] += fi * du * dP[act[v]];
      }
    }
    if (withDerivs) for (let u = 0; u < na; u++) for (let v = 0; v < u; v++) fish[act[v] * 4 + act[u]] = fish[act[u] * 4 + act[v]];
    return f;
  }

  function itemObjective(s: Spec, vals: Float64Array, withDerivs: boolean): number {
    const K = s.K;
    const counts = countsAll;
    const co = s.coff;
    const S = s.S;
    let f = 0;
    if (withDerivs) {
      grad.fill(0, 0, S);
      fish.fill(0, 0, S * S);
      hdiag.fill(0, 0, S);
    }
    if (K === 2 && !isPoly(s.model)) f = dichotomousObjective(s, vals, withDerivs);
    else for (let q = 0; q < Q; q++) {
      probsAndJacobian(s.model, K, vals, nodes[q], Pk, Jk, zk);
      let n = 0;
      for (let k = 0; k < K; k++) {
        const r = counts[co + k * Q + q];
        n += r;
        f += r * Math.log(Pk[k]);
      }
      if (!withDerivs) continue;
      for (let k = 0; k < K; k++) {
        const r = counts[co + k * Q + q];
        const inv = 1 / Pk[k];
        const jo = k * S;
        for (let a = 0; a < S; a++) {
          const ja = Jk[jo + a];
          if (ja === 0) continue;
          grad[a] += r * ja * inv;
          const nja = n * ja * inv;
          for (let b = 0; b <= a; b++) fish[a * S + b] += nja * Jk[jo + b];
        }
      }
    }
    if (withDerivs && !(K === 2 && !isPoly(s.model))) for (let a = 0; a < S; a++) for (let b = 0; b < a; b++) fish[b * S + a] = fish[a * S + b];
    for (let k = 0; k < S; k++) {
      if (s.idx[k] < 0) continue;
      const lp = priorTerms(s.kinds[k], vals[k], s.priors, grad, hdiag, k);
      if (lp === -Infinity) return -Infinity;
      f += lp;
    }
    if (withDerivs) for (let k = 0; k < S; k++) fish[k * S + k] -= hdiag[k];
    return f;
  }

  function feasible(s: Spec, v: Float64Array): boolean {
    if (!(Math.abs(v[0]) < 30) || (s.priors.a && !(v[0] > 0))) return false;
    if (isPoly(s.model)) {
      for (let k = 1; k < s.K; k++) if (!(Math.abs(v[k]) < 40)) return false;
      if (s.model === 'grm') for (let k = 2; k < s.K; k++) if (!(v[k] > v[k - 1] + 1e-6)) return false;
      return true;
    }
    if (!(Math.abs(v[1]) < 40)) return false;
    return v[2] >= 0 && v[2] < 0.95 && v[3] > v[2] + 0.05 && v[3] <= 1;
  }

  const trial = new Float64Array(maxS);
  const sub = new Float64Array(maxS * maxS);
  const subg = new Float64Array(maxS);
  const step = new Float64Array(maxS);
  /** Fisher scoring on an item's own free slots (shared slope held); each trial point is evaluated with derivatives so an accepted step needs no second evaluation. */
  function mstepItem(s: Spec): void {
    const free = s.own;
    const n = free.length;
    if (n === 0) return;
    let f = itemObjective(s, s.vals, true);
    for (let it = 0; it < 20; it++) {
      for (let a = 0; a < n; a++) {
        subg[a] = grad[free[a]];
        for (let b = 0; b < n; b++) sub[a * n + b] = fish[free[a] * s.S + free[b]];
      }
      if (!solveSmall(sub, subg, n, step)) {
        for (let a = 0; a < n; a++) step[a] = subg[a] / Math.max(sub[a * n + a], 1e-8);
      }
      let t = 1;
      let accepted = false;
      let maxStep = 0;
      for (let h = 0; h < 30; h++) {
        trial.set(s.vals);
        for (let a = 0; a < n; a++) trial[free[a]] = s.vals[free[a]] + t * step[a];
        if (feasible(s, trial)) {
          const ft = itemObjective(s, trial, true);
          if (ft >= f - 1e-10 * Math.abs(f)) {
            for (let a = 0; a < n; a++) maxStep = Math.max(maxStep, Math.abs(t * step[a]));
            for (let k = 0; k < s.S; k++) s.vals[k] = trial[k];
            f = ft;
            accepted = true;
            break;
          }
        }
        t *= 0.5;
      }
      if (!accepted || maxStep < 1e-7) break;
    }
  }

  /** Newton on a shared slope from the summed item terms. */
  function mstepShared(pi: number, value: number): number {
    const group = specs.filter((s) => s.shared === pi);
    const objective = (a: number, derivs: boolean): [number, number, number] => {
      let f = 0;
      let g = 0;
      let h = 0;
      for (const s of group) {
        s.vals[0] = a;
        f += itemObjective(s, s.vals, derivs);
        if (derivs) {
          g += grad[0];
          h += fish[0];
        }
      }
      return [f, g, h];
    };
    let a = value;
    let [f, g, h] = objective(a, true);
    for (let it = 0; it < 20; it++) {
      const d = g / Math.max(h, 1e-8);
      let t = 1;
      let ok = false;
      for (let k = 0; k < 30; k++) {
        const an = a + t * d;
        if (an > 1e-3 && an < 30) {
          const [fn] = objective(an, false);
          if (fn >= f - 1e-10 * Math.abs(f)) {
            a = an;
            ok = true;
            break;
          }
        }
        t *= 0.5;
      }
      if (!ok || Math.abs(t * d) < 1e-10) break;
      [f, g, h] = objective(a, true);
    }
    for (const s of group) s.vals[0] = a;
    return a;
  }

  /** One EM map evaluation: p → EM(p). Returns the log-likelihood at p. */
  function emMap(p: Float64Array, out: Float64Array): number {
    const logLik = estep(p);
    for (const s of specs) if (!s.anchored) itemCounts(s);
    for (const s of specs) {
      if (s.anchored || s.own.length === 0) continue;
      mstepItem(s);
    }
    if (shared1pl >= 0) mstepShared(shared1pl, p[shared1pl]);
    if (sharedRasch >= 0) mstepShared(sharedRasch, p[sharedRasch]);
    for (const s of specs) for (let k = 0; k < s.S; k++) if (s.idx[k] >= 0) out[s.idx[k]] = s.vals[k];
    if (estimateLatent) {
      let tot = 0;
      let m1 = 0;
      for (let q = 0; q < Q; q++) {
        tot += T[q];
        m1 += T[q] * nodes[q];
      }
      const mu = m1 / tot;
      let v = 0;
      for (let q = 0; q < Q; q++) v += T[q] * (nodes[q] - mu) * (nodes[q] - mu);
      out[latentMu] = mu;
      out[latentLogSd] = 0.5 * Math.log(Math.max(v / tot, 1e-6));
    }
    return logLik;
  }

  function feasibleVector(p: Float64Array): boolean {
    for (let i = 0; i < P; i++) if (!Number.isFinite(p[i])) return false;
    for (const s of specs) {
      if (s.anchored) continue;
      trial.set(s.vals);
      for (let k = 0; k < s.S; k++) if (s.idx[k] >= 0) trial[k] = p[s.idx[k]];
      if (!feasible(s, trial)) return false;
    }
    if (sharedRasch >= 0 && !(p[sharedRasch] > 1e-3)) return false;
    if (shared1pl >= 0 && !(p[shared1pl] > 1e-3)) return false;
    return true;
  }

  // --- EM with SQUAREM
  let p0 = Float64Array.from(par);
  const p1 = new Float64Array(P);
  const p2 = new Float64Array(P);
  const pq = new Float64Array(P);
  const pn = new Float64Array(P);
  const accelerate = options.accelerate ?? true;
  let iterations = 0;
  let converged = false;
  let logLik = -Infinity;
  const maxAbsDiff = (x: Float64Array, y: Float64Array) => {
    let m = 0;
    for (let i = 0; i < P; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
    return m;
  };
  while (iterations < maxIter) {
    const l0 = emMap(p0, p1);
    iterations++;
    logLik = l0;
    if (maxAbsDiff(p1, p0) < tol) {
      p0 = Float64Array.from(p1);
      converged = true;
      break;
    }
    if (!accelerate) {
      p0.set(p1);
      continue;
    }
    const l1 = emMap(p1, p2);
    iterations++;
    if (maxAbsDiff(p2, p1) < tol) {
      p0.set(p2);
      logLik = l1;
      converged = true;
      break;
    }
    let rr = 0;
    let vv = 0;
    for (let i = 0; i < P; i++) {
      const r = p1[i] - p0[i];
      const v = p2[i] - 2 * p1[i] + p0[i];
      rr += r * r;
      vv += v * v;
    }
    let alpha = vv > 0 ? -Math.sqrt(rr / vv) : -1;
    if (alpha > -1) alpha = -1;
    let accepted = false;
    for (let tries = 0; tries < 4 && alpha <= -1; tries++) {
      for (let i = 0; i < P; i++) {
        const r = p1[i] - p0[i];
        const v = p2[i] - 2 * p1[i] + p0[i];
        pq[i] = p0[i] - 2 * alpha * r + alpha * alpha * v;
      }
      if (feasibleVector(pq)) {
        const lq = emMap(pq, pn);
        iterations++;
        if (lq >= l1 - 1e-8 * Math.abs(l1) && feasibleVector(pn)) {
          p0.set(pn);
          accepted = true;
          break;
        }
      }
      alpha = (alpha - 1) / 2; // back toward the plain EM step
      if (alpha > -1.01) break;
    }
    if (!accepted) p0.set(p2);
  }
  if (!converged) warnings.push(`EM did not converge in ${maxIter} E-steps (tolerance ${tol})`);
  // Final E-step at the estimate: log-likelihood at the reported parameters.
  logLik = estep(p0);

  // --- standard errors: −Jacobian of the marginal score (central differences)
  let cov: Float64Array | null = null;
  const wantSe = options.standardErrors ?? true;
  function score(p: Float64Array, out: Float64Array): void {
    estep(p);
    out.fill(0);
    for (const s of specs) {
      if (s.anchored) continue;
      itemCounts(s);
      itemObjective(s, s.vals, true);
      for (let k = 0; k < s.S; k++) if (s.idx[k] >= 0 && s.idx[k] < nItemPar) out[s.idx[k]] += grad[k];
    }
  }
  if (wantSe && nItemPar > 0) {
    const H = new Float64Array(nItemPar * nItemPar);
    const sp = new Float64Array(P);
    const sm = new Float64Array(P);
    const pp = new Float64Array(P);
    for (let i = 0; i < nItemPar; i++) {
      const h = 1e-4 * Math.max(1, Math.abs(p0[i]));
      pp.set(p0);
      pp[i] = p0[i] + h;
      score(pp, sp);
      pp[i] = p0[i] - h;
      score(pp, sm);
      for (let k = 0; k < nItemPar; k++) H[k * nItemPar + i] = -(sp[k] - sm[k]) / (2 * h);
    }
    for (let i = 0; i < nItemPar; i++)
      for (let k = 0; k < i; k++) {
        const v = 0.5 * (H[i * nItemPar + k] + H[k * nItemPar + i]);
        H[i * nItemPar + k] = v;
        H[k * nItemPar + i] = v;
      }
    cov = invertSpd(H, nItemPar);
    if (!cov) warnings.push('observed information is not positive definite: standard errors unavailable (the model may be unidentified for these data)');
    estep(p0);
  }
  parallel?.close();
  unpack(p0);

  // --- results on the reported scale
  const sdOf = (i: number) => (cov ? Math.sqrt(Math.max(cov[i * nItemPar + i], 0)) : NaN);
  const covOf = (i: number, k: number) => (cov ? cov[i * nItemPar + k] : NaN);
  const sigma = sharedRasch >= 0 ? p0[sharedRasch] : 1;
  const items: IrtItem[] = [];
  const ses: Record<string, ItemStandardErrors> = {};
  for (const s of specs) {
    const v = s.vals;
    const item: IrtItem = { id: s.id, model: s.model, a: v[0] };
    const se: ItemStandardErrors = {};
    const loc = (k: number): [number, number] => {
      // value and SE of a location slot; rasch-common locations are σβ (delta method)
      if (s.shared === sharedRasch && sharedRasch >= 0 && s.idx[k] >= 0) {
        const bi = s.idx[k];
        const value = sigma * v[k];
        const varB = v[k] * v[k] * covOf(sharedRasch, sharedRasch) + sigma * sigma * covOf(bi, bi) + 2 * sigma * v[k] * covOf(sharedRasch, bi);
        return [value, Math.sqrt(Math.max(varB, 0))];
      }
      return [v[k], s.idx[k] >= 0 ? sdOf(s.idx[k]) : 0];
    };
    if (s.shared === sharedRasch && sharedRasch >= 0) {
      item.a = 1;
      se.a = 0;
    } else se.a = s.idx[0] >= 0 ? sdOf(s.idx[0]) : 0;
    if (isPoly(s.model)) {
      const vals: number[] = [];
      const sev: number[] = [];
      for (let k = 1; k < s.K; k++) {
        const [x, e] = loc(k);
        vals.push(x);
        sev.push(e);
      }
      if (s.model === 'grm') {
        item.thresholds = vals;
        se.thresholds = sev;
      } else {
        item.steps = vals;
        se.steps = sev;
      }
    } else {
      const [b, eb] = loc(1);
      item.b = b;
      se.b = eb;
      if (s.model === '3pl' || s.model === '4pl') {
        item.c = v[2];
        se.c = s.idx[2] >= 0 ? sdOf(s.idx[2]) : 0;
      }
      if (s.model === '4pl') {
        item.d = v[3];
        se.d = s.idx[3] >= 0 ? sdOf(s.idx[3]) : 0;
      }
    }
    items.push(item);
    ses[s.id] = se;
  }
  const population = estimateLatent ? { mean: p0[latentMu], sd: Math.exp(p0[latentLogSd]) } : { mean: 0, sd: sigma };
  const nParameters = P;
  const distinct = new Set(models);
  return {
    model: distinct.size === 1 ? models[0] : 'mixed',
    items,
    standardErrors: wantSe ? ses : undefined,
    seMethod: wantSe ? 'observed information: central-difference Jacobian of the analytic marginal score (Fisher identity), full inverse' : undefined,
    population,
    logLik,
    aic: -2 * logLik + 2 * nParameters,
    bic: -2 * logLik + nParameters * Math.log(nUsed),
    nParameters,
    nPersons: nUsed,
    nPatterns: nPat,
    nItems: J,
    iterations,
    converged,
    quadrature: { points: Q, range: [lo, hi] },
    anchored: specs.filter((s) => s.anchored).map((s) => s.id),
    warnings,
  };
}

/** The parameters JSON for a calibration result (DESIGN.md shape plus fit summary and SEs). */
export function calibrationToJson(r: CalibrationResult): Record<string, unknown> {
  return {
    model: r.model,
    items: r.items.map((it) => {
      const o = itemToJson(it);
      if (r.standardErrors?.[it.id]) o.se = r.standardErrors[it.id];
      return o;
    }),
    population: r.population,
    fit: { logLik: r.logLik, aic: r.aic, bic: r.bic, nParameters: r.nParameters, nPersons: r.nPersons, iterations: r.iterations, converged: r.converged },
    estimation: { method: 'MML-EM (Bock-Aitkin), SQUAREM-accelerated', quadrature: r.quadrature, seMethod: r.seMethod, anchored: r.anchored },
    warnings: r.warnings.length ? r.warnings : undefined,
  };
}
