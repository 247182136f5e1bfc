/**
 * Proctor API: the live room view (a snapshot, then Server-Sent Events) and the actions
 * admit, pause, resume, extend time, void, message and incident note — each audited.
 *
 *   GET  /api/proctor/events/{eventId}/room?roomId=   snapshot of every candidate
 *   GET  /api/proctor/events/{eventId}/stream?roomId= SSE: `snapshot` first, then live events
 *   POST /api/proctor/sessions/{id}/{admit|pause|resume|extend|void|incident|message}
 *   POST /api/proctor/events/{eventId}/message         message to a room or the whole event
 *   POST /api/proctor/events/{eventId}/candidates/{candidateId}/admit   admit before the candidate arrives
 *
 * Scope: admins and authors see every room; a proctor only the rooms assigned to them.
 */
import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { staffOf } from '../auth/guard.ts';
import type { AppEnv } from '../http/context.ts';
import type { AppDeps } from '../http/deps.ts';
import { Forbidden, NotFound } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import type { DeliveryRuntime } from '../delivery/runtime.ts';
import { RoomView } from './room-view.ts';

const PROCTORS = ['proctor', 'admin', 'author'] as const;
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const eventParam = z.object({ eventId: z.string().min(1).max(100) });
const roomQuery = z.object({ roomId: z.string().max(100).optional() });
const sessionParam = z.object({ id: z.string().min(1).max(100) });

const room = defineRoute(PROCTORS, { method: 'get', path: '/api/proctor/events/{eventId}/room', tags: ['proctor'], summary: 'Room snapshot: state, progress, time left, last seen, incidents per candidate', request: { params: eventParam, query: roomQuery }, responses: { 200: json(z.unknown(), 'Snapshot') } });
const stream = defineRoute(PROCTORS, {
  method: 'get', path: '/api/proctor/events/{eventId}/stream', tags: ['proctor'], summary: 'Live room view (Server-Sent Events: snapshot, session.state, session.progress, heartbeat, incident, message, time.extended)',
  request: { params: eventParam, query: roomQuery },
  responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } } },
});
const action = (name: string, summary: string) =>
  defineRoute(PROCTORS, { method: 'post', path: `/api/proctor/sessions/{id}/${name}`, tags: ['proctor'], summary, request: { params: sessionParam }, responses: { 200: json(z.unknown(), 'Done'), 409: json(z.unknown(), 'session_state_conflict') } });
const actionWith = <T extends z.ZodType>(name: string, summary: string, schema: T) =>
  defineRoute(PROCTORS, { method: 'post', path: `/api/proctor/sessions/{id}/${name}`, tags: ['proctor'], summary, request: { params: sessionParam, ...body(schema) }, responses: { 200: json(z.unknown(), 'Done'), 409: json(z.unknown(), 'session_state_conflict') } });
const admit = action('admit', 'Admit a scheduled candidate');
const admitCandidate = defineRoute(PROCTORS, {
  method: 'post', path: '/api/proctor/events/{eventId}/candidates/{candidateId}/admit', tags: ['proctor'],
  summary: 'Admit a rostered candidate before they have opened the exam (their session is created, scheduled, then admitted)',
  request: { params: eventParam.extend({ candidateId: z.string().min(1).max(100) }) },
  responses: { 200: json(z.unknown(), 'Admitted'), 404: json(z.unknown(), 'not on the roster'), 409: json(z.unknown(), 'session_state_conflict') },
});
const pause = actionWith('pause', 'Pause (the clock stops)', z.object({ reason: z.string().max(500).optional() }));
const resume = action('resume', 'Resume after a pause');
const extend = actionWith('extend', 'Extend time (minutes; negative corrects a mistake)', z.object({ minutes: z.number().min(-600).max(600).refine((m) => m !== 0, 'minutes must not be 0'), reason: z.string().max(500).optional() }));
const voidIt = actionWith('void', 'Void the session (final)', z.object({ reason: z.string().min(3).max(500) }));
const incident = actionWith('incident', 'Add an incident note', z.object({ note: z.string().min(1).max(2000), kind: z.string().max(50).optional() }));
const message = actionWith('message', 'Send a message to this candidate', z.object({ text: z.string().min(1).max(1000) }));
const broadcast = defineRoute(PROCTORS, {
  method: 'post', path: '/api/proctor/events/{eventId}/message', tags: ['proctor'], summary: 'Send a message to a room (or, for admins, the whole event)',
  request: { params: eventParam, ...body(z.object({ text: z.string().min(1).max(1000), roomId: z.string().optional() })) },
  responses: { 200: json(z.unknown(), 'Sent') },
});

export function proctorRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps, rt: DeliveryRuntime): void {
  const svc = rt.service;
  const view = new RoomView(svc);

  /** Rooms of the event the caller may watch (null = all). */
  async function scope(c: Context<AppEnv>, eventId: string, roomId?: string): Promise<string[] | null> {
    const p = staffOf(c);
    await svc.event(eventId);
    if (p.role === 'admin' || p.role === 'author') return roomId ? [roomId] : null;
    const mine = (await deps.store.events.roomsOfProctor(p.userId)).filter((r) => r.eventId === eventId).map((r) => r.id);
    if (!mine.length) throw new Forbidden('you are not a proctor of any room of this exam event', undefined, 'not_your_room');
    if (roomId && !mine.includes(roomId)) throw new Forbidden('you are not a proctor of this room', undefined, 'not_your_room');
    return roomId ? [roomId] : mine;
  }

  async function sessionInScope(c: Context<AppEnv>, id: string) {
    const s = await svc.session(id);
    const roomId = (s.data as { roomId?: string | null } | null)?.roomId ?? undefined;
    const rooms = await scope(c, s.eventId);
    if (rooms && (!roomId || !rooms.includes(roomId))) throw new Forbidden('this candidate is not in your room', undefined, 'not_your_room');
    return s;
  }
  const who = (c: Context<AppEnv>) => `user:${staffOf(c).userId}`;
  const wrap = async <T>(f: () => Promise<T>) => f();

  app.openapi(room, async (c) => {
    const { eventId } = c.req.valid('param');
    const rooms = await scope(c, eventId, c.req.valid('query').roomId);
    return c.json((await view.snapshot(eventId, rooms)) as never, 200);
  });

  app.openapi(stream, async (c) => {
    const { eventId } = c.req.valid('param');
    const rooms = await scope(c, eventId, c.req.valid('query').roomId);
    return streamSSE(c, async (sse) => {
      const queue: string[] = [];
      let wake: (() => void) | null = null;
      const off = await svc.bus.subscribe(eventId, (e) => {
        const list = (e.data as { sessions?: { roomId?: string | null }[] } | undefined)?.sessions;
        if (e.type === 'session.progress' && Array.isArray(list)) {
          // Progress comes aggregated per event: keep this proctor's rooms only.
          const mine = rooms ? list.filter((x) => x.roomId && rooms.includes(x.roomId)) : list;
          if (!mine.length) return;
          e = { ...e, data: { sessions: mine } };
        } else if (rooms && (!e.roomId || !rooms.includes(e.roomId))) return;
        queue.push(JSON.stringify(e));
        if (queue.length > 5000) queue.splice(0, queue.length - 5000); // a stalled client drops old events
        wake?.();
      });
      let closed = false;
      sse.onAbort(() => {
        closed = true;
        off();
        wake?.();
      });
      try {
        await sse.writeSSE({ event: 'snapshot', data: JSON.stringify(await view.snapshot(eventId, rooms)) });
        let lastPing = Date.now();
        while (!closed) {
          if (!queue.length) {
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 15_000).unref();
            });
            wake = null;
          }
          while (queue.length && !closed) {
            const data = queue.shift()!;
            await sse.writeSSE({ event: JSON.parse(data).type, data });
          }
          if (Date.now() - lastPing >= 15_000 && !closed) {
            lastPing = Date.now();
            await sse.writeSSE({ event: 'ping', data: String(lastPing) });
          }
        }
      } finally {
        off();
      }
    }) as never;
  });

  app.openapi(admit, async (c) => wrap(async () => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    return c.json((await svc.admit(s.id, who(c))) as never, 200);
  }));
  app.openapi(admitCandidate, async (c) => {
    const { eventId, candidateId } = c.req.valid('param');
    const rooms = await scope(c, eventId);
    const entry = await deps.store.events.getRosterEntry(eventId, candidateId);
    if (!entry) throw new NotFound('candidate on the roster of this exam event', candidateId);
    if (rooms && (!entry.roomId || !rooms.includes(entry.roomId))) throw new Forbidden('this candidate is not in your room', undefined, 'not_your_room');
    const s = await svc.sessionOf(eventId, candidateId);
    return c.json((await svc.admit(s.id, who(c))) as never, 200);
  });
  app.openapi(pause, async (c) => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    return c.json((await svc.pause(s.id, who(c), c.req.valid('json').reason)) as never, 200);
  });
  app.openapi(resume, async (c) => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    return c.json((await svc.resume(s.id, who(c))) as never, 200);
  });
  app.openapi(extend, async (c) => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    const b = c.req.valid('json');
    return c.json((await svc.extend(s.id, who(c), b.minutes, b.reason)) as never, 200);
  });
  app.openapi(voidIt, async (c) => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    return c.json((await svc.void(s.id, who(c), c.req.valid('json').reason)) as never, 200);
  });
  app.openapi(incident, async (c) => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    const b = c.req.valid('json');
    const roomId = (s.data as { roomId?: string | null } | null)?.roomId ?? null;
    const inc = await deps.store.incidents.add({ eventId: s.eventId, sessionId: s.id, roomId, kind: b.kind ?? 'note', actor: who(c), note: b.note, at: Date.now() });
    await deps.audit.record({ action: 'proctor.action', actor: who(c), target: `session:${s.id}`, details: { action: 'incident', kind: inc.kind, note: b.note } });
    void svc.publish(s, 'incident', { kind: inc.kind, note: b.note, by: who(c) });
    return c.json(inc as never, 200);
  });
  app.openapi(message, async (c) => {
    const s = await sessionInScope(c, c.req.valid('param').id);
    const text = c.req.valid('json').text;
    const roomId = (s.data as { roomId?: string | null } | null)?.roomId ?? null;
    const inc = await deps.store.incidents.add({ eventId: s.eventId, sessionId: s.id, roomId, kind: 'message', actor: who(c), note: text, at: Date.now() });
    await deps.audit.record({ action: 'proctor.action', actor: who(c), target: `session:${s.id}`, details: { action: 'message', text } });
    svc.messagesChanged(s.eventId);
    void svc.publish(s, 'message', { text, by: who(c) });
    return c.json(inc as never, 200);
  });
  app.openapi(broadcast, async (c) => {
    const { eventId } = c.req.valid('param');
    const b = c.req.valid('json');
    const rooms = await scope(c, eventId, b.roomId);
    if (rooms === null && staffOf(c).role !== 'admin' && !b.roomId) throw new Forbidden('only admins message a whole event; give roomId', undefined, 'not_your_room');
    const targets = rooms ?? [null];
    const out = [];
    for (const roomId of targets) {
      const inc = await deps.store.incidents.add({ eventId, roomId, kind: 'message', actor: who(c), note: b.text, at: Date.now() });
      out.push(inc);
      await svc.bus.publish({ eventId, roomId, type: 'message', at: inc.at, data: { text: b.text, by: who(c) } });
    }
    svc.messagesChanged(eventId);
    await deps.audit.record({ action: 'proctor.action', actor: who(c), target: `event:${eventId}`, details: { action: 'broadcast', rooms: targets, text: b.text } });
    return c.json({ sent: out.length } as never, 200);
  });
  void NotFound;
}
