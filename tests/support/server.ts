/**
 * Starts a REAL Assay server process (`node bin/assay.mjs serve`) for tests and benchmarks:
 * on a temporary SQLite file (default) or a given database URL, on a free port, and waits
 * for /readyz. Returns the base URL, the demo logins and `stop()` (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { readDemoLogins, type DemoLogins } from '../../engine/seed/demo.ts';
import { SERVE_NODE_FLAGS } from '../../engine/runtime-flags.ts';

export interface StartedServer {
  baseUrl: string;
  port: number;
  dataDir: string;
  /** The database URL the server runs on. */
  db: string;
  demo: DemoLogins;
  /** The `assay serve` process (the primary with `--workers`). */
  pid: number;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Database URL; default a fresh SQLite file in a temp dir. */
  db?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** How long to wait for /readyz (ms). */
  timeoutMs?: number;
  logLevel?: string;
  /** More `assay serve` arguments (for example `['--workers', '2']`). */
  args?: string[];
}

const ROOT = resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export async function startAssayServer(opts: StartOptions = {}): Promise<StartedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-srv-'));
  const db = opts.db ?? `sqlite:${join(dataDir, 'assay.db')}`;
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(process.execPath, [...SERVE_NODE_FLAGS, 'bin/assay.mjs', 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: opts.logLevel ?? 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let exitedEarly: number | null | undefined;
  exited.then((c) => (exitedEarly = c));
  let demo: DemoLogins | undefined;
  try {
    for (;;) {
      if (exitedEarly !== undefined) throw new Error(`assay serve exited with ${exitedEarly} before it was ready:\n${out}`);
      try {
        const r = await fetch(`${baseUrl}/readyz`);
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`assay serve did not become ready within ${opts.timeoutMs ?? 60_000} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    demo = readDemoLogins(dataDir);
    if (!demo) throw new Error(`no demo logins in ${dataDir} (was the database empty?)\n${out}`);
  } catch (e) {
    // The caller gets no stop(): end the process and remove its data dir (database, secret) here.
    if (exitedEarly === undefined) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    baseUrl,
    port,
    dataDir,
    db,
    demo,
    pid: child.pid!,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        const code = await exited;
        clearTimeout(t);
        rmSync(dataDir, { recursive: true, force: true });
        return code;
      }
      rmSync(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/** Logs in through the API and returns a bearer token. */
export async function loginToken(baseUrl: string, demo: DemoLogins, role: string, candidateIndex = 0): Promise<string> {
  const body =
    role === 'candidate'
      ? { ticketCode: demo.candidates[candidateIndex].ticketCode, pin: demo.candidates[candidateIndex].pin, bearer: true }
      : { ...(({ username, password }) => ({ username, password }))(demo.staff.find((s) => s.role === role)!), bearer: true };
  const path = role === 'candidate' ? '/api/auth/candidate-login' : '/api/auth/login';
  const r = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = (await r.json()) as { token?: string };
  if (!r.ok || !j.token) throw new Error(`login as ${role} failed: ${r.status} ${JSON.stringify(j)}`);
  return j.token;
}
