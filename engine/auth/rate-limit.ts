/**
 * Login rate limit: counts FAILED attempts per account and per client IP in a fixed window.
 * Only failures count, so a whole school behind one NAT address can still log in at the start
 * bell, while guessing a PIN or password is capped. In-memory per process: behind a load
 * balancer each process keeps its own counts (see docs/security.md).
 */
import { TooManyRequests } from '../http/errors.ts';

interface Window {
  failures: number;
  resetAt: number;
}

export interface RateLimitOptions {
  maxPerAccount: number;
  maxPerIp: number;
  windowMs: number;
  now?: () => number;
}

export class LoginRateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Throws 429 (with Retry-After) when the account or the IP has used up its failures. */
  check(ip: string, account: string): void {
    const t = this.now();
    for (const [key, max] of [[`a:${account}`, this.opts.maxPerAccount], [`i:${ip}`, this.opts.maxPerIp]] as const) {
      const w = this.windows.get(key);
      if (w && w.resetAt > t && w.failures >= max) {
        throw new TooManyRequests(Math.max(1, Math.ceil((w.resetAt - t) / 1000)));
      }
    }
  }

  /** Records a failed attempt for both keys. */
  fail(ip: string, account: string): void {
    const t = this.now();
    for (const key of [`a:${account}`, `i:${ip}`]) {
      const w = this.windows.get(key);
      if (!w || w.resetAt <= t) this.windows.set(key, { failures: 1, resetAt: t + this.opts.windowMs });
      else w.failures++;
    }
    if (this.windows.size > 50_000) this.prune(t);
  }

  /** A successful login clears the account's failures (not the IP's). */
  succeed(account: string): void {
    this.windows.delete(`a:${account}`);
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
  }
}
