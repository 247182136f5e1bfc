import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { MemoryEventBus, PostgresEventBus } from './event-bus.ts';
import { eventBusSuite } from './event-bus.suite.ts';

describe('event bus: in-process (SQLite deployments)', () => {
  eventBusSuite(async () => {
    const bus = new MemoryEventBus();
    return [bus, bus];
  });
});

describe('event bus: PostgreSQL LISTEN/NOTIFY (two buses = two engine processes)', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase('assay_bus');
  });
  afterAll(async () => {
    await dropTestDatabase(url);
  });
  eventBusSuite(async () => [await PostgresEventBus.connect(url), await PostgresEventBus.connect(url)]);

  it('sends the events of one turn in one NOTIFY query', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const sent: string[] = [];
    const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (text: unknown, ...rest: unknown[]) => (sent.push(String(text)), query(text, ...rest));
    const bus = await PostgresEventBus.connect(url, pool);
    try {
      const got: number[] = [];
      await bus.subscribe('E9', (e) => got.push(e.at));
      await Promise.all(Array.from({ length: 30 }, (_, i) => bus.publish({ eventId: 'E9', type: 'session.state', at: i })));
      expect(sent.filter((q) => q.includes('pg_notify'))).toHaveLength(1);
      const t = Date.now();
      while (got.length < 30 && Date.now() - t < 3000) await new Promise((r) => setTimeout(r, 5));
      expect(got).toEqual([...Array(30).keys()]);
    } finally {
      await bus.close();
      await pool.end();
    }
  });

  it('reports a gap when its listener is cut off and again when it listens again, then delivers as before', async () => {
    const bus = await PostgresEventBus.connect(url);
    const other = await PostgresEventBus.connect(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      let gaps = 0;
      bus.onGap(() => gaps++);
      const got: number[] = [];
      await bus.subscribe('E7', (e) => got.push(e.at));
      // The listener is the backend of this database that ran LISTEN (the other bus's too: stop only one).
      const listeners = (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' ORDER BY backend_start")).rows;
      expect(listeners).toHaveLength(2);
      await admin.query('SELECT pg_terminate_backend($1)', [listeners[0]!.pid]);
      const t = Date.now();
      while (gaps < 2 && Date.now() - t < 10_000) await new Promise((r) => setTimeout(r, 20));
      expect(gaps).toBe(2);
      await other.publish({ eventId: 'E7', type: 'session.state', at: 1 });
      while (got.length < 1 && Date.now() - t < 10_000) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([1]);
    } finally {
      await admin.end();
      await bus.close();
      await other.close();
    }
  });
});
