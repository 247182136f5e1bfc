/**
 * The proctor's live room as pure data: the snapshot from the engine, the stream events
 * applied to it, and what the page derives (time left, connection status, allowed actions).
 * No DOM, no fetch: the page and the stream hook do the I/O, this file only decides.
 */

import type { RoomCandidate, RoomSnapshot } from '../../engine/proctor/room-view.ts';
import type { ProctorEvent as StreamEvent } from '../../engine/proctor/event-bus.ts';

export type { RoomCandidate, RoomSnapshot, StreamEvent };

export interface Row extends RoomCandidate {
  /** Time left frozen by a pause (from the snapshot, or from the moment a pause was seen live). */
  pausedRemainingMs: number | null;
}

export interface RoomState {
  eventId: string;
  rooms: { id: string; name: string }[];
  /** Sorted by ticket code; replaced (never mutated) on every change so rows can memoise. */
  rows: Row[];
  /** candidateId → index in rows. */
  index: Map<string, number>;
  /** sessionId → candidateId, for events that carry only the session. */
  bySession: Map<string, string>;
  /** serverNow − Date.now() when the snapshot arrived: corrects the proctor's clock skew. */
  skewMs: number;
}

/** Final states: nothing can happen to the exam any more, connection no longer matters. */
export const FINAL_STATES = new Set(['submitted', 'timed_out', 'voided', 'scored']);

export function fromSnapshot(s: RoomSnapshot, clientNow: number): RoomState {
  const rows = s.candidates
    .map((c) => ({ ...c, incidents: [...c.incidents].sort((a, b) => b.at - a.at), pausedRemainingMs: c.state === 'paused' ? c.remainingMs : null }))
    .sort((a, b) => a.ticketCode.localeCompare(b.ticketCode, undefined, { numeric: true }));
  return withIndex({ eventId: s.eventId, rooms: s.rooms, rows, index: new Map(), bySession: new Map(), skewMs: s.serverNow - clientNow });
}

function withIndex(st: RoomState): RoomState {
  const index = new Map<string, number>();
  const bySession = new Map<string, string>();
  st.rows.forEach((r, i) => {
    index.set(r.candidateId, i);
    if (r.sessionId) bySession.set(r.sessionId, r.candidateId);
  });
  return { ...st, index, bySession };
}

/** The server's clock as the page estimates it. */
export function serverNow(st: Pick<RoomState, 'skewMs'>, clientNow: number): number {
  return clientNow + st.skewMs;
}

export interface ApplyResult {
  state: RoomState;
  /** The event changed something the stream does not carry (a new deadline): re-read the snapshot soon. */
  resync: boolean;
  /** Incidents to announce: [ticketCode, kind, note]. */
  incidents: { ticketCode: string; kind: string; note: string | null; at: number }[];
}

/** Applies one stream event. Unknown events and candidates outside the snapshot change nothing. */
export function applyEvent(st: RoomState, e: StreamEvent): ApplyResult {
  const none: ApplyResult = { state: st, resync: false, incidents: [] };
  const data = e.data ?? {};
  if (e.type === 'session.progress') {
    const list = Array.isArray(data.sessions) ? (data.sessions as Record<string, unknown>[]) : [];
    let rows: Row[] | null = null;
    let newSession = false;
    for (const p of list) {
      const i = st.index.get(String(p.candidateId));
      if (i === undefined) continue;
      rows ??= [...st.rows];
      const r = rows[i];
      const next: Row = { ...r };
      if (typeof p.sessionId === 'string' && p.sessionId !== r.sessionId) {
        next.sessionId = p.sessionId;
        newSession = true;
        // A session seen for the first time was opened just now: it is scheduled until a state event says more.
        if (r.state === 'not_started') next.state = 'scheduled';
      }
      if (typeof p.answered === 'number') next.answered = p.answered;
      if (typeof p.total === 'number') next.total = p.total;
      if (typeof p.lastSeenAt === 'number') next.lastSeenAt = Math.max(p.lastSeenAt, r.lastSeenAt ?? 0);
      rows[i] = next;
    }
    if (!rows) return none;
    const state = { ...st, rows };
    return { state: newSession ? withIndex(state) : state, resync: false, incidents: [] };
  }

  const candidateId = typeof data.candidateId === 'string' ? data.candidateId : e.sessionId ? st.bySession.get(e.sessionId) : undefined;
  const i = candidateId === undefined ? undefined : st.index.get(candidateId);
  if (i === undefined) return none;
  const r = st.rows[i];
  const put = (next: Row, extra: Partial<ApplyResult> = {}): ApplyResult => {
    const rows = [...st.rows];
    rows[i] = next;
    const state = { ...st, rows };
    return { state: next.sessionId !== r.sessionId ? withIndex(state) : state, resync: false, incidents: [], ...extra };
  };
  const sessionId = e.sessionId ?? r.sessionId;
  const seen = Math.max(r.lastSeenAt ?? 0, e.type === 'heartbeat' ? e.at : 0) || null;

  switch (e.type) {
    case 'session.state': {
      const to = typeof data.to === 'string' ? data.to : typeof data.state === 'string' ? data.state : r.state;
      const next: Row = { ...r, sessionId, state: to };
      if (to === 'paused') {
        next.pausedRemainingMs = r.deadline != null ? Math.max(0, r.deadline - e.at) : r.pausedRemainingMs;
        next.deadline = null;
      } else next.pausedRemainingMs = null;
      if (FINAL_STATES.has(to)) next.deadline = null;
      // Start and resume set a new deadline that the event does not carry.
      return put(next, { resync: to === 'in_progress' });
    }
    case 'time.extended': {
      const next: Row = { ...r, sessionId };
      if (typeof data.deadlineAt === 'number') next.deadline = data.deadlineAt;
      else if (r.state === 'paused' && r.pausedRemainingMs != null && typeof data.minutes === 'number') next.pausedRemainingMs = r.pausedRemainingMs + data.minutes * 60_000;
      return put(next);
    }
    case 'heartbeat':
      return put({ ...r, sessionId, lastSeenAt: seen });
    case 'incident': {
      const kind = typeof data.kind === 'string' ? data.kind : 'other';
      const note = typeof data.note === 'string' ? data.note : null;
      const inc = { kind, at: e.at, note };
      return put({ ...r, sessionId, incidents: [inc, ...r.incidents] }, { incidents: [{ ticketCode: r.ticketCode, ...inc }] });
    }
    default:
      return none;
  }
}

/** Time left in ms, or null when there is no running clock (not started, no limit, final). */
export function timeLeft(r: Row, nowServer: number): number | null {
  if (r.state === 'paused') return r.pausedRemainingMs;
  if (r.state !== 'in_progress' || r.deadline == null) return null;
  return Math.max(0, r.deadline - nowServer);
}

/** "mm:ss", or "h:mm:ss" from an hour up. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Connection thresholds (seconds since the last heartbeat or answer); docs/delivery.md says them too. */
export const ONLINE_MS = 30_000;
export const OFFLINE_MS = 90_000;

export type Connection = 'online' | 'unstable' | 'offline' | 'never' | 'none';

/** online < 30 s, unstable 30–90 s, offline ≥ 90 s since last seen; `none` when it no longer matters. */
export function connection(r: Row, nowServer: number): Connection {
  if (r.state === 'not_started' || FINAL_STATES.has(r.state)) return 'none';
  if (r.lastSeenAt == null) return 'never';
  const age = nowServer - r.lastSeenAt;
  return age < ONLINE_MS ? 'online' : age < OFFLINE_MS ? 'unstable' : 'offline';
}

export type Action = 'admit' | 'pause' | 'resume' | 'extend' | 'message' | 'incident' | 'void';

/**
 * What a proctor may do for a row, as the engine's state machine allows
 * (engine/delivery/state-machine.ts). Admitting someone who has not opened the exam yet
 * only makes sense when the event requires admission.
 */
export function actionsFor(r: Row, requireAdmission: boolean): Action[] {
  const s = r.state;
  const out: Action[] = [];
  if (s === 'not_started') return requireAdmission ? ['admit'] : [];
  if (s === 'scheduled') out.push('admit');
  if (s === 'in_progress') out.push('pause');
  if (s === 'paused') out.push('resume');
  if (!FINAL_STATES.has(s)) out.push('extend');
  if (!FINAL_STATES.has(s)) out.push('message');
  out.push('incident');
  if (s !== 'voided') out.push('void');
  return out;
}

/** Needs a look: paused, connection trouble while writing, or any incident. */
export function needsAttention(r: Row, nowServer: number): boolean {
  const c = connection(r, nowServer);
  return r.state === 'paused' || r.incidents.length > 0 || ((r.state === 'in_progress' || r.state === 'admitted') && (c === 'unstable' || c === 'offline'));
}
