/**
 * Failed-login windows of the login rate limit (engine/auth/rate-limit.ts), kept in the store so
 * that every engine process counts against the same limits.
 */
import { eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { LoginFailure, LoginFailuresRepo } from '../types.ts';
import { runPrepared } from './util.ts';

export function loginFailuresRepo(c: Ctx): LoginFailuresRepo {
  const { loginFailures: f } = c.t;
  return {
    get: (keys) => c.read(async (x) => {
      if (keys.length === 0) return [];
      // The login check asks for its account and IP keys on every attempt: prepared once.
      if (keys.length === 2) {
        const ph = sql.placeholder;
        return runPrepared<LoginFailure[]>(x, 'loginFailures.get2', () => x.db.select().from(f).where(or(eq(f.key, ph('a')), eq(f.key, ph('b')))), { a: keys[0], b: keys[1] });
      }
      return x.db.select().from(f).where(inArray(f.key, [...keys]));
    }),
    recordFailure: (keys, now, windowMs) => c.run(async ({ db }) => {
      const unique = [...new Set(keys)]; // PostgreSQL refuses to update one row twice in a statement
      if (unique.length === 0) return [];
      // One UPSERT: the increment, or the restart of an ended window, happens in the database
      // under the row's lock, so concurrent failures from several processes are all counted.
      // `login_failures.x` is the stored row, `excluded.x` the row proposed (both dialects).
      const ended = sql`login_failures.reset_at <= ${now}`;
      return db.insert(f).values(unique.map((key) => ({ key, failures: 1, resetAt: now + windowMs }))).onConflictDoUpdate({
        target: f.key,
        set: {
          failures: sql`CASE WHEN ${ended} THEN 1 ELSE login_failures.failures + 1 END`,
          resetAt: sql`CASE WHEN ${ended} THEN excluded.reset_at ELSE login_failures.reset_at END`,
        },
      }).returning();
    }),
    clear: (key) => c.run(async ({ db }) => {
      await db.delete(f).where(eq(f.key, key));
    }),
    deleteExpired: (now) => c.run(async ({ db }) => (await db.delete(f).where(lte(f.resetAt, now)).returning({ k: f.key })).length),
  };
}
