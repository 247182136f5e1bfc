/**
 * The login rate limit holds across engine processes: two AuthService instances, each with its
 * own store connection to the same database (two `assay serve` workers on one SQLite file, or two
 * servers on PostgreSQL), count failures against the same limits. With per-process counts a
 * guesser got N times the budget from N processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { AuthService } from './service.ts';
import { LoginRateLimiter } from './rate-limit.ts';
import { TooManyRequests } from '../http/errors.ts';
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
});
