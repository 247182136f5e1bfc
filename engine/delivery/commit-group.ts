/**
 * The store side of the answer writer on the main thread: one transaction per group, the
 * answers bulk-appended first, then each session change.
 */
import type { Json } from '../../item-bank/index.ts';
import { isStoreError } from '../store/errors.ts';
import type { Store, StoreTx } from '../store/types.ts';
import { OpFailed, type AnswerRecord, type AppendStatus, type TxOp } from './answer-writer.ts';

const toInput = (r: AnswerRecord) => ({ sessionId: r.sessionId, itemIdentifier: r.itemId, responseIdentifier: r.responseId, value: r.value as Json, clientSeq: r.clientSeq, receivedAt: r.receivedAt });

/**
 * Commits one group in one transaction and returns the answers' statuses and each operation's
 * result in order. When the group fails, its parts are retried each in its own transaction so
 * that one failing operation cannot fail the others; a group of one thing is retried only after
 * a deadlock or serialization failure (PostgreSQL), where trying again is the remedy.
 */
export async function commitGroup(store: Store, answers: AnswerRecord[], ops: TxOp<StoreTx>[]): Promise<{ statuses: AppendStatus[]; results: unknown[] }> {
  try {
    return await store.transaction(async (tx) => {
      const statuses = answers.length ? (await tx.responses.appendResponses(answers.map(toInput), { whileInProgress: true })).map((o) => o.status) : [];
      const results: unknown[] = [];
      for (const op of ops) results.push(await op(tx));
      return { statuses, results };
    });
  } catch (e) {
    const single = ops.length === 0 || (ops.length === 1 && answers.length === 0);
    if (single && !isStoreError(e, 'conflict')) throw e;
    const statuses = answers.length ? (await store.responses.appendResponses(answers.map(toInput), { whileInProgress: true })).map((o) => o.status) : [];
    const results: unknown[] = [];
    for (const op of ops) {
      try {
        results.push(await store.transaction((tx) => op(tx)));
      } catch (err) {
        results.push(new OpFailed(err));
      }
    }
    return { statuses, results };
  }
}
