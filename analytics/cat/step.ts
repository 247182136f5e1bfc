/**
 * The CAT step function the delivery engine calls after each answer:
 *
 *   catStep(bank, design, state, rng) → { kind: 'item', itemId, theta, se }
 *                                      | { kind: 'stop', reason, theta, se, classification? }
 *
 * Pure in the sense that matters: the result depends only on the arguments (the bank's scratch
 * buffers are reset before returning), so the same responses and the same RNG seed give the same
 * item. Order of work: validate the responses, estimate θ (or apply the start rule before the
 * first answer), check the stopping rules, then select among eligible items (not yet answered,
 * no enemy answered, in the content area the blueprint needs most).
 */
import { CatError, prepareDesign, type PreparedBank, type PreparedDesign } from './bank.ts';
import { estimateAbility, type AbilityEstimate } from './estimate.ts';
import { mulberry32, type Rng } from './rng.ts';
import { selectItem, type SelectionTrace } from './selection.ts';
import { classify, stopDecision } from './stopping.ts';
import type { CatClassification, CatDesign, CatState, CatStepResult } from './types.ts';

/** Reads the responses into bank indices and categories, refusing unknown items, repeats and bad categories. */
function readResponses(bank: PreparedBank, state: CatState): { idx: Int32Array; cat: Int32Array } {
  const r = state.responses;
  const idx = new Int32Array(r.length);
  const cat = new Int32Array(r.length);
  for (let i = 0; i < r.length; i++) {
    const j = bank.index.get(r[i].itemId);
    if (j === undefined) throw new CatError(`responses[${i}]: item '${r[i].itemId}' is not in the CAT bank`);
    const c = r[i].category;
    if (!Number.isInteger(c) || c < 0 || c >= bank.categories[j]) {
      throw new CatError(`responses[${i}] (item '${r[i].itemId}'): category ${c} is outside 0..${bank.categories[j] - 1}`);
    }
    for (let p = 0; p < i; p++) if (idx[p] === j) throw new CatError(`responses[${i}]: item '${r[i].itemId}' was already answered`);
    idx[i] = j;
    cat[i] = c;
  }
  return { idx, cat };
}

/** θ before the first answer, by the start rule. */
function startTheta(design: CatDesign, state: CatState, rng: Rng): number {
  const s = design.start ?? {};
  const method = s.method ?? 'fixed';
  if (method === 'random') {
    const [lo, hi] = s.range ?? [-1, 1];
    return lo + (hi - lo) * rng();
  }
  if (method === 'prior' && state.priorTheta !== undefined && Number.isFinite(state.priorTheta)) return state.priorTheta;
  return s.theta ?? 0;
}

/** Content area to serve next (Kingsbury & Zara 1989: largest target minus achieved proportion), in preference order. */
function areaOrder(bank: PreparedBank, pd: PreparedDesign, idx: Int32Array): number[] {
  const target = pd.blueprintTarget;
  if (!target) return [-1];
  const counts = new Float64Array(target.length);
  for (let r = 0; r < idx.length; r++) {
    const a = bank.area[idx[r]];
    if (a >= 0) counts[a]++;
  }
  const n = Math.max(1, idx.length);
  const areas: number[] = [];
  for (let k = 0; k < target.length; k++) if (target[k] > 0) areas.push(k);
  // Deficit after this item, ties to the larger target, then the lower index: deterministic.
  return areas.sort((x, y) => target[y] - counts[y] / n - (target[x] - counts[x] / n) || target[y] - target[x] || x - y);
}

function classificationFor(design: CatDesign, theta: number, sprtCategory?: number): CatClassification | undefined {
  const cuts = design.classification?.cuts ?? design.stop?.sprt?.cuts;
  if (!cuts || cuts.length === 0) return undefined;
  const labels = design.classification?.labels;
  if (sprtCategory !== undefined) return labels && labels[sprtCategory] !== undefined ? { index: sprtCategory, label: labels[sprtCategory] } : { index: sprtCategory };
  return classify(theta, cuts, labels);
}

/** Internal step with an optional trace of selection events (used by the Sympson–Hetter simulation). */
export function catStepTraced(bank: PreparedBank, design: CatDesign, state: CatState, rng: Rng, trace?: SelectionTrace): CatStepResult {
  const pd = prepareDesign(bank, design);
  const { idx, cat } = readResponses(bank, state);
  // The first draw keys the Sympson–Hetter lottery; with the contract's RNG (seeded per candidate,
  // created afresh for each call) it is the same at every step of one candidate.
  const lotteryKey = Math.floor(rng() * 4294967296);
  // Draws for this step (random start, randomesque, random selection) differ from step to step.
  const stepRng = mulberry32((lotteryKey + Math.imul(idx.length + 1, 0x9e3779b9)) >>> 0);
  const n = idx.length;
  let est: AbilityEstimate;
  if (n === 0) est = { theta: startTheta(design, state, stepRng), se: design.estimator?.prior?.sd ?? 1 };
  else est = estimateAbility(bank, design, pd, idx, cat);
  const stop = stopDecision(bank, design, n, est.se, idx, cat);
  if (stop) {
    const classification = classificationFor(design, est.theta, stop.sprtCategory);
    return { kind: 'stop', reason: stop.reason, theta: est.theta, se: est.se, ...(classification ? { classification } : {}) };
  }
  const mask = bank.mask;
  try {
    for (let r = 0; r < n; r++) {
      mask[idx[r]] = 1;
      const en = pd.enemies[idx[r]];
      if (en) for (let e = 0; e < en.length; e++) mask[en[e]] = 1;
    }
    const maxItems = Math.min(design.stop?.maxItems ?? bank.n, bank.n);
    let j = -1;
    for (const area of areaOrder(bank, pd, idx)) {
      j = selectItem(bank, design, pd, { theta: est.theta, administered: n, maxItems, area, lotteryKey }, stepRng, trace);
      if (j >= 0) break;
    }
    if (j < 0) {
      const classification = classificationFor(design, est.theta);
      return { kind: 'stop', reason: 'pool-exhausted', theta: est.theta, se: est.se, ...(classification ? { classification } : {}) };
    }
    return { kind: 'item', itemId: bank.ids[j], theta: est.theta, se: est.se };
  } finally {
    mask.fill(0);
  }
}

/**
 * One CAT step: the next item for a candidate, or the decision to stop with the final θ, SE and
 * classification. Deterministic given the bank, design, state and the RNG's seed.
 * Contract for the RNG: create it afresh for each call from a seed fixed per candidate (for example
 * `mulberry32(seedFromString(sessionId))`); Sympson–Hetter then keeps its per-candidate lottery
 * and the same answers always lead to the same item.
 * Throws {@link CatError} naming the response at fault when the state does not fit the bank.
 */
export function catStep(bank: PreparedBank, design: CatDesign, state: CatState, rng: Rng): CatStepResult {
  return catStepTraced(bank, design, state, rng);
}
