/**
 * Never lose an answer: every change goes into a queue persisted in localStorage (it survives a
 * reload and a browser restart), is sent in the background (debounced for typing) with a
 * growing client sequence number, and leaves the queue only when the server acknowledged it
 * as durable. When the network is down the queue waits and replays through the batch endpoint.
 */
import { api, ApiError } from '../shared/api.ts';
import type { Json } from './types.ts';

export interface PendingAnswer { itemId: string; responseId: string; value: Json; clientSeq: number }
interface Ack { itemId: string; clientSeq: number; status: 'stored' | 'duplicate' | 'rejected'; error?: { code: string; message: string } }

export type SaveState = 'saved' | 'saving' | 'offline' | 'error';

/** localStorage wrapper namespaced per session (storage may be blocked: then memory only). */
export class LocalStore {
  private mem = new Map<string, string>();
  constructor(readonly prefix: string) {}
  get<T>(k: string): T | undefined {
    let raw: string | null | undefined;
    try { raw = localStorage.getItem(this.prefix + k); } catch { raw = this.mem.get(k); }
    if (raw == null) return undefined;
    try { return JSON.parse(raw) as T; } catch { return undefined; }
  }
  set(k: string, v: unknown): void {
    const raw = JSON.stringify(v);
    try { localStorage.setItem(this.prefix + k, raw); } catch { this.mem.set(k, raw); }
  }
}

const DEBOUNCE_MS = 600;

export class SaveQueue {
  private queue: PendingAnswer[];
  private seq: number;
  private inFlight = new Set<PendingAnswer>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 500;
  offline = false;
  errors = new Map<string, string>();
  /** Called after every change of queue or connectivity. */
  onChange: () => void = () => {};
  /** Called with the server clock on every acknowledgement. */
  onServerTime: (serverNow: number, remainingMs: number | null) => void = () => {};
  /** Called for each answer the server holds durably (stored or duplicate). */
  onAcked: (p: PendingAnswer) => void = () => {};
  /** Called when the server refuses because the session ended. */
  onClosed: (code: string) => void = () => {};

  constructor(private store: LocalStore) {
    this.queue = store.get<PendingAnswer[]>('queue') ?? [];
    this.seq = store.get<number>('seq') ?? 0;
  }

  /** Makes later sequence numbers exceed what the server already holds for an item. */
  seen(serverSeq: number | null): void {
    if (serverSeq != null && serverSeq >= this.seq) {
      this.seq = serverSeq;
      this.store.set('seq', this.seq);
    }
  }

  pending(): readonly PendingAnswer[] { return this.queue; }

  /** Latest queued value per (item, response): shown over the server's values after a reload. */
  overlay(itemId: string): Record<string, Json> {
    const o: Record<string, Json> = {};
    for (const p of this.queue) if (p.itemId === itemId) o[p.responseId] = p.value;
    return o;
  }

  state(itemId: string): SaveState | undefined {
    if (this.errors.has(itemId)) return 'error';
    if (this.queue.some((p) => p.itemId === itemId)) return this.offline ? 'offline' : 'saving';
    return undefined;
  }

  /** Records a change; `typing` delays the send so a word is one request, not one per key. */
  put(itemId: string, responseId: string, value: Json, typing = false): void {
    const clientSeq = ++this.seq;
    this.store.set('seq', this.seq);
    // An older unsent value of the same response is superseded (the server keeps the highest seq).
    this.queue = this.queue.filter((p) => this.inFlight.has(p) || p.itemId !== itemId || p.responseId !== responseId);
    this.queue.push({ itemId, responseId, value, clientSeq });
    this.errors.delete(itemId);
    this.persist();
    this.schedule(typing ? DEBOUNCE_MS : 0);
  }

  /** Sends now whatever is waiting (leaving an item, before submit, on reconnect). */
  flushNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.send();
  }

  private persist(): void {
    this.store.set('queue', this.queue);
    this.onChange();
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) {
      if (ms > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.send();
    }, ms);
  }

  private sending: Promise<void> | undefined;
  private send(): Promise<void> {
    if (this.sending) return this.sending.then(() => (this.queue.some((p) => !this.inFlight.has(p)) ? this.send() : undefined));
    const batch = this.queue.filter((p) => !this.inFlight.has(p)).slice(0, 500);
    if (!batch.length) return Promise.resolve();
    batch.forEach((p) => this.inFlight.add(p));
    this.sending = this.post(batch).finally(() => {
      batch.forEach((p) => this.inFlight.delete(p));
      this.sending = undefined;
    });
    return this.sending;
  }

  private async post(batch: PendingAnswer[]): Promise<void> {
    try {
      let acks: Ack[];
      if (batch.length === 1) {
        const r = await api<{ ack: Ack; serverNow: number; remainingMs: number | null }>('POST', '/api/delivery/session/answers', batch[0]);
        acks = [r.ack];
        this.onServerTime(r.serverNow, r.remainingMs);
      } else {
        const r = await api<{ acks: Ack[]; serverNow: number; remainingMs: number | null }>('POST', '/api/delivery/session/answers/batch', { answers: batch });
        acks = r.acks;
        this.onServerTime(r.serverNow, r.remainingMs);
      }
      const done = new Set<PendingAnswer>();
      acks.forEach((a, i) => {
        const p = batch[i]!;
        done.add(p);
        if (a.status === 'rejected') this.errors.set(p.itemId, a.error?.message ?? a.error?.code ?? 'rejected');
        else this.onAcked(p);
      });
      this.queue = this.queue.filter((p) => !done.has(p));
      this.retryMs = 500;
      this.setOffline(false);
      this.persist();
      if (this.queue.length) this.schedule(0);
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', String(e));
      if (err.status === 0 || err.status >= 500 || err.status === 429) {
        // Network down or server busy: keep everything, retry with backoff.
        this.setOffline(err.status === 0);
        this.retryLater();
      } else if (err.code === 'session_paused') {
        this.retryLater();
      } else if (['session_closed', 'answer_late', 'test_ended', 'session_not_started'].includes(err.code)) {
        this.queue = this.queue.filter((p) => !batch.includes(p));
        batch.forEach((p) => this.errors.set(p.itemId, err.message));
        this.persist();
        this.onClosed(err.code);
      } else {
        // A refused single answer (422/409): it can never be stored; report it on the item.
        this.queue = this.queue.filter((p) => !batch.includes(p));
        batch.forEach((p) => this.errors.set(p.itemId, err.message));
        this.persist();
      }
    }
  }

  private retryLater(): void {
    this.retryMs = Math.min(this.retryMs * 2, 5000);
    this.schedule(this.retryMs);
  }

  setOffline(v: boolean): void {
    if (this.offline === v) return;
    this.offline = v;
    this.onChange();
    if (!v && this.queue.length) this.schedule(0);
  }
}
