import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generatePin, hashPin, verifyPin, normaliseCode } from './secrets.ts';
import { LoginRateLimiter } from './rate-limit.ts';
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

  it('blocks an account after N failures until the window ends; success clears the account', async () => {
    let now = 1_000_000;
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 3, maxPerIp: 10, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(await rl.check('1.1.1.1', 'a')).toEqual({ accountFailures: i });
      await rl.fail('1.1.1.1', 'a');
    }
    await expect(rl.check('1.1.1.1', 'a')).rejects.toThrow(TooManyRequests);
    const e = await rl.check('2.2.2.2', 'a').catch((x: unknown) => x);
    expect((e as TooManyRequests).headers).toEqual({ 'Retry-After': '60' });
    await rl.check('1.1.1.1', 'b'); // other account fine
    now += 60_001;
    expect(await rl.check('1.1.1.1', 'a')).toEqual({ accountFailures: 0 });
    await rl.fail('1.1.1.1', 'a');
    await rl.fail('1.1.1.1', 'a');
    const checked = await rl.check('1.1.1.1', 'a');
    expect(checked).toEqual({ accountFailures: 2 });
    await rl.succeed('a', checked);
    expect(await rl.check('1.1.1.1', 'a')).toEqual({ accountFailures: 0 });
    // The IP's failures stay (its window restarted with the 2 after the first one ended).
    expect(await store.loginFailures.get(['i:1.1.1.1'])).toMatchObject([{ failures: 2 }]);
  });

  it('a success whose check saw no failures writes nothing', async () => {
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 3, maxPerIp: 10, windowMs: 60_000 });
    const clear = vi.spyOn(store.loginFailures, 'clear');
    await rl.succeed('quiet', await rl.check('3.3.3.3', 'quiet'));
    expect(clear).not.toHaveBeenCalled();
    await rl.succeed('quiet');
    expect(clear).toHaveBeenCalledWith(['a:quiet']);
    clear.mockRestore();
  });

  it('blocks an IP after its failures across accounts', async () => {
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 100, maxPerIp: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) await rl.fail('9.9.9.9', `acct${i}`);
    await expect(rl.check('9.9.9.9', 'fresh')).rejects.toThrow(/too many/);
    await rl.check('8.8.8.8', 'fresh');
  });

  it('when both are spent, Retry-After is the later of the two windows', async () => {
    let now = 5_000_000;
    const rl = new LoginRateLimiter({ failures: store.loginFailures, maxPerAccount: 1, maxPerIp: 2, windowMs: 60_000, now: () => now });
    await rl.fail('7.7.7.7', 'x'); // account x spent: its window ends in 60 s
    now += 30_000;
    await rl.fail('7.7.7.8', 'y');
    await rl.fail('7.7.7.8', 'y2'); // IP 7.7.7.8 spent: its window ends in 60 s, the account's in 30 s
    const e = await rl.check('7.7.7.8', 'x').catch((x: unknown) => x);
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
