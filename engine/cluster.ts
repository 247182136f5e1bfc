/**
 * `assay serve --workers N`: N engine processes on one machine, sharing the port (node:cluster;
 * on Linux the primary accepts connections and hands them to the workers in turn) and the
 * database. One process's event loop carries about one core of HTTP work; workers use the
 * others.
 *
 * The primary serves no requests. It starts worker 1 (which migrates and seeds the demo as a
 * single `serve` would), then the others with seeding off, relays proctor events between
 * workers on SQLite (engine/proctor/event-bus.ts, ClusterEventBus), sums the workers' metrics
 * for `/metrics` (engine/http/cluster-metrics.ts), replaces a worker that
 * dies (at most `MAX_RESTARTS` within a minute, then it stops the service: a crash loop should
 * be seen, not hidden), and on SIGTERM/SIGINT stops every worker gracefully.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { relayClusterBus } from './proctor/event-bus.ts';
import { serveClusterMetrics } from './http/cluster-metrics.ts';

/** The message a worker sends once it listens. */
export interface WorkerReady {
  assayReady: { url: string; dbUrl: string; banner?: string };
}

export function isWorkerReady(m: unknown): m is WorkerReady {
  return typeof m === 'object' && m !== null && typeof (m as WorkerReady).assayReady?.url === 'string';
}

/** Worker restarts allowed within one minute before the primary gives up. */
export const MAX_RESTARTS = 5;

export interface ClusterHandle {
  url: string;
  dbUrl: string;
  banner?: string;
  /** Resolves with the exit code when the service stopped (signal, or a crash loop). */
  done: Promise<number>;
  stop(): Promise<void>;
}

/**
 * In the primary: starts `config.workers` workers running the same command line and returns
 * once all listen. A worker that fails before it listens (port in use, unreachable database)
 * has printed its one-line error; the primary stops the others and rejects with its exit code.
 */
export async function startCluster(config: Config, logger: Logger): Promise<ClusterHandle> {
  const unrelay = relayClusterBus();
  const unserveMetrics = serveClusterMetrics();
  const live = new Set<Worker>();
  let stopping = false;
  let exitCode = 0;
  let restarts: number[] = [];
  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => (finish = r));

  const fork = (seed: boolean): Promise<WorkerReady['assayReady']> => {
    const w = cluster.fork(seed ? {} : { ASSAY_SEED_DEMO: 'false' });
    live.add(w);
    return new Promise((resolve, reject) => {
      let ready = false;
      w.on('message', (m: unknown) => {
        if (!isWorkerReady(m)) return;
        ready = true;
        resolve(m.assayReady);
      });
      w.on('exit', (code, signal) => {
        live.delete(w);
        if (!ready) return reject(Object.assign(new Error(`worker ${w.id} stopped before listening`), { exitCode: code || 1 }));
        if (stopping) {
          if (live.size === 0) finish(exitCode);
          return;
        }
        logger.error({ worker: w.id, code, signal }, 'engine worker died; starting a new one');
        replace();
      });
    });
  };

  /** Starts a worker in place of a dead one; a replacement that fails counts as another death. */
  const replace = (): void => {
    const now = Date.now();
    restarts = restarts.filter((t) => now - t < 60_000).concat(now);
    if (restarts.length > MAX_RESTARTS) {
      logger.fatal({ restarts: restarts.length }, 'engine workers keep dying; stopping the service');
      exitCode = 1;
      void stop();
      return;
    }
    fork(false).catch((err) => {
      if (stopping) return;
      logger.error({ err }, 'a replacement worker did not start');
      replace();
    });
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    const exits = [...live].map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
    for (const w of live) w.process.kill('SIGTERM');
    await Promise.all(exits);
    unrelay();
    unserveMetrics();
    finish(exitCode);
  };

  try {
    // Worker 1 alone first: migrations and the demo seed must not run twice at once.
    const first = await fork(config.seedDemo);
    await Promise.all(Array.from({ length: config.workers - 1 }, () => fork(false)));
    return { ...first, done, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** In a worker: tells the primary that this worker listens (the primary prints the banner once). */
export function reportWorkerReady(ready: WorkerReady['assayReady']): void {
  process.send?.({ assayReady: ready } satisfies WorkerReady);
}
