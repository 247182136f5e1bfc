import { describe } from 'vitest';
import { MemoryEventBus } from './event-bus.ts';
import { eventBusSuite } from './event-bus.suite.ts';

describe('event bus: in-process (SQLite deployments)', () => {
  eventBusSuite(async () => {
    const bus = new MemoryEventBus();
    return [bus, bus];
  });
});
