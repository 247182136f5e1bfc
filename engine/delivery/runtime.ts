/**
 * One delivery runtime per app: the service, the proctor event bus and the time-out sweeper,
 * created when the route module is registered (route modules are synchronous, so the
 * PostgreSQL LISTEN connection is opened on first use).
 */
import type { AppDeps } from '../http/deps.ts';
import { createEventBus, eventBusKind, type EventBus, type EventBusKind, type ProctorEvent, type ProctorEventHandler } from '../proctor/event-bus.ts';
import { scoreAndStore } from './scoring.ts';
import { DeliveryService } from './service.ts';
import { Sweeper } from './sweeper.ts';
import { conditionEvaluator } from './conditions.ts';

/** An EventBus that connects on first use. */
class LazyBus implements EventBus {
  private bus: Promise<EventBus> | null = null;
  constructor(
    private readonly url: string,
    readonly kind: EventBusKind,
  ) {}
  private readonly gaps = new Set<() => void>();
  private get(): Promise<EventBus> {
    if (!this.bus) {
      this.bus = createEventBus(this.url);
      this.bus.then((b) => b.onGap(() => this.gaps.forEach((h) => h())), () => (this.bus = null));
    }
    return this.bus;
  }
  onGap(handler: () => void): () => void {
    this.gaps.add(handler);
    return () => this.gaps.delete(handler);
  }
  async publish(e: ProctorEvent): Promise<void> {
    await (await this.get()).publish(e);
  }
  async subscribe(eventId: string, h: ProctorEventHandler): Promise<() => void> {
    return (await this.get()).subscribe(eventId, h);
  }
  async close(): Promise<void> {
    if (this.bus) await (await this.bus).close();
  }
}

export interface DeliveryRuntime {
  service: DeliveryService;
  bus: EventBus;
  sweeper: Sweeper;
}

const runtimes = new WeakMap<AppDeps, DeliveryRuntime>();

/** The runtime of an app (created once per deps). */
export function deliveryRuntime(deps: AppDeps): DeliveryRuntime {
  let rt = runtimes.get(deps);
  if (rt) return rt;
  const url = deps.config.db.url;
  const bus = new LazyBus(url, eventBusKind(url));
  const log = deps.logger;
  const service: DeliveryService = new DeliveryService({
    store: deps.store,
    audit: deps.audit,
    bus,
    log,
    conditions: conditionEvaluator,
    scorer: (s, event, reason) => scoreAndStore(service, s, event, { reason }),
  });
  const sweeper = new Sweeper(service, { log });
  // Tests build many apps in one process; the sweeper timer is unref'd and stops with the store.
  sweeper.start();
  // The app has no shutdown hook of its own: closing the store (server shutdown, end of a
  // test) first stops the sweeper, flushes queued answers and last-seen times, and closes
  // the LISTEN connection, so nothing keeps the process alive or writes to a closed store.
  const store = deps.store as { close: () => Promise<void> };
  const closeStore = store.close.bind(store);
  store.close = async () => {
    sweeper.stop();
    await service.close().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await closeStore();
  };
  rt = { service, bus, sweeper };
  runtimes.set(deps, rt);
  return rt;
}
