import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import { createAuditService } from '../audit/service.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import { MemoryEventBus } from '../proctor/event-bus.ts';
import { DeliveryService } from './service.ts';
import { createExamFixture, type ExamFixture } from './exam-fixture.ts';
import { SqliteAnswerWorker, sqliteFileOf } from './sqlite-answer-worker.ts';
import type { AnswerRecord } from './answer-writer.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let dir: string;
let url: string;
let store: Store;
let fx: ExamFixture;
let sessionId: string;
let svc: DeliveryService;

beforeAll(async () => {
  dir = tempDir('assay-answer-thread-');
  url = `sqlite:${join(dir, 'db.sqlite')}`;
  store = await openStore(url);
  await store.migrate();
  fx = await createExamFixture(store, { items: 4, candidates: 2, maxTimeSeconds: 600 });
  svc = new DeliveryService({ store, audit: createAuditService(store.audit), bus: new MemoryEventBus() });
  const p: CandidatePrincipal = { kind: 'candidate', role: 'candidate', candidateId: fx.candidates[0]!.candidateId, schoolIds: [], eventId: fx.event.id, rosterId: fx.candidates[0]!.rosterId, ticketCode: fx.candidates[0]!.ticketCode };
  sessionId = (await svc.start(p)).id;
});
afterAll(async () => {
  await svc.close();
  await store.close();
});

const rec = (item: string, seq: number, value: unknown = 'A', sid = sessionId): AnswerRecord => ({ sessionId: sid, itemId: item, responseId: 'RESPONSE', value, clientSeq: seq, receivedAt: 1000 + seq });

describe('SQLite answer thread', () => {
  it('resolves the file of a sqlite: URL; none for memory or PostgreSQL', () => {
    expect(sqliteFileOf('sqlite:/tmp/x/a.db')).toBe('/tmp/x/a.db');
    expect(sqliteFileOf('sqlite::memory:')).toBeUndefined();
    expect(sqliteFileOf('postgres://u@h/db')).toBeUndefined();
  });

  it('commits a group before answering; retries and in-group copies are duplicates; the store reads it at once', async () => {
    const w = new SqliteAnswerWorker(sqliteFileOf(url)!);
    try {
      const [a, b] = fx.itemIds as [string, string];
      expect(await w.append([rec(a, 1), rec(b, 1, ['X', 'Y']), rec(a, 1)])).toEqual(['stored', 'stored', 'duplicate']);
      expect(await w.append([rec(a, 1, 'changed'), rec(a, 2, null)])).toEqual(['duplicate', 'stored']);
      const history = await store.responses.history(sessionId);
      const mine = history.filter((r) => r.itemIdentifier === a || r.itemIdentifier === b);
      expect(mine.map((r) => [r.itemIdentifier, r.clientSeq, r.value])).toEqual(
        expect.arrayContaining([[a, 1, 'A'], [a, 2, null], [b, 1, ['X', 'Y']]]),
      );
      // the duplicate did not overwrite the stored value
      expect(mine.filter((r) => r.itemIdentifier === a && r.clientSeq === 1)).toHaveLength(1);
    } finally {
      await w.close();
    }
  });

  it('a failing group stores nothing of it and is rejected as a whole; the thread keeps working', async () => {
    const w = new SqliteAnswerWorker(sqliteFileOf(url)!);
    try {
      const c = fx.itemIds[2]!;
      // a row without an item identifier breaks NOT NULL: the whole group rolls back
      await expect(w.append([rec(c, 7), rec(null as unknown as string, 8)])).rejects.toThrow(/answers not stored/);
      // an unknown session is not in progress: refused, nothing stored, no error for the others
      expect(await w.append([rec(c, 9, 'A', 'no-such-session')])).toEqual(['closed']);
      expect((await store.responses.history(sessionId)).some((r) => r.itemIdentifier === c && r.clientSeq === 7)).toBe(false);
      expect(await w.append([rec(c, 7)])).toEqual(['stored']);
    } finally {
      await w.close();
    }
  });

  it('the delivery service acknowledges through the thread and keeps idempotency and ordering', async () => {
    const p: CandidatePrincipal = { kind: 'candidate', role: 'candidate', candidateId: fx.candidates[1]!.candidateId, schoolIds: [], eventId: fx.event.id, rosterId: fx.candidates[1]!.rosterId, ticketCode: fx.candidates[1]!.ticketCode };
    const s = await svc.start(p);
    const item = fx.itemIds[3]!;
    const acks = await Promise.all([5, 4, 5].map((seq, i) => svc.answer(p, [{ itemId: item, value: i === 1 ? 'B' : 'A', clientSeq: seq }], true)));
    expect(acks.map((r) => r.acks[0]!.status).sort()).toEqual(['duplicate', 'stored', 'stored']);
    const latest = (await store.responses.latestResponses(s.id)).find((r) => r.itemIdentifier === item)!;
    expect(latest.clientSeq).toBe(5); // the older sequence never wins
    expect(svc.writer.stats.answers).toBeGreaterThanOrEqual(3);
    expect((svc as unknown as { thread?: unknown }).thread).toBeInstanceOf(SqliteAnswerWorker); // answers went through the thread
  });
});

describe('last-seen times on SQLite', () => {
  it('are written by the answer thread, never earlier than stored, and not through the main connection', async () => {
    const p: CandidatePrincipal = { kind: 'candidate', role: 'candidate', candidateId: fx.candidates[0]!.candidateId, schoolIds: [], eventId: fx.event.id, rosterId: fx.candidates[0]!.rosterId, ticketCode: fx.candidates[0]!.ticketCode };
    const s = await svc.sessionFor(p);
    const w = new SqliteAnswerWorker(sqliteFileOf(url)!);
    try {
      const later = Date.now() + 3600_000;
      await w.touch([[s.id, later]]);
      expect((await store.sessions.get(s.id))!.lastSeenAt).toBe(later);
      await w.touch([[s.id, later - 1000], ['no-such-session', 1]]);
      expect((await store.sessions.get(s.id))!.lastSeenAt).toBe(later); // a late, older time does not move it back
      await w.touch([[s.id, Date.now() - 1000]]);
    } finally {
      await w.close();
    }
    // The service's batched flush goes to the thread: the main connection's touchMany is not called.
    const mainTouches = { n: 0 };
    const orig = store.sessions.touchMany.bind(store.sessions);
    store.sessions.touchMany = (e) => (mainTouches.n++, orig(e));
    const writerItems = svc.writer.stats.answers; // answers and operations queued on the group writer
    try {
      const before = (await store.sessions.get(s.id))!.lastSeenAt!;
      await svc.heartbeat(p, []);
      await svc.flushSeen();
      expect((await store.sessions.get(s.id))!.lastSeenAt).toBeGreaterThanOrEqual(before);
      expect(mainTouches.n).toBe(0);
      expect(svc.writer.stats.answers).toBe(writerItems);
    } finally {
      store.sessions.touchMany = orig;
    }
  });
});

describe('heartbeat time', () => {
  it('timeLeft reports the same deadline and remaining time as the full view, without reading answers', async () => {
    const p: CandidatePrincipal = { kind: 'candidate', role: 'candidate', candidateId: fx.candidates[0]!.candidateId, schoolIds: [], eventId: fx.event.id, rosterId: fx.candidates[0]!.rosterId, ticketCode: fx.candidates[0]!.ticketCode };
    const s = await svc.sessionFor(p);
    const reads = { n: 0 };
    const orig = store.responses.latestResponses.bind(store.responses);
    store.responses.latestResponses = (id: string) => (reads.n++, orig(id));
    try {
      const t = await svc.timeLeft(s);
      expect(reads.n).toBe(0);
      const v = await svc.view(s);
      expect(t.deadline).toBe(v.deadline);
      expect(Math.abs(t.remainingMs! - v.remainingMs!)).toBeLessThan(1000);
    } finally {
      store.responses.latestResponses = orig;
    }
  });
});

describe('an answer thread that cannot start', () => {
  it('rejects its group, logs why, and later groups commit on the main connection', async () => {
    // The store's own connection works; the thread's file cannot be opened (no such directory).
    const broken = new Proxy(store, { get: (t, k) => (k === 'url' ? `sqlite:${join(dir, 'missing-dir', 'db.sqlite')}` : Reflect.get(t, k)) });
    const warnings: { o: Record<string, unknown>; m: string }[] = [];
    const log = { warn: (o: object, m: string) => void warnings.push({ o: o as Record<string, unknown>, m }), error: () => undefined };
    const s2 = new DeliveryService({ store: broken, audit: createAuditService(store.audit), bus: new MemoryEventBus(), log });
    try {
      const p: CandidatePrincipal = { kind: 'candidate', role: 'candidate', candidateId: fx.candidates[1]!.candidateId, schoolIds: [], eventId: fx.event.id, rosterId: fx.candidates[1]!.rosterId, ticketCode: fx.candidates[1]!.ticketCode };
      const item = fx.itemIds[0]!;
      await expect(s2.answer(p, [{ itemId: item, value: 'C', clientSeq: 40 }], true)).rejects.toThrow(/answers not stored/);
      const w = warnings.find((x) => /answer thread stopped/.test(x.m));
      expect(w, JSON.stringify(warnings)).toBeDefined();
      // The operator is told why, not only that it stopped.
      expect(String((w!.o.err as Error | undefined)?.message)).toMatch(/unable to open database file|directory does not exist/i);
      // The client's retry (same clientSeq) is stored through the main connection.
      expect((await s2.answer(p, [{ itemId: item, value: 'C', clientSeq: 40 }], true)).acks[0]!.status).toBe('stored');
    } finally {
      await s2.close();
    }
  });
});
