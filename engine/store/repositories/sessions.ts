/** Exam sessions with compare-and-set updates on `version`. */
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { SessionsRepo } from '../types.ts';
import { defined, first, newId } from './util.ts';

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
    get: (id) => c.run(async ({ db }) => first(await db.select().from(s).where(eq(s.id, id)))),
    getByCandidate: (eventId, candidateId) => c.run(async ({ db }) => first(await db.select().from(s).where(and(eq(s.eventId, eventId), eq(s.candidateId, candidateId))))),
    listByEvent: (eventId, f = {}) => c.run(async ({ db }) => db.select().from(s)
      .where(and(eq(s.eventId, eventId), f.states?.length ? inArray(s.state, f.states) : undefined)).orderBy(asc(s.createdAt), asc(s.id))),
    listByCandidate: (candidateId) => c.run(async ({ db }) => db.select().from(s).where(eq(s.candidateId, candidateId)).orderBy(asc(s.createdAt), asc(s.id))),
    update: (id, expectedVersion, patch) => c.run(async ({ db, now }) => {
      const set = { ...defined(patch), version: sql`${s.version} + 1`, updatedAt: now() };
      const row = first(await db.update(s).set(set).where(and(eq(s.id, id), eq(s.version, expectedVersion))).returning());
      if (row) return { ok: true as const, session: row };
      const current = first(await db.select().from(s).where(eq(s.id, id)));
      return current ? { ok: false as const, reason: 'conflict' as const, current } : { ok: false as const, reason: 'not_found' as const };
    }),
    touch: (id, at) => c.run(async ({ db, now }) => {
      await db.update(s).set({ lastSeenAt: at ?? now() }).where(eq(s.id, id));
    }),
    listExpired: (nowMs, states = ['in_progress']) => c.run(async ({ db }) => db.select().from(s)
      .where(and(inArray(s.state, states), isNotNull(s.deadlineAt), lte(s.deadlineAt, nowMs))).orderBy(asc(s.deadlineAt))),
  };
}
