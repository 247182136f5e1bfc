/** Small helpers shared by the repositories. */
import { createHash, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export const first = <T>(rows: T[]): T | undefined => rows[0];

/** Drops undefined members so a patch does not overwrite columns with NULL. */
export function defined<T extends object>(patch: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * Serialises writers of one key inside the current transaction: "next version = max + 1"
 * would otherwise race on PostgreSQL (READ COMMITTED). SQLite needs nothing: its write
 * transactions are already serial (BEGIN IMMEDIATE).
 */
export async function lockKey(c: { pg?: { query(q: string, p: unknown[]): Promise<unknown> }; inTx: boolean }, key: string): Promise<void> {
  if (!c.pg) return;
  if (!c.inTx) throw new Error('lockKey needs a transaction');
  await c.pg.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

interface PreparedLike { execute(values?: Record<string, unknown>): unknown }
const preparedCache = new WeakMap<object, Map<string, PreparedLike>>();

/**
 * Runs a query prepared once per connection (SQLite) or pool (PostgreSQL, as a named
 * statement). Building SQL with the query builder costs far more than running it, so the
 * hot reads of delivery and auth go through here. `build` must use `sql.placeholder(...)`
 * for every value that varies.
 */
export async function runPrepared<T>(c: { db: object; dialect: string }, name: string, build: () => unknown, values: Record<string, unknown>): Promise<T> {
  let m = preparedCache.get(c.db);
  if (!m) preparedCache.set(c.db, (m = new Map()));
  let p = m.get(name);
  if (!p) {
    const q = build() as { prepare(name?: string): PreparedLike };
    // PostgreSQL truncates statement names at 63 bytes: name by hash.
    p = c.dialect === 'sqlite' ? q.prepare() : q.prepare(`assay_${createHash('sha1').update(name).digest('hex').slice(0, 24)}`);
    m.set(name, p);
  }
  return (await p.execute(values)) as T;
}
