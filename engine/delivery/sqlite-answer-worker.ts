/**
 * SQLite answer commits off the event loop. With synchronous=FULL every COMMIT waits for an
 * fsync (≈ 8 ms here); done on the main thread it stops every request for that long. This
 * writer owns its own better-sqlite3 connection in a worker thread (WAL, synchronous=FULL,
 * foreign keys on, like the store's), receives one group of answers per message, appends it in
 * ONE immediate transaction and answers only after COMMIT returned: an acknowledgement still
 * means durable. Statuses follow the store's appendResponses contract with `whileInProgress`:
 * `stored` when the row is new, `duplicate` when (session, item, clientSeq) was already there
 * (a retry), `closed` when the session was no longer in progress. It also writes the batched
 * last-seen times (`touch`), the only other write of the answer phase.
 *
 * Its statements are the store's (APPEND_WHILE_IN_PROGRESS_SQLITE, TOUCH_SQLITE from
 * engine/store); values are stored as JSON text, as the store does.
 * The worker's source is plain JavaScript evaluated in the thread, so it needs no TypeScript
 * loader there.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { AnswerRecord, AppendStatus } from './answer-writer.ts';
import { APPEND_WHILE_IN_PROGRESS_SQLITE, TOUCH_SQLITE } from '../store/index.ts';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
const insert = db.prepare(workerData.appendSql);
const exists = db.prepare('SELECT 1 FROM responses WHERE session_id = ? AND item_identifier = ? AND client_seq = ?').pluck();
const append = db.transaction((rows) => rows.map((r) => insert.run(r[0], r[1], r[2], r[3], r[4], r[5], r[0]).changes === 1 ? 1 : exists.get(r[0], r[1], r[4]) ? 0 : 2));
const touch = db.prepare(workerData.touchSql);
const touchAll = db.transaction((entries) => { for (const e of entries) touch.run(e[1], e[0]); return []; });
parentPort.on('message', (m) => {
  if (m.close) { db.close(); parentPort.postMessage({ id: m.id, closed: true }); return; }
  try {
    parentPort.postMessage({ id: m.id, stored: m.touch ? touchAll.immediate(m.touch) : append.immediate(m.rows) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message || e), code: e && e.code } });
  }
});
`;

/** The database file of a `sqlite:` URL, or undefined for an in-memory database (no second connection possible). */
export function sqliteFileOf(url: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const rest = url.slice('sqlite:'.length);
  if (!rest || rest === ':memory:') return undefined;
  // Same resolution as engine/store/open.ts (sqlite:///abs/path keeps one leading slash).
  return resolve(rest.replace(/^\/\/(?=\/)/, ''));
}

/** A failed group, as the worker's driver reported it. */
export class AnswerCommitError extends Error {
  constructor(message: string, readonly code?: string) {
    super(`answers not stored: ${message}`);
  }
}

export class SqliteAnswerWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private failed: Error | null = null;
  private closed = false;

  constructor(file: string, private readonly onFailure?: (e: Error) => void) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, touchSql: TOUCH_SQLITE, appendSql: APPEND_WHILE_IN_PROGRESS_SQLITE } });
    // An idle writer must not keep the process (or a test) alive.
    this.worker.unref();
    this.worker.on('message', (m: { id: number; stored?: number[]; error?: { message: string; code?: string }; closed?: boolean }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (m.error) w.reject(new AnswerCommitError(m.error.message, m.error.code));
      else w.resolve(m.closed ? undefined : m.stored);
    });
    const fail = (e: Error) => {
      if (!this.closed && !this.failed) this.onFailure?.(e);
      this.failed = e;
      for (const w of this.waiting.values()) w.reject(new AnswerCommitError(e.message));
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`answer writer thread exited (${code})`)));
  }

  private send(msg: Record<string, unknown>): Promise<unknown> {
    if (this.failed) return Promise.reject(new AnswerCommitError(this.failed.message));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Keep the process alive while a commit is owed to someone.
      this.worker.ref();
      this.worker.postMessage({ ...msg, id });
    });
  }

  /** Appends one group in one transaction; resolves with each answer's status after COMMIT. */
  async append(batch: AnswerRecord[]): Promise<AppendStatus[]> {
    if (!batch.length) return [];
    const rows = batch.map((r) => [r.sessionId, r.itemId, r.responseId ?? null, r.value === null || r.value === undefined ? null : JSON.stringify(r.value), r.clientSeq, r.receivedAt]);
    const stored = (await this.send({ rows })) as number[];
    return stored.map((s) => (s === 1 ? 'stored' : s === 0 ? 'duplicate' : 'closed'));
  }

  /**
   * Writes last-seen times `[sessionId, at]` in one transaction (a time never moves back), so
   * the event loop neither waits for the write lock nor for the fsync (the store's statement).
   */
  async touch(entries: [string, number][]): Promise<void> {
    if (entries.length) await this.send({ touch: entries });
  }

  /** Closes the connection and ends the thread. */
  async close(): Promise<void> {
    if (this.failed || this.closed) return;
    this.closed = true;
    try {
      await this.send({ close: true });
    } finally {
      await this.worker.terminate();
    }
  }
}
