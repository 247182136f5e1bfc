import { describe, expect, it } from 'vitest';
import { accommodatedMs, effectiveDeadline, extendClock, inTime, pauseClock, remainingMs, resumeClock, sessionDeadline, type SessionClock } from './deadline.ts';

const MIN = 60_000;
const t0 = Date.UTC(2026, 5, 1, 7, 0, 0);
const started: SessionClock = { startedAt: t0, pausedAt: null, pausedMs: 0, extensionMs: 0 };

describe('deadline arithmetic', () => {
  it('test maxTime from the start', () => {
    expect(sessionDeadline({ testMaxMs: 60 * MIN }, started, t0)).toBe(t0 + 60 * MIN);
  });

  it('accommodations: minutes, percent, both', () => {
    expect(accommodatedMs(60 * MIN, { extraMinutes: 15 })).toBe(75 * MIN);
    expect(accommodatedMs(60 * MIN, { extraPercent: 25 })).toBe(75 * MIN);
    expect(accommodatedMs(60 * MIN, { extraPercent: 50, extraMinutes: 5 })).toBe(95 * MIN);
    expect(sessionDeadline({ testMaxMs: 60 * MIN, accommodation: { extraPercent: 50 } }, started, t0)).toBe(t0 + 90 * MIN);
  });

  it('pauses stop the clock: remaining frozen while paused, deadline shifted after resume', () => {
    const rules = { testMaxMs: 60 * MIN };
    const p = pauseClock(started, t0 + 10 * MIN);
    const rem1 = remainingMs(sessionDeadline(rules, p, t0 + 12 * MIN), t0 + 12 * MIN);
    const rem2 = remainingMs(sessionDeadline(rules, p, t0 + 30 * MIN), t0 + 30 * MIN);
    expect(rem1).toBe(50 * MIN);
    expect(rem2).toBe(50 * MIN);
    const r = resumeClock(p, t0 + 30 * MIN);
    expect(r.pausedMs).toBe(20 * MIN);
    expect(sessionDeadline(rules, r, t0 + 31 * MIN)).toBe(t0 + 80 * MIN);
  });

  it('proctor extensions add to the test deadline and the window cap', () => {
    const rules = { testMaxMs: 60 * MIN, windowCloses: t0 + 60 * MIN };
    const c = extendClock(started, 10 * MIN);
    expect(sessionDeadline(rules, c, t0)).toBe(t0 + 70 * MIN);
    expect(extendClock(c, -30 * MIN).extensionMs).toBe(0);
  });

  it('the window closes a late starter early', () => {
    const late: SessionClock = { ...started, startedAt: t0 + 50 * MIN };
    expect(sessionDeadline({ testMaxMs: 60 * MIN, windowCloses: t0 + 90 * MIN }, late, t0 + 50 * MIN)).toBe(t0 + 90 * MIN);
    expect(sessionDeadline({ windowCloses: t0 + 90 * MIN }, { ...started, startedAt: null }, t0)).toBe(t0 + 90 * MIN);
    expect(sessionDeadline({}, started, t0)).toBeNull();
  });

  it('section and item limits bound the effective deadline and name the scope', () => {
    const rules = { testMaxMs: 60 * MIN, accommodation: { extraPercent: 10 } };
    const scopes = [{ identifier: 'listening', enteredAt: t0 + 5 * MIN, pausedMsAtEntry: 0, maxMs: 20 * MIN }];
    const e = effectiveDeadline(rules, started, scopes, t0 + 6 * MIN);
    expect(e.boundBy).toBe('listening');
    expect(e.deadline).toBe(t0 + 5 * MIN + 22 * MIN);
    // pause after entering the section pushes the section deadline too
    const paused = { ...started, pausedMs: 3 * MIN };
    expect(effectiveDeadline(rules, paused, scopes, t0 + 10 * MIN).deadline).toBe(t0 + 30 * MIN);
  });

  it('network grace', () => {
    expect(inTime(t0, t0 + 9_999, 10_000)).toBe(true);
    expect(inTime(t0, t0 + 10_001, 10_000)).toBe(false);
    expect(inTime(null, t0 + 1e9)).toBe(true);
  });
});
