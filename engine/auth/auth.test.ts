import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generatePin, hashPin, verifyPin, normaliseCode } from './secrets.ts';
import { LoginRateLimiter, type LoginAttempt } from './rate-limit.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { assertOwnSession, assertSchoolScope } from './guard.ts';
import { TooManyRequests, Forbidden } from '../http/errors.ts';
import type { CandidatePrincipal, StaffPrincipal } from './principal.ts';

describe('PINs', () => {
  it('are 8 symbols of an unambiguous alphabet, verified by keyed hash only under the same secret', () => {
    const secret = randomBytes(32);
    const pin = generatePin();
    expect(pin).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    const stored = hashPin(secret, 'DEMO-001', pin);
    expect(stored).toMatch(/^h1\$[0-9a-f]{64}$/);
    expect(verifyPin(secret, 'demo-001 ', pin.toLowerCase(), stored)).toBe(true);
    expect(verifyPin(secret, 'DEMO-002', pin, stored)).toBe(false);
    expect(verifyPin(randomBytes(32), 'DEMO-001', pin, stored)).toBe(false);
    expect(verifyPin(secret, 'DEMO-001', pin, null)).toBe(false);
    expect(normaliseCode(' ab cd ')).toBe('ABCD');
  });

  it('hash fast enough for 20,000 logins in well under a second of CPU', () => {
    const secret = randomBytes(32);
    const t = performance.now();
    for (let i = 0; i < 20_000; i++) hashPin(secret, `T-${i}`, 'ABCDEFGH');
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('login rate limiter', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore('sqlite::memory:');
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
  });

  const windowOf = async (key: string) => {
    const w = (await store.loginFailures.get([key]))[0];
    return w && { failures: w.failures, pending: w.pending };
  };

  it('blocks an account after N failures until the window ends; success clears the account', async () => {
    let now = 1_000_000;
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 3, maxPerIp: 10, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      const attempt = await rl.reserve('1.1.1.1', 'a');
      expect(await windowOf('a:a')).toEqual({ failures: i, pending: 1 }); // its place taken before it is verified
      await rl.fail(attempt);
    }
    expect(await windowOf('a:a')).toEqual({ failures: 3, pending: 0 });
    await expect(rl.reserve('1.1.1.1', 'a')).rejects.toThrow(TooManyRequests);
    const e = await rl.reserve('2.2.2.2', 'a').catch((x: unknown) => x);
    expect((e as TooManyRequests).headers).toEqual({ 'Retry-After': '60' });
    expect(await windowOf('a:a')).toEqual({ failures: 3, pending: 0 }); // refused attempts are not counted
    await rl.reserve('1.1.1.1', 'b'); // other account fine
    now += 60_001;
    await rl.fail(await rl.reserve('1.1.1.1', 'a')); // a new window
    await rl.fail(await rl.reserve('1.1.1.1', 'a'));
    const ok = await rl.reserve('1.1.1.1', 'a');
    expect(await windowOf('a:a')).toEqual({ failures: 2, pending: 1 });
    await rl.succeed([ok]);
    expect(await windowOf('a:a')).toBeUndefined();
    // The IP's failures stay (its window restarted with the 2 after the first one ended).
    expect(await windowOf('i:1.1.1.1')).toEqual({ failures: 2, pending: 0 });
  });

  it('a reservation refused only by attempts in flight waits for their verdicts instead of a 429', async () => {
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 2, maxPerIp: 10, windowMs: 60_000 });
    const [first, second] = [await rl.reserve('4.4.4.4', 'busy'), await rl.reserve('4.4.4.4', 'busy')];
    let third: unknown;
    const waiting = rl.reserve('4.4.4.4', 'busy').then((a) => (third = a));
    await rl.fail(second);
    await new Promise((r) => setTimeout(r, 30));
    expect(third).toBeUndefined(); // a failure and an attempt in flight: both places held
    await rl.succeed([first]); // a right login clears the account: the waiting one gets in
    await waiting;
    expect(third).toEqual({ key: 'a:busy', ip: '4.4.4.4' });
    // Failures spend the account: a waiting reservation then gets its 429 at once.
    const fourth = await rl.reserve('4.4.4.4', 'busy');
    const refused = rl.reserve('4.4.4.4', 'busy').catch((x: unknown) => x);
    await rl.fail(third as LoginAttempt);
    await rl.fail(fourth);
    const t = Date.now();
    expect(await refused).toBeInstanceOf(TooManyRequests);
    expect(Date.now() - t).toBeLessThan(500);
    expect(await windowOf('a:busy')).toEqual({ failures: 2, pending: 0 });
  });

  it('places of attempts whose verdict never came stop holding once their lease has ended', async () => {
    let now = 9_000_000;
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 2, maxPerIp: 10, windowMs: 15 * 60_000, leaseMs: 30_000, now: () => now });
    await rl.fail(await rl.reserve('5.5.5.5', 'lost'));
    await rl.reserve('5.5.5.5', 'lost'); // never decided (the process died)
    now += 29_999;
    await expect(rl.reserve('5.5.5.5', 'lost')).rejects.toThrow(TooManyRequests); // ~1 s of waiting, then 429
    now += 1;
    await rl.reserve('5.5.5.5', 'lost');
    expect(await windowOf('a:lost')).toEqual({ failures: 1, pending: 1 });
  });

  it('a success clears its accounts in one statement, through the repository it is given; an unverified attempt gives its place back', async () => {
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 3, maxPerIp: 10, windowMs: 60_000 });
    const quiet = await rl.reserve('3.3.3.3', 'quiet');
    const other = await rl.reserve('3.3.3.3', 'other');
    const via = { ...store.loginFailures, clear: vi.fn(store.loginFailures.clear) };
    const clear = vi.spyOn(store.loginFailures, 'clear');
    await rl.succeed([other, quiet, quiet], via);
    expect(clear).not.toHaveBeenCalled();
    expect(via.clear).toHaveBeenCalledExactlyOnceWith(['a:other', 'a:quiet']);
    clear.mockRestore();
    expect(await store.loginFailures.get(['a:quiet', 'a:other'])).toEqual([]);
    await rl.fail(await rl.reserve('3.3.3.3', 'quiet'));
    await rl.giveBack(await rl.reserve('3.3.3.3', 'quiet'));
    expect(await windowOf('a:quiet')).toEqual({ failures: 1, pending: 0 });
  });

  it('blocks an IP after its failures across accounts', async () => {
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 100, maxPerIp: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) await rl.fail(await rl.reserve('9.9.9.9', `acct${i}`));
    await expect(rl.reserve('9.9.9.9', 'fresh')).rejects.toThrow(/too many/);
    expect(await windowOf('a:fresh')).toBeUndefined(); // refused by its IP: not counted for the account
    await rl.reserve('8.8.8.8', 'fresh');
  });

  it('when both are spent, Retry-After is the later of the two windows', async () => {
    let now = 5_000_000;
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 1, maxPerIp: 2, windowMs: 60_000, now: () => now });
    await rl.fail(await rl.reserve('7.7.7.7', 'x')); // account x spent: its window ends in 60 s
    now += 30_000;
    await rl.fail(await rl.reserve('7.7.7.8', 'y'));
    await rl.fail(await rl.reserve('7.7.7.8', 'y2')); // IP 7.7.7.8 spent: its window ends in 60 s, the account's in 30 s
    const e = await rl.reserve('7.7.7.8', 'x').catch((x: unknown) => x);
    expect((e as TooManyRequests).headers).toEqual({ 'Retry-After': '60' });
  });
});

describe('guards', () => {
  const cand: CandidatePrincipal = { kind: 'candidate', role: 'candidate', candidateId: 'c1', schoolIds: ['s1'], eventId: 'e1', rosterId: 'r1', ticketCode: 'T' };
  const counsellor: StaffPrincipal = { kind: 'staff', role: 'counsellor', userId: 'u', username: 'u', schoolIds: ['s1'] };
  it('assertOwnSession lets a candidate reach only their own session', () => {
    assertOwnSession(cand, { candidateId: 'c1', eventId: 'e1' });
    expect(() => assertOwnSession(cand, { candidateId: 'c2', eventId: 'e1' })).toThrow(Forbidden);
    expect(() => assertOwnSession(cand, { candidateId: 'c1', eventId: 'e2' })).toThrow(/another candidate/);
    assertOwnSession(counsellor, { candidateId: 'c2' });
  });
  it('assertSchoolScope keeps counsellors to their schools', () => {
    assertSchoolScope(counsellor, 's1');
    expect(() => assertSchoolScope(counsellor, 's2')).toThrow(/outside your scope/);
    expect(() => assertSchoolScope(counsellor, null)).toThrow(Forbidden);
    assertSchoolScope({ ...counsellor, role: 'admin' }, 's2');
  });
});
