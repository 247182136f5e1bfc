/**
 * `npm run bench:peer -- --candidates N --seconds S`
 *
 * What this machine and this load generator can measure at all: bench:load's candidates
 * (same connections, same think time, same answers and heartbeats) against a bare node:http
 * server that only parses each request, waits 2 ms as a group commit does, and replies
 * (bench/peer-server.ts). Its figures are the ceiling for Assay's on the same machine; the
 * ratio of bench:load's figures to these is the server's own cost. Prints answers/s, p50/p99
 * (whole phase and after the first second), CPU per answer of the server and of the generator;
 * the last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { HttpPool, answerPhase, benchOptions, freePort, newStats } from './load.ts';

const ROOT = resolve(import.meta.dirname, '..');
const fmt = (x: number, d = 1) => x.toFixed(d);

async function main(): Promise<void> {
  const opt = benchOptions();
  const N = Number(opt('candidates', '2000'));
  const S = Number(opt('seconds', '10'));
  const items = Number(opt('items', '40'));
  if (!(N > 0) || !(S > 0) || !(items > 0)) {
    console.error('usage: npm run bench:peer -- --candidates N --seconds S [--items K]');
    process.exit(2);
  }
  console.log(`bench:peer — bench:load's ${N} candidates × ${items} items, ${S} s answer phase, against a bare node:http server (no session, no checks, no database)`);
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/peer-server.ts', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const pool = new HttpPool('127.0.0.1', port, Math.min(N, 4000));
  try {
    await new Promise<void>((res, rej) => {
      child.stdout!.once('data', () => res());
      child.once('exit', (c) => rej(new Error(`peer server exited (${c})`)));
    });
    await pool.open();
    const keys = Array.from({ length: items }, (_, i) => `item-${i + 1}`);
    const st = newStats();
    const cands = Array.from({ length: N }, (_, i) => ({ token: 'peer', sessionId: `s${i}`, items: keys, seq: new Map<string, number>() }));
    const r = await answerPhase(pool, st, cands, items, S, child.pid);
    console.log(`answers:      ${r.acknowledged} acknowledged of ${st.answersSent} sent in ${fmt(r.seconds)} s; errors ${st.errors}`);
    console.log(`answers/s:    ${fmt(r.acknowledged / r.seconds, 0)}`);
    console.log(`latency:      p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms as the load generator saw it; after the first second: p99 ${fmt(r.p99WarmMs)} ms`);
    console.log(`CPU:          peer server ${r.serverCpuUs === undefined ? 'n/a' : fmt(r.serverCpuUs, 0) + ' µs'} per answer, load generator ${fmt(r.generatorCpuUs, 0)} µs per answer`);
    if (st.errorSamples.length) console.log(`error samples:\n  ${st.errorSamples.join('\n  ')}`);
    console.log(
      JSON.stringify({
        answersPerSecond: Math.round(r.acknowledged / r.seconds),
        p50Ms: Number(r.p50Ms.toFixed(2)),
        p99Ms: Number(r.p99Ms.toFixed(2)),
        p99WarmMs: Number(r.p99WarmMs.toFixed(2)),
        serverCpuUsPerAnswer: r.serverCpuUs === undefined ? null : Math.round(r.serverCpuUs),
        generatorCpuUsPerAnswer: Math.round(r.generatorCpuUs),
        errors: st.errors,
        acknowledged: r.acknowledged,
        candidates: N,
        server: 'bare node:http',
      }),
    );
  } finally {
    pool.close();
    child.kill('SIGKILL');
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
