/**
 * The login-session cache of AuthService.resolve: served from memory within its TTL, forgotten
 * at once on logout and role change in this process, and re-read after the TTL (the bound on
 * what another process's logout or role change takes to be seen).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { AuthService, tokenHash } from './service.ts';
import { LoginRateLimiter } from './rate-limit.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

describe('login-session cache', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await makeTestApp(`sqlite:${join(tempDir('assay-sc-'), 'a.db')}`);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await h?.close();
  });

  it('a known session is read once, then served from memory', async () => {
    const token = await h.bearer('candidate', 1);
    const get = vi.spyOn(h.store.appSessions, 'get');
    for (let i = 0; i < 5; i++) expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(200);
    expect(get.mock.calls.filter(([k]) => k === tokenHash(token)).length).toBe(1);
    get.mockRestore();
  });

  it('a hit is answered synchronously by the raw token (no hash, no promise) and is the same state object', async () => {
    const token = await h.bearer('candidate', 2);
    const first = await h.deps.auth.resolve(token, 'bearer');
    expect(first).toBeDefined();
    const again = h.deps.auth.resolve(token, 'bearer');
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toBe(first);
    expect((again as { sessionIdHash: string }).sessionIdHash).toBe(tokenHash(token));
    // Logout by the stored key forgets the raw-token entry too.
    expect((await h.call('POST', '/api/auth/logout', { token })).status).toBe(200);
    expect(await h.deps.auth.resolve(token, 'bearer')).toBeUndefined();
  });

  it('unknown tokens are never cached (each one reads and gets 401)', async () => {
    const get = vi.spyOn(h.store.appSessions, 'get');
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/api/auth/me', { token: 'as_no-such-token' })).status).toBe(401);
    expect(get).toHaveBeenCalledTimes(3);
    get.mockRestore();
  });

  it('logout forgets the cached session at once', async () => {
    const token = await h.bearer('author');
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(200); // cached now
    expect((await h.call('POST', '/api/auth/logout', { token })).status).toBe(200);
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('a role change by the admin forgets the user\'s cached sessions at once', async () => {
    const admin = await h.bearer('admin');
    const created = await h.call('POST', '/api/admin/users', { token: admin, body: { username: 'cache.user', password: 'long-enough-pw', role: 'author' } });
    expect(created.status).toBe(201);
    const t = (await h.call('POST', '/api/auth/login', { body: { username: 'cache.user', password: 'long-enough-pw', bearer: true } })).json.token as string;
    expect((await h.call('GET', '/api/home/author', { token: t })).status).toBe(200); // cached now
    expect((await h.call('PATCH', `/api/admin/users/${created.json.user.id}`, { token: admin, body: { role: 'proctor' } })).status).toBe(200);
    expect((await h.call('GET', '/api/home/author', { token: t })).status).toBe(401);
  });

  it('a change made by another process is seen after the TTL at the latest: 5 s for staff, 30 s for candidates (beyond the 5 s heartbeat)', async () => {
    let now = Date.now();
    // The defaults, as the server runs.
    const auth = new AuthService({ store: h.store, secret: h.deps.secret, sessionTtlSeconds: 3600, audit: h.deps.audit, limiter: new LoginRateLimiter({ failures: h.store.loginFailures, maxPerAccount: 5, maxPerIp: 50, windowMs: 60_000 }), now: () => now });
    const cand = await auth.loginCandidate(h.demo.candidates[2]!.ticketCode, h.demo.candidates[2]!.pin, '127.0.0.1');
    const author = h.demo.staff.find((x) => x.role === 'author')!;
    const staff = await auth.loginStaff(author.username, author.password, '127.0.0.1');
    expect(await auth.resolve(cand.token, 'bearer')).toBeDefined();
    expect(await auth.resolve(staff.token, 'bearer')).toBeDefined();
    // "Another process" logs both sessions out: only the rows go.
    await h.store.appSessions.delete(tokenHash(cand.token));
    await h.store.appSessions.delete(tokenHash(staff.token));
    now += 4000;
    expect(await auth.resolve(staff.token, 'bearer')).toBeDefined();
    now += 1001;
    expect(await auth.resolve(staff.token, 'bearer')).toBeUndefined();
    now += 24_000; // 29 s: several heartbeats served from memory
    expect(await auth.resolve(cand.token, 'bearer')).toBeDefined();
    now += 1001;
    expect(await auth.resolve(cand.token, 'bearer')).toBeUndefined();
  });

  it('an expired session is never served from the cache', async () => {
    let now = Date.now();
    const auth = new AuthService({ store: h.store, secret: h.deps.secret, sessionTtlSeconds: 2, audit: h.deps.audit, limiter: new LoginRateLimiter({ failures: h.store.loginFailures, maxPerAccount: 5, maxPerIp: 50, windowMs: 60_000 }), now: () => now, sessionCacheMs: 60_000 });
    const login = await auth.loginCandidate(h.demo.candidates[3]!.ticketCode, h.demo.candidates[3]!.pin, '127.0.0.1');
    expect(await auth.resolve(login.token, 'bearer')).toBeDefined();
    now += 2001;
    expect(await auth.resolve(login.token, 'bearer')).toBeUndefined();
  });
});
