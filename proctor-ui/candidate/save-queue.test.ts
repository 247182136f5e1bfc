/**
 * SaveQueue in Node with an in-memory localStorage and a scripted fetch: persistence across a
 * "reload", sequence numbers, coalescing of unsent changes, offline retry and batch replay.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setCsrfToken } from '../shared/api.ts';
import { LocalStore, SaveQueue, type PendingAnswer } from './save-queue.ts';

const mem = new Map<string, string>();
const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v), removeItem: (k: string) => void mem.delete(k) };

let online = true;
const calls: { path: string; body: { answers?: PendingAnswer[] } & Partial<PendingAnswer> }[] = [];

beforeEach(() => {
  mem.clear();
  calls.length = 0;
  online = true;
  vi.useFakeTimers();
  vi.stubGlobal('localStorage', storage);
  setCsrfToken('t');
  vi.stubGlobal('fetch', async (path: string, init: { body: string }) => {
    if (!online) throw new TypeError('Failed to fetch');
    const body = JSON.parse(init.body);
    calls.push({ path, body });
    const ack = (a: PendingAnswer) => ({ itemId: a.itemId, clientSeq: a.clientSeq, status: 'stored' });
    const out = path.endsWith('/batch') ? { acks: body.answers.map(ack), serverNow: 1, remainingMs: 1000 } : { ack: ack(body), serverNow: 1, remainingMs: 1000 };
    return new Response(JSON.stringify(out), { status: 200 });
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SaveQueue', () => {
  it('sends a change at once with a growing sequence number and empties the queue on the ack', async () => {
    const q = new SaveQueue(new LocalStore('s1.'));
    q.seen(7);
    q.put('Q1', 'RESPONSE', 'A');
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe('/api/delivery/session/answers');
    expect(calls[0]!.body).toEqual({ itemId: 'Q1', responseId: 'RESPONSE', value: 'A', clientSeq: 8 });
    expect(q.pending()).toEqual([]);
    expect(JSON.parse(mem.get('s1.queue')!)).toEqual([]);
  });

  it('debounces typing and keeps only the newest unsent value of a response', async () => {
    const q = new SaveQueue(new LocalStore('s2.'));
    for (const v of ['H', 'Hà', 'Hà N', 'Hà Nội']) q.put('Q1', 'RESPONSE', v, true);
    expect(q.pending()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(0);
    await vi.runAllTimersAsync();
    expect(calls.map((c) => c.body.value)).toEqual(['Hà Nội']);
    expect(calls[0]!.body.clientSeq).toBe(4);
  });

  it('keeps answers through a network drop and a reload, then replays them in one batch', async () => {
    online = false;
    const store = new LocalStore('s3.');
    const q = new SaveQueue(store);
    q.put('Q1', 'RESPONSE', 'A');
    q.put('Q2', 'RESPONSE', ['B', 'C']);
    await vi.advanceTimersByTimeAsync(50);
    expect(q.offline).toBe(true);
    expect(q.state('Q1')).toBe('offline');
    // "Reload": a new queue from the same storage still has both, with their sequence numbers.
    const q2 = new SaveQueue(new LocalStore('s3.'));
    expect(q2.pending().map((p) => [p.itemId, p.clientSeq])).toEqual([['Q1', 1], ['Q2', 2]]);
    expect(q2.overlay('Q2')).toEqual({ RESPONSE: ['B', 'C'] });
    q2.put('Q3', 'RESPONSE', 5);
    expect(q2.pending().at(-1)!.clientSeq).toBe(3);
    online = true;
    await q2.flushNow();
    await vi.runAllTimersAsync();
    const batch = calls.find((c) => c.path.endsWith('/batch'));
    expect(batch?.body.answers?.map((a) => a.itemId)).toEqual(['Q1', 'Q2', 'Q3']);
    expect(q2.pending()).toEqual([]);
    expect(q2.offline).toBe(false);
  });

  it('reports a refused answer on its item and drops it (it can never be stored)', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'invalid_response', message: "value does not fit 'RESPONSE'" } }), { status: 422 }));
    const q = new SaveQueue(new LocalStore('s4.'));
    q.put('Q1', 'RESPONSE', 42);
    await vi.runAllTimersAsync();
    expect(q.pending()).toEqual([]);
    expect(q.state('Q1')).toBe('error');
    expect(q.errors.get('Q1')).toMatch(/does not fit/);
  });
});
