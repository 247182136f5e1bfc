/** Login sessions (the table holds only the hash of the cookie token). */
import { eq, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { AppSession, AppSessionsRepo } from '../types.ts';
import { first, runPrepared } from './util.ts';

export function appSessionsRepo(c: Ctx): AppSessionsRepo {
  const { appSessions: a } = c.t;
  return {
    create: (s) => c.run(async ({ db, now }) => (await db.insert(a).values({
      idHash: s.idHash, userId: s.userId ?? null, candidateId: s.candidateId ?? null, examSessionId: s.examSessionId ?? null, role: s.role,
      csrfToken: s.csrfToken, data: s.data ?? null, createdAt: s.createdAt ?? now(), expiresAt: s.expiresAt, lastSeenAt: s.lastSeenAt ?? null,
    }).returning())[0]),
    get: (idHash) => c.read(async (x) => first(await runPrepared<AppSession[]>(x, 'appSessions.get', () => x.db.select().from(a).where(eq(a.idHash, sql.placeholder('h'))), { h: idHash }))),
    touch: (idHash, at, expiresAt) => c.run(async (x) => {
      const ph = sql.placeholder;
      if (expiresAt === undefined) {
        await runPrepared(x, 'appSessions.touch', () => x.db.update(a).set({ lastSeenAt: ph('at') as unknown as number }).where(eq(a.idHash, ph('h'))), { h: idHash, at });
      } else {
        await runPrepared(x, 'appSessions.touchExpires', () => x.db.update(a).set({ lastSeenAt: ph('at') as unknown as number, expiresAt: ph('exp') as unknown as number }).where(eq(a.idHash, ph('h'))), { h: idHash, at, exp: expiresAt });
      }
    }),
    delete: (idHash) => c.run(async ({ db }) => {
      await db.delete(a).where(eq(a.idHash, idHash));
    }),
    deleteForUser: (userId) => c.run(async ({ db }) => (await db.delete(a).where(eq(a.userId, userId)).returning({ k: a.idHash })).length),
    deleteExpired: (now) => c.run(async ({ db }) => (await db.delete(a).where(lte(a.expiresAt, now)).returning({ k: a.idHash })).length),
  };
}
