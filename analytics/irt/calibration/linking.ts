/**
 * Linking two separately calibrated forms through common items: θ_to = A·θ_from + B.
 * - Mean–sigma (Marco, 1977): A = SD(b_to) / SD(b_from), B = mean(b_to) − A·mean(b_from), over
 *   every location parameter (b, GRM thresholds, GPCM steps) of the common items.
 * - Stocking–Lord (1983): A, B minimise Σ_q w_q [TCC_to(θ_q) − TCC*_from(θ_q)]² over a normal
 *   grid, solved by Gauss–Newton from the mean–sigma start.
 */
import { expectedScore, type IrtItem } from '../model.ts';
import { normalQuadrature } from '../quadrature.ts';

export interface LinkingConstants {
  A: number;
  B: number;
}

export interface CommonItem {
  /** The item as calibrated on the form being moved. */
  from: IrtItem;
  /** The same item on the target (base) scale. */
  to: IrtItem;
}

function locations(it: IrtItem): number[] {
  return it.thresholds ?? it.steps ?? (it.b !== undefined ? [it.b] : []);
}

/** Re-expresses an item from the `from` scale on the `to` scale: a/A, locations·A + B; c, d unchanged. */
export function transformItem(it: IrtItem, k: LinkingConstants): IrtItem {
  const out: IrtItem = { ...it, a: it.a / k.A };
  if (it.b !== undefined) out.b = k.A * it.b + k.B;
  if (it.thresholds) out.thresholds = it.thresholds.map((t) => k.A * t + k.B);
  if (it.steps) out.steps = it.steps.map((t) => k.A * t + k.B);
  return out;
}

function checkPairs(pairs: readonly CommonItem[]): void {
  if (pairs.length < 2) throw new RangeError(`linking needs at least 2 common items, got ${pairs.length}`);
  for (const p of pairs) {
    if (p.from.model !== p.to.model) throw new RangeError(`common item "${p.to.id}": model ${p.from.model} on one form, ${p.to.model} on the other`);
    if (locations(p.from).length !== locations(p.to).length) throw new RangeError(`common item "${p.to.id}": different numbers of categories on the two forms`);
  }
}

/** Mean–sigma linking constants. */
export function meanSigma(pairs: readonly CommonItem[]): LinkingConstants {
  checkPairs(pairs);
  const f = pairs.flatMap((p) => locations(p.from));
  const t = pairs.flatMap((p) => locations(p.to));
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const sd = (x: number[]) => {
    const m = mean(x);
    return Math.sqrt(x.reduce((s, v) => s + (v - m) * (v - m), 0) / x.length);
  };
  const A = sd(t) / sd(f);
  if (!Number.isFinite(A) || A <= 0) throw new RangeError('mean–sigma: the common items have no spread in difficulty');
  return { A, B: mean(t) - A * mean(f) };
}

/** Stocking–Lord linking constants (test characteristic curve method). */
export function stockingLord(pairs: readonly CommonItem[], options: { points?: number; range?: [number, number]; start?: LinkingConstants } = {}): LinkingConstants & { criterion: number; iterations: number } {
  checkPairs(pairs);
  const n = options.points ?? 41;
  const [lo, hi] = options.range ?? [-4, 4];
  const quad = normalQuadrature(n, lo, hi);
  const target = new Float64Array(n);
  for (let q = 0; q < n; q++) for (const p of pairs) target[q] += expectedScore(p.to, quad.nodes[q]);
  const resid = (k: LinkingConstants, out: Float64Array) => {
    let f = 0;
    for (let q = 0; q < n; q++) {
      let s = 0;
      for (const p of pairs) s += expectedScore(transformItem(p.from, k), quad.nodes[q]);
      out[q] = Math.sqrt(quad.weights[q]) * (target[q] - s);
      f += out[q] * out[q];
    }
    return f;
  };
  let k = options.start ?? meanSigma(pairs);
  const r0 = new Float64Array(n);
  const rA = new Float64Array(n);
  const rB = new Float64Array(n);
  let f = resid(k, r0);
  let it = 0;
  for (; it < 100; it++) {
    const h = 1e-6;
    resid({ A: k.A + h, B: k.B }, rA);
    resid({ A: k.A, B: k.B + h }, rB);
    // Gauss–Newton: J = ∂r/∂(A, B); solve (JᵀJ) δ = −Jᵀ r
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let q = 0; q < n; q++) {
      const da = (rA[q] - r0[q]) / h;
      const db = (rB[q] - r0[q]) / h;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r0[q];
      gb += db * r0[q];
    }
    const det = jaa * jbb - jab * jab;
    if (!(Math.abs(det) > 1e-300)) break;
    const dA = -(jbb * ga - jab * gb) / det;
    const dB = -(-jab * ga + jaa * gb) / det;
    let t = 1;
    let improved = false;
    for (let s = 0; s < 30; s++) {
      const cand = { A: k.A + t * dA, B: k.B + t * dB };
      if (cand.A > 0) {
        const fc = resid(cand, rA);
        if (fc <= f) {
          k = cand;
          f = fc;
          r0.set(rA);
          improved = true;
          break;
        }
      }
      t *= 0.5;
    }
    if (!improved || Math.max(Math.abs(t * dA), Math.abs(t * dB)) < 1e-10) break;
  }
  return { A: k.A, B: k.B, criterion: f, iterations: it };
}
