import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generatePin, hashPin, verifyPin, normaliseCode } from './secrets.ts';
import { LoginRateLimiter } from './rate-limit.ts';
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
  it('blocks an account after N failures until the window ends; success clears the account', () => {
    let now = 1_000_000;
    const rl = new LoginRateLimiter({ maxPerAccount: 3, maxPerIp: 10, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      rl.check('1.1.1.1', 'a');
      rl.fail('1.1.1.1', 'a');
    }
    expect(() => rl.check('1.1.1.1', 'a')).toThrow(TooManyRequests);
    try {
      rl.check('2.2.2.2', 'a');
    } catch (e) {
      expect((e as TooManyRequests).headers).toEqual({ 'Retry-After': '60' });
    }
    rl.check('1.1.1.1', 'b'); // other account fine
    now += 60_001;
    rl.check('1.1.1.1', 'a');
    rl.fail('1.1.1.1', 'a');
    rl.succeed('a');
    rl.check('1.1.1.1', 'a');
  });

  it('blocks an IP after its failures across accounts', () => {
    const rl = new LoginRateLimiter({ maxPerAccount: 100, maxPerIp: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) rl.fail('9.9.9.9', `acct${i}`);
    expect(() => rl.check('9.9.9.9', 'fresh')).toThrow(/too many/);
    rl.check('8.8.8.8', 'fresh');
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
