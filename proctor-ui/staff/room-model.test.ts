/** The live room's pure model: stream events applied to the snapshot, clocks, connection, actions. */
import { describe, expect, it } from 'vitest';
import { actionsFor, applyEvent, connection, formatDuration, fromSnapshot, needsAttention, serverNow, timeLeft, type RoomCandidate, type RoomSnapshot } from './room-model.ts';

const cand = (n: number, over: Partial<RoomCandidate> = {}): RoomCandidate => ({
  candidateId: `c${n}`, ticketCode: `T-${n}`, roomId: 'r1', sessionId: null, state: 'not_started', answered: 0, total: 0,
  deadline: null, remainingMs: null, lastSeenAt: null, incidents: [], accommodations: null, ...over,
});
const snap = (candidates: RoomCandidate[], serverNowMs = 1_000_000): RoomSnapshot => ({ eventId: 'e1', serverNow: serverNowMs, rooms: [{ id: 'r1', name: 'Room 1' }], candidates });

describe('room model', () => {
  it('sorts rows by ticket code numerically and measures the clock skew', () => {
    const st = fromSnapshot(snap([cand(10), cand(2), cand(1)]), 995_000);
    expect(st.rows.map((r) => r.ticketCode)).toEqual(['T-1', 'T-2', 'T-10']);
    expect(st.skewMs).toBe(5000);
    expect(serverNow(st, 1_000_000)).toBe(1_005_000);
  });

  it('progress events update answered/total/last seen and learn new sessions', () => {
    let st = fromSnapshot(snap([cand(1), cand(2, { sessionId: 's2', state: 'in_progress', total: 4, lastSeenAt: 900 })]), 0);
    const r = applyEvent(st, { eventId: 'e1', type: 'session.progress', at: 1, data: { sessions: [{ sessionId: 's1', candidateId: 'c1', lastSeenAt: 1000 }, { sessionId: 's2', candidateId: 'c2', answered: 1, total: 4, lastSeenAt: 800 }, { sessionId: 'x', candidateId: 'other-room' }] } });
    st = r.state;
    expect(st.rows[0]).toMatchObject({ sessionId: 's1', state: 'scheduled', lastSeenAt: 1000 });
    expect(st.rows[1]).toMatchObject({ answered: 1, total: 4, lastSeenAt: 900 }); // last seen never goes back
    expect(st.bySession.get('s1')).toBe('c1');
  });

  it('a pause freezes the time left, an extension while paused adds to it, resume asks for a re-read', () => {
    let st = fromSnapshot(snap([cand(1, { sessionId: 's1', state: 'in_progress', deadline: 1_600_000 })]), 1_000_000);
    expect(timeLeft(st.rows[0], 1_000_000)).toBe(600_000);
    let r = applyEvent(st, { eventId: 'e1', sessionId: 's1', type: 'session.state', at: 1_100_000, data: { candidateId: 'c1', from: 'in_progress', to: 'paused' } });
    st = r.state;
    expect(r.resync).toBe(false);
    expect(st.rows[0].state).toBe('paused');
    expect(timeLeft(st.rows[0], 9_999_999)).toBe(500_000);
    st = applyEvent(st, { eventId: 'e1', sessionId: 's1', type: 'time.extended', at: 1_200_000, data: { candidateId: 'c1', minutes: 5, deadlineAt: null } }).state;
    expect(timeLeft(st.rows[0], 0)).toBe(800_000);
    r = applyEvent(st, { eventId: 'e1', sessionId: 's1', type: 'session.state', at: 1_300_000, data: { candidateId: 'c1', from: 'paused', to: 'in_progress' } });
    expect(r.resync).toBe(true);
    expect(r.state.rows[0].pausedRemainingMs).toBeNull();
  });

  it('a session already paused in the snapshot shows the frozen time left the server gives', () => {
    const st = fromSnapshot(snap([cand(1, { sessionId: 's1', state: 'paused', deadline: null, remainingMs: 420_000 })]), 1_000_000);
    expect(timeLeft(st.rows[0], 5_000_000)).toBe(420_000);
  });

  it('an extension while running moves the deadline', () => {
    const st = fromSnapshot(snap([cand(1, { sessionId: 's1', state: 'in_progress', deadline: 2_000_000 })]), 0);
    const next = applyEvent(st, { eventId: 'e1', sessionId: 's1', type: 'time.extended', at: 1, data: { candidateId: 'c1', minutes: 5, deadlineAt: 2_300_000 } }).state;
    expect(next.rows[0].deadline).toBe(2_300_000);
  });

  it('incidents are prepended and announced; events of unknown candidates change nothing', () => {
    const st = fromSnapshot(snap([cand(1, { sessionId: 's1', state: 'in_progress' })]), 0);
    const r = applyEvent(st, { eventId: 'e1', sessionId: 's1', type: 'incident', at: 5, data: { candidateId: 'c1', kind: 'focus_lost' } });
    expect(r.state.rows[0].incidents).toEqual([{ kind: 'focus_lost', at: 5, note: null }]);
    expect(r.incidents).toEqual([{ ticketCode: 'T-1', kind: 'focus_lost', note: null, at: 5 }]);
    expect(applyEvent(st, { eventId: 'e1', sessionId: 'zz', type: 'incident', at: 5, data: { candidateId: 'nobody' } }).state).toBe(st);
    expect(applyEvent(st, { eventId: 'e1', type: 'message', at: 5, data: { text: 'hi' } }).state).toBe(st);
  });

  it('connection: online under 30 s, unstable to 90 s, offline after; not shown when it no longer matters', () => {
    const r = fromSnapshot(snap([cand(1, { sessionId: 's1', state: 'in_progress', lastSeenAt: 100_000 })]), 0).rows[0];
    expect(connection(r, 129_999)).toBe('online');
    expect(connection(r, 130_000)).toBe('unstable');
    expect(connection(r, 190_000)).toBe('offline');
    expect(connection({ ...r, lastSeenAt: null }, 0)).toBe('never');
    expect(connection({ ...r, state: 'submitted' }, 999_999)).toBe('none');
    expect(needsAttention(r, 190_000)).toBe(true);
    expect(needsAttention(r, 100_000)).toBe(false);
  });

  it('actions follow the state machine; admit before arrival only when the event requires admission', () => {
    const row = (state: string, sessionId: string | null = 's') => ({ ...cand(1, { state, sessionId }), pausedRemainingMs: null });
    expect(actionsFor(row('not_started', null), false)).toEqual([]);
    expect(actionsFor(row('not_started', null), true)).toEqual(['admit']);
    expect(actionsFor(row('scheduled'), false)).toContain('admit');
    expect(actionsFor(row('in_progress'), false)).toEqual(['pause', 'extend', 'message', 'incident', 'void']);
    expect(actionsFor(row('paused'), false)).toEqual(['resume', 'extend', 'message', 'incident', 'void']);
    expect(actionsFor(row('submitted'), false)).toEqual(['incident', 'void']);
    expect(actionsFor(row('voided'), false)).toEqual(['incident']);
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_001)).toBe('1:02');
    expect(formatDuration(3_600_000 + 5_000)).toBe('1:00:05');
  });
});
