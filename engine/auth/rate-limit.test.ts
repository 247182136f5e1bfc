/**
 * The login rate limit holds across engine processes: two AuthService instances, each with its
 * own store connection to the same database (two `assay serve` workers on one SQLite file, or two
 * servers on PostgreSQL), count failures against the same limits. With per-process counts a
 * guesser got N times the budget from N processes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { AuthService } from './service.ts';
import { LoginRateLimiter } from './rate-limit.ts';
import { TooManyRequests } from '../http/errors.ts';
import { normaliseCode } from './secrets.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';

const dialects = [
  { name: 'sqlite file', url: async () => `sqlite:${join(tempDir('assay-rl-'), 'a.db')}`, drop: async () => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_ratelimit'), drop: dropTestDatabase },
];

describe.each(dialects)('login rate limit across processes ($name)', ({ url: makeUrl, drop }) => {
  let url: string;
  let h: TestApp; // process 1: the app with its own AuthService (ASSAY_LOGIN_MAX_FAILURES 5, per IP 200)
  let store2: Store;
  let auth2: AuthService; // process 2: another connection, another AuthService and limiter
  beforeAll(async () => {
    url = await makeUrl();
    h = await makeTestApp(url);
    store2 = await openStore(url);
    const limiter = new LoginRateLimiter({ failures: store2.loginFailures, maxPerAccount: 5, maxPerIp: 200, windowMs: 15 * 60_000 });
    auth2 = new AuthService({ store: store2, secret: h.deps.secret, sessionTtlSeconds: 3600, audit: h.deps.audit, limiter });
  });
  afterAll(async () => {
    await auth2?.flush();
    await store2?.close();
    await h?.close();
    if (url) await drop(url);
  });

  it('a ticket guessed through one process is refused (429) by the other, even with the right PIN', async () => {
    const { ticketCode, pin } = h.demo.candidates[0]!;
    for (let i = 0; i < 5; i++) await expect(h.deps.auth.loginCandidate(ticketCode, 'WRONGPIN', '10.0.0.1')).rejects.toMatchObject({ status: 401 });
    const err = await auth2.loginCandidate(ticketCode, pin, '10.0.0.2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRequests);
    expect((err as TooManyRequests).message).toMatch(/too many/);
    expect(Number((err as TooManyRequests).headers?.['Retry-After'])).toBeGreaterThan(800);
    // Other tickets are unaffected in both processes.
    const other = h.demo.candidates[1]!;
    expect((await auth2.loginCandidate(other.ticketCode, other.pin, '10.0.0.2')).token).toMatch(/^as_/);
  });

  it('failures split between the processes add up; a success in one clears the account for both', async () => {
    const admin = h.demo.staff.find((s) => s.role === 'admin')!;
    for (let i = 0; i < 4; i++) {
      await expect((i % 2 ? auth2 : h.deps.auth).loginStaff(admin.username, 'wrong-password', '10.0.1.1')).rejects.toMatchObject({ status: 401 });
    }
    // 4 of 5 used: the right password still works, through process 2, and clears the account.
    expect((await auth2.loginStaff(admin.username, admin.password, '10.0.1.1')).token).toMatch(/^as_/);
    for (let i = 0; i < 4; i++) await expect(h.deps.auth.loginStaff(admin.username, 'wrong-password', '10.0.1.1')).rejects.toMatchObject({ status: 401 });
    expect((await h.deps.auth.loginStaff(admin.username, admin.password, '10.0.1.1')).token).toMatch(/^as_/);
    // Five failures through both: the fifth from process 2 spends it, process 1 refuses.
    for (let i = 0; i < 5; i++) {
      await expect((i % 2 ? auth2 : h.deps.auth).loginStaff(admin.username, 'wrong-password', '10.0.1.1')).rejects.toMatchObject({ status: 401 });
    }
    await expect(h.deps.auth.loginStaff(admin.username, admin.password, '10.0.1.1')).rejects.toBeInstanceOf(TooManyRequests);
  });

  it('a success clears its reservation in the session transaction, not with a write of its own', async () => {
    const { ticketCode, pin } = h.demo.candidates[3]!;
    const key = `a:ticket:${normaliseCode(ticketCode)}`;
    await expect(auth2.loginCandidate(ticketCode, 'WRONGPIN', '10.0.4.1')).rejects.toMatchObject({ status: 401 });
    expect(await store2.loginFailures.get([key])).toMatchObject([{ failures: 1 }]);
    const clear = vi.spyOn(store2.loginFailures, 'clear');
    try {
      expect((await auth2.loginCandidate(ticketCode, pin, '10.0.4.1')).token).toMatch(/^as_/);
      expect(clear).not.toHaveBeenCalled();
    } finally {
      clear.mockRestore();
    }
    expect(await store2.loginFailures.get([key])).toEqual([]);
  });

  it('an attempt whose roster read failed is given back: it was never verified', async () => {
    const { ticketCode } = h.demo.candidates[3]!;
    const key = `a:ticket:${normaliseCode(ticketCode)}`;
    await expect(auth2.loginCandidate(ticketCode, 'WRONGPIN', '10.0.4.2')).rejects.toMatchObject({ status: 401 });
    const read = vi.spyOn(store2.events, 'getRosterByTicket').mockRejectedValueOnce(new Error('connection lost'));
    try {
      await expect(auth2.loginCandidate(ticketCode, 'WRONGPIN', '10.0.4.2')).rejects.toThrow('connection lost');
    } finally {
      read.mockRestore();
    }
    expect(await store2.loginFailures.get([key])).toMatchObject([{ failures: 1 }]);
  });

  /** Fires `n` logins at once, alternating between the two processes; counts 401s and 429s. */
  async function burst(n: number, login: (auth: AuthService, k: number) => Promise<unknown>) {
    const settled = await Promise.allSettled(Array.from({ length: n }, (_, k) => login(k % 2 ? auth2 : h.deps.auth, k)));
    const statuses = settled.map((s) => (s.status === 'rejected' ? (s.reason as { status?: number }).status : 200));
    return { wrong: statuses.filter((s) => s === 401).length, refused: statuses.filter((s) => s === 429).length, other: statuses.filter((s) => s !== 401 && s !== 429) };
  }

  // A 401 is a guess that was verified. With the check read before and the failure counted after
  // the verification, every concurrent guess passed the check: 20 at once were all verified.
  it('concurrent wrong PINs for one ticket: at most 5 are verified, the rest refused before (429)', async () => {
    const { ticketCode, pin } = h.demo.candidates[2]!;
    const r = await burst(20, (auth, k) => auth.loginCandidate(ticketCode, `WRONG${k}`, `10.0.2.${k}`));
    expect(r).toEqual({ wrong: 5, refused: 15, other: [] });
    await expect(h.deps.auth.loginCandidate(ticketCode, pin, '10.0.2.99')).rejects.toBeInstanceOf(TooManyRequests);
  });

  it('right logins of one account at once all get in: attempts in flight wait for places, only failures refuse', async () => {
    const { ticketCode, pin } = h.demo.candidates[4]!;
    await expect(h.deps.auth.loginCandidate(ticketCode, 'WRONGPIN', '10.0.5.1')).rejects.toMatchObject({ status: 401 });
    const r = await burst(12, (auth, k) => auth.loginCandidate(ticketCode, pin, `10.0.5.${k}`));
    expect(r).toEqual({ wrong: 0, refused: 0, other: Array(12).fill(200) });
    expect(await store2.loginFailures.get([`a:ticket:${normaliseCode(ticketCode)}`])).toEqual([]);
  });

  it('concurrent wrong passwords for one staff account: at most 5 are verified', async () => {
    const staff = h.demo.staff.find((s) => s.role !== 'admin')!;
    const r = await burst(12, (auth, k) => auth.loginStaff(staff.username, `wrong-password-${k}`, `10.0.3.${k}`));
    expect(r).toEqual({ wrong: 5, refused: 7, other: [] });
    await expect(auth2.loginStaff(staff.username, staff.password, '10.0.3.99')).rejects.toBeInstanceOf(TooManyRequests);
  });
});
