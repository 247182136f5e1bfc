/**
 * Candidate login caches the exam event for a few seconds, but only an open (published) one:
 * a candidate who tried before publication must be able to log in the moment the event is
 * published. Before the fix a refused attempt cached the draft event and kept refusing for 5 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { AuthService } from './service.ts';
import { LoginRateLimiter } from './rate-limit.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

describe('exam-event cache of candidate login', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await makeTestApp(`sqlite:${join(tempDir('assay-ec-'), 'a.db')}`);
  });
  afterAll(async () => h?.close());

  it('lets candidates in as soon as the event is published, and keeps closing within the cache time', async () => {
    const now = Date.now();
    const auth = new AuthService({ store: h.store, secret: h.deps.secret, sessionTtlSeconds: 3600, audit: h.deps.audit, limiter: new LoginRateLimiter({ failures: h.store.loginFailures, maxPerAccount: 50, maxPerIp: 500, windowMs: 60_000 }), now: () => now });
    const { ticketCode, pin } = h.demo.candidates[0]!;
    const entry = (await h.store.events.getRosterByTicket(ticketCode))!;
    await h.store.events.update(entry.eventId, { status: 'draft' });
    await expect(auth.loginCandidate(ticketCode, pin, '127.0.0.1')).rejects.toThrow(/not open for candidates/);
    await h.store.events.update(entry.eventId, { status: 'published' });
    // Same instant: the draft status must not have been cached.
    expect((await auth.loginCandidate(ticketCode, pin, '127.0.0.1')).token).toMatch(/^as_/);
  });
});
