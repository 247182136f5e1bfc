import { describe, expect, it } from 'vitest';
import { StoreError } from '../store/errors.ts';
import type { Store, StoreTx } from '../store/types.ts';
import { OpFailed, type AnswerRecord } from './answer-writer.ts';
import { commitGroup } from './commit-group.ts';

const answer: AnswerRecord = { sessionId: 's1', itemId: 'Q1', responseId: 'RESPONSE', value: 'A', clientSeq: 1, receivedAt: 0 };

/** A store whose first `failures` transactions fail with `error`; appends report 'stored'. */
function storeFailing(error: Error, failures = 1) {
  const log: string[] = [];
  let left = failures;
  const responses = { appendResponses: async (b: unknown[]) => (log.push(`append ${b.length}`), b.map(() => ({ status: 'stored' as const }))) };
  const store = {
    responses,
    transaction: async (fn: (tx: StoreTx) => Promise<unknown>) => {
      if (left-- > 0) throw error;
      log.push('tx');
      return fn({ responses } as unknown as StoreTx);
    },
  } as unknown as Store;
  return { store, log };
}

describe('commitGroup', () => {
  it('retries a group of answers alone after a deadlock instead of failing every answer in it', async () => {
    const { store, log } = storeFailing(new StoreError('conflict', 'deadlock detected'));
    expect(await commitGroup(store, [answer, { ...answer, itemId: 'Q2' }], [])).toEqual({ statuses: ['stored', 'stored'], results: [] });
    expect(log).toEqual(['append 2']);
  });

  it('retries a lone session change after a serialization failure', async () => {
    const { store } = storeFailing(new StoreError('conflict', 'could not serialize access'));
    expect(await commitGroup(store, [], [async () => 'submitted'])).toEqual({ statuses: [], results: ['submitted'] });
  });

  it('does not retry a lone part after other failures (the same error would come back)', async () => {
    const { store, log } = storeFailing(new StoreError('foreign_key', 'no such session'));
    await expect(commitGroup(store, [answer], [])).rejects.toThrow(/no such session/);
    expect(log).toEqual([]);
  });

  it('splits a failed mixed group: one failing change does not fail the answers or the other changes', async () => {
    const { store } = storeFailing(new Error('boom'));
    const bad = new Error('version conflict');
    const out = await commitGroup(store, [answer], [async () => 'a', async () => { throw bad; }]);
    expect(out.statuses).toEqual(['stored']);
    expect(out.results[0]).toBe('a');
    expect(out.results[1]).toBeInstanceOf(OpFailed);
    expect((out.results[1] as OpFailed).error).toBe(bad);
  });
});
