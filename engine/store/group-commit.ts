/**
 * Group commit for SQLite. With synchronous=FULL every commit costs an fsync (milliseconds),
 * so one commit per request would cap a busy server at a few hundred writes per second.
 * Instead, every repository call made during one turn of the event loop joins a queue; at the
 * end of the turn (setImmediate) the queue runs in ONE immediate transaction, each call inside
 * its own savepoint (a failing call rolls back only itself), and every caller is answered only
 * after COMMIT returned: acknowledged means durable. A lone call runs as before (autocommit, or
 * its own transaction when it is multi-statement).
 */
import type Database from 'better-sqlite3';
import type { Ctx, Mutex } from './context.ts';
import { isStoreError, toStoreError } from './errors.ts';

/**
 * Waits (ms) before each new try of a BEGIN IMMEDIATE refused as busy. busy_timeout waits with
 * the event loop stopped, and SQLite can also refuse at once (seen under load with the answer
 * thread's connection committing beside the main one), so the caller gives the lock back to
 * the event loop and tries again: about 10 s in all before the callers get the error.
 */
export const BEGIN_RETRY_DELAYS_MS = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 2000, 2000, 2000];

/** BEGIN IMMEDIATE; returns the store error when it failed (busy: the caller may try again later). */
export function beginImmediate(sqlite: Database.Database): unknown {
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    return undefined;
  } catch (e) {
    return toStoreError(e);
  }
}

/** True when a failed BEGIN may be tried again after `BEGIN_RETRY_DELAYS_MS[attempt]`. */
export function retryBegin(err: unknown, attempt: number): boolean {
  return isStoreError(err, 'busy') && attempt < BEGIN_RETRY_DELAYS_MS.length;
}

interface Job {
  fn: (c: Ctx) => Promise<unknown>;
  /** Multi-statement: needs a transaction even when alone. */
  atomic: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class SqliteGroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  /** Batches run and calls served (for metrics and tests). */
  readonly stats = { batches: 0, calls: 0, largestBatch: 0 };

  constructor(private readonly sqlite: Database.Database, private readonly mutex: Mutex, private readonly ctx: Ctx) {}

  submit<T>(fn: (c: Ctx) => Promise<T>, atomic: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, atomic, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    void this.mutex.run(() => this.runJobs(jobs));
  }

  private async runJobs(jobs: Job[], attempt = 0): Promise<void> {
    const { sqlite, ctx } = this;
    this.stats.batches++;
    this.stats.calls += jobs.length;
    if (jobs.length > this.stats.largestBatch) this.stats.largestBatch = jobs.length;
    if (jobs.length === 1 && !jobs[0].atomic) {
      const j = jobs[0];
      try {
        j.resolve(await j.fn(ctx));
      } catch (e) {
        j.reject(toStoreError(e));
      }
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    // IMMEDIATE takes the write lock now, so two processes never deadlock upgrading a read lock.
    const failed = beginImmediate(sqlite);
    if (failed) {
      if (retryBegin(failed, attempt)) {
        setTimeout(() => void this.mutex.run(() => this.runJobs(jobs, attempt + 1)), BEGIN_RETRY_DELAYS_MS[attempt]);
      } else for (const j of jobs) j.reject(failed);
      return;
    }
    for (const j of jobs) {
      sqlite.exec('SAVEPOINT assay_call');
      try {
        const value = await j.fn(ctx);
        sqlite.exec('RELEASE assay_call');
        outcomes.push({ ok: true, value });
      } catch (e) {
        if (!sqlite.inTransaction) {
          // SQLite rolled the whole transaction back (I/O error, disk full): nothing of the batch is stored.
          const err = toStoreError(e);
          for (const k of jobs) k.reject(err);
          return;
        }
        sqlite.exec('ROLLBACK TO assay_call');
        sqlite.exec('RELEASE assay_call');
        outcomes.push({ ok: false, error: toStoreError(e) });
      }
    }
    try {
      sqlite.exec('COMMIT');
    } catch (e) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      const err = toStoreError(e);
      for (const j of jobs) j.reject(err);
      return;
    }
    jobs.forEach((j, i) => {
      const o = outcomes[i];
      if (o.ok) j.resolve(o.value);
      else j.reject(o.error);
    });
  }
}
