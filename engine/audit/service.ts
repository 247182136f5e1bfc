/**
 * Audit service over the store's hash-chained audit log. Entries are appended with group
 * commit: everything recorded while one batch is being written goes into the next single
 * transaction, so 20,000 logins at the start bell do not need 20,000 chained commits.
 * `record` resolves only once the entry is durable.
 */
import type { AuditEntry, AuditInput, AuditRepo, JsonValue } from '../store/types.ts';
import type { Logger } from '../logger.ts';

/** Actions written by the engine. Other modules may use their own dotted names. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.candidate_login'
  | 'auth.candidate_login_failed'
  | 'auth.logout'
  | 'user.created'
  | 'user.role_changed'
  | 'user.updated'
  | 'exam.published'
  | 'proctor.action'
  | 'report.viewed'
  | (string & {});

export interface AuditRecord {
  action: AuditAction;
  /** Who acted: `user:<id>`, `candidate:<id>`, `system`, or `ip:<addr>` for anonymous attempts. */
  actor?: string | null;
  /** What was acted on: `user:<id>`, `event:<id>`, `session:<id>`, ... */
  target?: string | null;
  details?: JsonValue;
}

export interface AuditService {
  record(entry: AuditRecord): Promise<AuditEntry>;
  /** Waits for every pending entry to be written (shutdown). */
  flush(): Promise<void>;
}

interface Pending {
  input: AuditInput;
  resolve: (e: AuditEntry) => void;
  reject: (err: unknown) => void;
}

/** Creates the audit service; `repo` is `store.audit`. */
export function createAuditService(repo: AuditRepo, logger?: Logger, maxBatch = 500): AuditService {
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const written = await repo.appendMany(batch.map((p) => p.input));
        batch.forEach((p, i) => p.resolve(written[i]));
      } catch (err) {
        logger?.error({ err, entries: batch.length }, 'audit append failed');
        for (const p of batch) p.reject(err);
      }
    }
  }

  function kick(): void {
    if (running) return;
    running = new Promise<void>((r) => setImmediate(r)).then(drain).finally(() => {
      running = undefined;
      if (queue.length) kick();
    });
  }

  return {
    record(entry) {
      return new Promise<AuditEntry>((resolve, reject) => {
        queue.push({
          input: { action: entry.action, actor: entry.actor ?? null, target: entry.target ?? null, details: entry.details ?? null, at: Date.now() },
          resolve,
          reject,
        });
        kick();
      });
    },
    async flush() {
      while (running || queue.length) {
        kick();
        await running;
      }
    },
  };
}
