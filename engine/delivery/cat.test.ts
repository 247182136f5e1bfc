/** Adaptive sections: next item from analytics/cat's catStep; θ/SE trace stored; deterministic. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import { createAuditService } from '../audit/service.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import { MemoryEventBus } from '../proctor/event-bus.ts';
import { DeliveryService } from './service.ts';
import { createExamFixture, type ExamFixture } from './exam-fixture.ts';
import { scoreAndStore } from './scoring.ts';
import type { CatTraceEntry } from './cat.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let dir: string;
let store: Store;
let svc: DeliveryService;
let f: ExamFixture;

beforeAll(async () => {
  dir = tempDir('assay-cat-');
  store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
  await store.migrate();
  svc = new DeliveryService({ store, audit: createAuditService(store.audit), bus: new MemoryEventBus(), scorer: (s, e, reason) => scoreAndStore(svc, s, e, { reason }) });
  f = await createExamFixture(store, { items: 30, candidates: 3, code: 'CAT', navigationMode: 'linear', submissionMode: 'individual', settings: { examType: 'language', levelCuts: [-2, -1, 0, 1, 2], cat: { maxItems: 8, design: { selection: { method: 'mfi' } } } } });
});
afterAll(async () => {
  await svc.close();
  await store.close();
});

const who = (i: number): CandidatePrincipal => ({ kind: 'candidate', role: 'candidate', candidateId: f.candidates[i]!.candidateId, schoolIds: [], eventId: f.event.id, rosterId: f.candidates[i]!.rosterId, ticketCode: f.candidates[i]!.ticketCode });

async function sit(i: number, right: boolean) {
  const p = who(i);
  await svc.start(p);
  const delivered: string[] = [];
  for (let k = 0; k < 20; k++) {
    const v = await svc.view(await svc.sessionFor(p));
    if (!v.current) break;
    const id = v.current.itemId;
    delivered.push(id);
    const key = f.keys[id]!;
    await svc.answer(p, [{ itemId: id, value: right ? key : key === 'A' ? 'B' : 'A', clientSeq: 1 }], true);
    await svc.navigate(p, 'next');
  }
  const s = await svc.submit(p);
  return { s, delivered };
}

describe('CAT delivery', () => {
  it('selects items adaptively, stops at maxItems, stores the θ/SE trace, scores on delivered items', async () => {
    const hi = await sit(0, true);
    const lo = await sit(1, false);
    expect(hi.delivered).toHaveLength(8);
    expect(lo.delivered).toHaveLength(8);
    expect(hi.delivered).not.toEqual(lo.delivered); // adaptive: different paths
    const trace = hi.s.thetaTrace as unknown as CatTraceEntry[];
    expect(trace).toHaveLength(9);
    expect(trace.at(-1)!.stop!.reason).toBe('max-items');
    expect(trace.at(-1)!.theta).toBeGreaterThan(0.5);
    expect((lo.s.thetaTrace as unknown as CatTraceEntry[]).at(-1)!.theta).toBeLessThan(-0.5);
    const r = (await store.results.latest(hi.s.id))!;
    expect((r.outcomes as { maxScore: number }).maxScore).toBe(8);
    expect(r.theta!).toBeGreaterThan(0.5);
    expect(r.level).toMatch(/^Bậc/);
    expect((r.outcomes as { cat: unknown[] }).cat).toHaveLength(9);
    // only the current item takes answers, and there is no going back
    await expect(svc.navigate(who(0), 'previous')).rejects.toMatchObject({ status: 409 });
  });

  it('the first item is the same after rebuilding (seeded per session)', async () => {
    const p = who(2);
    const a = (await svc.start(p)).itemOrder as string[];
    const svc2 = new DeliveryService({ store, audit: createAuditService(store.audit), bus: new MemoryEventBus() });
    const v = await svc2.view(await svc2.sessionFor(p));
    expect(v.current!.itemId).toBe(a[0]);
    expect(v.items.map((x) => x.key)).toEqual(a);
    await svc2.close();
  });
});
