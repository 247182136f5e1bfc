/**
 * Adaptive (CAT) delivery: the next item comes from analytics/cat's `catStep` over the test's
 * calibrated items (the bank's IRT parameters); the session stores the θ/SE trace. Each step's
 * randomness (exposure control, random start) is seeded by the session seed and the step
 * number, so rebuilding a step after a restart gives the same item.
 */
import { catItemsFromParameters, catStep, mulberry32, parseCatDesign, prepareBank, seedFromString, type CatDesign, type CatResponse, type CatStepResult, type PreparedBank } from '../../analytics/cat/index.ts';
import { Unprocessable } from '../http/errors.ts';
import type { LoadedTest } from './content.ts';
import type { EventSettings } from './settings.ts';

/** One line of the θ/SE trace stored on the session. */
export interface CatTraceEntry {
  /** The item answered at this step (null for the start). */
  itemId: string | null;
  category: number | null;
  theta: number;
  se: number;
  /** Set on the last entry when the test stopped. */
  stop?: { reason: string; classification?: { index: number; label?: string } };
}

const banks = new WeakMap<LoadedTest, PreparedBank>();

/** The prepared bank of a test's calibrated items (once per loaded test). */
export function catBankOf(test: LoadedTest, pool?: string[]): PreparedBank {
  let b = banks.get(test);
  if (!b) {
    const wanted = pool ? new Set(pool) : null;
    const items = [...test.items.entries()]
      .filter(([ref, li]) => li.irt && (!wanted || wanted.has(ref)))
      .map(([ref, li]) => ({ model: '2pl', ...li.irt!.params, id: ref }));
    if (!items.length) throw new Unprocessable('the CAT pool has no item with IRT parameters', undefined, 'cat_pool_empty');
    b = prepareBank(catItemsFromParameters({ model: 'mixed', items }));
    banks.set(test, b);
  }
  return b;
}

/** The event's CAT design, with the stop rules of the settings filled in. */
export function catDesignOf(settings: EventSettings): CatDesign {
  const c = settings.cat ?? {};
  const d = (c.design ?? {}) as Record<string, unknown>;
  const stop = { ...(c.minItems ? { minItems: c.minItems } : {}), ...(c.maxItems ? { maxItems: c.maxItems } : {}), ...(c.seTarget ? { seTarget: c.seTarget } : {}), ...((d.stop as object) ?? {}) };
  return parseCatDesign({ ...d, ...(Object.keys(stop).length ? { stop } : {}) });
}

/** Responses so far from the stored trace. */
export function catResponses(trace: readonly CatTraceEntry[]): CatResponse[] {
  return trace.filter((t) => t.itemId != null && t.category != null).map((t) => ({ itemId: t.itemId!, category: t.category! }));
}

/** The next step for a session, deterministic in (session seed, responses). */
export function catNext(test: LoadedTest, settings: EventSettings, seed: string, responses: CatResponse[]): CatStepResult {
  const bank = catBankOf(test, settings.cat?.pool);
  return catStep(bank, catDesignOf(settings), { responses }, mulberry32(seedFromString(`${seed}:cat:${responses.length}`)));
}
