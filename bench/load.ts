/**
 * `npm run bench:load -- --candidates N --seconds S --db sqlite|postgres`
 *
 * A real server process (node bin/assay.mjs serve) and N simulated candidates, each taking a
 * 40-item exam: log in (all at the start bell), start, answer every item with compressed
 * think time (about 15 % of answers changed later), heartbeats, submit (all at the end).
 * Meanwhile one proctor SSE stream per room is open. Then the database is checked: every
 * acknowledged answer must be there exactly once, with the acknowledged value.
 *
 * Options: --candidates N (default 2000) --seconds S (answer phase, default 20)
 *          --db sqlite|postgres (default sqlite) --items K (default 40)
 *          --connections C (HTTP keep-alive connections, default one per candidate up to 4,000, as
 *          each candidate's browser holds its own; fewer queue requests in the load generator)
 *          --room-size R (default 500)
 *          --workers W (engine processes of `assay serve --workers`, default 1)
 * BENCH_SERVER_NODE_ARGS (for example "--cpu-prof") adds node flags to the server process;
 * BENCH_SERVER_STDERR=1 passes its stderr through.
 * The load generator runs on the same (shared, 2-core) machine as the server, so the figures
 * are pessimistic. The last line printed is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, ensureSecret } from '../engine/config.ts';
import { openStore } from '../engine/store/index.ts';
import { hashPassword } from '../engine/auth/password.ts';
import { createExamFixture, CHOICES } from '../engine/delivery/exam-fixture.ts';
import { SERVE_NODE_FLAGS } from '../engine/runtime-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');

// ------------------------------------------------------------------ a lean HTTP/1.1 client

/** A request with no answer for this long counts as an error (a hang would stop the bench). */
export const REQUEST_TIMEOUT_MS = 120_000;

export interface HttpResult {
  status: number;
  body: string;
}

/** One keep-alive connection, one request at a time (no pipelining). */
class Conn {
  private sock!: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: HttpResult) => void; reject: (e: Error) => void } | null = null;
  busy = false;
  dead = false;
  /** Requests answered on this connection (a reused one may meet the server's idle close). */
  served = 0;
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  open(): Promise<void> {
    return new Promise((res, rej) => {
      this.sock = connect({ host: this.host, port: this.port, noDelay: true }, () => res());
      this.sock.on('data', (d) => this.onData(d));
      this.sock.on('error', (e) => {
        this.dead = true;
        this.pending?.reject(e);
        this.pending = null;
        rej(e);
      });
      this.sock.on('close', () => {
        this.dead = true;
        this.pending?.reject(new Error('connection closed'));
        this.pending = null;
      });
    });
  }

  /**
   * Sends one request. A connection the server already closed (its keep-alive timeout ends
   * idle connections after 5 s) rejects at once: a write to a destroyed socket emits no
   * event, so waiting for the answer would wait forever. A request with no answer within
   * `timeoutMs` rejects and drops the connection, so a stuck server shows as errors, not as a hang.
   */
  send(raw: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<HttpResult> {
    if (this.dead || this.sock.destroyed) {
      this.dead = true;
      return Promise.reject(new Error('connection closed'));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.dead = true;
        this.sock.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        resolve: (r) => (clearTimeout(timer), this.served++, resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.sock.write(raw);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0 || !this.pending) return;
      const head = this.buf.subarray(0, end).toString('latin1');
      const status = Number(head.slice(9, 12));
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      let body: string;
      let consumed: number;
      if (cl) {
        const n = Number(cl[1]);
        if (this.buf.length < end + 4 + n) return;
        body = this.buf.subarray(end + 4, end + 4 + n).toString('utf8');
        consumed = end + 4 + n;
      } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        let p = end + 4;
        const parts: Buffer[] = [];
        for (;;) {
          const le = this.buf.indexOf('\r\n', p);
          if (le < 0) return;
          const size = parseInt(this.buf.subarray(p, le).toString('latin1'), 16);
          if (this.buf.length < le + 2 + size + 2) return;
          if (size === 0) {
            consumed = le + 4;
            break;
          }
          parts.push(this.buf.subarray(le + 2, le + 2 + size));
          p = le + 2 + size + 2;
        }
        body = Buffer.concat(parts).toString('utf8');
      } else {
        body = '';
        consumed = end + 4;
      }
      this.buf = this.buf.subarray(consumed!);
      const p = this.pending;
      this.pending = null;
      p.resolve({ status, body });
    }
  }

  close(): void {
    this.sock?.destroy();
  }
}

/** A pool of keep-alive connections with a FIFO of waiting requests. */
/** The errors of a connection the server closed while the request was on its way (not a timeout). */
function isStaleConnectionError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || (e as Error).message === 'connection closed';
}

export class HttpPool {
  private conns: Conn[] = [];
  private idle: Conn[] = [];
  private waiting: ((c: Conn) => void)[] = [];
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly size: number,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  async open(): Promise<void> {
    for (let i = 0; i < this.size; i++) {
      const c = new Conn(this.host, this.port);
      await c.open();
      this.conns.push(c);
      this.idle.push(c);
    }
  }

  private async take(): Promise<Conn> {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (!c.dead) return c;
      // Closed while idle (server keep-alive timeout): replace it rather than send into it.
      const fresh = new Conn(this.host, this.port);
      try {
        await fresh.open();
        this.conns.push(fresh);
        return fresh;
      } catch {
        /* try the next idle one, or wait */
      }
    }
    return new Promise((r) => this.waiting.push(r));
  }

  private async give(c: Conn): Promise<void> {
    if (c.dead) {
      c = new Conn(this.host, this.port);
      try {
        await c.open();
        this.conns.push(c);
      } catch {
        setTimeout(() => void this.give(c), 200);
        return;
      }
    }
    const w = this.waiting.shift();
    if (w) w(c);
    else this.idle.push(c);
  }

  async request(method: string, path: string, body?: unknown, token?: string): Promise<HttpResult> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const raw =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n` +
      (token ? `Authorization: Bearer ${token}\r\n` : '') +
      (body === undefined ? 'Content-Length: 0\r\n' : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`) +
      '\r\n' +
      payload;
    for (let attempt = 0; ; attempt++) {
      const c = await this.take();
      const reused = c.served > 0;
      try {
        return await c.send(raw, this.timeoutMs);
      } catch (e) {
        // As browsers do: a request on a reused keep-alive connection that the server closed
        // meanwhile (reset, closed before any answer) is sent once more on another connection.
        // Answers are idempotent by clientSeq, so a request that did arrive is not stored twice.
        if (attempt === 0 && reused && isStaleConnectionError(e)) continue;
        throw e;
      } finally {
        void this.give(c);
      }
    }
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}

/** An SSE reader: counts events by name. */
export function openSse(host: string, port: number, path: string, token: string, counts: Map<string, number>): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = connect({ host, port }, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    let text = '';
    let ok = false;
    s.on('data', (d) => {
      text += d.toString('utf8');
      if (!ok && /^HTTP\/1\.1 200/.test(text)) {
        ok = true;
        res(s);
      } else if (!ok && /^HTTP\/1\.1 [^2]/.test(text)) rej(new Error(`SSE refused: ${text.slice(0, 300)}`));
      let i;
      while ((i = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, i);
        text = text.slice(i + 2);
        const m = /(?:^|\n)event: ?([^\n]+)/.exec(block);
        if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
      }
    });
    s.on('error', rej);
  });
}

// ------------------------------------------------------------------ helpers

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export interface ServerProc {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns `assay serve` on the URL and waits for /readyz. */
export async function spawnServer(db: string, dataDir: string, port: number, env: Record<string, string> = {}, workers = 1): Promise<ServerProc> {
  let out = '';
  // The server runs with the node flags `npm start` gives it; BENCH_SERVER_NODE_ARGS (for
  // example "--cpu-prof") adds more, and a flag given there again wins (node takes the last).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, ...nodeArgs, 'bin/assay.mjs', 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', '--workers', String(workers)], {
    cwd: ROOT,
    env: { ...process.env, ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: 'warn', ASSAY_SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out = (out + d).slice(-20000)));
  child.stderr!.on('data', (d) => { if (process.env.BENCH_SERVER_STDERR) process.stderr.write(d); out = (out + d).slice(-20000); });
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  let gone: number | null | undefined;
  void exited.then((c) => (gone = c));
  const t0 = Date.now();
  for (;;) {
    if (gone !== undefined) throw new Error(`assay serve exited (${gone}) before it was ready:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3000) })).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > 90_000) {
      child.kill('SIGKILL');
      throw new Error(`assay serve not ready in 90 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, output: () => out, exited };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Cumulative counts of one route's latency histogram: upper bound (s) -> requests at or under it. */
export type LatencyBuckets = Map<number, number>;

/**
 * Reads the buckets of `assay_http_request_duration_seconds` for one method and route pattern
 * (summed over statuses) from a Prometheus text exposition.
 */
export function latencyBuckets(metrics: string, method: string, route: string): LatencyBuckets {
  const out: LatencyBuckets = new Map();
  const re = /^assay_http_request_duration_seconds_bucket\{([^}]*)\} (\d+)/gm;
  for (const m of metrics.matchAll(re)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (labels.method !== method || labels.route !== route) continue;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    out.set(le, (out.get(le) ?? 0) + Number(m[2]));
  }
  return out;
}

/**
 * The server's own view of a phase (the difference of two scrapes): requests, the share
 * answered within `withinS`, and p50/p99 as the bucket bounds that hold them (an upper bound:
 * "p99 ≤ 0.05" means 99 % were answered within 50 ms).
 */
export function serverLatency(before: LatencyBuckets, after: LatencyBuckets, withinS = 0.05): { requests: number; shareWithin: number; p50UpToS: number; p99UpToS: number } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const requests = count(Infinity);
  const upTo = (q: number) => bounds.find((b) => count(b) >= q * requests) ?? Infinity;
  return { requests, shareWithin: requests ? count(withinS) / requests : 1, p50UpToS: upTo(0.5), p99UpToS: upTo(0.99) };
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (t: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export interface PreparedDb {
  url: string;
  dataDir: string;
  cleanup: () => Promise<void>;
}

/** A fresh database: a SQLite file, or a database on an embedded PostgreSQL (or DATABASE_URL). */
export async function prepareDb(kind: 'sqlite' | 'postgres', given?: string): Promise<PreparedDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  const dropDir = async () => rmSync(dataDir, { recursive: true, force: true });
  // A database the caller made (the test suite's PostgreSQL server) and drops itself.
  if (given) return { url: given, dataDir, cleanup: dropDir };
  if (kind === 'sqlite') return { url: `sqlite:${join(dataDir, 'assay.db')}`, dataDir, cleanup: dropDir };
  const { startEmbeddedPostgres } = await import('../tests/support/postgres.ts');
  const pgmod = (await import('pg')).default;
  let admin: string;
  let stop = async () => {};
  if (process.env.DATABASE_URL) admin = process.env.DATABASE_URL;
  else {
    const pg = await startEmbeddedPostgres();
    admin = pg.url;
    stop = pg.stop;
  }
  const name = `assay_bench_${Date.now().toString(36)}`;
  const c = new pgmod.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    dataDir,
    cleanup: async () => {
      // On a server given by DATABASE_URL (shared, kept running) drop the bench's own database;
      // before, every run left one behind. An embedded server is thrown away whole.
      if (process.env.DATABASE_URL) {
        const d = new pgmod.Client({ connectionString: admin });
        await d.connect().then(() => d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
        await d.end().catch(() => undefined);
      }
      await stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BenchExam {
  eventId: string;
  itemIds: string[];
  keys: Record<string, string>;
  candidates: { ticketCode: string; pin: string }[];
  rooms: string[];
  proctor: { username: string; password: string };
}

/** Migrates the database and creates the exam, the roster (rooms of `roomSize`) and a proctor. */
export async function seedBenchExam(url: string, dataDir: string, candidates: number, items: number, roomSize: number, opts: { maxTimeSeconds?: number; closesInMs?: number } = {}): Promise<BenchExam> {
  const config = loadConfig({ env: { ASSAY_DB: url, ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: 'silent' } });
  const secret = ensureSecret(config);
  const store = await openStore(url);
  await store.migrate();
  const fx = await createExamFixture(store, { items, candidates, secret, code: 'BENCH', maxTimeSeconds: opts.maxTimeSeconds ?? 3 * 3600, closesAt: Date.now() + (opts.closesInMs ?? 6 * 3600_000) });
  // Rooms of roomSize candidates, one proctor watching all of them.
  const password = 'bench-proctor-password-2026';
  const proctor = await store.users.create({ username: 'bench-proctor', passwordHash: await hashPassword(password), role: 'proctor' });
  const rosterRows = await store.events.listRoster(fx.event.id);
  const rooms: string[] = [];
  const byTicket = new Map(rosterRows.map((r) => [r.ticketCode, r]));
  for (let i = 0; i < fx.candidates.length; i += roomSize) {
    const room = i === 0 ? (await store.events.listRooms(fx.event.id))[0]! : await store.events.createRoom({ eventId: fx.event.id, name: `R${rooms.length + 1}` });
    rooms.push(room.id);
    await store.events.addProctor(room.id, proctor.id);
    if (i > 0) {
      await store.transaction(async (tx) => {
        for (const c of fx.candidates.slice(i, i + roomSize)) await tx.events.updateRosterEntry(byTicket.get(c.ticketCode)!.id, { roomId: room.id });
      });
    }
  }
  await store.close();
  return { eventId: fx.event.id, itemIds: fx.itemIds, keys: fx.keys, candidates: fx.candidates, rooms, proctor: { username: 'bench-proctor', password } };
}

/** Reads every stored answer of the event: key `sessionId|item|seq` -> {count, value}. */
export async function storedAnswers(url: string, eventId: string): Promise<Map<string, { n: number; value: string }>> {
  const store = await openStore(url);
  try {
    const rows = await store.raw.query<{ session_id: string; item_identifier: string; client_seq: number; value: unknown }>(
      'SELECT r.session_id, r.item_identifier, r.client_seq, r.value FROM responses r JOIN exam_sessions s ON s.id = r.session_id WHERE s.event_id = ?',
      [eventId],
    );
    const m = new Map<string, { n: number; value: string }>();
    for (const r of rows) {
      const k = `${r.session_id}|${r.item_identifier}|${Number(r.client_seq)}`;
      // SQLite returns the JSON text, PostgreSQL the parsed jsonb value.
      const v = store.dialect === 'sqlite' && typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
      const e = m.get(k);
      if (e) e.n++;
      else m.set(k, { n: 1, value: v });
    }
    return m;
  } finally {
    await store.close();
  }
}

/** Compares acknowledged answers with the database. */
export function verify(acked: Map<string, string>, stored: Map<string, { n: number; value: string }>): { lost: number; duplicates: number; mismatched: number } {
  let lost = 0;
  let mismatched = 0;
  for (const [k, v] of acked) {
    const s = stored.get(k);
    if (!s) lost++;
    else if (s.value !== v && s.value !== JSON.stringify(JSON.parse(v))) mismatched++;
  }
  let duplicates = 0;
  for (const s of stored.values()) if (s.n > 1) duplicates += s.n - 1;
  return { lost, duplicates, mismatched };
}

// ------------------------------------------------------------------ one candidate

export interface RunStats {
  latencies: number[];
  /** When each answer of `latencies` was sent (performance.now(), same order). */
  sentAt: number[];
  acked: Map<string, string>;
  errors: number;
  errorSamples: string[];
  answersSent: number;
}

export function newStats(): RunStats {
  return { latencies: [], sentAt: [], acked: new Map(), errors: 0, errorSamples: [], answersSent: 0 };
}

export function noteError(st: RunStats, what: string): void {
  st.errors++;
  if (st.errorSamples.length < 8) st.errorSamples.push(what.slice(0, 300));
}

/** A logged-in candidate of the answer phase; `sent` (optional) keeps the last value sent per item. */
export interface AnswerCandidate {
  token: string;
  sessionId: string;
  items: string[];
  seq: Map<string, number>;
  sent?: Map<string, string>;
}

/** Answers every item once (and changes some), with think time; returns when done or at `stopAt`. */
export async function answerAll(
  http: HttpPool,
  st: RunStats,
  c: AnswerCandidate,
  thinkMs: number,
  stopAt: number | (() => boolean),
  rnd: () => number,
): Promise<void> {
  const stop = typeof stopAt === 'number' ? () => Date.now() >= stopAt : stopAt;
  const order = [...c.items];
  const changes = order.filter(() => rnd() < 0.15);
  const plan = [...order, ...changes];
  await sleep(rnd() * thinkMs);
  for (let i = 0; i < plan.length; i++) {
    if (stop()) return;
    const item = plan[i]!;
    const seq = (c.seq.get(item) ?? 0) + 1;
    c.seq.set(item, seq);
    const value = CHOICES[Math.floor(rnd() * 4)]!;
    c.sent?.set(item, value);
    const t = performance.now();
    st.answersSent++;
    try {
      const r = await http.request('POST', '/api/delivery/session/answers', { itemId: item, value, clientSeq: seq }, c.token);
      if (r.status === 200) {
        st.latencies.push(performance.now() - t);
        st.sentAt.push(t);
        st.acked.set(`${c.sessionId}|${item}|${seq}`, JSON.stringify(value));
      } else noteError(st, `answer ${r.status} ${r.body}`);
    } catch (e) {
      noteError(st, `answer: ${(e as Error).message}`);
    }
    if (i % 10 === 9) {
      try {
        const r = await http.request('POST', '/api/delivery/session/heartbeat', {}, c.token);
        if (r.status !== 200) noteError(st, `heartbeat ${r.status} ${r.body}`);
      } catch (e) {
        noteError(st, `heartbeat: ${(e as Error).message}`);
      }
    }
    await sleep(thinkMs * (0.5 + rnd()));
  }
}

/** The bench's `--name value` options: `opt(name, default)` (the benches' one option reader). */
export function benchOptions(args: string[] = process.argv.slice(2)): (name: string, def: string) => string {
  return (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? args[i + 1]! : def;
  };
}

/**
 * Think time between answers (ms) that spreads a candidate's answers (every item once, about
 * 15 % changed, a heartbeat every 10) over `seconds`.
 */
export function thinkTimeMs(items: number, seconds: number): number {
  const steps = items * 1.15 + items / 10;
  return (seconds * 1000) / (steps + 1);
}

export interface AnswerPhase {
  seconds: number;
  acknowledged: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 of the answers sent after the first second (warmLatencies). */
  p99WarmMs: number;
  /** CPU per acknowledged answer (µs) of the server process, all its threads; undefined without its pid or /proc. */
  serverCpuUs: number | undefined;
  /** The same for this load generator. */
  generatorCpuUs: number;
}

/**
 * The timed answer phase of bench:load and bench:peer (one definition, so the peer gets the
 * same load): every candidate answers its items with think time spread over `seconds`, until
 * done or 1.5 × `seconds`; the answers go into `st`.
 */
export async function answerPhase(http: HttpPool, st: RunStats, cands: AnswerCandidate[], items: number, seconds: number, serverPid?: number): Promise<AnswerPhase> {
  const thinkMs = thinkTimeMs(items, seconds);
  const startAt = Date.now();
  const rnd = mulberry32(42);
  const cpu0 = process.cpuUsage();
  const server0 = processCpuMs(serverPid);
  await Promise.all(cands.map((c) => answerAll(http, st, c, thinkMs, startAt + seconds * 1000 * 1.5, rnd)));
  const elapsed = (Date.now() - startAt) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server1 = processCpuMs(serverPid);
  const acknowledged = st.acked.size;
  const per = Math.max(1, acknowledged);
  const lat = Float64Array.from(st.latencies).sort();
  return {
    seconds: elapsed,
    acknowledged,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    p99WarmMs: percentile(warmLatencies(st), 99),
    serverCpuUs: server0 !== undefined && server1 !== undefined ? ((server1 - server0) * 1000) / per : undefined,
    generatorCpuUs: (cpu.user + cpu.system) / per,
  };
}

/**
 * Latencies of the answers sent once the first `warmMs` of the phase had passed, sorted. The
 * first second of a compressed phase is the one in which every connection carries its first
 * answer and the answer path's code is still being compiled: on this machine the same load
 * generator sees p99 over 100 ms there even against a bare node:http server (bench:peer).
 */
export function warmLatencies(st: RunStats, warmMs = 1000): Float64Array {
  let first = Infinity;
  for (const t of st.sentAt) first = Math.min(first, t);
  const out: number[] = [];
  for (let i = 0; i < st.sentAt.length; i++) if (st.sentAt[i]! >= first + warmMs) out.push(st.latencies[i]!);
  return Float64Array.from(out).sort();
}

/** CPU time (user + system, ms) a process has used so far, or undefined where /proc is not there. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in clock ticks (100/s).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

import { mulberry32 } from '../analytics/random.ts';
export const mulberry = mulberry32;

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const opt = benchOptions();
  const N = Number(opt('candidates', '2000'));
  const S = Number(opt('seconds', '20'));
  const db = opt('db', 'sqlite') as 'sqlite' | 'postgres';
  const items = Number(opt('items', '40'));
  const conns = Number(opt('connections', String(Math.min(N, 4000))));
  const roomSize = Number(opt('room-size', '500'));
  const workers = Number(opt('workers', '1'));
  if (!['sqlite', 'postgres'].includes(db) || !(N > 0) || !(S > 0) || !(Number.isInteger(workers) && workers >= 1)) {
    console.error('usage: npm run bench:load -- --candidates N --seconds S --db sqlite|postgres [--workers W]');
    process.exit(2);
  }
  console.log(`bench:load — ${N} candidates × ${items} items, ${S} s answer phase, ${db}, ${workers} engine process${workers > 1 ? 'es' : ''}, ${conns} connections (load generator on the same shared 2-core machine: figures are pessimistic)`);
  const prepared = await prepareDb(db);
  let server: ServerProc | undefined;
  const http: { pool?: HttpPool } = {};
  const sse: Socket[] = [];
  try {
    const t0 = Date.now();
    const exam = await seedBenchExam(prepared.url, prepared.dataDir, N, items, roomSize);
    console.log(`seeded ${N} candidates in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const port = await freePort();
    // The server's own latency histogram is read through /metrics with this token.
    const metricsToken = `bench-${process.pid}-metrics-token`;
    server = await spawnServer(prepared.url, prepared.dataDir, port, { ASSAY_METRICS_TOKEN: metricsToken }, workers);
    const answerBuckets = async () =>
      latencyBuckets((await http.pool!.request('GET', '/metrics', undefined, metricsToken)).body, 'POST', '/api/delivery/session/answers');
    http.pool = new HttpPool('127.0.0.1', port, Math.min(conns, N * 2));
    await http.pool.open();
    const st = newStats();

    // Proctor streams (one per room), opened before the bell.
    const proctorLogin = await http.pool.request('POST', '/api/auth/login', { username: exam.proctor.username, password: exam.proctor.password, bearer: true });
    const proctorToken = (JSON.parse(proctorLogin.body) as { token: string }).token;
    // Counts per stream: each room's proctor must see its candidates' progress.
    const perStream = exam.rooms.map(() => new Map<string, number>());
    for (const [i, room] of exam.rooms.entries()) sse.push(await openSse('127.0.0.1', port, `/api/proctor/events/${exam.eventId}/stream?roomId=${room}`, proctorToken, perStream[i]!));

    // 1. Logins at the start bell.
    const cands: { token: string; sessionId: string; items: string[]; seq: Map<string, number> }[] = new Array(N);
    let tl = Date.now();
    let loginErrors = 0;
    await pool(exam.candidates, conns, async (c, i) => {
      try {
        const r = await http.pool!.request('POST', '/api/auth/candidate-login', { ticketCode: c.ticketCode, pin: c.pin, bearer: true });
        if (r.status === 200) cands[i] = { token: (JSON.parse(r.body) as { token: string }).token, sessionId: '', items: [], seq: new Map() };
        else {
          loginErrors++;
          noteError(st, `login ${r.status} ${r.body}`);
        }
      } catch (e) {
        loginErrors++;
        noteError(st, `login: ${(e as Error).message}`);
      }
    });
    const loginSeconds = (Date.now() - tl) / 1000;
    console.log(`logins:       ${N - loginErrors}/${N} in ${fmt(loginSeconds)} s = ${fmt((N - loginErrors) / loginSeconds, 0)}/s        (goal: 20,000 within 60 s = 333/s)`);

    // 2. Start.
    tl = Date.now();
    await pool(cands.map((c, i) => [c, i] as const).filter(([c]) => c), conns, async ([c]) => {
      try {
        const r = await http.pool!.request('POST', '/api/delivery/session/start', undefined, c.token);
        if (r.status !== 200) return noteError(st, `start ${r.status} ${r.body}`);
        const v = JSON.parse(r.body) as { sessionId: string; items: { key: string }[] };
        c.sessionId = v.sessionId;
        c.items = v.items.map((x) => x.key);
      } catch (e) {
        noteError(st, `start: ${(e as Error).message}`);
      }
    });
    console.log(`starts:       ${N} in ${fmt((Date.now() - tl) / 1000)} s`);

    // 3. Answers with compressed think time.
    const active = cands.filter((c) => c?.sessionId);
    const buckets0 = await answerBuckets();
    // Server CPU per answer only for one process (the cluster's primary is not the workers).
    const phase = await answerPhase(http.pool!, st, active, items, S, workers === 1 ? server.child.pid : undefined);
    const serverSide = serverLatency(buckets0, await answerBuckets());
    const { acknowledged, p50Ms, p99Ms, p99WarmMs, seconds: answerSeconds, serverCpuUs: serverCpuUsPerAnswer } = phase;
    const answersPerSecond = acknowledged / answerSeconds;
    console.log(`answers:      ${acknowledged} acknowledged of ${st.answersSent} sent in ${fmt(answerSeconds)} s (load generator used ${fmt((phase.generatorCpuUs * acknowledged) / 1e6)} s CPU)`);
    console.log(`answers/s:    ${fmt(answersPerSecond, 0)}        (goal: ≥ ${db === 'sqlite' ? '10,000 on SQLite synchronous=FULL' : '5,000 on PostgreSQL synchronous_commit=on'})`);
    console.log(`latency:      p50 ${fmt(p50Ms)} ms, p99 ${fmt(p99Ms)} ms        (goal: p99 ≤ 50 ms) as the load generator saw it (its own pauses included); after the first second: p99 ${fmt(p99WarmMs)} ms`);
    console.log(`CPU:          server ${serverCpuUsPerAnswer === undefined ? 'n/a' : fmt(serverCpuUsPerAnswer, 0) + ' µs'} per answer (all its threads), load generator ${fmt(phase.generatorCpuUs, 0)} µs per answer (2 cores give 200 µs per answer at 10,000/s)`);
    console.log(
      `server-side:  ${fmt(serverSide.shareWithin * 100, 2)} % of ${serverSide.requests} answers within 50 ms, p50 ≤ ${fmt(serverSide.p50UpToS * 1000, 1)} ms, p99 ≤ ${fmt(serverSide.p99UpToS * 1000, 1)} ms (its histogram${workers > 1 ? ', one worker of ' + workers : ''}; goal: ≥ 99 % within 50 ms)`,
    );
    const sseCounts = new Map<string, number>();
    for (const m of perStream) for (const [k, v] of m) sseCounts.set(k, (sseCounts.get(k) ?? 0) + v);
    const streamsWithProgress = perStream.filter((m) => (m.get('session.progress') ?? 0) > 0).length;
    console.log(`concurrent:   ${active.length} sessions in progress with ${sse.length} proctor SSE streams open (goal: 20,000); SSE events received: ${[...sseCounts].map(([k, v]) => `${k} ${v}`).join(', ')}; streams that received progress: ${streamsWithProgress}/${sse.length}`);

    // 4. Submissions at the end bell.
    tl = Date.now();
    let submitted = 0;
    await pool(active, conns, async (c) => {
      try {
        const r = await http.pool!.request('POST', '/api/delivery/session/submit', undefined, c.token);
        if (r.status === 200) submitted++;
        else noteError(st, `submit ${r.status} ${r.body}`);
      } catch (e) {
        noteError(st, `submit: ${(e as Error).message}`);
      }
    });
    const submitSeconds = (Date.now() - tl) / 1000;
    console.log(`submissions:  ${submitted}/${active.length} in ${fmt(submitSeconds)} s = ${fmt(submitted / submitSeconds, 0)}/s        (goal: 20,000 within 60 s = 333/s, none lost)`);

    for (const s of sse) s.destroy();
    http.pool.close();
    server.child.kill('SIGTERM');
    await server.exited;
    const serverLog = server.output();
    server = undefined;

    // 5. Every acknowledged answer exactly once.
    const stored = await storedAnswers(prepared.url, exam.eventId);
    const v = verify(st.acked, stored);
    console.log(`verify:       lost ${v.lost}, duplicates ${v.duplicates}, wrong value ${v.mismatched} (goal: 0, 0, 0); ${stored.size} answers stored`);
    if (st.errorSamples.length) console.log(`error samples:\n  ${st.errorSamples.join('\n  ')}`);
    // The server's own account of its failures (its log keeps the causes of 500s).
    const serverErrors = serverLog.split('\n').filter((l) => /"level":(50|60)/.test(l));
    if (serverErrors.length) console.log(`server errors (last ${Math.min(5, serverErrors.length)}):\n  ${serverErrors.slice(-5).map((l) => l.slice(0, 1500)).join('\n  ')}`);
    console.log(
      JSON.stringify({
        answersPerSecond: Math.round(answersPerSecond),
        p50Ms: Number(p50Ms.toFixed(2)),
        p99Ms: Number(p99Ms.toFixed(2)),
        p99WarmMs: Number(p99WarmMs.toFixed(2)),
        serverCpuUsPerAnswer: serverCpuUsPerAnswer === undefined ? null : Math.round(serverCpuUsPerAnswer),
        serverShareWithin50Ms: Number(serverSide.shareWithin.toFixed(4)),
        serverP99UpToMs: serverSide.p99UpToS * 1000,
        errors: st.errors,
        acknowledged,
        lost: v.lost,
        duplicates: v.duplicates,
        wrongValue: v.mismatched,
        candidates: N,
        db,
        workers,
        loginsPerSecond: Math.round((N - loginErrors) / loginSeconds),
        loginSeconds: Number(loginSeconds.toFixed(2)),
        submissionsPerSecond: Math.round(submitted / submitSeconds),
        submitSeconds: Number(submitSeconds.toFixed(2)),
        sseStreams: sse.length,
        sseEvents: [...sseCounts.values()].reduce((a, b) => a + b, 0),
        sseStreamsWithProgress: streamsWithProgress,
      }),
    );
  } finally {
    for (const s of sse) s.destroy();
    http.pool?.close();
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await prepared.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/load.ts')) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
