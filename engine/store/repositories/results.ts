/** Results: version 1 is the first scoring, each rescoring adds a version with its reason. */
import { and, asc, desc, eq, max, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Result, ResultsRepo } from '../types.ts';
import { first, newId } from './util.ts';

export function resultsRepo(c: Ctx): ResultsRepo {
  const { results, examSessions } = c.t;
  return {
    // One statement numbers the version and inserts it; the unique (session, version) key
    // arbitrates a race: the loser's ON CONFLICT DO NOTHING inserts nothing (after waiting for
    // the winner's commit) and it tries again on a fresh snapshot. An advisory lock, a
    // max(version) read and the insert were three round trips on every scoring.
    add: (r) => c.run(async ({ db, now }) => {
      const row: Omit<Result, 'version'> = {
        id: r.id ?? newId(), sessionId: r.sessionId, reason: r.reason ?? null, outcomes: r.outcomes,
        theta: r.theta ?? null, se: r.se ?? null, scaledScore: r.scaledScore ?? null, level: r.level ?? null,
        itemVersions: r.itemVersions ?? null, parameterVersions: r.parameterVersions ?? null, createdAt: r.createdAt ?? now(),
      };
      const next = sql`(SELECT coalesce(max(${results.version}), 0) + 1 FROM ${results} WHERE ${results.sessionId} = ${r.sessionId})`;
      for (;;) {
        // No RETURNING of the outcomes: a whole test's are large, and parsing them back
        // (PostgreSQL jsonb) cost more than scoring the session did.
        const got = await db.insert(results).values({ ...row, version: next }).onConflictDoNothing({ target: [results.sessionId, results.version] }).returning({ version: results.version });
        if (got[0]) return { ...row, version: Number(got[0].version) };
      }
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
