import { describe, expect, it } from 'vitest';
import { AnswerWriter, type AnswerRecord, type AppendStatus } from './answer-writer.ts';

const rec = (i: number, seq = 1): AnswerRecord => ({ sessionId: 's', itemId: `I${i}`, responseId: 'RESPONSE', value: 'A', clientSeq: seq, receivedAt: 0 });

describe('group-commit answer writer', () => {
  it('groups concurrent answers into few transactions and resolves only after commit', async () => {
    const committed: AnswerRecord[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = AnswerWriter.fromAppend(async (b) => {
      await gate;
      committed.push(b);
      return b.map(() => 'stored' as AppendStatus);
    }, { maxBatch: 100, maxDelayMs: 5 });
    let acked = 0;
    const ps = Array.from({ length: 250 }, (_, i) => w.write(rec(i)).then((s) => (acked++, s)));
    await new Promise((r) => setTimeout(r, 20));
    expect(acked).toBe(0); // nothing acknowledged before the transaction commits
    release();
    expect(await Promise.all(ps)).toHaveLength(250);
    expect(committed.length).toBeLessThanOrEqual(4);
    expect(committed.flat()).toHaveLength(250);
    expect(w.stats.maxBatchSeen).toBe(100);
  });

  it('a failed flush rejects every answer in it; later answers still go through', async () => {
    let fail = true;
    const w = AnswerWriter.fromAppend(async (b) => {
      if (fail) throw new Error('disk full');
      return b.map(() => 'duplicate' as AppendStatus);
    }, { maxDelayMs: 1 });
    const r = await Promise.allSettled([w.write(rec(1)), w.write(rec(2))]);
    expect(r.every((x) => x.status === 'rejected')).toBe(true);
    fail = false;
    expect(await w.write(rec(1))).toBe('duplicate');
    await w.close();
    await expect(w.write(rec(3))).rejects.toThrow(/closed/);
  });

  it('runs other operations in the same transaction as the answers, results in order', async () => {
    const groups: string[][] = [];
    const w = new AnswerWriter<string[]>(async (answers, ops) => {
      const tx: string[] = answers.map((a) => a.itemId);
      const results = [];
      for (const op of ops) results.push(await op(tx));
      groups.push(tx);
      return { statuses: answers.map(() => 'stored' as AppendStatus), results };
    }, { maxDelayMs: 2 });
    const [a, r, b] = await Promise.all([w.write(rec(1)), w.run(async (tx) => (tx.push('op'), 'done')), w.write(rec(2))]);
    expect([a, r, b]).toEqual(['stored', 'done', 'stored']);
    expect(groups).toEqual([['I1', 'I2', 'op']]);
  });

  it('flushes after maxDelayMs even when the batch is not full', async () => {
    const w = AnswerWriter.fromAppend(async (b) => b.map(() => 'stored' as AppendStatus), { maxBatch: 1000, maxDelayMs: 3 });
    const t = Date.now();
    await w.write(rec(1));
    expect(Date.now() - t).toBeLessThan(200);
    expect(w.stats.flushes).toBe(1);
  });
});
