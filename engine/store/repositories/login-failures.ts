/**
 * Failed-login windows of the login rate limit (engine/auth/rate-limit.ts), kept in the store so
 * that every engine process counts against the same limits.
 */
import type Database from 'better-sqlite3';
import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { LoginFailure, LoginFailuresRepo, LoginReservation } from '../types.ts';

/**
 * The reservation of one login attempt, one statement in both dialects ($1 account key, $2 IP
 * key, $3 now, $4 the end of a new window, $5 max per account, $6 max per IP, $7 the end of
 * the lease). The IP is only read: the INSERT's SELECT yields no row when it is spent. The
 * account's `pending` goes up by one (an ended window or lease starts again with only this
 * attempt) under the row's lock, and only while failures + pending is below the limit, so of
 * any number of concurrent reservations at most $5 get a row back. A refused one writes nothing.
 */
const RESERVE = `INSERT INTO login_failures (key, failures, pending, pending_until, reset_at)
  SELECT CAST($1 AS TEXT), 0, 1, CAST($7 AS BIGINT), CAST($4 AS BIGINT)
  WHERE NOT EXISTS (SELECT 1 FROM login_failures WHERE key = $2 AND reset_at > $3 AND failures >= $6)
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN login_failures.reset_at <= $3 THEN 0 ELSE login_failures.failures END,
    pending = CASE WHEN login_failures.reset_at <= $3 OR login_failures.pending_until <= $3 THEN 1 ELSE login_failures.pending + 1 END,
    pending_until = excluded.pending_until,
    reset_at = CASE WHEN login_failures.reset_at <= $3 THEN excluded.reset_at ELSE login_failures.reset_at END
  WHERE login_failures.reset_at <= $3
    OR login_failures.failures + CASE WHEN login_failures.pending_until <= $3 THEN 0 ELSE login_failures.pending END < $5
  RETURNING key, failures, pending, pending_until AS "pendingUntil", reset_at AS "resetAt"`;
/**
 * PostgreSQL: the windows for Retry-After come back in the same round trip when refused (the
 * outer SELECT reads the statement's snapshot, before the INSERT).
 */
const RESERVE_PG = `WITH r AS (${RESERVE})
  SELECT key, failures, pending, "pendingUntil", "resetAt", true AS reserved FROM r
  UNION ALL
  SELECT key, failures, pending, pending_until, reset_at, false FROM login_failures WHERE key IN ($1, $2) AND NOT EXISTS (SELECT 1 FROM r)`;
/** SQLite has no INSERT inside WITH: the windows are read by a second statement, only when refused. */
const RESERVE_SQLITE = RESERVE.replace(/\$(\d)/g, '@p$1'); // better-sqlite3 binds no ?NNN
const WINDOWS_SQLITE = 'SELECT key, failures, pending, pending_until AS "pendingUntil", reset_at AS "resetAt" FROM login_failures WHERE key IN (?, ?)';

const sqliteStatements = new WeakMap<Database.Database, { reserve: Database.Statement; windows: Database.Statement }>();
function statements(db: Database.Database) {
  let s = sqliteStatements.get(db);
  if (!s) sqliteStatements.set(db, (s = { reserve: db.prepare(RESERVE_SQLITE), windows: db.prepare(WINDOWS_SQLITE) }));
  return s;
}

export function loginFailuresRepo(c: Ctx): LoginFailuresRepo {
  const { loginFailures: f } = c.t;
  return {
    get: (keys) => c.read(async ({ db }) => (keys.length === 0 ? [] : db.select().from(f).where(inArray(f.key, [...keys])))),
    reserve: (account, ip, now, windowMs, { maxPerAccount, maxPerIp, leaseMs }) => c.run(async ({ sqlite, pg }): Promise<LoginReservation> => {
      if (sqlite) {
        const s = statements(sqlite);
        const [row] = s.reserve.all({ p1: account, p2: ip, p3: now, p4: now + windowMs, p5: maxPerAccount, p6: maxPerIp, p7: now + leaseMs }) as LoginFailure[];
        return row ? { reserved: true, window: row } : { reserved: false, windows: s.windows.all(account, ip) as LoginFailure[] };
      }
      // Prepared once per connection: every login attempt runs it.
      const values = [account, ip, now, now + windowMs, maxPerAccount, maxPerIp, now + leaseMs];
      const r = await pg!.query<LoginFailure & { reserved: boolean }>({ name: 'assay_login_reserve', text: RESERVE_PG, values });
      const mine = r.rows.find((w) => w.reserved);
      const strip = ({ key, failures, pending, pendingUntil, resetAt }: LoginFailure) => ({ key, failures, pending, pendingUntil, resetAt });
      return mine ? { reserved: true, window: strip(mine) } : { reserved: false, windows: r.rows.map(strip) };
    }),
    release: (key) => c.run(async ({ db }) => {
      await db.update(f).set({ pending: sql`${f.pending} - 1` }).where(and(eq(f.key, key), gt(f.pending, 0)));
    }),
    recordFailure: (keys, now, windowMs, decided) => c.run(async ({ db }) => {
      const unique = [...new Set(keys)]; // PostgreSQL refuses to update one row twice in a statement
      if (unique.length === 0) return [];
      // One UPSERT: the increment, or the restart of an ended window, happens in the database
      // under the row's lock, so concurrent failures from several processes are all counted.
      // `login_failures.x` is the stored row, `excluded.x` the row proposed (both dialects).
      const ended = sql`login_failures.reset_at <= ${now}`;
      // The reserved attempt this failure decides leaves `pending` (never below 0: a success
      // may have cleared the row meanwhile, or the window ended and started again).
      const pending = decided === undefined
        ? sql`CASE WHEN ${ended} THEN 0 ELSE login_failures.pending END`
        : sql`CASE WHEN ${ended} THEN 0 WHEN login_failures.key = ${decided} AND login_failures.pending > 0 THEN login_failures.pending - 1 ELSE login_failures.pending END`;
      return db.insert(f).values(unique.map((key) => ({ key, failures: 1, pending: 0, pendingUntil: 0, resetAt: now + windowMs }))).onConflictDoUpdate({
        target: f.key,
        set: {
          failures: sql`CASE WHEN ${ended} THEN 1 ELSE login_failures.failures + 1 END`,
          pending,
          resetAt: sql`CASE WHEN ${ended} THEN excluded.reset_at ELSE login_failures.reset_at END`,
        },
      }).returning();
    }),
    clear: (keys) => c.run(async ({ db }) => {
      if (keys.length) await db.delete(f).where(inArray(f.key, [...keys]));
    }),
    deleteExpired: (now) => c.run(async ({ db }) => (await db.delete(f).where(lte(f.resetAt, now)).returning({ k: f.key })).length),
  };
}
