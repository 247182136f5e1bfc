/**
 * Next-item selection among eligible items: a criterion (maximum Fisher information,
 * Kullback–Leibler information, a-stratified b-matching, random) ranks the items, and exposure
 * control (randomesque, Sympson–Hetter) picks among the best. Eligibility (answered items, enemies,
 * content area) arrives as a mask and an optional area restriction.
 */
import { fillCategoryProbabilities } from '../irt/model.ts';
import { gridPosition, orderAtGrid, type PreparedBank, type PreparedDesign } from './bank.ts';
import { keyedUnit, type Rng } from './rng.ts';
import type { CatDesign } from './types.ts';

/** Records selection events for Sympson–Hetter simulation: items that reached the exposure lottery. */
export interface SelectionTrace {
  considered: (j: number) => void;
}

/** Candidates kept per pass; Sympson–Hetter walks them in order before scanning again. */
const TOP_M = 16;
const topIdx = new Int32Array(TOP_M);
const topVal = new Float64Array(TOP_M);
const probBuf = new Float64Array(64);

/** Inserts (j, v) into the descending top list of length `len` (capacity `cap`); returns the new length. */
function insertTop(j: number, v: number, len: number, cap: number): number {
  if (len === cap && v <= topVal[len - 1]) return len;
  let p = len < cap ? len : cap - 1;
  while (p > 0 && topVal[p - 1] < v) {
    topVal[p] = topVal[p - 1];
    topIdx[p] = topIdx[p - 1];
    p--;
  }
  topVal[p] = v;
  topIdx[p] = j;
  return len < cap ? len + 1 : len;
}

function inTop(j: number, len: number): boolean {
  for (let r = 0; r < len; r++) if (topIdx[r] === j) return true;
  return false;
}

export interface SelectionContext {
  theta: number;
  /** Number of items answered so far. */
  administered: number;
  /** Test length used for a-stratified stages. */
  maxItems: number;
  /** Only items of this content area, or −1 for any. */
  area: number;
  /** Per-candidate key for the Sympson–Hetter lottery (the RNG's first draw; see catStep). */
  lotteryKey: number;
}

/**
 * Fills the top list with the best `cap` eligible items by the design's criterion. Returns how many.
 * Ties keep the lower bank index, so selection is deterministic without consuming the RNG.
 */
function rankCandidates(bank: PreparedBank, design: CatDesign, pd: PreparedDesign, ctx: SelectionContext, cap: number): number {
  const n = bank.n;
  const mask = bank.mask;
  const area = bank.area;
  const method = design.selection?.method ?? 'mfi';
  let len = 0;
  if (method === 'mfi') {
    // Threshold algorithm (Fagin et al. 2003) over the two neighbouring grid points' orderings:
    // I(θ) is interpolated between them, so no unseen item can beat w0·I_g(next) + w1·I_g+1(next).
    // Exact for the interpolated criterion; typically touches a few dozen items instead of all.
    const { g, w } = gridPosition(bank, ctx.theta);
    const info = bank.info;
    const r0 = g * n;
    const r1 = r0 + n;
    const w0 = 1 - w;
    const l0 = orderAtGrid(bank, g);
    const l1 = orderAtGrid(bank, g + 1);
    for (let r = 0; r < n; r++) {
      const ja = l0[r];
      const jb = l1[r];
      if (!mask[ja] && (ctx.area < 0 || area[ja] === ctx.area)) {
        const v = info[r0 + ja] * w0 + info[r1 + ja] * w;
        if ((len < cap || v > topVal[len - 1]) && !inTop(ja, len)) len = insertTop(ja, v, len, cap);
      }
      if (jb !== ja && !mask[jb] && (ctx.area < 0 || area[jb] === ctx.area)) {
        const v = info[r0 + jb] * w0 + info[r1 + jb] * w;
        if ((len < cap || v > topVal[len - 1]) && !inTop(jb, len)) len = insertTop(jb, v, len, cap);
      }
      if (len === cap && topVal[cap - 1] >= info[r0 + ja] * w0 + info[r1 + jb] * w) break;
    }
    return len;
  }
  if (method === 'kl') {
    // KL information integrated over θ̂ ± z/√n on the quadrature nodes (Chang & Ying 1996).
    const z = design.selection?.klZ ?? 3;
    const half = z / Math.sqrt(Math.max(1, ctx.administered));
    const nodes = bank.nodes;
    const Q = nodes.length;
    let q0 = 0;
    while (q0 < Q - 1 && nodes[q0] < ctx.theta - half) q0++;
    let q1 = Q - 1;
    while (q1 > 0 && nodes[q1] > ctx.theta + half) q1--;
    if (q1 < q0) q1 = q0;
    for (let j = 0; j < n; j++) {
      if (mask[j] || (ctx.area >= 0 && area[j] !== ctx.area)) continue;
      const m = fillCategoryProbabilities(bank.items[j], ctx.theta, probBuf);
      const base = bank.logOffset[j];
      // Σ_q Σ_k P_k(θ̂)(log P_k(θ̂) − log P_k(θ_q)), the inner sum over q from running sums.
      const width = q1 - q0 + 1;
      let kl = 0;
      for (let k = 0; k < m; k++) {
        const p = probBuf[k];
        const row = base + k * Q;
        const windowSum = bank.cumLogP[row + q1] - (q0 > 0 ? bank.cumLogP[row + q0 - 1] : 0);
        kl += p * (width * Math.log(p) - windowSum);
      }
      if (len < cap || kl > topVal[len - 1]) len = insertTop(j, kl, len, cap);
    }
    return len;
  }
  if (method === 'astrat') {
    // a-stratified (Chang & Ying 1999): low-a strata first; within the stage's stratum, b closest to θ̂.
    const stage = Math.min(pd.strata - 1, Math.floor((ctx.administered * pd.strata) / Math.max(1, ctx.maxItems)));
    // When the stage's stratum is used up, move to the next higher, then lower strata.
    for (let d = 0; d < pd.strata && len === 0; d++) {
      const s = stage + d < pd.strata ? stage + d : pd.strata - 1 - d;
      for (let j = 0; j < n; j++) {
        if (mask[j] || Math.min(pd.strata - 1, Math.floor((bank.aRank[j] * pd.strata) / n)) !== s || (ctx.area >= 0 && area[j] !== ctx.area)) continue;
        const v = -Math.abs(bank.location[j] - ctx.theta);
        if (len < cap || v > topVal[len - 1]) len = insertTop(j, v, len, cap);
      }
    }
    return len;
  }
  throw new Error(`unknown selection method '${method}'`);
}

/** Uniformly random eligible item (one RNG draw), or −1. */
function randomEligible(bank: PreparedBank, area: number, rng: Rng): number {
  let count = 0;
  for (let j = 0; j < bank.n; j++) if (!bank.mask[j] && (area < 0 || bank.area[j] === area)) count++;
  if (count === 0) return -1;
  let k = Math.floor(rng() * count);
  for (let j = 0; j < bank.n; j++) {
    if (bank.mask[j] || (area >= 0 && bank.area[j] !== area)) continue;
    if (k-- === 0) return j;
  }
  return -1;
}

/**
 * Picks the next item index among unmasked items, or −1 when none is eligible.
 * Sympson–Hetter: walk the ranking; the item at hand is administered with probability K_i,
 * otherwise it is passed over (counted as selected in the trace). The lottery is keyed by the
 * candidate, so an item passed over once stays passed over for that candidate, as in the original
 * procedure where it leaves the candidate's pool.
 * Items passed over are masked for the rest of this call only, so the caller's mask changes.
 */
export function selectItem(bank: PreparedBank, design: CatDesign, pd: PreparedDesign, ctx: SelectionContext, rng: Rng, trace?: SelectionTrace): number {
  const method = design.selection?.method ?? 'mfi';
  const exposure = design.exposure?.method ?? 'none';
  if (method === 'random') {
    const j = randomEligible(bank, ctx.area, rng);
    if (j >= 0) trace?.considered(j);
    return j;
  }
  if (exposure === 'randomesque') {
    const k = Math.max(1, Math.min(TOP_M, Math.floor(design.exposure?.randomesque ?? 5)));
    const len = rankCandidates(bank, design, pd, ctx, k);
    if (len === 0) return -1;
    const j = topIdx[Math.floor(rng() * len)];
    trace?.considered(j);
    return j;
  }
  if (exposure === 'sympson-hetter') {
    let fallback = -1;
    for (;;) {
      const len = rankCandidates(bank, design, pd, ctx, TOP_M);
      if (len === 0) return fallback;
      for (let r = 0; r < len; r++) {
        const j = topIdx[r];
        trace?.considered(j);
        if (fallback < 0) fallback = j;
        const k = pd.shK.get(j);
        if (k === undefined || keyedUnit(ctx.lotteryKey, j) < k) return j;
        bank.mask[j] = 1;
      }
    }
  }
  const len = rankCandidates(bank, design, pd, ctx, 1);
  if (len === 0) return -1;
  trace?.considered(topIdx[0]);
  return topIdx[0];
}
