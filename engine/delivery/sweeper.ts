/**
 * The server-side timer: times sessions out when their stored deadline has passed, and
 * scores sessions left submitted/timed out (a crash between submit and score, or a scoring
 * error). Driven only by what is stored, so it survives restarts and works with several
 * processes (compare-and-set makes exactly one of them win each session).
 */
import type { DeliveryService } from './service.ts';

export interface SweeperOptions {
  intervalMs?: number;
  /** Grace added to deadlines before timing out (answers in grace are still accepted). */
  graceMs?: number;
  log?: { warn: (o: object, m: string) => void };
}

export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private ticks = 0;
  stopped = false;

  constructor(
    private readonly svc: DeliveryService,
    private readonly opts: SweeperOptions = {},
  ) {}

  start(): this {
    if (this.timer) return this;
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 1000);
    this.timer.unref();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass; returns how many sessions were timed out and scored. */
  async tick(now = Date.now()): Promise<{ timedOut: number; scored: number }> {
    if (this.running || this.stopped) return { timedOut: 0, scored: 0 };
    this.running = true;
    let timedOut = 0;
    let scored = 0;
    try {
      // Wait out the network grace: answers sent just before the deadline may still arrive.
      const expired = await this.svc.store.sessions.listExpired(now - (this.opts.graceMs ?? 10_000), ['in_progress']);
      for (const s of expired.slice(0, 2000)) {
        if (this.stopped) break;
        if (await this.svc.timeOut(s.id)) timedOut++;
      }
      // Every 10th pass: anything finished but not yet scored.
      if (this.ticks++ % 10 === 0) {
        const rows = await this.svc.store.raw.query<{ id: string }>(
          "SELECT id FROM exam_sessions WHERE state IN ('submitted', 'timed_out') AND (submitted_at IS NULL OR submitted_at < ?) LIMIT 500",
          [now - 5000],
        );
        for (const r of rows) {
          if (this.stopped) break;
          const s = await this.svc.store.sessions.get(r.id);
          if (s && (s.state === 'submitted' || s.state === 'timed_out')) {
            const after = await this.svc.scoreQuietly(s);
            if (after.state === 'scored') scored++;
          }
        }
      }
    } catch (err) {
      // The store was closed under us (shutdown, end of a test): stop quietly.
      if (/not open|after calling end|closed/i.test(String((err as Error)?.message))) this.stop();
      else if (!this.stopped) this.opts.log?.warn({ err }, 'session sweep failed');
    } finally {
      this.running = false;
    }
    return { timedOut, scored };
  }
}
