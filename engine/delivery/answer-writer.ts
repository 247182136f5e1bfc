/**
 * Group commit for answers. Each request's answer joins a queue; the queue is flushed in
 * ONE store transaction when it holds `maxBatch` answers or `maxDelayMs` after the first
 * answer arrived, and every request's promise resolves only after that transaction has
 * committed (SQLite synchronous=FULL / PostgreSQL synchronous_commit on), so an
 * acknowledgement always means durable. One fsync then serves hundreds of answers.
 *
 * A failed flush rejects every answer in it (nothing is acknowledged that was not stored);
 * clients retry with the same clientSeq, which the store's unique key makes idempotent.
 */

/** One answer as written to the append-only responses table. */
export interface AnswerRecord {
  sessionId: string;
  /** Item key in the candidate's plan (itemRef identifier). */
  itemId: string;
  /** A single response variable, or null when `value` holds every response of the item as an object. */
  responseId: string | null;
  /** DESIGN.md JSON form. */
  value: unknown;
  clientSeq: number;
  /** Server time of receipt (ms). */
  receivedAt: number;
}

/**
 * What happened to one answer: newly stored, already there from an earlier try, or refused
 * because its session was no longer in progress when the row was to be written.
 */
export type AppendStatus = 'stored' | 'duplicate' | 'closed';

/** The durable side: store one batch in one transaction, statuses in input order. */
export type AppendBatch = (batch: AnswerRecord[]) => Promise<AppendStatus[]>;

export interface AnswerWriterOptions {
  /** Flush when this many answers are queued. */
  maxBatch?: number;
  /** Flush at most this long after the first queued answer. */
  maxDelayMs?: number;
  /** Concurrent flushes (1 for SQLite: one writer; 2-4 help PostgreSQL). */
  concurrency?: number;
}

export interface AnswerWriterStats {
  flushes: number;
  answers: number;
  maxBatchSeen: number;
  failedFlushes: number;
}

/**
 * Generic group commit: queue items, hand them to `commitBatch` in groups, resolve each
 * item's promise with its own result once the group's transaction has committed.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats = { flushes: 0, items: 0, maxBatchSeen: 0, failedFlushes: 0 };
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly commitBatch: (batch: T[]) => Promise<R[]>,
    opts: AnswerWriterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 2;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
  }

  /** Queue one item; resolves with its result after the commit. */
  push(item: T): Promise<R> {
    if (this.closed) return Promise.reject(new Error('writer is closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.queue.length >= this.maxBatch && this.inFlight < this.concurrency) {
      this.flushNow();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushNow();
      }, this.maxDelayMs);
    }
  }

  private flushNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // While all flush slots are busy the queue keeps growing: the next flush takes it all
    // (up to maxBatch), which is what makes throughput rise with load.
    while (this.queue.length && this.inFlight < this.concurrency) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.commit(batch);
    }
  }

  private async commit(batch: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[]): Promise<void> {
    try {
      const results = await this.commitBatch(batch.map((p) => p.item));
      this.stats.flushes++;
      this.stats.items += batch.length;
      this.stats.maxBatchSeen = Math.max(this.stats.maxBatchSeen, batch.length);
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (e) {
      this.stats.failedFlushes++;
      for (const p of batch) p.reject(e);
    } finally {
      this.inFlight--;
      if (this.queue.length) {
        if (this.queue.length >= this.maxBatch || this.inFlight === 0) this.flushNow();
        else this.schedule();
      } else if (this.inFlight === 0) {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }

  /** Resolves when nothing is queued or in flight. */
  async drain(): Promise<void> {
    if (!this.queue.length && this.inFlight === 0) return;
    if (this.queue.length && this.inFlight < this.concurrency) this.flushNow();
    await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Flush what is queued and refuse new items. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }
}

/** The result slot of an operation that failed on its own (slow path after a failed group). */
export class OpFailed {
  constructor(readonly error: unknown) {}
}

/** A unit of work run inside the group's transaction (a session state change, a result). */
export type TxOp<Tx = unknown> = (tx: Tx) => Promise<unknown>;

/**
 * Commits one group: the answers (bulk append) and the other operations, all in ONE
 * transaction. Returns the answers' statuses and each operation's result in order.
 */
export type CommitGroup<Tx = unknown> = (answers: AnswerRecord[], ops: TxOp<Tx>[]) => Promise<{ statuses: AppendStatus[]; results: unknown[] }>;

type Item<Tx> = { answer: AnswerRecord; op?: undefined } | { op: TxOp<Tx>; answer?: undefined };

/**
 * Queues answers — and session changes that must be durable before they are acknowledged —
 * and commits them in groups: one transaction (one fsync) per group. On SQLite every commit
 * blocks the process for the fsync, so sharing it between answers, starts and submissions is
 * what keeps the exam-start and exam-end bells fast.
 */
export class AnswerWriter<Tx = unknown> {
  private readonly gc: GroupCommit<Item<Tx>, unknown>;

  constructor(commit: CommitGroup<Tx>, opts: AnswerWriterOptions = {}) {
    this.gc = new GroupCommit<Item<Tx>, unknown>(async (items) => {
      const answers: AnswerRecord[] = [];
      const ops: TxOp<Tx>[] = [];
      for (const it of items) it.answer ? answers.push(it.answer) : ops.push(it.op!);
      const { statuses, results } = await commit(answers, ops);
      let a = 0;
      let o = 0;
      return items.map((it) => (it.answer ? statuses[a++] : results[o++]));
    }, opts);
  }

  /** A writer for answers only, over a bulk append (tests, tools). */
  static fromAppend(append: AppendBatch, opts: AnswerWriterOptions = {}): AnswerWriter {
    return new AnswerWriter(async (answers) => ({ statuses: answers.length ? await append(answers) : [], results: [] }), opts);
  }

  get stats(): AnswerWriterStats {
    const s = this.gc.stats;
    return { flushes: s.flushes, answers: s.items, maxBatchSeen: s.maxBatchSeen, failedFlushes: s.failedFlushes };
  }

  /** Queue one answer; resolves after it is durable. */
  write(record: AnswerRecord): Promise<AppendStatus> {
    return this.gc.push({ answer: record }).catch((e: unknown) => {
      if (e instanceof Error && e.message === 'writer is closed') throw new Error('answer writer is closed');
      throw e;
    }) as Promise<AppendStatus>;
  }

  /** Queue several answers (one request's batch); resolves when all are durable. */
  writeMany(records: AnswerRecord[]): Promise<AppendStatus[]> {
    return Promise.all(records.map((r) => this.write(r)));
  }

  /** Run `op` inside the next group's transaction; resolves with its result after the commit. */
  async run<T>(op: (tx: Tx) => Promise<T>): Promise<T> {
    const r = await this.gc.push({ op });
    if (r instanceof OpFailed) throw r.error;
    return r as T;
  }

  drain(): Promise<void> {
    return this.gc.drain();
  }
  close(): Promise<void> {
    return this.gc.close();
  }
}
