/**
 * IRT item models on the logistic metric (no 1.702 scaling constant), as DESIGN.md fixes them:
 *
 *  - dichotomous (rasch, 1pl, 2pl, 3pl, 4pl): P(θ) = c + (d − c) / (1 + exp(−a(θ − b)))
 *  - graded response (grm): P(X ≥ k) = 1 / (1 + exp(−a(θ − b_k))), ordered thresholds b_1 < … < b_m
 *  - generalized / partial credit (gpcm, pcm): P(X = k) ∝ exp(Σ_{v≤k} a(θ − b_v)), steps b_1 … b_m
 *
 * Everything here is allocation-free on the hot path (the CAT helper evaluates information for
 * 10,000 items per selection); polytomous evaluations reuse one module-level scratch buffer.
 */

/** Model names. `rasch` fixes a = 1 (ability variance free); `1pl` has one common a, θ ~ N(0, 1) — as in R's ltm. */
export type IrtModel = 'rasch' | '1pl' | '2pl' | '3pl' | '4pl' | 'grm' | 'gpcm' | 'pcm';

export const IRT_MODELS: readonly IrtModel[] = ['rasch', '1pl', '2pl', '3pl', '4pl', 'grm', 'gpcm', 'pcm'];

/** One calibrated item, matching an entry of the parameters JSON. */
export interface IrtItem {
  id: string;
  model: IrtModel;
  /** Discrimination (slope). 1 for rasch/pcm. */
  a: number;
  /** Difficulty (dichotomous models). */
  b?: number;
  /** Lower asymptote (guessing), 3pl/4pl; 0 otherwise. */
  c?: number;
  /** Upper asymptote (slipping), 4pl; 1 otherwise. */
  d?: number;
  /** GRM ordered category thresholds b_1..b_m (m + 1 categories). */
  thresholds?: number[];
  /** GPCM/PCM step difficulties b_1..b_m (m + 1 categories). */
  steps?: number[];
}

/** Parsed parameters JSON: the test-level model plus items (each may carry its own model in a mixed test). */
export interface IrtParameters {
  model: IrtModel | 'mixed';
  items: IrtItem[];
  /** Mean and SD of the ability distribution on which the items were calibrated (default 0, 1). */
  population?: { mean: number; sd: number };
  [extra: string]: unknown;
}

export function isDichotomous(model: IrtModel): boolean {
  return model !== 'grm' && model !== 'gpcm' && model !== 'pcm';
}

/** Number of response categories (2 for dichotomous items). */
export function categoryCount(item: IrtItem): number {
  if (item.model === 'grm') return (item.thresholds?.length ?? 0) + 1;
  if (item.model === 'gpcm' || item.model === 'pcm') return (item.steps?.length ?? 0) + 1;
  return 2;
}

/** Highest category score (1 for dichotomous items). */
export function maxScore(item: IrtItem): number {
  return categoryCount(item) - 1;
}

// Scratch for polytomous evaluations (no allocation per call). Items with more categories grow it.
let scratch = new Float64Array(64);
function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  return scratch;
}

/** Logistic with clamping so exp never overflows. */
export function logistic(x: number): number {
  if (x > 35) return 1 - 1e-15;
  if (x < -35) return 1e-15;
  return 1 / (1 + Math.exp(-x));
}

/** P(X = 1 | θ) for a dichotomous item; for polytomous items the expected score divided by the maximum. */
export function probabilityCorrect(item: IrtItem, theta: number): number {
  const m = item.model;
  if (m !== 'grm' && m !== 'gpcm' && m !== 'pcm') {
    const c = item.c ?? 0;
    const d = item.d ?? 1;
    return c + (d - c) * logistic(item.a * (theta - (item.b ?? 0)));
  }
  return expectedScore(item, theta) / maxScore(item);
}

/**
 * Category probabilities P(X = k | θ), k = 0..m, written into `out` (allocated when not given).
 * Dichotomous items give [1 − P, P].
 */
export function categoryProbabilities(item: IrtItem, theta: number, out?: number[] | Float64Array): number[] | Float64Array {
  const n = categoryCount(item);
  const o = out ?? new Array<number>(n);
  fillCategoryProbabilities(item, theta, o);
  return o;
}

/** Writes P(X = k | θ) into `out[0..m]`. Returns the number of categories. */
export function fillCategoryProbabilities(item: IrtItem, theta: number, out: number[] | Float64Array): number {
  const m = item.model;
  if (m === 'grm') {
    const t = item.thresholds!;
    const a = item.a;
    let prev = 1;
    for (let k = 0; k < t.length; k++) {
      const ps = logistic(a * (theta - t[k]));
      out[k] = prev - ps;
      prev = ps;
    }
    out[t.length] = prev;
    // Guard tiny negatives from disordered thresholds during estimation.
    for (let k = 0; k <= t.length; k++) if (out[k] < 1e-15) out[k] = 1e-15;
    return t.length + 1;
  }
  if (m === 'gpcm' || m === 'pcm') {
    const s = item.steps!;
    const a = m === 'pcm' ? (item.a ?? 1) : item.a;
    // Cumulative sums z_k = Σ_{v≤k} a(θ − b_v), normalised with max-subtraction for stability.
    let z = 0;
    let zmax = 0;
    out[0] = 0;
    for (let k = 0; k < s.length; k++) {
      z += a * (theta - s[k]);
      out[k + 1] = z;
      if (z > zmax) zmax = z;
    }
    let sum = 0;
    for (let k = 0; k <= s.length; k++) {
      const e = Math.exp(out[k] - zmax);
      out[k] = e;
      sum += e;
    }
    for (let k = 0; k <= s.length; k++) {
      const p = out[k] / sum;
      out[k] = p < 1e-15 ? 1e-15 : p;
    }
    return s.length + 1;
  }
  const p = probabilityCorrect(item, theta);
  out[0] = 1 - p;
  out[1] = p;
  return 2;
}

/** Expected item score E[X | θ] (equals P for dichotomous items). */
export function expectedScore(item: IrtItem, theta: number): number {
  if (isDichotomous(item.model)) return probabilityCorrect(item, theta);
  const buf = scratchFor(categoryCount(item));
  const n = fillCategoryProbabilities(item, theta, buf);
  let e = 0;
  for (let k = 1; k < n; k++) e += k * buf[k];
  return e;
}

/**
 * Fisher item information I(θ) for every model:
 *  - 4PL family: a² (P − c)² (d − P)² / ((d − c)² P (1 − P))
 *  - GRM: Σ_k (P*'_k − P*'_{k+1})² / P_k with P*'_k = a P*_k (1 − P*_k)
 *  - GPCM/PCM: a² Var(X | θ)
 */
export function itemInformation(item: IrtItem, theta: number): number {
  const m = item.model;
  if (m !== 'grm' && m !== 'gpcm' && m !== 'pcm') {
    const a = item.a;
    const c = item.c ?? 0;
    const d = item.d ?? 1;
    const ps = logistic(a * (theta - (item.b ?? 0)));
    if (c === 0 && d === 1) return a * a * ps * (1 - ps);
    const p = c + (d - c) * ps;
    const num = (p - c) * (d - p);
    return (a * a * num * num) / ((d - c) * (d - c) * p * (1 - p));
  }
  if (m === 'grm') {
    const t = item.thresholds!;
    const a = item.a;
    let info = 0;
    let prevP = 1;
    let prevD = 0;
    for (let k = 0; k <= t.length; k++) {
      let ps = 0;
      let dps = 0;
      if (k < t.length) {
        ps = logistic(a * (theta - t[k]));
        dps = a * ps * (1 - ps);
      }
      let pk = prevP - ps;
      if (pk < 1e-15) pk = 1e-15;
      const dk = prevD - dps;
      info += (dk * dk) / pk;
      prevP = ps;
      prevD = dps;
    }
    return info;
  }
  const buf = scratchFor(categoryCount(item));
  const n = fillCategoryProbabilities(item, theta, buf);
  let e = 0;
  let e2 = 0;
  for (let k = 1; k < n; k++) {
    e += k * buf[k];
    e2 += k * k * buf[k];
  }
  const a = m === 'pcm' ? (item.a ?? 1) : item.a;
  return a * a * (e2 - e * e);
}

/** Test information Σ I_j(θ). */
export function testInformation(items: readonly IrtItem[], theta: number): number {
  let s = 0;
  for (let j = 0; j < items.length; j++) s += itemInformation(items[j], theta);
  return s;
}

/** Standard error of θ from test information, 1 / √I(θ). */
export function standardError(items: readonly IrtItem[], theta: number): number {
  return 1 / Math.sqrt(testInformation(items, theta));
}

/** True when a response value means "not presented / not answered". */
export function isMissing(x: number | null | undefined): boolean {
  return x === null || x === undefined || !(x >= 0) || Number.isNaN(x);
}

/** log P(X = x | θ) for one item (x a category 0..m). */
export function logCategoryProbability(item: IrtItem, theta: number, x: number): number {
  if (isDichotomous(item.model)) {
    const p = probabilityCorrect(item, theta);
    const v = x >= 1 ? p : 1 - p;
    return Math.log(v < 1e-300 ? 1e-300 : v);
  }
  const buf = scratchFor(categoryCount(item));
  fillCategoryProbabilities(item, theta, buf);
  return Math.log(buf[x]);
}

/**
 * Log-likelihood of a response vector at θ. `responses[j]` is the category for `items[j]`;
 * null, undefined, NaN or a negative number means not presented (skipped).
 */
export function logLikelihood(items: readonly IrtItem[], responses: ArrayLike<number | null | undefined>, theta: number): number {
  let ll = 0;
  for (let j = 0; j < items.length; j++) {
    const x = responses[j];
    if (isMissing(x)) continue;
    ll += logCategoryProbability(items[j], theta, x as number);
  }
  return ll;
}

/**
 * First and second derivatives of log P(X = x | θ) with respect to θ, plus the item information,
 * written to `out` = [d1, d2, info]. Used by Newton-type ability estimation (MLE, MAP, WLE).
 */
export function logProbabilityDerivatives(item: IrtItem, theta: number, x: number, out: Float64Array | number[]): void {
  const m = item.model;
  if (m !== 'grm' && m !== 'gpcm' && m !== 'pcm') {
    const a = item.a;
    const c = item.c ?? 0;
    const d = item.d ?? 1;
    const ps = logistic(a * (theta - (item.b ?? 0)));
    const p = c + (d - c) * ps;
    const dp = (d - c) * a * ps * (1 - ps);
    const d2p = (d - c) * a * a * ps * (1 - ps) * (1 - 2 * ps);
    if (x >= 1) {
      out[0] = dp / p;
      out[1] = d2p / p - (dp * dp) / (p * p);
    } else {
      const q = 1 - p;
      out[0] = -dp / q;
      out[1] = -d2p / q - (dp * dp) / (q * q);
    }
    out[2] = (dp * dp) / (p * (1 - p));
    return;
  }
  if (m === 'grm') {
    const t = item.thresholds!;
    const a = item.a;
    // P_x = P*_x − P*_{x+1}, with P*_0 = 1, P*_{m+1} = 0.
    const star = (k: number): [number, number, number] => {
      if (k <= 0) return [1, 0, 0];
      if (k > t.length) return [0, 0, 0];
      const ps = logistic(a * (theta - t[k - 1]));
      const w = ps * (1 - ps);
      return [ps, a * w, a * a * w * (1 - 2 * ps)];
    };
    const [p0, d0, e0] = star(x);
    const [p1, d1, e1] = star(x + 1);
    let p = p0 - p1;
    if (p < 1e-15) p = 1e-15;
    const dp = d0 - d1;
    const d2p = e0 - e1;
    out[0] = dp / p;
    out[1] = d2p / p - (dp * dp) / (p * p);
    out[2] = itemInformation(item, theta);
    return;
  }
  // GPCM/PCM: d/dθ log P_x = a (x − E[X]); d² = −a² Var(X).
  const buf = scratchFor(categoryCount(item));
  const n = fillCategoryProbabilities(item, theta, buf);
  let e = 0;
  let e2 = 0;
  for (let k = 1; k < n; k++) {
    e += k * buf[k];
    e2 += k * k * buf[k];
  }
  const a = m === 'pcm' ? (item.a ?? 1) : item.a;
  const v = e2 - e * e;
  out[0] = a * (x - e);
  out[1] = -a * a * v;
  out[2] = a * a * v;
}

// ---------------------------------------------------------------------------------------------
// Parameters JSON reader / validator

/** Thrown by {@link parseParameters} with a message naming the item and field at fault. */
export class ParametersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParametersError';
  }
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Reads and validates an IRT parameters JSON (a string or an already-parsed object):
 * `{"model", "items": [{"id", "a", "b", "c", "d", "thresholds", "steps", "model"?}]}`.
 * Items inherit the top-level model unless they name their own (mixed tests use `"model": "mixed"`).
 * Throws {@link ParametersError} naming the item (index and id) and the field that is wrong.
 */
export function parseParameters(json: string | unknown): IrtParameters {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new ParametersError(`parameters: not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ParametersError('parameters: expected a JSON object with "model" and "items"');
  const d = doc as Record<string, unknown>;
  const topModel = d.model;
  if (topModel !== undefined && topModel !== 'mixed' && !IRT_MODELS.includes(topModel as IrtModel)) {
    throw new ParametersError(`parameters: "model" must be one of ${IRT_MODELS.join(', ')} or mixed, got ${JSON.stringify(topModel)}`);
  }
  if (!Array.isArray(d.items)) throw new ParametersError('parameters: "items" must be an array');
  if (d.items.length === 0) throw new ParametersError('parameters: "items" is empty');
  const seen = new Set<string>();
  const items: IrtItem[] = d.items.map((raw, i) => {
    const where = `parameters: items[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new ParametersError(`${where}: expected an object`);
    const r = raw as Record<string, unknown>;
    const id = r.id;
    if (typeof id !== 'string' || id === '') throw new ParametersError(`${where}: "id" must be a non-empty string`);
    const at = `${where} (id ${JSON.stringify(id)})`;
    if (seen.has(id)) throw new ParametersError(`${at}: duplicate id`);
    seen.add(id);
    const model = (r.model ?? topModel) as IrtModel | undefined;
    if (model === undefined || (model as string) === 'mixed') throw new ParametersError(`${at}: "model" missing (the test model is ${JSON.stringify(topModel ?? null)})`);
    if (!IRT_MODELS.includes(model)) throw new ParametersError(`${at}: "model" must be one of ${IRT_MODELS.join(', ')}, got ${JSON.stringify(model)}`);
    const num = (key: string, dflt: number | undefined): number | undefined => {
      const v = r[key];
      if (v === undefined || v === null) return dflt;
      if (!isFiniteNumber(v)) throw new ParametersError(`${at}: "${key}" must be a finite number, got ${JSON.stringify(v)}`);
      return v;
    };
    const fixedA = model === 'rasch' || model === 'pcm';
    const a = num('a', fixedA ? 1 : undefined);
    if (a === undefined) throw new ParametersError(`${at}: "a" is required for model ${model}`);
    if (!(a > 0)) throw new ParametersError(`${at}: "a" must be > 0, got ${a}`);
    const item: IrtItem = { id, model, a };
    if (isDichotomous(model)) {
      const b = num('b', undefined);
      if (b === undefined) throw new ParametersError(`${at}: "b" is required for model ${model}`);
      const c = num('c', 0)!;
      const dd = num('d', 1)!;
      if (c < 0 || c >= 1) throw new ParametersError(`${at}: "c" must be in [0, 1), got ${c}`);
      if (dd <= 0 || dd > 1) throw new ParametersError(`${at}: "d" must be in (0, 1], got ${dd}`);
      if (c >= dd) throw new ParametersError(`${at}: "c" (${c}) must be below "d" (${dd})`);
      item.b = b;
      if (c !== 0) item.c = c;
      if (dd !== 1) item.d = dd;
    } else {
      const key = model === 'grm' ? 'thresholds' : 'steps';
      const arr = r[key];
      if (!Array.isArray(arr) || arr.length === 0) throw new ParametersError(`${at}: "${key}" must be a non-empty array of numbers for model ${model}`);
      arr.forEach((v, k) => {
        if (!isFiniteNumber(v)) throw new ParametersError(`${at}: "${key}"[${k}] must be a finite number, got ${JSON.stringify(v)}`);
      });
      if (model === 'grm') {
        for (let k = 1; k < arr.length; k++) {
          if (!((arr[k] as number) > (arr[k - 1] as number))) throw new ParametersError(`${at}: "thresholds" must be strictly increasing (thresholds[${k}] = ${arr[k]} ≤ ${arr[k - 1]})`);
        }
      }
      item[key] = (arr as number[]).slice();
    }
    return item;
  });
  const out: IrtParameters = { ...d, model: (topModel as IrtModel | 'mixed' | undefined) ?? (new Set(items.map((x) => x.model)).size === 1 ? items[0].model : 'mixed'), items };
  if (d.population !== undefined) {
    const p = d.population as Record<string, unknown>;
    if (typeof p !== 'object' || p === null || !isFiniteNumber(p.mean) || !isFiniteNumber(p.sd) || !(p.sd > 0)) {
      throw new ParametersError('parameters: "population" must be {"mean": number, "sd": number > 0}');
    }
    out.population = { mean: p.mean, sd: p.sd };
  }
  return out;
}

/** Serialises items to the parameters JSON shape (drops undefined fields and default c/d). */
export function itemToJson(item: IrtItem): Record<string, unknown> {
  const o: Record<string, unknown> = { id: item.id, model: item.model, a: item.a };
  if (item.b !== undefined) o.b = item.b;
  if (item.c !== undefined && item.c !== 0) o.c = item.c;
  if (item.d !== undefined && item.d !== 1) o.d = item.d;
  if (item.thresholds) o.thresholds = item.thresholds;
  if (item.steps) o.steps = item.steps;
  return o;
}
