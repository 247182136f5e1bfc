/** Proctor events and incident notes. */
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { IncidentsRepo } from '../types.ts';
import { first, newId } from './util.ts';

export function incidentsRepo(c: Ctx): IncidentsRepo {
  const { incidents } = c.t;
  return {
    add: (i) => c.run(async ({ db, now }) => (await db.insert(incidents).values({
      id: i.id ?? newId(), eventId: i.eventId, sessionId: i.sessionId ?? null, roomId: i.roomId ?? null, kind: i.kind,
      actor: i.actor ?? null, note: i.note ?? null, details: i.details ?? null, at: i.at ?? now(),
    }).returning())[0]),
    listByEvent: (eventId, f = {}) => c.read(async ({ db }) => db.select().from(incidents)
      .where(and(eq(incidents.eventId, eventId), f.since !== undefined ? gte(incidents.at, f.since) : undefined, f.roomId !== undefined ? eq(incidents.roomId, f.roomId) : undefined))
      .orderBy(asc(incidents.at), asc(incidents.id))),
    listBySession: (sessionId) => c.read(async ({ db }) => db.select().from(incidents).where(eq(incidents.sessionId, sessionId)).orderBy(asc(incidents.at), asc(incidents.id))),
  };
}
