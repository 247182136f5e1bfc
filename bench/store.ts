/**
 * Store benchmark: durable answer appends through the responses repository.
 *   npm run bench:store -- [--answers N] [--batch B] [--db sqlite|postgres|both]
 * Group commit = B answers per transaction (one fsync each); also one answer per transaction
 * for contrast. SQLite runs with synchronous=FULL, PostgreSQL with synchronous_commit=on.
 * Goals (delivery, issue 5): >= 10,000 answers/s on SQLite, >= 5,000/s on PostgreSQL.
 * The machine is shared with other busy processes: figures are pessimistic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type ResponseInput, type Store } from '../engine/store/index.ts';
import { startEmbeddedPostgres, withDatabase } from '../tests/support/postgres.ts';
import pg from 'pg';

const { values: args } = parseArgs({ options: { answers: { type: 'string', default: '100000' }, batch: { type: 'string', default: '250' }, db: { type: 'string', default: 'both' }, flushers: { type: 'string', default: '4' } } });
const ANSWERS = Number(args.answers);
const BATCH = Number(args.batch);
const FLUSHERS = Number(args.flushers);
const SINGLE = 2000;

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0; };

async function fixture(store: Store, sessions: number) {
  const ev = await store.events.create({ code: 'BENCH', title: 'bench' });
  const cands = await store.candidates.createMany(Array.from({ length: sessions }, () => ({ candidate: {} })));
  const ids: string[] = [];
  await store.transaction(async (tx) => {
    for (const c of cands) ids.push((await tx.sessions.create({ eventId: ev.id, candidateId: c.id, state: 'in_progress', seed: '1' })).id);
  });
  return ids;
}

async function run(store: Store, label: string, goal: number, flushers: number) {
  const sessions = await fixture(store, 500);
  let seq = 0;
  const answer = (): ResponseInput => { const i = seq++; return { sessionId: sessions[i % sessions.length], itemIdentifier: `Q${(i >> 9) % 40}`, responseIdentifier: 'RESPONSE', value: { choice: `C${i % 4}` }, clientSeq: i }; };

  // One answer per transaction (one fsync per answer).
  let t0 = performance.now();
  for (let i = 0; i < SINGLE; i++) await store.responses.append(answer());
  const singleRate = SINGLE / ((performance.now() - t0) / 1000);

  // Group commit: BATCH answers per transaction, `flushers` transactions in flight.
  const lat: number[] = [];
  let left = Math.ceil(ANSWERS / BATCH);
  t0 = performance.now();
  await Promise.all(Array.from({ length: flushers }, async () => {
    while (left-- > 0) {
      const batch = Array.from({ length: BATCH }, answer);
      const s = performance.now();
      const out = await store.responses.appendResponses(batch);
      lat.push(performance.now() - s);
      if (out.some((o) => o.status !== 'stored')) throw new Error('unexpected duplicate');
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const rate = (lat.length * BATCH) / secs;

  // Many candidates each saving answers one at a time, concurrently: the store's own group
  // commit (SQLite) or the server's concurrent WAL flushes (PostgreSQL) batch the commits.
  const CANDIDATES = 500, EACH = 20;
  const singleLat: number[] = [];
  t0 = performance.now();
  await Promise.all(Array.from({ length: CANDIDATES }, async () => {
    for (let k = 0; k < EACH; k++) {
      const s = performance.now();
      await store.responses.append(answer());
      singleLat.push(performance.now() - s);
    }
  }));
  const concurrentRate = (CANDIDATES * EACH) / ((performance.now() - t0) / 1000);
  const stored = await store.responses.count();
  const expected = SINGLE + lat.length * BATCH + CANDIDATES * EACH;
  console.log(`${label}: one answer per transaction: ${Math.round(singleRate)} answers/s`);
  console.log(`${label}: group commit (${BATCH}/tx, ${flushers} in flight): ${Math.round(rate)} answers/s (goal >= ${goal}) ${rate >= goal ? 'OK' : 'BELOW GOAL'}; batch p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms; stored ${stored}/${expected}`);
  console.log(`${label}: ${CANDIDATES} concurrent writers, one answer per call: ${Math.round(concurrentRate)} answers/s; p50 ${pct(singleLat, 50).toFixed(1)} ms, p99 ${pct(singleLat, 99).toFixed(1)} ms`);
  if (stored !== expected) throw new Error(`${label}: stored ${stored}, expected ${expected}`);
  return { singleRate: Math.round(singleRate), answersPerSecond: Math.round(rate), batchP50Ms: +pct(lat, 50).toFixed(2), batchP99Ms: +pct(lat, 99).toFixed(2), concurrentSingleRate: Math.round(concurrentRate), concurrentP99Ms: +pct(singleLat, 99).toFixed(2), goal };
}

const figures: Record<string, unknown> = { answers: ANSWERS, batch: BATCH };
if (args.db === 'sqlite' || args.db === 'both') {
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-'));
  const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
  await store.migrate();
  try {
    figures.sqlite = await run(store, 'sqlite (WAL, synchronous=FULL)', 10_000, FLUSHERS);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
if (args.db === 'postgres' || args.db === 'both') {
  const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startEmbeddedPostgres();
  try {
    const name = `assay_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const store = await openStore(withDatabase(server.url, name));
    await store.migrate();
    try {
      figures.postgres = await run(store, 'postgres (synchronous_commit=on)', 5_000, FLUSHERS);
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
}
console.log('(shared machine, other helpers busy: figures are pessimistic)');
console.log(JSON.stringify(figures));
