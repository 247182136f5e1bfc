/**
 * Live proctor events: one interface, three implementations. On SQLite in one process events
 * stay in memory; with `assay serve --workers N` on SQLite they travel through the cluster's
 * primary process (IPC); on PostgreSQL they travel through LISTEN/NOTIFY so every engine
 * process behind a load balancer sees every room's events, whichever process received the
 * request.
 */
import cluster from 'node:cluster';
import { EventEmitter } from 'node:events';
import pg from 'pg';

/** One thing that happened in an exam event, as proctors see it. */
export interface ProctorEvent {
  /** Exam event id (the bus is partitioned by it). */
  eventId: string;
  roomId?: string | null;
  sessionId?: string | null;
  /** e.g. session.state, session.progress, heartbeat, incident, message, time.extended */
  type: string;
  /** Server time, ms. */
  at: number;
  data?: Record<string, unknown>;
}

export type ProctorEventHandler = (e: ProctorEvent) => void;

/**
 * `memory`: this process is the only one serving its database; `cluster`: several worker
 * processes of one `assay serve --workers N` share it; `postgres`: any number of processes.
 */
export type EventBusKind = 'memory' | 'cluster' | 'postgres';

export interface EventBus {
  readonly kind: EventBusKind;
  /** Deliver to every subscriber of `e.eventId`, in this and (PostgreSQL) other processes. */
  publish(e: ProctorEvent): Promise<void>;
  /** Receive the events of one exam event; returns the unsubscribe function. */
  subscribe(eventId: string, handler: ProctorEventHandler): Promise<() => void>;
  /**
   * Called when events from other processes may have been missed (the PostgreSQL listener
   * lost its connection: once when it drops, once when it listens again). Caches kept fresh by
   * the bus drop what they hold. Returns the unsubscribe function.
   */
  onGap(handler: () => void): () => void;
  close(): Promise<void>;
}

/** This process's subscribers, shared by every bus: each bus only decides how events reach `deliver`. */
abstract class LocalSubscribers {
  private readonly em = new EventEmitter();
  constructor() {
    this.em.setMaxListeners(0); // thousands of proctor streams are normal
  }
  protected deliver(e: ProctorEvent): void {
    this.em.emit(e.eventId, e);
  }
  async subscribe(eventId: string, handler: ProctorEventHandler): Promise<() => void> {
    this.em.on(eventId, handler);
    return () => this.em.off(eventId, handler);
  }
  private readonly gapHandlers = new Set<() => void>();
  onGap(handler: () => void): () => void {
    this.gapHandlers.add(handler);
    return () => this.gapHandlers.delete(handler);
  }
  protected gap(): void {
    for (const h of this.gapHandlers) h();
  }
  async close(): Promise<void> {
    this.em.removeAllListeners();
    this.gapHandlers.clear();
  }
}

/** In-process bus (SQLite deployments with one engine process). */
export class MemoryEventBus extends LocalSubscribers implements EventBus {
  readonly kind = 'memory' as const;
  async publish(e: ProctorEvent): Promise<void> {
    // Asynchronous like NOTIFY, so publishers never run subscriber code inline.
    queueMicrotask(() => this.deliver(e));
  }
}

/** The IPC message that carries one event between a cluster worker and the primary. */
export interface ClusterBusMessage {
  assayBus: ProctorEvent;
}

function isClusterBusMessage(m: unknown): m is ClusterBusMessage {
  return typeof m === 'object' && m !== null && typeof (m as ClusterBusMessage).assayBus?.eventId === 'string';
}

/**
 * Cluster worker bus (`assay serve --workers N` on SQLite): a worker sends each event to the
 * primary, which relays it to every worker, the sender included (`relayClusterBus`), so local
 * and remote subscribers are served the same way and in one order, as with NOTIFY.
 */
export class ClusterEventBus extends LocalSubscribers implements EventBus {
  readonly kind = 'cluster' as const;
  private readonly onMessage = (m: unknown) => {
    if (isClusterBusMessage(m)) this.deliver(m.assayBus);
  };
  constructor(private readonly channel: NodeJS.Process = process) {
    super();
    channel.on('message', this.onMessage);
  }
  async publish(e: ProctorEvent): Promise<void> {
    // A worker whose primary is gone is shutting down (node:cluster ends it): nothing to reach.
    if (!this.channel.connected || !this.channel.send) throw new Error('event bus: the cluster primary is not connected');
    const msg: ClusterBusMessage = { assayBus: e };
    await new Promise<void>((resolve, reject) => this.channel.send!(msg, undefined, undefined, (err) => (err ? reject(err) : resolve())));
  }
  override async close(): Promise<void> {
    this.channel.off('message', this.onMessage);
    await super.close();
  }
}

/** In the cluster's primary: passes every worker's bus events on to every live worker. */
export function relayClusterBus(): () => void {
  const relay = (_from: unknown, m: unknown) => {
    if (!isClusterBusMessage(m)) return;
    for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(m);
  };
  cluster.on('message', relay);
  return () => cluster.off('message', relay);
}

export const NOTIFY_CHANNEL = 'assay_proctor';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7900;

/**
 * PostgreSQL bus: one dedicated LISTEN connection per process, NOTIFY through the pool.
 * A process receives its own notifications too, so local subscribers are served the same
 * way as remote ones (one path, one ordering). Reconnects the listener when it drops.
 */
export class PostgresEventBus extends LocalSubscribers implements EventBus {
  readonly kind = 'postgres' as const;
  private listener: pg.Client | null = null;
  private closed = false;
  private connecting: Promise<void> | null = null;
  private everListened = false;
  /** Payloads published in this turn of the event loop, sent together at its end. */
  private pending: { payload: string; resolve: () => void; reject: (e: unknown) => void }[] = [];

  private constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {
    super();
    // Idle pool clients report server restarts here; queries then fail and are retried by callers.
    if (ownsPool) pool.on('error', () => undefined);
  }

  /** Connect the listener. `pool` is used for NOTIFY (a small own pool is made when absent). */
  static async connect(url: string, pool?: pg.Pool): Promise<PostgresEventBus> {
    const bus = new PostgresEventBus(url, pool ?? new pg.Pool({ connectionString: url, max: 2 }), !pool);
    await bus.listen();
    return bus;
  }

  private listen(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('notification', (msg) => {
        if (msg.channel !== NOTIFY_CHANNEL || !msg.payload) return;
        let e: ProctorEvent;
        try {
          e = JSON.parse(msg.payload) as ProctorEvent;
        } catch {
          return;
        }
        this.deliver(e);
      });
      client.on('error', () => {
        // Connection lost: reconnect with backoff; events published meanwhile by other
        // processes are missed, which SSE clients cover by re-reading the room snapshot.
        if (this.listener !== client) return; // a second error of the same connection
        this.listener = null;
        this.gap();
        this.reconnect(500);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      // Listening again after a drop: what was cached between the two gaps may be stale too.
      if (this.everListened) this.gap();
      this.everListened = true;
      this.listener = client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private reconnect(delayMs: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.listen().catch(() => this.reconnect(Math.min(delayMs * 2, 10_000)));
    }, delayMs);
    t.unref();
  }

  async publish(e: ProctorEvent): Promise<void> {
    let payload = JSON.stringify(e);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) {
      // A list event (progress: data.sessions) goes out in halves, each a complete event of the
      // same type and time, so no session is lost; anything else too large arrives truncated.
      const list = e.data?.sessions;
      if (Array.isArray(list) && list.length > 1) {
        const half = Math.ceil(list.length / 2);
        // Both halves are queued before this returns: the order of the turn is kept.
        const first = this.publish({ ...e, data: { ...e.data, sessions: list.slice(0, half) } });
        const second = this.publish({ ...e, data: { ...e.data, sessions: list.slice(half) } });
        await Promise.all([first, second]);
        return;
      }
      payload = JSON.stringify({ ...e, data: { truncated: true } });
    }
    return new Promise((resolve, reject) => {
      if (this.pending.push({ payload, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  /**
   * One query for every event of the turn (each still its own notification, in order): at the
   * end bell every submission publishes two state changes, and a round trip each was a tenth
   * of the submit phase's database traffic.
   */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [NOTIFY_CHANNEL, batch.map((b) => b.payload)]);
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  override async close(): Promise<void> {
    this.closed = true;
    await super.close();
    const l = this.listener;
    this.listener = null;
    if (l) await l.end().catch(() => undefined);
    if (this.ownsPool) await this.pool.end().catch(() => undefined);
  }
}

/** Which bus serves a database URL in this process: PostgreSQL URLs NOTIFY, cluster workers IPC, else memory. */
export function eventBusKind(dbUrl: string): EventBusKind {
  if (/^postgres(ql)?:\/\//.test(dbUrl)) return 'postgres';
  return cluster.isWorker ? 'cluster' : 'memory';
}

/** The bus for a database URL (see `eventBusKind`). */
export async function createEventBus(dbUrl: string, pool?: pg.Pool): Promise<EventBus> {
  const kind = eventBusKind(dbUrl);
  if (kind === 'postgres') return PostgresEventBus.connect(dbUrl, pool);
  return kind === 'cluster' ? new ClusterEventBus() : new MemoryEventBus();
}
