/**
 * Login rate limit: counts FAILED attempts per account and per client IP in a fixed window.
 * Only failures count, so a whole school behind one NAT address can still log in at the start
 * bell, while guessing a PIN or password is capped. The counts are in the store (table
 * login_failures), so every engine process sharing the database counts against the same limits:
 * N processes behind a load balancer no longer give a guesser N times the budget
 * (docs/security.md).
 *
 * Cost per login: `check` is one read of both keys; `fail` one UPSERT of both keys; `succeed`
 * writes only when the check saw live failures of the account (almost never at the start bell).
 */
import { TooManyRequests } from '../http/errors.ts';
import type { LoginFailuresRepo } from '../store/types.ts';

export interface RateLimitOptions {
  /** Where the windows live: the store's repository, shared by every process. */
  failures: LoginFailuresRepo;
  maxPerAccount: number;
  maxPerIp: number;
  windowMs: number;
  now?: () => number;
}

/** What `check` saw, for `succeed`. */
export interface LoginCheck {
  /** Failures of the account in its live window when checked (0 when none). */
  accountFailures: number;
}

const accountKey = (account: string) => `a:${account}`;
const ipKey = (ip: string) => `i:${ip}`;

export class LoginRateLimiter {
  private readonly now: () => number;
  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Throws 429 (with Retry-After) when the account or the IP has used up its failures. */
  async check(ip: string, account: string): Promise<LoginCheck> {
    const a = accountKey(account);
    const rows = await this.opts.failures.get([a, ipKey(ip)]);
    const t = this.now();
    let accountFailures = 0;
    let waitMs = 0;
    for (const w of rows) {
      if (w.resetAt <= t) continue; // ended: the next failure starts a new window
      const isAccount = w.key === a;
      if (isAccount) accountFailures = w.failures;
      // Both spent: wait for the later one, or the retry would be refused again.
      if (w.failures >= (isAccount ? this.opts.maxPerAccount : this.opts.maxPerIp)) waitMs = Math.max(waitMs, w.resetAt - t);
    }
    if (waitMs > 0) throw new TooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    return { accountFailures };
  }

  /** Records a failed attempt for both keys (one atomic statement). */
  async fail(ip: string, account: string): Promise<void> {
    await this.opts.failures.recordFailure([accountKey(account), ipKey(ip)], this.now(), this.opts.windowMs);
  }

  /**
   * A successful login clears the account's failures (not the IP's). Given the login's own
   * `check`, nothing is written when it saw none: a success at the start bell costs no write.
   * (A failure made by another request between that check and this success then stays
   * counted, which errs on the strict side.)
   */
  async succeed(account: string, checked?: LoginCheck): Promise<void> {
    if (checked && checked.accountFailures === 0) return;
    await this.opts.failures.clear([accountKey(account)]);
  }
}
