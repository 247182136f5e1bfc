/**
 * `npm run bench:fault -- [--candidates N] [--db sqlite|postgres] [--kill-after-ms T]`
 *
 * Kill -9 the server in the middle of the load, restart it on the same database, and show:
 * zero acknowledged answers lost, no duplicates, every session resumable with the remaining
 * time the server holds (the deadline survived the crash), and answering goes on (retries of
 * unacknowledged answers are idempotent). A small run of the same code is in the test suite
 * (engine/delivery/fault.test.ts). The last line printed is one JSON object.
 */
import {
  answerAll, benchOptions, freePort, HttpPool, mulberry, newStats, noteError, percentile, pool, prepareDb, seedBenchExam, sleep, spawnServer, storedAnswers, verify, type ServerProc,
} from './load.ts';

export interface FaultOptions {
  candidates: number;
  items: number;
  db: 'sqlite' | 'postgres';
  /** Kill the server this long after the answer phase began. */
  killAfterMs: number;
  /** Length of the answer phase before the kill if nobody killed it (think time scale). */
  answerSeconds: number;
  connections: number;
  /** An empty database to use instead of a fresh one (the test suite's PostgreSQL); the caller drops it. */
  dbUrl?: string;
  log?: (line: string) => void;
}

export interface FaultResult {
  answersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  acknowledged: number;
  lost: number;
  duplicates: number;
  wrongValue: number;
  candidates: number;
  db: string;
  resumed: number;
  remainingTimeMaxDriftMs: number;
  acknowledgedAfterRestart: number;
  restartSeconds: number;
}

export async function runFault(o: FaultOptions): Promise<FaultResult> {
  const log = o.log ?? (() => undefined);
  const prepared = await prepareDb(o.db, o.dbUrl);
  let server: ServerProc | undefined;
  let http: HttpPool | undefined;
  try {
    const exam = await seedBenchExam(prepared.url, prepared.dataDir, o.candidates, o.items, 500, { maxTimeSeconds: 3600 });
    const port = await freePort();
    server = await spawnServer(prepared.url, prepared.dataDir, port);
    http = new HttpPool('127.0.0.1', port, Math.min(o.connections, o.candidates * 2));
    await http.open();
    const st = newStats();
    const cands: { token: string; sessionId: string; items: string[]; seq: Map<string, number>; sent: Map<string, string> }[] = [];
    await pool(exam.candidates, o.connections, async (c) => {
      const r = await http!.request('POST', '/api/auth/candidate-login', { ticketCode: c.ticketCode, pin: c.pin, bearer: true });
      if (r.status !== 200) return noteError(st, `login ${r.status} ${r.body}`);
      const token = (JSON.parse(r.body) as { token: string }).token;
      const s = await http!.request('POST', '/api/delivery/session/start', undefined, token);
      if (s.status !== 200) return noteError(st, `start ${s.status} ${s.body}`);
      const v = JSON.parse(s.body) as { sessionId: string; items: { key: string }[] };
      cands.push({ token, sessionId: v.sessionId, items: v.items.map((x) => x.key), seq: new Map(), sent: new Map() });
    });
    log(`${cands.length} sessions started; answering, kill -9 after ${o.killAfterMs} ms`);

    // Answer until the kill; requests in flight at the kill fail (never acknowledged).
    const thinkMs = (o.answerSeconds * 1000) / (o.items * 1.25);
    const t0 = Date.now();
    const rnd = mulberry(7);
    let killed = false;
    const running = Promise.all(cands.map((c) => answerAll(http!, st, c, thinkMs, () => killed, rnd).catch(() => undefined)));
    await sleep(o.killAfterMs);
    // Remaining time as the client last saw it, just before the crash.
    const before = new Map<string, { remainingMs: number; at: number }>();
    await pool(cands.slice(0, 200), 50, async (c) => {
      const r = await http!.request('GET', '/api/delivery/session', undefined, c.token).catch(() => null);
      if (r?.status === 200) before.set(c.sessionId, { remainingMs: (JSON.parse(r.body) as { remainingMs: number }).remainingMs, at: Date.now() });
    });
    const ackedBeforeKill = st.acked.size;
    killed = true;
    server.child.kill('SIGKILL');
    await server.exited;
    const answerSeconds = (Date.now() - t0) / 1000;
    http.close();
    await Promise.race([running, sleep(3000)]);
    log(`killed with ${ackedBeforeKill} answers acknowledged (${st.errors} requests failed at the kill, as expected)`);
    const latBefore = Float64Array.from(st.latencies).sort();
    const errorsAtKill = st.errors;

    // Restart on the same database.
    const tr = Date.now();
    server = await spawnServer(prepared.url, prepared.dataDir, port);
    const restartSeconds = (Date.now() - tr) / 1000;
    http = new HttpPool('127.0.0.1', port, Math.min(o.connections, o.candidates * 2));
    await http.open();

    // Every session resumes: same login token, in progress, remaining time from the server.
    let resumed = 0;
    let drift = 0;
    await pool(cands, o.connections, async (c) => {
      const r = await http!.request('POST', '/api/delivery/session/start', undefined, c.token);
      if (r.status !== 200) return noteError(st, `resume ${r.status} ${r.body}`);
      const v = JSON.parse(r.body) as { state: string; remainingMs: number };
      if (v.state !== 'in_progress' || !(v.remainingMs > 0)) return noteError(st, `resume: state ${v.state}, remaining ${v.remainingMs}`);
      resumed++;
      const b = before.get(c.sessionId);
      if (b) drift = Math.max(drift, Math.abs(v.remainingMs - (b.remainingMs - (Date.now() - b.at))));
    });
    log(`restarted in ${restartSeconds.toFixed(1)} s; ${resumed}/${cands.length} sessions resumed; remaining-time drift ≤ ${drift} ms`);

    // Answering goes on: the client re-sends its last answer per item, as the player replays
    // unacknowledged answers (idempotent: duplicate when it was stored, else stored now).
    const afterStats = newStats();
    await pool(cands, o.connections, async (c) => {
      for (const [item, seq] of [...c.seq].slice(0, 3)) {
        const value = c.sent.get(item)!;
        const r = await http!.request('POST', '/api/delivery/session/answers', { itemId: item, value, clientSeq: seq }, c.token);
        if (r.status !== 200) noteError(afterStats, `retry ${r.status} ${r.body}`);
        else {
          const ack = (JSON.parse(r.body) as { ack: { status: string } }).ack;
          // A retry of an acknowledged answer must be a duplicate and must not change the stored value.
          if (!st.acked.has(`${c.sessionId}|${item}|${seq}`)) st.acked.set(`${c.sessionId}|${item}|${seq}`, JSON.stringify(value));
          else if (ack.status !== 'duplicate') noteError(afterStats, `retry of an acknowledged answer came back ${ack.status}`);
        }
      }
      const next = c.items.find((k) => !c.seq.has(k)) ?? c.items[0]!;
      const seq = (c.seq.get(next) ?? 0) + 1;
      const r = await http!.request('POST', '/api/delivery/session/answers', { itemId: next, value: 'B', clientSeq: seq }, c.token);
      if (r.status === 200) {
        st.acked.set(`${c.sessionId}|${next}|${seq}`, JSON.stringify('B'));
        afterStats.acked.set(`${c.sessionId}|${next}`, '');
      } else noteError(afterStats, `after restart ${r.status} ${r.body}`);
    });
    http.close();
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    const stored = await storedAnswers(prepared.url, exam.eventId);
    const v = verify(st.acked, stored);
    log(`verify: ${st.acked.size} acknowledged, lost ${v.lost}, duplicates ${v.duplicates}, wrong value ${v.mismatched}`);
    if (afterStats.errorSamples.length) log(`errors after restart: ${afterStats.errorSamples.join(' | ')}`);
    return {
      answersPerSecond: Math.round(ackedBeforeKill / answerSeconds),
      p50Ms: Number(percentile(latBefore, 50).toFixed(2)),
      p99Ms: Number(percentile(latBefore, 99).toFixed(2)),
      errors: afterStats.errors + (st.errors - errorsAtKill),
      acknowledged: st.acked.size,
      lost: v.lost,
      duplicates: v.duplicates,
      wrongValue: v.mismatched,
      candidates: o.candidates,
      db: o.db,
      resumed,
      remainingTimeMaxDriftMs: Math.round(drift),
      acknowledgedAfterRestart: afterStats.acked.size,
      restartSeconds: Number(restartSeconds.toFixed(2)),
    };
  } finally {
    http?.close();
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await prepared.cleanup();
  }
}

async function main(): Promise<void> {
  const opt = benchOptions();
  const o: FaultOptions = {
    candidates: Number(opt('candidates', '1000')),
    items: Number(opt('items', '40')),
    db: opt('db', 'sqlite') as 'sqlite' | 'postgres',
    killAfterMs: Number(opt('kill-after-ms', '6000')),
    answerSeconds: Number(opt('seconds', '20')),
    connections: Number(opt('connections', '256')),
    log: (l) => console.log(l),
  };
  console.log(`bench:fault — ${o.candidates} candidates, ${o.db}, kill -9 after ${o.killAfterMs} ms of answering (shared 2-core machine: figures are pessimistic)`);
  const r = await runFault(o);
  console.log(`acknowledged ${r.acknowledged}: lost ${r.lost} (goal 0), duplicates ${r.duplicates} (goal 0), wrong value ${r.wrongValue} (goal 0)`);
  console.log(`resumed ${r.resumed}/${r.candidates} (goal all) with remaining time drift ≤ ${r.remainingTimeMaxDriftMs} ms; restart took ${r.restartSeconds} s`);
  console.log(`before the kill: ${r.answersPerSecond} answers/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
  console.log(JSON.stringify(r));
  if (r.lost || r.duplicates || r.resumed < r.candidates) process.exitCode = 1;
}

if (process.argv[1]?.endsWith('bench/fault.ts')) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
