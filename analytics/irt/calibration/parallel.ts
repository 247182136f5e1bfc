/**
 * Splits the E-step's pattern loop across worker threads for very large calibrations
 * (100,000 × 60 and up). The calibration API stays synchronous: every array lives in shared
 * memory, the main thread takes the first share itself and then blocks on Atomics.wait until the
 * workers have filled their own expected-count buffers, which it sums. A worker that does not
 * answer within the timeout makes the main thread finish that share itself and drop the workers.
 */
import { Worker } from 'node:worker_threads';

/** Signature of the E-step kernel over patterns [p0, p1): em.ts's own function, so the two cannot drift. */
export type AccumulateFn = typeof import('./em.ts').accumulatePatterns;

/** The kernel's inputs; the Float64/Int32 arrays must be backed by SharedArrayBuffers. */
export interface EStepArrays {
  nPat: number;
  Q: number;
  patStart: Int32Array;
  entries: Int32Array;
  tabStart: Int32Array;
  tabEntries: Int32Array;
  linStart: Int32Array;
  linEntries: Int32Array;
  linA: Float64Array;
  linB: Float64Array;
  nodes: Float64Array;
  weights: Float64Array;
  base: Float64Array;
  table: Float64Array;
}

/** A Float64Array on shared memory (so workers see the main thread's writes). */
export function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(n, 1) * 8)).subarray(0, n);
}

export function sharedInt32From(src: ArrayLike<number>): Int32Array {
  const a = new Int32Array(new SharedArrayBuffer(Math.max(src.length, 1) * 4)).subarray(0, src.length);
  a.set(src);
  return a;
}

const WORKER_SOURCE = (fnSource: string) => `
const { workerData } = require('node:worker_threads');
const accumulate = (${fnSource});
const d = workerData;
const ctrl = new Int32Array(d.ctrl);
const out = new Float64Array(d.out);
const ll = new Float64Array(d.Q);
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, gen);
  gen = Atomics.load(ctrl, 0);
  if (gen < 0) break;
  out[0] = accumulate(d.p0, d.p1, d.Q, d.patStart, d.entries, d.tabStart, d.tabEntries, d.linStart, d.linEntries,
    d.linA, d.linB, d.nodes, d.weights, d.base, d.table, d.acc, d.T, ll);
  Atomics.add(ctrl, 1, 1);
  Atomics.notify(ctrl, 1);
}
`;

export class ParallelEStep {
  private workers: Worker[] = [];
  private ctrl: Int32Array;
  private shares: { p0: number; p1: number; acc: Float64Array; T: Float64Array; out: Float64Array }[] = [];
  private mainRange: [number, number];
  private broken = false;

  constructor(
    private fn: AccumulateFn,
    private d: EStepArrays,
    threads: number,
    private timeoutMs = 120_000,
  ) {
    this.ctrl = new Int32Array(new SharedArrayBuffer(8));
    // balance by cumulative entries (the work is proportional to non-zero cells)
    const total = d.patStart[d.nPat];
    const bounds = [0];
    for (let t = 1; t < threads; t++) {
      const target = (total * t) / threads;
      let p = bounds[bounds.length - 1];
      while (p < d.nPat && d.patStart[p] < target) p++;
      bounds.push(p);
    }
    bounds.push(d.nPat);
    this.mainRange = [bounds[0], bounds[1]];
    const tableSize = d.table.length;
    for (let t = 1; t < threads; t++) {
      const share = { p0: bounds[t], p1: bounds[t + 1], acc: sharedFloat64(tableSize), T: sharedFloat64(d.Q), out: sharedFloat64(1) };
      this.shares.push(share);
      const w = new Worker(WORKER_SOURCE(fn.toString()), {
        eval: true,
        workerData: { ...d, ctrl: this.ctrl.buffer, p0: share.p0, p1: share.p1, acc: share.acc, T: share.T, out: share.out.buffer },
        execArgv: [],
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /** Runs one E-step into `acc` and `T` (overwritten); returns the marginal log-likelihood. */
  run(acc: Float64Array, T: Float64Array, ll: Float64Array): number {
    const d = this.d;
    const k = (p0: number, p1: number, a: Float64Array, t: Float64Array) =>
      this.fn(p0, p1, d.Q, d.patStart, d.entries, d.tabStart, d.tabEntries, d.linStart, d.linEntries, d.linA, d.linB, d.nodes, d.weights, d.base, d.table, a, t, ll);
    if (this.broken) return k(0, d.nPat, acc, T);
    Atomics.store(this.ctrl, 1, 0);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    let logLik = k(this.mainRange[0], this.mainRange[1], acc, T);
    const n = this.shares.length;
    let c: number;
    while ((c = Atomics.load(this.ctrl, 1)) < n) {
      if (Atomics.wait(this.ctrl, 1, c, this.timeoutMs) === 'timed-out' && Atomics.load(this.ctrl, 1) === c) {
        // A worker is stuck (or never started): finish every share here and stop using workers.
        this.close();
        this.broken = true;
        return k(0, d.nPat, acc, T);
      }
    }
    for (const s of this.shares) {
      for (let i = 0; i < acc.length; i++) acc[i] += s.acc[i];
      for (let q = 0; q < T.length; q++) T[q] += s.T[q];
      logLik += s.out[0];
    }
    return logLik;
  }

  close(): void {
    Atomics.store(this.ctrl, 0, -1);
    Atomics.notify(this.ctrl, 0);
    for (const w of this.workers) void w.terminate();
    this.workers = [];
  }
}
