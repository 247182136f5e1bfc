/**
 * The exam-session state machine. Every state change of a session goes through `nextState`
 * (`allows` asks the same without throwing), so a refused change is one typed error naming both
 * ends, and the table below is the single place that says what may follow what.
 */

export const SESSION_STATES = [
  'scheduled',
  'admitted',
  'in_progress',
  'paused',
  'submitted',
  'timed_out',
  'voided',
  'scored',
] as const;

export type SessionState = (typeof SESSION_STATES)[number];

/** What may follow each state. `scored` -> `scored` is a rescore (a new result version). */
export const TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  // A scheduled candidate is admitted by a proctor, or starts directly when the event
  // does not require admission.
  scheduled: ['admitted', 'in_progress', 'voided'],
  admitted: ['in_progress', 'voided'],
  in_progress: ['paused', 'submitted', 'timed_out', 'voided'],
  // A paused session's clock is stopped; it can still be voided, or timed out when the
  // event window is closed for good.
  paused: ['in_progress', 'timed_out', 'voided'],
  submitted: ['scored', 'voided'],
  timed_out: ['scored', 'voided'],
  scored: ['scored', 'voided'],
  voided: [],
};

/** The transitions named by the action that causes them (used in audit entries). */
export type SessionAction = 'admit' | 'start' | 'pause' | 'resume' | 'submit' | 'time_out' | 'void' | 'score' | 'rescore';

const ACTION_TARGET: Record<SessionAction, SessionState> = {
  admit: 'admitted',
  start: 'in_progress',
  pause: 'paused',
  resume: 'in_progress',
  submit: 'submitted',
  time_out: 'timed_out',
  void: 'voided',
  score: 'scored',
  rescore: 'scored',
};

/** A refused state change. `code` is stable for API clients. */
export class SessionTransitionError extends Error {
  readonly code = 'session_state_conflict';
  constructor(
    readonly from: SessionState,
    readonly to: SessionState,
    readonly action?: SessionAction,
  ) {
    super(
      `session cannot go from '${from}' to '${to}'` +
        (action ? ` (action '${action}')` : '') +
        `; allowed from '${from}': ${TRANSITIONS[from].length ? TRANSITIONS[from].join(', ') : 'none (final state)'}`,
    );
    this.name = 'SessionTransitionError';
  }
}

/** True when `to` may follow `from`. */
export function canTransition(from: SessionState, to: SessionState): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Throws SessionTransitionError unless `to` may follow `from`. */
export function assertTransition(from: SessionState, to: SessionState, action?: SessionAction): void {
  if (!canTransition(from, to)) throw new SessionTransitionError(from, to, action);
}

/**
 * The state an action leads to from `from`, or a SessionTransitionError. `resume` is only
 * valid from `paused` and `start` never from `paused` (they share a target state).
 */
export function nextState(from: SessionState, action: SessionAction): SessionState {
  const to = ACTION_TARGET[action];
  if (!allows(from, action)) throw new SessionTransitionError(from, to, action);
  return to;
}

/** True when `action` may be taken from `from` (what `nextState` checks, without throwing). */
export function allows(from: SessionState, action: SessionAction): boolean {
  if (action === 'resume' && from !== 'paused') return false;
  if (action === 'start' && from === 'paused') return false;
  if (action === 'rescore' && from !== 'scored') return false;
  if (action === 'score' && from === 'scored') return false;
  return canTransition(from, ACTION_TARGET[action]);
}

/** States in which the candidate may save answers (the clock is running). */
export function acceptsAnswers(state: SessionState): boolean {
  return state === 'in_progress';
}

/** States after which nothing the candidate sends changes the session. */
export function isFinal(state: SessionState): boolean {
  return state === 'submitted' || state === 'timed_out' || state === 'voided' || state === 'scored';
}

export function isSessionState(s: unknown): s is SessionState {
  return typeof s === 'string' && (SESSION_STATES as readonly string[]).includes(s);
}
