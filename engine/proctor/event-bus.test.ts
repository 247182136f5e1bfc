import { afterAll, beforeAll, describe } from 'vitest';
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
});
