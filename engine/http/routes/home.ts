/**
 * /api/home/{role}: the small summaries each role's home page shows right after login.
 * Read-only; the feature modules (item bank, delivery, career) own the full APIs.
 */
import { z } from '@hono/zod-openapi';
import type { RouteModule } from '../deps.ts';
import { defineRoute } from '../route.ts';
import { candidateOf, staffOf } from '../../auth/guard.ts';

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const author = defineRoute(['author', 'admin'], {
  method: 'get',
  path: '/api/home/author',
  tags: ['home'],
  summary: 'Item banks with their item counts',
  responses: {
    200: {
      description: 'Banks',
      content: json(z.object({ banks: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), subject: z.string().nullable(), language: z.string().nullable() })) })),
    },
  },
});

const proctor = defineRoute(['proctor', 'admin'], {
  method: 'get',
  path: '/api/home/proctor',
  tags: ['home'],
  summary: 'Exam events with their rooms (a proctor sees the rooms assigned to them)',
  responses: {
    200: {
      description: 'Events',
      content: json(
        z.object({
          events: z.array(
            z.object({
              id: z.string(),
              code: z.string(),
              title: z.string(),
              status: z.string(),
              opensAt: z.number().nullable(),
              closesAt: z.number().nullable(),
              rooms: z.array(z.object({ id: z.string(), name: z.string(), capacity: z.number().nullable() })),
            }),
          ),
        }),
      ),
    },
  },
});

const counsellor = defineRoute(['counsellor', 'admin'], {
  method: 'get',
  path: '/api/home/counsellor',
  tags: ['home'],
  summary: 'Students of the counsellor\'s schools',
  responses: {
    200: {
      description: 'Students',
      content: json(
        z.object({
          students: z.array(z.object({ candidateId: z.string(), fullName: z.string().nullable(), schoolId: z.string().nullable(), classId: z.string().nullable(), grade: z.number().nullable() })),
        }),
      ),
    },
  },
});

const candidate = defineRoute(['candidate'], {
  method: 'get',
  path: '/api/home/candidate',
  tags: ['home'],
  summary: 'The candidate\'s exam event and session state',
  responses: {
    200: {
      description: 'Your exam',
      content: json(
        z.object({
          event: z.object({ id: z.string(), code: z.string(), title: z.string(), opensAt: z.number().nullable(), closesAt: z.number().nullable() }),
          ticketCode: z.string(),
          session: z.object({ id: z.string(), state: z.string() }).nullable(),
        }),
      ),
    },
  },
});

export const homeRoutes: RouteModule = (app, { store }) => {
  app.openapi(author, async (c) => {
    const banks = await store.itemBanks.listBanks();
    return c.json({ banks: banks.map((b) => ({ id: b.id, code: b.code, name: b.name, subject: b.subject ?? null, language: b.language ?? null })) }, 200);
  });

  app.openapi(proctor, async (c) => {
    const me = staffOf(c);
    const events = await store.events.list();
    const mine = me.role === 'proctor' ? new Set((await store.events.roomsOfProctor(me.userId)).map((r) => r.id)) : undefined;
    const out = [];
    for (const e of events) {
      if (e.status === 'draft' && me.role === 'proctor') continue;
      const rooms = (await store.events.listRooms(e.id)).filter((r) => !mine || mine.has(r.id));
      if (mine && rooms.length === 0) continue;
      out.push({ id: e.id, code: e.code, title: e.title, status: e.status, opensAt: e.opensAt ?? null, closesAt: e.closesAt ?? null, rooms: rooms.map((r) => ({ id: r.id, name: r.name, capacity: r.capacity ?? null })) });
    }
    return c.json({ events: out }, 200);
  });

  app.openapi(counsellor, async (c) => {
    const me = staffOf(c);
    const schoolIds = me.role === 'admin' ? (await store.schools.list()).map((s) => s.id) : me.schoolIds;
    const students = [];
    for (const schoolId of schoolIds) {
      for (const cand of await store.candidates.list({ schoolId })) {
        const pd = await store.candidates.getPersonalData(cand.id);
        students.push({ candidateId: cand.id, fullName: pd?.fullName ?? null, schoolId: cand.schoolId ?? null, classId: cand.classId ?? null, grade: cand.grade ?? null });
      }
    }
    return c.json({ students }, 200);
  });

  app.openapi(candidate, async (c) => {
    const me = candidateOf(c);
    const [event, session] = await Promise.all([store.events.get(me.eventId), store.sessions.getByCandidate(me.eventId, me.candidateId)]);
    return c.json(
      {
        event: { id: me.eventId, code: event?.code ?? '', title: event?.title ?? '', opensAt: event?.opensAt ?? null, closesAt: event?.closesAt ?? null },
        ticketCode: me.ticketCode,
        session: session ? { id: session.id, state: session.state } : null,
      },
      200,
    );
  });
};
