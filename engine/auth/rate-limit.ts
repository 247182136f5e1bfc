/**
 * Login rate limit: counts FAILED attempts per account and per client IP in a fixed window.
 * Only failures count, so a whole school behind one NAT address can still log in at the start
 * bell, while guessing a PIN or password is capped. The counts are in the store (table
 * login_failures), so every engine process sharing the database counts against the same limits:
 * N processes behind a load balancer no longer give a guesser N times the budget
 * (docs/security.md).
 *
 * An attempt takes a place under its account's limit BEFORE it is verified (`reserve`: one
 * atomic statement that raises the account's `pending` only while failures + pending is below
 * the limit); the verdict then turns it into a failure (`fail`) or clears the account
 * (`succeed`). A check read first and a failure counted after the verification let every
 * attempt in flight pass the check: C concurrent guesses got 4 + C tries instead of 5.
 * Attempts in flight are kept apart from failures so that only failures refuse: a reservation
 * refused only because others of the account are being verified waits for them (about 1 s at
 * most) instead of answering 429, so that a double-submitted form or several right logins of
 * one account at once still get in. Only the account is reserved; the IP is read in the same
 * statement and counted after the verdict, as before: reserving it too would make a NAT
 * school's logins in flight hold its places and every login of that school write one row.
 *
 * Cost per login (the start bell: 20,000 in a minute): `reserve` is one write (a new row for an
 * account without failures) where the check was one read, in the same single round trip made
 * alongside the roster (or user) read; on SQLite it joins the group commit of its turn, on
 * PostgreSQL it is one more commit. A failure is one UPSERT of both keys, as before. A success
 * must delete the account's row: rather than a second statement and commit of its own,
 * AuthService has `succeed` run in the transaction that writes the session and its audit entry
 * (group commit), one DELETE for the whole batch of logins. So the happy path pays one write
 * statement more than before, not two.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TooManyRequests } from '../http/errors.ts';
import type { LoginFailuresRepo } from '../store/types.ts';

export interface RateLimitOptions {
  /** Where the windows live: the store's repository, shared by every process. */
  failures: LoginFailuresRepo;
  maxPerAccount: number;
  maxPerIp: number;
  windowMs: number;
  /**
   * How long places taken by attempts in flight hold (ms, default 30 000; each reservation of
   * the account extends it): a login's verdict comes in well under a second, and one that never
   * came (the process died, the database failed before the session was written) must not keep
   * its place for the whole window.
   */
  leaseMs?: number;
  now?: () => number;
}

/**
 * Waits (ms) before each new try of a reservation refused only by attempts in flight (they end
 * in milliseconds: a success clears the account, a failure keeps its place): about 1 s in all.
 */
export const PENDING_RETRY_DELAYS_MS = [2, 5, 10, 20, 50, 100, 200, 300, 300];

/** An attempt counted by `reserve`, to end with `fail`, `succeed` or `giveBack`. */
export interface LoginAttempt {
  /** The account's key, whose window holds this attempt. */
  readonly key: string;
  readonly ip: string;
}

const accountKey = (account: string) => `a:${account}`;
const ipKey = (ip: string) => `i:${ip}`;

export class LoginRateLimiter {
  private readonly now: () => number;
  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * Takes a place for an attempt under its account's limit before it is verified. Throws 429
   * (with Retry-After, nothing counted) when the account or the IP has used up its failures.
   */
  async reserve(ip: string, account: string): Promise<LoginAttempt> {
    const key = accountKey(account);
    const limits = { maxPerAccount: this.opts.maxPerAccount, maxPerIp: this.opts.maxPerIp, leaseMs: this.opts.leaseMs ?? 30_000 };
    for (let tries = 0; ; tries++) {
      const t = this.now();
      const r = await this.opts.failures.reserve(key, ipKey(ip), t, this.opts.windowMs, limits);
      if (r.reserved) return { key, ip };
      let waitMs = 0;
      for (const w of r.windows) {
        if (w.resetAt <= t) continue;
        // Both spent: wait for the later one, or the retry would be refused again.
        if (w.failures >= (w.key === key ? limits.maxPerAccount : limits.maxPerIp)) waitMs = Math.max(waitMs, w.resetAt - t);
      }
      if (waitMs > 0) throw new TooManyRequests(Math.ceil(waitMs / 1000));
      // Not spent by failures: attempts in flight hold the places (or, on PostgreSQL, whatever
      // refused it changed after the statement's snapshot). Their verdicts come in milliseconds.
      if (tries >= PENDING_RETRY_DELAYS_MS.length) throw new TooManyRequests(1);
      await sleep(PENDING_RETRY_DELAYS_MS[tries]);
    }
  }

  /** A failed attempt: its place becomes a failure of the account; the IP counts one too (one UPSERT). */
  async fail(attempt: LoginAttempt): Promise<void> {
    await this.opts.failures.recordFailure([attempt.key, ipKey(attempt.ip)], this.now(), this.opts.windowMs, attempt.key);
  }

  /**
   * Successful logins clear their accounts' failures, their own reservations included (not the
   * IPs'): one DELETE for all of them. `via` is the repository of a transaction to join:
   * AuthService clears in the one that writes the sessions, which costs no commit of its own.
   */
  async succeed(attempts: readonly LoginAttempt[], via: LoginFailuresRepo = this.opts.failures): Promise<void> {
    // Sorted: two batches clearing the same accounts lock their rows in the same order.
    if (attempts.length) await via.clear([...new Set(attempts.map((a) => a.key))].sort());
  }

  /** An attempt that was never verified (a read it needed failed): not a failure, give its place back. */
  async giveBack(attempt: LoginAttempt): Promise<void> {
    await this.opts.failures.release(attempt.key);
  }
}
