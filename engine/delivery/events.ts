/**
 * Exam events for staff: create, edit while draft, publish (pins item versions, audited),
 * rooms, roster import from CSV (all rows or none), rescoring.
 */
import { generatePin, generateTicketCode, hashPin, normaliseCode } from '../auth/secrets.ts';
import type { AuditService } from '../audit/service.ts';
import { Conflict, NotFound, Unprocessable } from '../http/errors.ts';
import type { ExamEvent, JsonValue as Json, Store } from '../store/types.ts';
import { parseRosterCsv, type RosterProblem } from './roster-csv.ts';
import { scoreAndStore, type StoredOutcomes } from './scoring.ts';
import type { DeliveryService } from './service.ts';
import { EventSettingsSchema, type EventSettings } from './settings.ts';

export interface EventInput {
  code?: string;
  title?: string;
  testId?: string | null;
  opensAt?: number | null;
  closesAt?: number | null;
  settings?: EventSettings;
}

function checkWindow(opensAt: number | null | undefined, closesAt: number | null | undefined): void {
  if (opensAt != null && closesAt != null && closesAt <= opensAt) {
    throw new Unprocessable('closesAt must be after opensAt', { opensAt, closesAt }, 'invalid_window');
  }
}

export class EventsService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditService,
    private readonly delivery: DeliveryService,
    private readonly secret: Buffer,
  ) {}

  async get(id: string): Promise<ExamEvent> {
    const e = await this.store.events.get(id);
    if (!e) throw new NotFound('exam event', id);
    return e;
  }

  async create(input: Required<Pick<EventInput, 'code' | 'title'>> & EventInput, actor: { userId: string }): Promise<ExamEvent> {
    checkWindow(input.opensAt, input.closesAt);
    if (input.testId && !(await this.store.tests.get(input.testId))) throw new Unprocessable(`test version '${input.testId}' does not exist`, { field: 'testId' }, 'unknown_test');
    if (await this.store.events.getByCode(input.code)) throw new Conflict(`an exam event with code '${input.code}' exists already`, { field: 'code' }, 'duplicate_code');
    const e = await this.store.events.create({
      code: input.code,
      title: input.title,
      testId: input.testId ?? null,
      opensAt: input.opensAt ?? null,
      closesAt: input.closesAt ?? null,
      settings: (input.settings ?? {}) as Record<string, Json>,
      createdBy: actor.userId,
    });
    await this.audit.record({ action: 'exam.created', actor: `user:${actor.userId}`, target: `event:${e.id}`, details: { code: e.code } });
    return e;
  }

  /** Drafts may change freely; a published event only its window end (later) and title, or be closed. */
  async update(id: string, patch: EventInput & { status?: 'closed' }, actor: { userId: string }): Promise<ExamEvent> {
    const e = await this.get(id);
    if (e.status !== 'draft') {
      const allowed = new Set(['title', 'closesAt', 'status']);
      const bad = Object.keys(patch).filter((k) => !allowed.has(k) && (patch as Record<string, unknown>)[k] !== undefined);
      if (bad.length) throw new Conflict(`exam event is ${e.status}: ${bad.join(', ')} can no longer change`, { status: e.status, fields: bad }, 'event_not_draft');
      if (patch.closesAt != null && e.closesAt != null && patch.closesAt < e.closesAt) throw new Conflict('a published window can be extended, not shortened', { closesAt: e.closesAt }, 'event_not_draft');
    }
    if (patch.testId && !(await this.store.tests.get(patch.testId))) throw new Unprocessable(`test version '${patch.testId}' does not exist`, { field: 'testId' }, 'unknown_test');
    checkWindow(patch.opensAt !== undefined ? patch.opensAt : e.opensAt, patch.closesAt !== undefined ? patch.closesAt : e.closesAt);
    const next: Partial<ExamEvent> = {};
    if (patch.title !== undefined) next.title = patch.title;
    if (patch.code !== undefined) next.code = patch.code;
    if (patch.testId !== undefined) next.testId = patch.testId;
    if (patch.opensAt !== undefined) next.opensAt = patch.opensAt;
    if (patch.closesAt !== undefined) next.closesAt = patch.closesAt;
    if (patch.settings !== undefined) next.settings = patch.settings as Record<string, Json>;
    if (patch.status === 'closed') next.status = 'closed';
    const u = await this.store.events.update(id, next);
    if (!u) throw new NotFound('exam event', id);
    this.delivery.forgetEvent(id);
    await this.audit.record({ action: patch.status === 'closed' ? 'exam.closed' : 'exam.updated', actor: `user:${actor.userId}`, target: `event:${id}`, details: { fields: Object.keys(next) } });
    return u;
  }

  /**
   * Publish: the test must load (every item resolves and parses); the item versions used are
   * pinned in the settings so later imports do not change a running exam.
   */
  async publish(id: string, actor: { userId: string }): Promise<ExamEvent> {
    const e = await this.get(id);
    if (e.status !== 'draft') throw new Conflict(`exam event is already ${e.status}`, { status: e.status }, 'event_not_draft');
    if (!e.testId) throw new Unprocessable('set testId before publishing', { field: 'testId' }, 'event_without_test');
    const settings = EventSettingsSchema.safeParse(e.settings ?? {});
    if (!settings.success) throw new Unprocessable(`settings are invalid: ${settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, undefined, 'invalid_settings');
    const content = await this.delivery.content.load(e.testId, null);
    if (!content.items.size) throw new Unprocessable('the test has no items', undefined, 'empty_test');
    const pinnedItems = Object.fromEntries([...content.items].map(([ref, li]) => [ref, li.versionId]));
    const u = await this.store.events.update(id, { status: 'published', publishedAt: Date.now(), settings: { ...(e.settings ?? {}), pinnedItems } as Record<string, Json> });
    this.delivery.forgetEvent(id);
    await this.audit.record({ action: 'exam.published', actor: `user:${actor.userId}`, target: `event:${id}`, details: { code: e.code, testId: e.testId, items: content.items.size, pinnedItems } });
    return u!;
  }

  async addRoom(eventId: string, name: string, capacity: number | null, proctorIds: string[], actor: { userId: string }) {
    await this.get(eventId);
    const rooms = await this.store.events.listRooms(eventId);
    if (rooms.some((r) => r.name === name)) throw new Conflict(`room '${name}' exists already in this event`, { field: 'name' }, 'duplicate_room');
    for (const p of proctorIds) {
      const u = await this.store.users.get(p);
      if (!u || u.role !== 'proctor') throw new Unprocessable(`user '${p}' is not a proctor`, { field: 'proctorIds' }, 'not_a_proctor');
    }
    const room = await this.store.events.createRoom({ eventId, name, capacity });
    for (const p of proctorIds) await this.store.events.addProctor(room.id, p);
    await this.audit.record({ action: 'exam.room_added', actor: `user:${actor.userId}`, target: `event:${eventId}`, details: { room: name, proctorIds } });
    return { ...room, proctorIds };
  }

  /**
   * Roster CSV import. Every bad row is reported (line, column, reason); when there is any,
   * nothing is stored. Otherwise candidates, rooms and roster entries are created in ONE
   * transaction and each new ticket's PIN is returned ONCE (for printing the exam slips).
   */
  async importRoster(eventId: string, csv: string, actor: { userId: string }) {
    const event = await this.get(eventId);
    if (event.status === 'closed') throw new Conflict('the exam event is closed', undefined, 'event_closed');
    const { rows, problems } = parseRosterCsv(csv);
    const extra: RosterProblem[] = [];
    const existing = new Map((await this.store.events.listRoster(eventId)).map((r) => [r.candidateId, r]));
    for (const r of rows) {
      if (existing.has(r.candidateId)) extra.push({ line: r.line, column: 'candidate_id', message: `candidate '${r.candidateId}' is already on this event's roster` });
      if (r.ticketCode && (await this.store.events.getRosterByTicket(normaliseCode(r.ticketCode)))) extra.push({ line: r.line, column: 'ticket_code', message: `ticket code '${r.ticketCode}' is already in use` });
    }
    const all = [...problems, ...extra].sort((a, b) => a.line - b.line);
    if (all.length) return { imported: 0, problems: all, tickets: [] as { line: number; candidateId: string; ticketCode: string; pin: string; room: string | null }[] };
    const tickets = rows.map((r) => ({ line: r.line, candidateId: r.candidateId, ticketCode: normaliseCode(r.ticketCode ?? generateTicketCode(event.code)), pin: generatePin(), room: r.room }));
    await this.store.transaction(async (tx) => {
      const rooms = new Map((await tx.events.listRooms(eventId)).map((r) => [r.name, r.id]));
      for (const t of tickets) if (t.room && !rooms.has(t.room)) rooms.set(t.room, (await tx.events.createRoom({ eventId, name: t.room })).id);
      const missing: string[] = [];
      for (const r of rows) if (!(await tx.candidates.get(r.candidateId))) missing.push(r.candidateId);
      if (missing.length) await tx.candidates.createMany(missing.map((id) => ({ candidate: { id } })));
      await tx.events.addRoster(
        rows.map((r, i) => ({
          eventId,
          candidateId: r.candidateId,
          roomId: r.room ? rooms.get(r.room)! : null,
          ticketCode: tickets[i]!.ticketCode,
          pinHash: hashPin(this.secret, tickets[i]!.ticketCode, tickets[i]!.pin),
          accommodations: (Object.keys(r.accommodations).length ? r.accommodations : null) as Record<string, Json> | null,
        })),
      );
    });
    await this.audit.record({ action: 'exam.roster_imported', actor: `user:${actor.userId}`, target: `event:${eventId}`, details: { rows: rows.length } });
    return { imported: rows.length, problems: [] as RosterProblem[], tickets };
  }

  /**
   * Rescore every scored session of an event with the latest item versions and parameters;
   * each session keeps its earlier results and gains a new version with the reason.
   */
  async rescore(eventId: string, reason: string, actor: { userId: string }) {
    const event = await this.get(eventId);
    if (!event.testId) throw new Unprocessable('the event has no test', undefined, 'event_without_test');
    this.delivery.content.forget();
    const sessions = await this.store.sessions.listByEvent(eventId, { states: ['scored'] });
    let rescored = 0;
    const changed: { sessionId: string; before: number | null; after: number | null }[] = [];
    for (const s of sessions) {
      const before = await this.store.results.latest(s.id);
      const r = await scoreAndStore(this.delivery, s, event, { rescore: true, reason, actor: `user:${actor.userId}` });
      if (r) {
        rescored++;
        const b = (before?.outcomes as StoredOutcomes | undefined)?.score ?? null;
        const a = (r.outcomes as StoredOutcomes).score ?? null;
        if (a !== b) changed.push({ sessionId: s.id, before: b, after: a });
      }
    }
    await this.audit.record({ action: 'exam.rescored', actor: `user:${actor.userId}`, target: `event:${eventId}`, details: { reason, rescored, changed: changed.length } });
    return { rescored, changed };
  }
}
