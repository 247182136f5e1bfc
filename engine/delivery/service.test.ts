import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import { createAuditService } from '../audit/service.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import { MemoryEventBus, type ProctorEvent } from '../proctor/event-bus.ts';
import { DeliveryService } from './service.ts';
import { createExamFixture, type ExamFixture } from './exam-fixture.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let dir: string;
let store: Store;
let clock = Date.now();
let svc: DeliveryService;
let fx: ExamFixture;
/** An in-process bus whose test can say events were missed (as the PostgreSQL listener does when cut off). */
class GappyBus extends MemoryEventBus {
  cut(): void {
    this.gap();
  }
}
const bus = new GappyBus();
const events: ProctorEvent[] = [];

const principal = (i: number, f = fx): CandidatePrincipal => ({
  kind: 'candidate', role: 'candidate', candidateId: f.candidates[i]!.candidateId, schoolIds: [], eventId: f.event.id, rosterId: f.candidates[i]!.rosterId, ticketCode: f.candidates[i]!.ticketCode,
});

beforeAll(async () => {
  dir = tempDir('assay-delivery-');
  store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
  await store.migrate();
  svc = new DeliveryService({ store, audit: createAuditService(store.audit), bus, now: () => clock });
  fx = await createExamFixture(store, { items: 6, candidates: 4, maxTimeSeconds: 600, settings: { graceSeconds: 5 } });
  await bus.subscribe(fx.event.id, (e) => events.push(e));
});
afterAll(async () => {
  await svc.close();
  await store.close();
});

describe('delivery service on SQLite', () => {
  it('starts a session: plan stored, deadline from the test time limit, items listed', async () => {
    const s = await svc.start(principal(0));
    expect(s.state).toBe('in_progress');
    expect(s.deadlineAt).toBe(clock + 600_000);
    const v = await svc.view(s);
    expect(v.items.map((x) => x.key).sort()).toEqual([...fx.itemIds].sort());
    expect(v.remainingMs).toBe(600_000);
    expect(v.current?.navigationMode).toBe('nonlinear');
    // idempotent start (reconnect)
    expect((await svc.start(principal(0))).version).toBe(s.version);
  });

  it('reads an expired event once for all who ask at the same moment (the end bell), and again after forgetEvent', async () => {
    clock += 5000; // the cached event is stale
    const get = store.events.get.bind(store.events);
    let reads = 0;
    store.events.get = (id: string) => (reads++, get(id));
    try {
      const all = await Promise.all(Array.from({ length: 50 }, () => svc.event(fx.event.id)));
      expect(new Set(all.map((e) => e.id))).toEqual(new Set([fx.event.id]));
      expect(reads).toBe(1);
      await svc.event(fx.event.id);
      expect(reads).toBe(1); // fresh now
      svc.forgetEvent(fx.event.id);
      await Promise.all([svc.event(fx.event.id), svc.event(fx.event.id)]);
      expect(reads).toBe(2);
      await expect(svc.event('no-such-event')).rejects.toMatchObject({ status: 404 });
    } finally {
      store.events.get = get;
    }
  });

  it('trusts no cached session row after the bus reports missed events', async () => {
    const f = await createExamFixture(store, { items: 2, candidates: 1, maxTimeSeconds: 600 });
    const p = principal(0, f);
    const s = await svc.start(p);
    // Another process pauses the session and its notification never arrives.
    expect((await store.sessions.update(s.id, s.version, { state: 'paused', pausedAt: clock, deadlineAt: null })).ok).toBe(true);
    expect((await svc.heartbeat(p)).state).toBe('in_progress'); // the cached row
    bus.cut();
    expect((await svc.heartbeat(p)).state).toBe('paused');
  });

  it('publishes every progress chunk of a flush at once (one NOTIFY query on PostgreSQL, not one per chunk)', async () => {
    const f = await createExamFixture(store, { items: 2, candidates: 45, maxTimeSeconds: 600 });
    const published: ProctorEvent[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A bus whose sends take a while, as a NOTIFY round trip does.
    const slow = new (class extends MemoryEventBus {
      override async publish(e: ProctorEvent): Promise<void> {
        published.push(e);
        await gate;
      }
    })();
    const svc2 = new DeliveryService({ store, audit: createAuditService(store.audit), bus: slow, now: () => clock });
    try {
      for (let i = 0; i < 45; i++) await svc2.heartbeat(principal(i, f));
      const flushing = svc2.flushProgress();
      await new Promise((r) => setImmediate(r));
      const chunks = published.filter((e) => e.type === 'session.progress');
      expect(chunks.map((e) => (e.data as { sessions: unknown[] }).sessions.length)).toEqual([30, 15]);
      release();
      await flushing;
    } finally {
      release();
      await svc2.close();
    }
  });

  it('acknowledges answers after commit; retries are duplicates; latest = max clientSeq', async () => {
    const p = principal(0);
    const item = fx.itemIds[0]!;
    const r1 = await svc.answer(p, [{ itemId: item, value: 'A', clientSeq: 2 }], true);
    expect(r1.acks[0]!.status).toBe('stored');
    expect((await svc.answer(p, [{ itemId: item, value: 'A', clientSeq: 2 }], true)).acks[0]!.status).toBe('duplicate');
    // an older sequence arriving late is kept in history but does not become the latest
    await svc.answer(p, [{ itemId: item, value: 'B', clientSeq: 1 }], true);
    const latest = await store.responses.latestResponses(r1.session.id);
    expect(latest.find((r) => r.itemIdentifier === item)).toMatchObject({ value: 'A', clientSeq: 2 });
    expect(await store.responses.count({ sessionId: r1.session.id })).toBe(2);
  });

  it('refuses invalid values, unknown items and items outside the session with 422, storing nothing', async () => {
    const p = principal(0);
    const sid = (await svc.sessionFor(p)).id;
    const before = await store.responses.count({ sessionId: sid });
    await expect(svc.answer(p, [{ itemId: fx.itemIds[1]!, value: ['A', 'B'], clientSeq: 1 }], true)).rejects.toMatchObject({ status: 422, code: 'invalid_response' });
    await expect(svc.answer(p, [{ itemId: fx.itemIds[1]!, responseId: 'NOPE', value: 'A', clientSeq: 1 }], true)).rejects.toMatchObject({ status: 422 });
    await expect(svc.answer(p, [{ itemId: 'nope', value: 'A', clientSeq: 1 }], true)).rejects.toMatchObject({ status: 422, code: 'unknown_item' });
    await expect(svc.answer(p, [{ itemId: fx.itemIds[1]!, value: 'A', clientSeq: -1 }], true)).rejects.toMatchObject({ status: 422 });
    expect(await store.responses.count({ sessionId: sid })).toBe(before);
  });

  it('batch: reports per answer, stores the good ones', async () => {
    const p = principal(0);
    const r = await svc.answer(p, [
      { itemId: fx.itemIds[2]!, value: 'C', clientSeq: 1 },
      { itemId: fx.itemIds[3]!, value: 42, clientSeq: 1 },
      { itemId: fx.itemIds[4]!, value: 'D', clientSeq: 1 },
    ], false);
    expect(r.acks.map((a) => a.status)).toEqual(['stored', 'rejected', 'stored']);
    expect(r.acks[1]!.error!.code).toBe('invalid_response');
  });

  it('pause stops the clock and refuses answers; resume restores the remaining time; extension adds', async () => {
    const p = principal(1);
    const s = await svc.start(p);
    clock += 60_000;
    await svc.pause(s.id, 'user:proctor', 'fire alarm');
    await expect(svc.answer(p, [{ itemId: fx.itemIds[0]!, value: 'A', clientSeq: 1 }], true)).rejects.toMatchObject({ status: 409, code: 'session_paused' });
    clock += 300_000;
    const v = await svc.view(await svc.session(s.id));
    expect(v.remainingMs).toBe(540_000);
    const r = await svc.resume(s.id, 'user:proctor');
    expect(r.deadlineAt).toBe(clock + 540_000);
    const e = await svc.extend(s.id, 'user:proctor', 5, 'late bus');
    expect(e.deadlineAt).toBe(clock + 840_000);
    await expect(svc.resume(s.id, 'user:proctor')).rejects.toMatchObject({ status: 409, code: 'session_state_conflict' });
  });

  it('late answers (after deadline + grace) are refused with answer_late and audited, never stored', async () => {
    const p = principal(2);
    const s = await svc.start(p);
    clock += 600_000 + 4_000; // within grace
    expect((await svc.answer(p, [{ itemId: fx.itemIds[0]!, value: 'A', clientSeq: 1 }], true)).acks[0]!.status).toBe('stored');
    clock += 2_000; // past grace
    await expect(svc.answer(p, [{ itemId: fx.itemIds[1]!, value: 'A', clientSeq: 1 }], true)).rejects.toMatchObject({ status: 409, code: 'answer_late' });
    expect(await store.responses.count({ sessionId: s.id })).toBe(1);
    const audit = await store.audit.list({ action: 'answer.refused', target: `session:${s.id}` });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).toContain(fx.itemIds[1]!);
    // the sweeper's query finds it
    const expired = await store.sessions.listExpired(clock);
    expect(expired.map((x) => x.id)).toContain(s.id);
    const t = await svc.timeOut(s.id);
    expect(t!.state).toBe('timed_out');
    expect(await svc.timeOut(s.id)).toBeNull();
  });

  it('submit waits for in-flight answers; later answers are refused; states are published to the proctor bus', async () => {
    const p = principal(3);
    const s = await svc.start(p);
    const inflight = svc.answer(p, [{ itemId: fx.itemIds[0]!, value: 'A', clientSeq: 1 }], true);
    const sub = await svc.submit(p);
    await inflight;
    expect(sub.state).toBe('submitted');
    expect(await store.responses.count({ sessionId: s.id })).toBe(1);
    await expect(svc.answer(p, [{ itemId: fx.itemIds[1]!, value: 'A', clientSeq: 1 }], true)).rejects.toMatchObject({ status: 409, code: 'session_closed' });
    expect((await svc.submit(p)).state).toBe('submitted');
    await new Promise((r) => setTimeout(r, 10));
    expect(events.some((e) => e.sessionId === s.id && e.type === 'session.state' && e.data?.to === 'submitted')).toBe(true);
    const transitions = await store.audit.list({ target: `session:${s.id}` });
    expect(transitions.map((a) => a.action)).toEqual(expect.arrayContaining(['session.start', 'session.submit']));
  });
});
