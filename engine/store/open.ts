/**
 * Opening a store: `sqlite:/path/x.db`, `sqlite::memory:` or `postgres://...`.
 *
 * SQLite durability: journal_mode=WAL, synchronous=FULL (every commit is fsynced before it
 * returns, so an acknowledged answer survives power loss; group commit keeps it fast),
 * foreign_keys=ON, busy_timeout=5000 (another process holding the write lock is waited for).
 * PostgreSQL: a pg Pool whose connections set synchronous_commit=on; openStore checks it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import * as sqliteSchema from './schema.sqlite.ts';
import * as pgSchema from './schema.pg.ts';
import { Mutex, pgRaw, sqliteRaw, type Ctx, type Db, type Tables } from './context.ts';
import { toStoreError } from './errors.ts';
import { BEGIN_RETRY_DELAYS_MS, beginImmediate, retryBegin, SqliteGroupCommit } from './group-commit.ts';
import { makeRepositories } from './repositories/index.ts';
import type { Store, StoreTx } from './types.ts';

export interface OpenOptions {
  /** Clock for default timestamps (tests). */
  now?: () => number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/** A store URL that cannot be used, with the reason. */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

/** Rethrows database errors as StoreError (no bound parameters in messages). */
async function guard<T>(p: Promise<T> | T): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw toStoreError(e);
  }
}

const migrationsDir = (d: 'sqlite' | 'pg') => fileURLToPath(new URL(`./migrations/${d}`, import.meta.url));

/** Masks the password of a connection URL for logs. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/**
 * Opens a store. Does not migrate: call `store.migrate()`.
 * @throws StoreUrlError for a URL that is neither sqlite: nor postgres(ql)://
 */
export async function openStore(url: string, opts: OpenOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqlite(url, opts);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPg(url, opts);
  throw new StoreUrlError(`database URL "${maskUrl(url)}" must start with sqlite: (sqlite:./data/assay.db, sqlite::memory:) or postgres://`);
}

function openSqlite(url: string, opts: OpenOptions): Store {
  const rest = url.slice('sqlite:'.length);
  if (rest === '') throw new StoreUrlError('database URL "sqlite:" names no file (example: sqlite:./data/assay.db)');
  const memory = rest === ':memory:';
  const file = memory ? ':memory:' : resolve(rest.replace(/^\/\/(?=\/)/, ''));
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  if (!memory) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzleSqlite(sqlite) as Db;
  const now = opts.now ?? Date.now;
  const mutex = new Mutex();
  const raw = sqliteRaw(sqlite);

  const txCtx: Ctx = {
    dialect: 'sqlite', db, t: sqliteSchema, raw, now, inTx: true, sqlite,
    run: (fn) => guard(fn(txCtx)),
    read: (fn) => guard(fn(txCtx)),
    tx: (fn) => guard(fn(txCtx)),
  };
  const runTx = async <T>(fn: (c: Ctx) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const done = await mutex.run(async () => {
        // IMMEDIATE takes the write lock now, so two processes never deadlock upgrading a read lock.
        const failed = beginImmediate(sqlite);
        if (failed) {
          if (retryBegin(failed, attempt)) return undefined;
          throw failed;
        }
        try {
          const r = await fn(txCtx);
          sqlite.exec('COMMIT');
          return { r };
        } catch (e) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw toStoreError(e);
        }
      });
      if (done) return done.r;
      // Busy: try again later, with the connection free for this process's other work meanwhile.
      await new Promise((r) => setTimeout(r, BEGIN_RETRY_DELAYS_MS[attempt]));
    }
  };
  const group = new SqliteGroupCommit(sqlite, mutex, txCtx);
  const top: Ctx = {
    dialect: 'sqlite', db, t: sqliteSchema, raw, now, inTx: false, sqlite,
    run: (fn) => group.submit(fn, false),
    // The mutex keeps it out of a group transaction that is awaiting its calls.
    read: (fn) => mutex.run(() => guard(fn(txCtx))),
    tx: (fn) => group.submit(fn, true),
  };
  const txRepos = makeRepositories(txCtx);
  const tx: StoreTx = { ...txRepos, dialect: 'sqlite', raw: { query: (q, p) => guard(raw.query(q, p)), exec: (q) => guard(raw.exec(q)) } };
  let closed = false;
  return {
    ...makeRepositories(top),
    dialect: 'sqlite',
    url,
    transaction: (fn) => runTx(() => fn(tx)),
    raw: {
      query: (q, p) => mutex.run(() => guard(raw.query(q, p))),
      exec: (q) => mutex.run(() => guard(raw.exec(q))),
    },
    migrate: () => mutex.run(() => migrateSqlite(drizzleSqlite(sqlite), { migrationsFolder: migrationsDir('sqlite') })),
    isEmpty: () => mutex.run(() => {
      const r = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'users'").get() as { n: number };
      return r.n === 0;
    }),
    close: () => mutex.run(() => {
      if (closed) return;
      closed = true;
      sqlite.close();
    }),
  };
}

// int8 (count(*), bigint columns) as JS numbers: ids and epoch ms stay far below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (v: string) => Number(v);
    return (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format);
  },
};

async function openPg(url: string, opts: OpenOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    types: pgTypes as unknown as pg.CustomTypesConfig,
    // Answers are acknowledged only after commit reaches disk: force it per connection.
    options: '-c synchronous_commit=on',
  });
  pool.on('error', () => {}); // idle client errors (server restart) surface on the next query
  try {
    const r = await pool.query('SHOW synchronous_commit');
    const v = r.rows[0]?.synchronous_commit;
    if (v === 'off') throw new StoreUrlError(`PostgreSQL at ${maskUrl(url)} has synchronous_commit=off; Assay needs it on`);
  } catch (e) {
    await pool.end().catch(() => {});
    if (e instanceof StoreUrlError) throw e;
    throw new StoreUrlError(`cannot connect to PostgreSQL at ${maskUrl(url)}: ${(e as Error).message}`);
  }
  const now = opts.now ?? Date.now;
  const t = pgSchema as unknown as Tables;
  const mk = (client: pg.Pool | pg.PoolClient, inTx: boolean): Ctx => {
    const c: Ctx = {
      dialect: 'postgres',
      db: drizzlePg(client) as unknown as Db,
      t,
      raw: pgRaw(client),
      now,
      inTx,
      pg: client,
      run: (fn) => guard(fn(c)),
      read: (fn) => guard(fn(c)),
      tx: inTx ? (fn) => guard(fn(c)) : (fn) => runTx(fn),
    };
    return c;
  };
  const runTx = async <T>(fn: (c: Ctx) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const r = await fn(mk(client, true));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw toStoreError(e);
      }
    } finally {
      client.release();
    }
  };
  const top = mk(pool, false);
  let closed = false;
  return {
    ...makeRepositories(top),
    dialect: 'postgres',
    url: maskUrl(url),
    transaction: (fn) => runTx((c) => fn({ ...makeRepositories(c), dialect: 'postgres', raw: { query: (q, p) => guard(c.raw.query(q, p)), exec: (q) => guard(c.raw.exec(q)) } })),
    raw: { query: (q, p) => guard(top.raw.query(q, p)), exec: (q) => guard(top.raw.exec(q)) },
    async migrate() {
      // One migrator at a time across processes (several engine processes may start together).
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(7165001)');
        try {
          await migratePg(drizzlePg(client), { migrationsFolder: migrationsDir('pg') });
        } finally {
          await client.query('SELECT pg_advisory_unlock(7165001)');
        }
      } finally {
        client.release();
      }
    },
    async isEmpty() {
      const r = await pool.query("SELECT to_regclass('users') IS NULL AS empty");
      return r.rows[0].empty === true;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
