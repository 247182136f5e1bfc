/**
 * Server-side time for exam sessions. All times are epoch milliseconds from the server's
 * clock; the client only ever displays what these functions compute.
 *
 * Rules (documented in docs/delivery.md):
 * - A time limit (QTI timeLimits maxTime on test, testPart, assessmentSection or itemRef)
 *   is active time: it starts when the candidate enters that scope and pauses stop it.
 * - Accommodations lengthen every time limit: extra minutes are added, an extra percentage
 *   multiplies (both may be given: percent first, then minutes).
 * - Proctor extensions lengthen the test-level deadline and the window cap (a proctor who
 *   gives 10 more minutes means it even at the end of the window).
 * - The event window closes the session too (window close + accommodation + extensions +
 *   pauses), so a session without a time limit still ends.
 * - Answers arriving within `graceMs` after the deadline are still accepted (network).
 */

/** Extra time for one candidate. */
export interface Accommodation {
  extraMinutes?: number;
  extraPercent?: number;
}

/** The clock fields a session stores. */
export interface SessionClock {
  /** When the candidate started (null = not started). */
  startedAt: number | null;
  /** When the current pause began (null = not paused). */
  pausedAt: number | null;
  /** Sum of completed pauses. */
  pausedMs: number;
  /** Sum of proctor extensions. */
  extensionMs: number;
}

/** Rules of the event and test that bound a session's time. */
export interface TimeRules {
  windowCloses?: number | null;
  /** Test-level maxTime in ms (QTI assessmentTest timeLimits), null = none. */
  testMaxMs?: number | null;
  accommodation?: Accommodation | null;
}

/** A nested time-limited scope (testPart, section or item) the candidate has entered. */
export interface ScopeClock {
  /** QTI identifier of the scope (for error messages). */
  identifier: string;
  enteredAt: number;
  /** Total paused ms of the session at the moment of entry. */
  pausedMsAtEntry: number;
  maxMs: number;
}

export const DEFAULT_GRACE_MS = 10_000;

/** A time limit lengthened by an accommodation. */
export function accommodatedMs(limitMs: number, acc?: Accommodation | null): number {
  if (!acc) return limitMs;
  const pct = acc.extraPercent && acc.extraPercent > 0 ? acc.extraPercent : 0;
  const min = acc.extraMinutes && acc.extraMinutes > 0 ? acc.extraMinutes : 0;
  return Math.round(limitMs * (1 + pct / 100) + min * 60_000);
}

/** Extra time an accommodation gives on top of a window (minutes only + percent of the test limit). */
function accommodationExtraMs(rules: TimeRules): number {
  if (!rules.accommodation) return 0;
  const base = rules.testMaxMs ?? 0;
  return accommodatedMs(base, rules.accommodation) - base;
}

/** Paused ms so far, counting the pause in progress up to `now`. */
export function totalPausedMs(clock: SessionClock, now: number): number {
  return clock.pausedMs + (clock.pausedAt != null ? Math.max(0, now - clock.pausedAt) : 0);
}

/**
 * The session's test-level deadline at `now`, or null when nothing bounds it. While paused
 * the deadline moves with `now`, so the remaining time stays frozen.
 */
export function sessionDeadline(rules: TimeRules, clock: SessionClock, now: number): number | null {
  const paused = totalPausedMs(clock, now);
  let deadline: number | null = null;
  if (clock.startedAt != null && rules.testMaxMs != null) {
    deadline = clock.startedAt + accommodatedMs(rules.testMaxMs, rules.accommodation) + clock.extensionMs + paused;
  }
  if (rules.windowCloses != null) {
    const cap = rules.windowCloses + accommodationExtraMs(rules) + clock.extensionMs + paused;
    deadline = deadline == null ? cap : Math.min(deadline, cap);
  }
  return deadline;
}

/** Deadline of a nested scope at `now` (accommodations apply; extensions are test-level only). */
export function scopeDeadline(scope: ScopeClock, clock: SessionClock, acc: Accommodation | null | undefined, now: number): number {
  const pausedSince = totalPausedMs(clock, now) - scope.pausedMsAtEntry;
  return scope.enteredAt + accommodatedMs(scope.maxMs, acc) + Math.max(0, pausedSince);
}

/** The earliest of the session deadline and the deadlines of the given scopes. */
export function effectiveDeadline(
  rules: TimeRules,
  clock: SessionClock,
  scopes: readonly ScopeClock[],
  now: number,
): { deadline: number | null; boundBy: string | null } {
  let deadline = sessionDeadline(rules, clock, now);
  let boundBy: string | null = deadline == null ? null : 'test';
  for (const s of scopes) {
    const d = scopeDeadline(s, clock, rules.accommodation, now);
    if (deadline == null || d < deadline) {
      deadline = d;
      boundBy = s.identifier;
    }
  }
  return { deadline, boundBy };
}

/** Remaining ms (never negative), or null when unbounded. */
export function remainingMs(deadline: number | null, now: number): number | null {
  return deadline == null ? null : Math.max(0, deadline - now);
}

/** True when an answer received at `receivedAt` is in time (deadline plus network grace). */
export function inTime(deadline: number | null, receivedAt: number, graceMs = DEFAULT_GRACE_MS): boolean {
  return deadline == null || receivedAt <= deadline + graceMs;
}

/** The clock after a pause begins. */
export function pauseClock(clock: SessionClock, now: number): SessionClock {
  if (clock.pausedAt != null) return clock;
  return { ...clock, pausedAt: now };
}

/** The clock after a pause ends: the pause's length joins pausedMs. */
export function resumeClock(clock: SessionClock, now: number): SessionClock {
  if (clock.pausedAt == null) return clock;
  return { ...clock, pausedAt: null, pausedMs: clock.pausedMs + Math.max(0, now - clock.pausedAt) };
}

/** The clock after a proctor extension (minutes may be negative to correct a mistake, not below zero in total). */
export function extendClock(clock: SessionClock, extraMs: number): SessionClock {
  return { ...clock, extensionMs: Math.max(0, clock.extensionMs + extraMs) };
}

/** Parse an ISO 8601 duration or seconds number (QTI maxTime is seconds) to ms. */
export function secondsToMs(seconds: number | null | undefined): number | null {
  return seconds == null || !Number.isFinite(seconds) ? null : Math.round(seconds * 1000);
}
