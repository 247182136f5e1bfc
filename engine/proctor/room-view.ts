/**
 * The proctor's room snapshot: every rostered candidate with session state, progress, time
 * left, last seen and incidents. Live changes then arrive over the event bus.
 */
import type { DeliveryService } from '../delivery/service.ts';
import { remainingMs } from '../delivery/deadline.ts';

/** GET /api/proctor/events/{id}/room (also the SSE stream's first `snapshot` event). */
export interface RoomSnapshot {
  eventId: string;
  serverNow: number;
  rooms: { id: string; name: string }[];
  candidates: RoomCandidate[];
}

export interface RoomCandidate {
  candidateId: string;
  ticketCode: string;
  roomId: string | null;
  sessionId: string | null;
  state: string;
  answered: number;
  total: number;
  deadline: number | null;
  remainingMs: number | null;
  lastSeenAt: number | null;
  incidents: { kind: string; at: number; note: string | null }[];
  accommodations: unknown;
}

export class RoomView {
  constructor(private readonly svc: DeliveryService) {}

  /** Snapshot of the event, limited to `rooms` when given. */
  async snapshot(eventId: string, rooms: string[] | null): Promise<RoomSnapshot> {
    const store = this.svc.store;
    const now = Date.now();
    const [roster, sessions, allRooms, incidents] = await Promise.all([
      store.events.listRoster(eventId),
      store.sessions.listByEvent(eventId),
      store.events.listRooms(eventId),
      store.incidents.listByEvent(eventId),
    ]);
    const inScope = (roomId: string | null) => !rooms || (roomId != null && rooms.includes(roomId));
    const byCandidate = new Map(sessions.map((s) => [s.candidateId, s]));
    const incBySession = new Map<string, RoomCandidate['incidents']>();
    for (const i of incidents) {
      if (!i.sessionId || i.kind === 'message') continue;
      const l = incBySession.get(i.sessionId) ?? [];
      l.push({ kind: i.kind, at: i.at, note: i.note });
      incBySession.set(i.sessionId, l);
    }
    const counts = await store.raw.query<{ session_id: string; n: number }>(
      'SELECT session_id, COUNT(DISTINCT item_identifier) AS n FROM responses WHERE session_id IN (SELECT id FROM exam_sessions WHERE event_id = ?) GROUP BY session_id',
      [eventId],
    );
    const answered = new Map(counts.map((r) => [r.session_id, Number(r.n)]));
    const candidates: RoomCandidate[] = [];
    for (const r of roster) {
      if (!inScope(r.roomId)) continue;
      const s = byCandidate.get(r.candidateId);
      const deadline = s?.state === 'paused' && s.pausedAt != null ? null : (s?.deadlineAt ?? null);
      candidates.push({
        candidateId: r.candidateId,
        ticketCode: r.ticketCode,
        roomId: r.roomId,
        sessionId: s?.id ?? null,
        state: s?.state ?? 'not_started',
        answered: s ? answered.get(s.id) ?? 0 : 0,
        total: Array.isArray(s?.itemOrder) ? (s!.itemOrder as unknown[]).length : 0,
        deadline,
        // A paused session has no running deadline; its frozen time left comes from its clock.
        remainingMs: s?.state === 'in_progress' ? remainingMs(deadline, now) : s?.state === 'paused' ? (await this.svc.timeLeft(s)).remainingMs : null,
        lastSeenAt: s?.lastSeenAt ?? null,
        incidents: s ? incBySession.get(s.id) ?? [] : [],
        accommodations: r.accommodations ?? null,
      });
    }
    return { eventId, serverNow: now, rooms: allRooms.filter((x) => inScope(x.id)).map((x) => ({ id: x.id, name: x.name })), candidates };
  }
}
