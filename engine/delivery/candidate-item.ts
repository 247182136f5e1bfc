/**
 * The item of the caller's OWN session that a candidate may look at right now, with the same
 * visibility rules as GET /api/delivery/session/items/{itemId} (started, not voided; linear
 * parts show the current item and reviewable visited ones only). Shared by the media and
 * feedback routes so neither can reach an item the candidate could not open.
 */
import type { Context } from 'hono';
import { candidateOf } from '../auth/guard.ts';
import type { AppEnv } from '../http/context.ts';
import { Conflict, Forbidden, NotFound } from '../http/errors.ts';
import type { ExamEvent, ExamSession } from '../store/types.ts';
import type { LoadedItem, LoadedTest } from './content.ts';
import type { DeliveryService } from './service.ts';
import { partOf, type DeliveryPlan, type PlannedItem } from './walker.ts';

export interface OwnItem {
  session: ExamSession;
  event: ExamEvent;
  plan: DeliveryPlan;
  test: LoadedTest;
  planned: PlannedItem;
  loaded: LoadedItem;
}

/** Resolves `key` in the caller's session or throws 404/403/409 (JSON errors). */
export async function ownItem(c: Context<AppEnv>, svc: DeliveryService, key: string): Promise<OwnItem> {
  const s = await svc.sessionFor(candidateOf(c));
  if (s.startedAt == null) throw new Conflict('start the exam first', { state: s.state }, 'session_not_started');
  if (s.state === 'voided') throw new Conflict('this session was voided', { state: s.state }, 'session_closed');
  const event = await svc.event(s.eventId);
  const { plan, test } = await svc.planOf(s, event);
  const planned = plan.items.find((x) => x.key === key);
  if (!planned) throw new NotFound('item in your test', key);
  const nav = (s.position ?? { position: -1, visited: [] }) as { position: number; visited: string[] };
  if (s.state === 'in_progress' && nav.position >= 0) {
    const part = partOf(plan, nav.position);
    const seen = nav.visited.includes(planned.key);
    if (part.navigationMode === 'linear' && planned.index !== nav.position && !(seen && planned.control.allowReview)) throw new Forbidden(`test part '${part.identifier}' is linear: item '${key}' is not the current item`, undefined, 'item_not_current');
    if (planned.part !== part.identifier && !(seen && planned.control.allowReview)) throw new Forbidden(`item '${key}' is in another test part`, undefined, 'item_in_other_part');
  }
  const loaded = test.items.get(planned.identifier);
  if (!loaded) throw new NotFound('item in your test', key);
  return { session: s, event, plan, test, planned, loaded };
}
