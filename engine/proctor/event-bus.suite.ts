/** One behaviour suite for every EventBus implementation (memory and PostgreSQL). */
import { expect, it } from 'vitest';
import type { EventBus, ProctorEvent } from './event-bus.ts';

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error('timed out waiting for events');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** `make` returns two buses that stand for two engine processes sharing one database. */
export function eventBusSuite(make: () => Promise<[EventBus, EventBus]>): void {
  it('delivers events of an exam event to its subscribers only, in order, across buses', async () => {
    const [a, b] = await make();
    try {
      const gotA: ProctorEvent[] = [];
      const gotB: ProctorEvent[] = [];
      const other: ProctorEvent[] = [];
      await a.subscribe('E1', (e) => gotA.push(e));
      await b.subscribe('E1', (e) => gotB.push(e));
      await b.subscribe('E2', (e) => other.push(e));
      for (let i = 0; i < 20; i++) await a.publish({ eventId: 'E1', type: 'heartbeat', at: i, sessionId: `s${i}` });
      await waitFor(() => gotA.length === 20 && (a === b || gotB.length === 20));
      expect(gotA.map((e) => e.at)).toEqual([...Array(20).keys()]);
      if (a !== b) expect(gotB.map((e) => e.sessionId)).toEqual(gotA.map((e) => e.sessionId));
      expect(other).toHaveLength(0);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });

  it('events published in one turn (without awaiting each) arrive each on its own, in order', async () => {
    const [a, b] = await make();
    try {
      const got: ProctorEvent[] = [];
      await b.subscribe('E4', (e) => got.push(e));
      await Promise.all(Array.from({ length: 50 }, (_, i) => a.publish({ eventId: 'E4', type: 'session.state', at: i, data: { i } })));
      await waitFor(() => got.length === 50);
      expect(got.map((e) => e.at)).toEqual([...Array(50).keys()]);
      expect(got.every((e, i) => (e.data as { i: number }).i === i)).toBe(true);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });

  it('a progress event too large for one notification still delivers every session, in order', async () => {
    // What the delivery service publishes every 2 s: session entries of UUIDs and times. Forty
    // of them are ≈ 8,400 bytes, over PostgreSQL's NOTIFY limit: they were truncated to
    // { truncated: true } and proctors' progress views stopped moving at 20,000 candidates.
    const id = (i: number) => `0b9c5d1e-8a4f-4c2e-9f3a-${String(i).padStart(12, '0')}`;
    const sessions = Array.from({ length: 120 }, (_, i) => ({ sessionId: id(i), candidateId: id(1000 + i), roomId: id(9), lastSeenAt: 1795486027123 + i, answered: 40, total: 40 }));
    const [a, b] = await make();
    try {
      const got: ProctorEvent[] = [];
      await b.subscribe('E5', (e) => got.push(e));
      await a.publish({ eventId: 'E5', type: 'session.progress', at: 7, roomId: null, sessionId: null, data: { sessions } });
      await waitFor(() => got.flatMap((e) => (e.data as { sessions?: unknown[] }).sessions ?? []).length >= sessions.length);
      expect(got.every((e) => e.type === 'session.progress' && e.at === 7)).toBe(true);
      expect(got.flatMap((e) => (e.data as { sessions: unknown[] }).sessions)).toEqual(sessions);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });

  it('unsubscribe stops delivery; a large payload still arrives (truncated if needed)', async () => {
    const [a, b] = await make();
    try {
      const got: ProctorEvent[] = [];
      const off = await b.subscribe('E3', (e) => got.push(e));
      await a.publish({ eventId: 'E3', type: 'message', at: 1, data: { text: 'x'.repeat(20_000) } });
      await waitFor(() => got.length === 1);
      off();
      await a.publish({ eventId: 'E3', type: 'message', at: 2 });
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toHaveLength(1);
      expect(got[0]!.type).toBe('message');
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });
}
