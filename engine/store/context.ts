/**
 * The execution context repositories run in: a drizzle database (or transaction) plus the
 * raw driver handle, for either dialect.
 *
 * Repositories are written once against the SQLite-typed drizzle API; on PostgreSQL the same
 * query builders run against the pg tables (schema.pg.ts mirrors schema.sqlite.ts, and
 * schema.test.ts proves the row types are identical). Only awaitable builder calls are used
 * (never the SQLite-only .run()/.get()/.all()).
 */
import type Database from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as sqliteSchema from './schema.sqlite.ts';
import type { Dialect, RawSql } from './types.ts';

export type Db = BetterSQLite3Database<Record<string, never>>;
export type Tables = typeof sqliteSchema;

export interface Ctx {
  dialect: Dialect;
  db: Db;
  t: Tables;
  raw: RawSql;
  now: () => number;
  /** True inside a transaction. */
  inTx: boolean;
  /** Runs a single-statement operation (serialised with transactions on SQLite). */
  run<T>(fn: (c: Ctx) => Promise<T>): Promise<T>;
  /**
   * Runs a read-only operation. On SQLite outside a transaction it does not join the group
   * commit: a WAL reader never needs the write lock, and a group's BEGIN IMMEDIATE would wait
   * for the answer thread's commit with the event loop stopped. Elsewhere the same as `run`.
   */
  read<T>(fn: (c: Ctx) => Promise<T>): Promise<T>;
  /** Runs fn atomically (joins the current transaction when already in one). */
  tx<T>(fn: (c: Ctx) => Promise<T>): Promise<T>;
  /** The better-sqlite3 handle (SQLite only). */
  sqlite?: Database.Database;
  /** The pg client or pool to query (PostgreSQL only). */
  pg?: Pool | PoolClient;
}

/** FIFO async mutex: one SQLite connection, so a transaction must own it while awaiting. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const r = this.tail.then(() => fn());
    this.tail = r.then(noop, noop);
    return r;
  }
}
const noop = () => {};

/** Converts `?` placeholders (outside quotes) to PostgreSQL's `$1, $2, ...`. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '?') {
      out += '$' + ++n;
      continue;
    }
    out += ch;
  }
  return out;
}

/** SQLite binds no booleans: map them to 0/1 as drizzle does. */
export function sqliteParams(params: unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

export function sqliteRaw(db: Database.Database): RawSql {
  return {
    async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
      const stmt = db.prepare(sql);
      if (stmt.reader) return stmt.all(...sqliteParams(params)) as R[];
      stmt.run(...sqliteParams(params));
      return [];
    },
    async exec(sql: string) {
      db.exec(sql);
    },
  };
}

export function pgRaw(client: Pool | PoolClient): RawSql {
  return {
    async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
      const r = await client.query(toPgPlaceholders(sql), params);
      return r.rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

export { sqliteSchema };
