/** Results: version 1 is the first scoring, each rescoring adds a version with its reason. */
import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Result, ResultsRepo } from '../types.ts';
import { first, lockKey, newId } from './util.ts';

export function resultsRepo(c: Ctx): ResultsRepo {
  const { results, examSessions } = c.t;
  return {
    add: (r) => c.tx(async (t) => {
      const { db, now } = t;
      await lockKey(t, `result:${r.sessionId}`);
      const prev = first(await db.select({ v: max(results.version) }).from(results).where(eq(results.sessionId, r.sessionId)));
      const row: Result = {
        id: r.id ?? newId(), sessionId: r.sessionId, version: Number(prev?.v ?? 0) + 1, reason: r.reason ?? null, outcomes: r.outcomes,
        theta: r.theta ?? null, se: r.se ?? null, scaledScore: r.scaledScore ?? null, level: r.level ?? null,
        itemVersions: r.itemVersions ?? null, parameterVersions: r.parameterVersions ?? null, createdAt: r.createdAt ?? now(),
      };
      // No RETURNING: the outcomes of a whole test are large, and parsing them back (PostgreSQL
      // jsonb) cost more than scoring the session did.
      await db.insert(results).values(row);
      return row;
    }),
    latest: (sessionId) => c.read(async ({ db }) => first(await db.select().from(results).where(eq(results.sessionId, sessionId)).orderBy(desc(results.version)).limit(1))),
    list: (sessionId) => c.read(async ({ db }) => db.select().from(results).where(eq(results.sessionId, sessionId)).orderBy(asc(results.version))),
    latestByEvent: (eventId) => c.read(async ({ db }) => {
      const newest = db.select({ sessionId: results.sessionId, v: max(results.version).as('v') }).from(results).groupBy(results.sessionId).as('newest');
      const rows = await db.select({ r: results }).from(results)
        .innerJoin(newest, and(eq(newest.sessionId, results.sessionId), eq(newest.v, results.version)))
        .innerJoin(examSessions, eq(examSessions.id, results.sessionId))
        .where(eq(examSessions.eventId, eventId)).orderBy(asc(results.sessionId));
      return rows.map((x) => x.r);
    }),
  };
}
