/**
 * Ability (θ) estimation for any mix of item models: EAP, MAP, MLE and WLE with standard errors.
 *
 * - EAP: posterior mean and SD on a fixed grid (default 61 nodes on [−6, 6], normal prior); always
 *   finite. Allocation-free on the hot path (CAT calls it after every response).
 * - MAP: posterior mode, SE = 1 / √(I(θ) + 1/σ²); always finite.
 * - MLE: likelihood maximum, SE = 1 / √I(θ). Not finite for all-minimum / all-maximum patterns
 *   (and, with 3PL/4PL, some others): the result says so as a typed failure, never ±Infinity.
 * - WLE: Warm's (1989) weighted likelihood, root of l'(θ) + J(θ) / (2 I(θ)); finite for extreme
 *   patterns under the Rasch family, 2PL, GRM and GPCM; SE = 1 / √I(θ).
 *
 * MLE, MAP and WLE search [−8, 8] on a coarse grid first (3PL likelihoods can be multimodal), then
 * refine by safeguarded Newton / bisection.
 */
import {
  categoryCount,
  fillCategoryProbabilities,
  isMissing,
  itemInformation,
  logProbabilityDerivatives,
  type IrtItem,
} from './model.ts';

export type AbilityMethod = 'eap' | 'map' | 'mle' | 'wle';

export interface AbilityPrior {
  mean: number;
  sd: number;
}

export interface AbilityOptions {
  method?: AbilityMethod;
  /** Normal prior for EAP and MAP (default N(0, 1), or the bank's population). */
  prior?: AbilityPrior;
  /** EAP grid: number of nodes (default 61) on `range` (default [−6, 6]). */
  quadraturePoints?: number;
  /** Search range for MLE/MAP/WLE and the EAP grid (default [−6, 6] for EAP, [−8, 8] otherwise). */
  range?: [number, number];
}

export type AbilityEstimate =
  | { ok: true; method: AbilityMethod; theta: number; se: number }
  | {
      ok: false;
      method: AbilityMethod;
      /** no-responses: nothing answered; extreme-pattern: all minimum or all maximum scores; no-finite-maximum: the criterion keeps rising towards an end of the range. */
      reason: 'no-responses' | 'extreme-pattern' | 'no-finite-maximum';
      /** Where the estimate runs off to. */
      direction?: '+inf' | '-inf';
      message: string;
    };

// --- EAP, the hot path ---------------------------------------------------------------------

interface Grid {
  nodes: Float64Array;
  logPrior: Float64Array;
  post: Float64Array;
  mean: number;
  sd: number;
  lo: number;
  hi: number;
}
const grids = new Map<string, Grid>();
let cat = new Float64Array(32);

let lastGrid: Grid | undefined;

function gridFor(n: number, lo: number, hi: number, mean: number, sd: number): Grid {
  // Same grid as last call (the CAT case): no key string, no allocation.
  const lg = lastGrid;
  if (lg !== undefined && lg.nodes.length === n && lg.lo === lo && lg.hi === hi && lg.mean === mean && lg.sd === sd) return lg;
  const key = `${n}|${lo}|${hi}|${mean}|${sd}`;
  let g = grids.get(key);
  if (!g) {
    const nodes = new Float64Array(n);
    const logPrior = new Float64Array(n);
    for (let q = 0; q < n; q++) {
      nodes[q] = lo + ((hi - lo) * q) / (n - 1);
      const z = (nodes[q] - mean) / sd;
      logPrior[q] = -0.5 * z * z;
    }
    g = { nodes, logPrior, post: new Float64Array(n), mean, sd, lo, hi };
    if (grids.size > 32) grids.clear();
    grids.set(key, g);
  }
  lastGrid = g;
  return g;
}

const STANDARD_PRIOR: AbilityPrior = { mean: 0, sd: 1 };
const EAP_RANGE: [number, number] = [-6, 6];

/**
 * EAP estimate: posterior mean and SD. `responses[j]` is the category for `items[j]` (missing =
 * null/undefined/NaN/negative). With no responses at all, returns the prior mean and SD.
 */
export function eap(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, prior: AbilityPrior = STANDARD_PRIOR, points = 61, range: [number, number] = EAP_RANGE): { theta: number; se: number } {
  const g = gridFor(points, range[0], range[1], prior.mean, prior.sd);
  const Q = points;
  const L = g.post; // likelihood × prior in linear space, rescaled as it shrinks
  const nodes = g.nodes;
  const lp = g.logPrior;
  for (let q = 0; q < Q; q++) L[q] = Math.exp(lp[q]);
  const h = Q > 1 ? (g.hi - g.lo) / (Q - 1) : 0;
  let sinceRescale = 0;
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (x === null || x === undefined || !(x >= 0)) continue;
    const it = items[j];
    const m = it.model;
    if (m !== 'grm' && m !== 'gpcm' && m !== 'pcm') {
      const a = it.a;
      const b = it.b ?? 0;
      const c = it.c ?? 0;
      const dc = (it.d ?? 1) - c;
      const right = x >= 1;
      if (Math.abs(a) * (g.hi - g.lo + Math.abs(b)) < 600) {
        // exp(−a(θ_q − b)) on equally spaced nodes is geometric: one exp per item.
        let e = Math.exp(-a * (g.lo - b));
        const r = Math.exp(-a * h);
        if (right) for (let q = 0; q < Q; q++, e *= r) L[q] *= c + dc / (1 + e);
        else for (let q = 0; q < Q; q++, e *= r) L[q] *= 1 - c - dc / (1 + e);
      } else {
        for (let q = 0; q < Q; q++) {
          const p = c + dc / (1 + Math.exp(-a * (nodes[q] - b)));
          L[q] *= right ? p : 1 - p;
        }
      }
    } else {
      const K = categoryCount(it);
      if (cat.length < K) cat = new Float64Array(K * 2);
      for (let q = 0; q < Q; q++) {
        fillCategoryProbabilities(it, nodes[q], cat);
        L[q] *= cat[x as number];
      }
    }
    if (++sinceRescale === 8) {
      sinceRescale = 0;
      let mx = 0;
      for (let q = 0; q < Q; q++) if (L[q] > mx) mx = L[q];
      if (mx < 1e-100 && mx > 0) for (let q = 0; q < Q; q++) L[q] /= mx;
    }
  }
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let q = 0; q < Q; q++) {
    const w = L[q];
    const t = nodes[q];
    s0 += w;
    s1 += w * t;
    s2 += w * t * t;
  }
  if (!(s0 > 0)) {
    // Underflow everywhere (absurd parameters): fall back to the log-space computation.
    return eapLog(items, responses, g);
  }
  const mean = s1 / s0;
  const v = s2 / s0 - mean * mean;
  return { theta: mean, se: Math.sqrt(v > 0 ? v : 0) };
}

/** Log-space EAP (robust fallback). */
function eapLog(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, g: Grid): { theta: number; se: number } {
  const Q = g.nodes.length;
  const lp = Float64Array.from(g.logPrior);
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (isMissing(x)) continue;
    for (let q = 0; q < Q; q++) lp[q] += logProb(items[j], g.nodes[q], x as number);
  }
  let mx = -Infinity;
  for (let q = 0; q < Q; q++) if (lp[q] > mx) mx = lp[q];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let q = 0; q < Q; q++) {
    const w = Math.exp(lp[q] - mx);
    s0 += w;
    s1 += w * g.nodes[q];
    s2 += w * g.nodes[q] * g.nodes[q];
  }
  const mean = s1 / s0;
  return { theta: mean, se: Math.sqrt(Math.max(s2 / s0 - mean * mean, 0)) };
}

// --- likelihood pieces ----------------------------------------------------------------------

const der = new Float64Array(3);

/** Log-likelihood, its first derivative and the test information at θ. */
function likelihoodTerms(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, theta: number, out: Float64Array): void {
  let l = 0;
  let d1 = 0;
  let info = 0;
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (isMissing(x)) continue;
    const it = items[j];
    logProbabilityDerivatives(it, theta, x as number, der);
    d1 += der[0];
    info += der[2];
    l += logProb(it, theta, x as number);
  }
  out[0] = l;
  out[1] = d1;
  out[2] = info;
}

function logProb(it: IrtItem, theta: number, x: number): number {
  const K = categoryCount(it);
  if (cat.length < K) cat = new Float64Array(K * 2);
  fillCategoryProbabilities(it, theta, cat);
  const v = cat[x];
  return Math.log(v > 1e-300 ? v : 1e-300);
}

/** Warm's J(θ) = Σ_j Σ_k P'_jk P''_jk / P_jk, by central differences of category probabilities. */
function warmJ(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, theta: number): number {
  const h = 1e-4;
  let J = 0;
  const pm = new Float64Array(64);
  const p0 = new Float64Array(64);
  const pp = new Float64Array(64);
  for (let j = 0; j < items.length; j++) {
    if (isMissing(responses[j])) continue;
    const it = items[j];
    const K = fillCategoryProbabilities(it, theta, p0);
    fillCategoryProbabilities(it, theta - h, pm);
    fillCategoryProbabilities(it, theta + h, pp);
    for (let k = 0; k < K; k++) {
      const d1 = (pp[k] - pm[k]) / (2 * h);
      const d2 = (pp[k] - 2 * p0[k] + pm[k]) / (h * h);
      J += (d1 * d2) / p0[k];
    }
  }
  return J;
}

function answeredInfo(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, theta: number): number {
  let s = 0;
  for (let j = 0; j < items.length; j++) if (!isMissing(responses[j])) s += itemInformation(items[j], theta);
  return s;
}

/** Extreme pattern check: every answered item at its minimum (−1) or maximum (+1) category; 0 otherwise. */
export function extremePattern(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>): -1 | 0 | 1 {
  let allMin = true;
  let allMax = true;
  let any = false;
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (isMissing(x)) continue;
    any = true;
    if ((x as number) > 0) allMin = false;
    if ((x as number) < categoryCount(items[j]) - 1) allMax = false;
  }
  if (!any) return 0;
  return allMin ? -1 : allMax ? 1 : 0;
}

/** Root of a decreasing-through-zero function g on [lo, hi] by bisection (g(lo) > 0 > g(hi)). */
function bisect(g: (t: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 60 && b - a > 1e-10; i++) {
    const m = 0.5 * (a + b);
    if (g(m) > 0) a = m;
    else b = m;
  }
  return 0.5 * (a + b);
}

/**
 * Maximises a criterion f with derivative g over [lo, hi]: scans a grid, keeps the best
 * interior local maximum (sign change + → − of g), refines by bisection. Returns NaN with the
 * direction when the criterion rises to an end of the range.
 */
function maximise(f: (t: number) => number, g: (t: number) => number, lo: number, hi: number, step = 0.25): { theta: number; direction?: '+inf' | '-inf' } {
  let best = NaN;
  let bestF = -Infinity;
  let prevT = lo;
  let prevG = g(lo);
  for (let t = lo + step; t <= hi + 1e-9; t += step) {
    const gt = g(t);
    if (prevG > 0 && gt <= 0) {
      const r = bisect(g, prevT, t);
      const fr = f(r);
      if (fr > bestF) {
        bestF = fr;
        best = r;
      }
    }
    prevT = t;
    prevG = gt;
  }
  if (Number.isNaN(best)) return { theta: NaN, direction: g(hi) > 0 ? '+inf' : '-inf' };
  // A higher criterion at an end of the range means no finite maximum.
  if (f(hi) > bestF + 1e-9 && g(hi) > 0) return { theta: NaN, direction: '+inf' };
  if (f(lo) > bestF + 1e-9 && g(lo) < 0) return { theta: NaN, direction: '-inf' };
  return { theta: best };
}

// --- public API -----------------------------------------------------------------------------

const terms = new Float64Array(3);

/** Estimates θ by the chosen method (default EAP). See the module comment for each method's behaviour. */
export function estimateAbility(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, options: AbilityOptions = {}): AbilityEstimate {
  const method = options.method ?? 'eap';
  const prior = options.prior ?? { mean: 0, sd: 1 };
  if (items.length !== responses.length) throw new RangeError(`estimateAbility: ${items.length} items but ${responses.length} responses`);
  let answered = 0;
  for (let j = 0; j < items.length; j++) if (!isMissing(responses[j])) answered++;
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (!isMissing(x) && (!Number.isInteger(x) || (x as number) > categoryCount(items[j]) - 1)) {
      throw new RangeError(`estimateAbility: response ${x} to item "${items[j].id}" is not a category 0..${categoryCount(items[j]) - 1}`);
    }
  }
  if (method === 'eap') {
    const r = eap(items, responses, prior, options.quadraturePoints ?? 61, options.range ?? [-6, 6]);
    return { ok: true, method, theta: r.theta, se: r.se };
  }
  const [lo, hi] = options.range ?? [-8, 8];
  if (method === 'map') {
    const f = (t: number) => {
      likelihoodTerms(items, responses, t, terms);
      return terms[0] - (0.5 * (t - prior.mean) * (t - prior.mean)) / (prior.sd * prior.sd);
    };
    const g = (t: number) => {
      likelihoodTerms(items, responses, t, terms);
      return terms[1] - (t - prior.mean) / (prior.sd * prior.sd);
    };
    const r = maximise(f, g, lo, hi);
    if (Number.isNaN(r.theta)) return { ok: false, method, reason: 'no-finite-maximum', direction: r.direction, message: `MAP: posterior mode lies beyond the search range [${lo}, ${hi}]` };
    return { ok: true, method, theta: r.theta, se: 1 / Math.sqrt(answeredInfo(items, responses, r.theta) + 1 / (prior.sd * prior.sd)) };
  }
  if (answered === 0) return { ok: false, method, reason: 'no-responses', message: `${method.toUpperCase()}: no responses, so the likelihood is flat (use EAP or MAP for a prior-based estimate)` };
  const ext = extremePattern(items, responses);
  if (method === 'mle') {
    if (ext !== 0) {
      return {
        ok: false,
        method,
        reason: 'extreme-pattern',
        direction: ext > 0 ? '+inf' : '-inf',
        message: `MLE: every answered item is at its ${ext > 0 ? 'maximum' : 'minimum'} score, so the likelihood rises without bound (θ → ${ext > 0 ? '+∞' : '−∞'}); use WLE, MAP or EAP`,
      };
    }
    const f = (t: number) => {
      likelihoodTerms(items, responses, t, terms);
      return terms[0];
    };
    const g = (t: number) => {
      likelihoodTerms(items, responses, t, terms);
      return terms[1];
    };
    const r = maximise(f, g, lo, hi);
    if (Number.isNaN(r.theta)) return { ok: false, method, reason: 'no-finite-maximum', direction: r.direction, message: `MLE: the likelihood has no maximum inside [${lo}, ${hi}] (θ → ${r.direction === '+inf' ? '+∞' : '−∞'}); use WLE, MAP or EAP` };
    return { ok: true, method, theta: r.theta, se: 1 / Math.sqrt(answeredInfo(items, responses, r.theta)) };
  }
  // WLE
  const g = (t: number) => {
    likelihoodTerms(items, responses, t, terms);
    const info = terms[2];
    return terms[1] + warmJ(items, responses, t) / (2 * info);
  };
  const f = (t: number) => {
    likelihoodTerms(items, responses, t, terms);
    return terms[0] + 0.5 * Math.log(terms[2]);
  };
  const r = maximise(f, g, lo, hi);
  if (Number.isNaN(r.theta)) return { ok: false, method, reason: 'no-finite-maximum', direction: r.direction, message: `WLE: no finite root of the weighted score inside [${lo}, ${hi}] (θ → ${r.direction === '+inf' ? '+∞' : '−∞'}); use MAP or EAP` };
  return { ok: true, method, theta: r.theta, se: 1 / Math.sqrt(answeredInfo(items, responses, r.theta)) };
}

/** Responses keyed by item id (`{"ITEM": category}`, as the CLI takes them) → an array aligned with `items`. Unknown ids throw. */
export function alignResponses(items: readonly IrtItem[], byId: Record<string, unknown>): (number | null)[] {
  const index = new Map(items.map((it, j) => [it.id, j]));
  const out: (number | null)[] = items.map(() => null);
  for (const [id, v] of Object.entries(byId)) {
    const j = index.get(id);
    if (j === undefined) throw new RangeError(`response for unknown item "${id}" (not in the parameters)`);
    if (v === null || v === undefined) continue;
    if (typeof v === 'boolean') out[j] = v ? 1 : 0;
    else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < categoryCount(items[j])) out[j] = v;
    else throw new RangeError(`response to item "${id}" must be an integer category 0..${categoryCount(items[j]) - 1} (or null), got ${JSON.stringify(v)}`);
  }
  return out;
}

