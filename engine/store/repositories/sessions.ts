/** Exam sessions with compare-and-set updates on `version`. */
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { SessionsRepo } from '../types.ts';
import { defined, first, newId, runPrepared } from './util.ts';
import type { ExamSession } from '../types.ts';

const ph = sql.placeholder;

/** Locks in id order and skips rows held by another transaction (see SessionsRepo.touchMany). */
const TOUCH_MANY_PG = `WITH v AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS v(id, at)),
  l AS (SELECT e.id FROM exam_sessions e WHERE e.id = ANY($1::text[]) ORDER BY e.id FOR NO KEY UPDATE SKIP LOCKED)
UPDATE exam_sessions s SET last_seen_at = GREATEST(COALESCE(s.last_seen_at, 0), v.at)
  FROM v JOIN l ON l.id = v.id WHERE s.id = v.id RETURNING s.id`;

/** One last-seen time on SQLite (a time never moves back); the delivery answer thread runs it too. */
export const TOUCH_SQLITE = 'UPDATE exam_sessions SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?';

export function sessionsRepo(c: Ctx): SessionsRepo {
  const { examSessions: s } = c.t;
  return {
    create: (x) => c.run(async ({ db, now }) => {
      const at = now();
      return (await db.insert(s).values({
        id: x.id ?? newId(), eventId: x.eventId, candidateId: x.candidateId, state: x.state, seed: x.seed,
        itemOrder: x.itemOrder ?? null, deadlineAt: x.deadlineAt ?? null, startedAt: x.startedAt ?? null, pausedAt: x.pausedAt ?? null,
        pausedMs: x.pausedMs ?? 0, extensionMs: x.extensionMs ?? 0, position: x.position ?? null, lastSeenAt: x.lastSeenAt ?? null,
        submittedAt: x.submittedAt ?? null, version: x.version ?? 0, thetaTrace: x.thetaTrace ?? null, data: x.data ?? null,
        createdAt: x.createdAt ?? at, updatedAt: x.updatedAt ?? at,
      }).returning())[0];
    }),
    get: (id) => c.read(async (x) => first(await runPrepared<ExamSession[]>(x, 'sessions.get', () => x.db.select().from(s).where(eq(s.id, ph('id'))), { id }))),
    getByCandidate: (eventId, candidateId) => c.read(async (x) => first(await runPrepared<ExamSession[]>(x, 'sessions.getByCandidate', () => x.db.select().from(s).where(and(eq(s.eventId, ph('eventId')), eq(s.candidateId, ph('candidateId')))), { eventId, candidateId }))),
    listByEvent: (eventId, f = {}) => c.read(async ({ db }) => db.select().from(s)
      .where(and(eq(s.eventId, eventId), f.states?.length ? inArray(s.state, f.states) : undefined)).orderBy(asc(s.createdAt), asc(s.id))),
    listByCandidate: (candidateId) => c.read(async ({ db }) => db.select().from(s).where(eq(s.candidateId, candidateId)).orderBy(asc(s.createdAt), asc(s.id))),
    update: (id, expectedVersion, patch) => c.run(async (x) => {
      // Prepared once per shape of patch (which columns, which set to NULL).
      const p = defined(patch) as Record<string, unknown>;
      const keys = Object.keys(p).sort();
      const shape = keys.map((k) => (p[k] === null ? `${k}=null` : k)).join(',');
      const values: Record<string, unknown> = { id, expectedVersion, updatedAt: x.now() };
      for (const k of keys) if (p[k] !== null) values[`v_${k}`] = p[k];
      const row = first(await runPrepared<ExamSession[]>(x, `sessions.update:${shape}`, () => {
        const set: Record<string, unknown> = { version: sql`${s.version} + 1`, updatedAt: ph('updatedAt') };
        for (const k of keys) set[k] = p[k] === null ? null : ph(`v_${k}`);
        return x.db.update(s).set(set).where(and(eq(s.id, ph('id')), eq(s.version, ph('expectedVersion')))).returning();
      }, values));
      const db = x.db;
      if (row) return { ok: true as const, session: row };
      const current = first(await db.select().from(s).where(eq(s.id, id)));
      return current ? { ok: false as const, reason: 'conflict' as const, current } : { ok: false as const, reason: 'not_found' as const };
    }),
    touch: (id, at) => c.run(async (x) => {
      await runPrepared(x, 'sessions.touch', () => x.db.update(s).set({ lastSeenAt: ph('at') as unknown as number }).where(eq(s.id, ph('id'))), { id, at: at ?? x.now() });
    }),
    touchMany: (entries) => c.run(async ({ sqlite, pg }) => {
      if (!entries.length) return [];
      if (sqlite) {
        const stmt = sqlite.prepare(TOUCH_SQLITE);
        for (const [id, at] of entries) stmt.run(at, id);
        return [];
      }
      const ids = entries.map((e) => e[0]);
      const { rows } = await pg!.query<{ id: string }>(TOUCH_MANY_PG, [ids, entries.map((e) => e[1])]);
      const done = new Set(rows.map((r) => r.id));
      return ids.filter((id) => !done.has(id));
    }),
    listExpired: (nowMs, states = ['in_progress']) => c.read(async ({ db }) => db.select().from(s)
      .where(and(inArray(s.state, states), isNotNull(s.deadlineAt), lte(s.deadlineAt, nowMs))).orderBy(asc(s.deadlineAt))),
  };
}
