/** Exam events, rooms, room proctors and the roster. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { EventsRepo, RosterEntry } from '../types.ts';
import { defined, first, newId, runPrepared } from './util.ts';
import type { ExamEvent } from '../types.ts';

const ph = sql.placeholder;

export function eventsRepo(c: Ctx): EventsRepo {
  const { examEvents, rooms, roomProctors, roster } = c.t;
  return {
    create: (e) => c.run(async ({ db, now }) => (await db.insert(examEvents).values({
      id: e.id ?? newId(), code: e.code, title: e.title, testId: e.testId ?? null, opensAt: e.opensAt ?? null, closesAt: e.closesAt ?? null,
      status: e.status ?? 'draft', settings: e.settings ?? {}, createdBy: e.createdBy ?? null, createdAt: e.createdAt ?? now(), publishedAt: e.publishedAt ?? null,
    }).returning())[0]),
    get: (id) => c.read(async (x) => first(await runPrepared<ExamEvent[]>(x, 'events.get', () => x.db.select().from(examEvents).where(eq(examEvents.id, ph('id'))), { id }))),
    getByCode: (code) => c.read(async ({ db }) => first(await db.select().from(examEvents).where(eq(examEvents.code, code)))),
    list: (f = {}) => c.read(async ({ db }) => db.select().from(examEvents).where(f.status !== undefined ? eq(examEvents.status, f.status) : undefined).orderBy(asc(examEvents.code))),
    update: (id, patch) => c.run(async ({ db }) => {
      const set = defined(patch);
      if (Object.keys(set).length === 0) return first(await db.select().from(examEvents).where(eq(examEvents.id, id)));
      return first(await db.update(examEvents).set(set).where(eq(examEvents.id, id)).returning());
    }),
    createRoom: (r) => c.run(async ({ db }) => (await db.insert(rooms).values({ id: r.id ?? newId(), eventId: r.eventId, name: r.name, capacity: r.capacity ?? null }).returning())[0]),
    listRooms: (eventId) => c.read(async ({ db }) => db.select().from(rooms).where(eq(rooms.eventId, eventId)).orderBy(asc(rooms.name))),
    getRoom: (id) => c.read(async ({ db }) => first(await db.select().from(rooms).where(eq(rooms.id, id)))),
    addProctor: (roomId, userId) => c.run(async ({ db }) => {
      await db.insert(roomProctors).values({ roomId, userId }).onConflictDoNothing();
    }),
    proctorsOf: (roomId) => c.read(async ({ db }) => (await db.select({ u: roomProctors.userId }).from(roomProctors).where(eq(roomProctors.roomId, roomId)).orderBy(asc(roomProctors.userId))).map((r) => r.u)),
    roomsOfProctor: (userId) => c.read(async ({ db }) => (await db.select({ room: rooms }).from(roomProctors).innerJoin(rooms, eq(rooms.id, roomProctors.roomId)).where(eq(roomProctors.userId, userId)).orderBy(asc(rooms.name))).map((r) => r.room)),
    addRoster: (entries) => entries.length === 0 ? Promise.resolve([]) : c.tx(async ({ db, now }) => {
      const at = now();
      const out: RosterEntry[] = [];
      for (let i = 0; i < entries.length; i += 500) {
        const rows = entries.slice(i, i + 500).map((e) => ({
          id: e.id ?? newId(), eventId: e.eventId, candidateId: e.candidateId, roomId: e.roomId ?? null, ticketCode: e.ticketCode,
          pinHash: e.pinHash ?? null, accommodations: e.accommodations ?? null, createdAt: e.createdAt ?? at,
        }));
        out.push(...(await db.insert(roster).values(rows).returning()));
      }
      return out;
    }),
    getRosterByTicket: (ticketCode) => c.read(async (x) => first(await runPrepared<RosterEntry[]>(x, 'roster.byTicket', () => x.db.select().from(roster).where(eq(roster.ticketCode, ph('t'))), { t: ticketCode }))),
    getRosterEntry: (eventId, candidateId) => c.read(async (x) => first(await runPrepared<RosterEntry[]>(x, 'roster.entry', () => x.db.select().from(roster).where(and(eq(roster.eventId, ph('e')), eq(roster.candidateId, ph('c')))), { e: eventId, c: candidateId }))),
    listRoster: (eventId, f = {}) => c.read(async ({ db }) => db.select().from(roster)
      .where(and(eq(roster.eventId, eventId), f.roomId !== undefined ? eq(roster.roomId, f.roomId) : undefined)).orderBy(asc(roster.ticketCode))),
    updateRosterEntry: (id, patch) => c.run(async ({ db }) => {
      const set = defined(patch);
      if (Object.keys(set).length === 0) return first(await db.select().from(roster).where(eq(roster.id, id)));
      return first(await db.update(roster).set(set).where(eq(roster.id, id)).returning());
    }),
  };
}
