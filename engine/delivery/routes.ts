/**
 * HTTP API of exam delivery (registered in engine/http/app.ts as ONE route module, which
 * also registers the proctor routes of engine/proctor/routes.ts).
 *
 * Candidate (role candidate; the session is always the caller's own, found from the ticket):
 *   GET  /api/delivery/session               state, server time, deadline, items + answered flags
 *   POST /api/delivery/session/start         start or resume (idempotent)
 *   GET  /api/delivery/session/items/{itemId} candidate view of one item (never keys) + saved responses
 *   POST /api/delivery/session/answers       one answer; 200 only once durable
 *   POST /api/delivery/session/answers/batch many answers (replay after a network drop), per-answer report
 *   POST /api/delivery/session/heartbeat     last seen, incidents, proctor messages
 *   POST /api/delivery/session/navigate      next | previous | item id
 *   POST /api/delivery/session/submit        final submission (scored at once)
 *   GET  /api/delivery/session/result        own result when the exam releases it
 * Staff: /api/exam-events (CRUD, publish, rooms, roster CSV, results CSV, rescore) and
 * /api/exam-sessions/{id}/results[.xml].
 * docs/delivery.md lists payloads and error codes.
 */
import { z } from '@hono/zod-openapi';
import { candidateView, type Json } from '../../item-bank/index.ts';
import { asCandidate, assertOwnSession, candidateOf, principalOf, staffOf } from '../auth/guard.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import type { RouteModule } from '../http/deps.ts';
import { Conflict, Forbidden, NotFound } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { proctorRoutes } from '../proctor/routes.ts';
import { candidateResult } from './candidate-result.ts';
import { EventsService } from './events.ts';
import { assessmentResultXml, eventResultsCsv, loadSessionRecord, resultDeclarations } from './results-export.ts';
import { deliveryRuntime } from './runtime.ts';
import { itemSeed, latestByItem } from './scoring.ts';
import { toHttpError } from './service.ts';
import { EventSettingsSchema, settingsOf } from './settings.ts';
import { partOf } from './walker.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

// ------------------------------------------------------------------ schemas

const AnswerSchema = z
  .object({
    itemId: z.string().min(1).max(200).openapi({ description: 'Item id as listed in the session (itemRef identifier)' }),
    responseId: z.string().min(1).max(200).nullable().optional().openapi({ description: 'Response identifier; omit when value is the item\'s only response, or an object of responseId -> value' }),
    value: z.unknown().openapi({ description: 'DESIGN.md JSON form (null clears the response)' }),
    clientSeq: z.number().int().min(0).max(2_147_483_647).openapi({ description: 'Increasing per item on the client; a retry repeats it' }),
  })
  .openapi('Answer');

/**
 * True when zod would return an answer body unchanged (all fields valid, no other keys): the
 * fast path then skips zod (about 2% of an answer's CPU). False means "ask zod", never
 * "invalid", so refusals always carry zod's messages. answer-body.test.ts checks the two agree.
 */
export function isPlainAnswer(b: unknown): boolean {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
  const a = b as Record<string, unknown>;
  let keys = 0;
  for (const k in a) {
    if (k !== 'itemId' && k !== 'responseId' && k !== 'value' && k !== 'clientSeq') return false;
    keys++;
  }
  const { itemId, responseId, clientSeq } = a;
  return (
    keys >= 3 && 'value' in a &&
    typeof itemId === 'string' && itemId.length >= 1 && itemId.length <= 200 &&
    typeof clientSeq === 'number' && Number.isInteger(clientSeq) && clientSeq >= 0 && clientSeq <= 2_147_483_647 &&
    (responseId === undefined ? !('responseId' in a) : responseId === null || (typeof responseId === 'string' && responseId.length >= 1 && responseId.length <= 200))
  );
}

/** A heartbeat without incidents or messages (the common beat). */
export const isPlainBeat = (b: unknown): boolean => typeof b === 'object' && b !== null && !Array.isArray(b) && Object.keys(b).length === 0;

export { AnswerSchema, HeartbeatSchema };

const AckSchema = z
  .object({
    itemId: z.string(),
    clientSeq: z.number().int(),
    status: z.enum(['stored', 'duplicate', 'rejected']).openapi({ description: 'stored = durable now; duplicate = was durable already (retry); rejected = see error' }),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }).optional(),
  })
  .openapi('AnswerAck');

const SessionSchema = z
  .object({
    sessionId: z.string(),
    eventId: z.string(),
    event: z.object({ code: z.string(), title: z.string(), opensAt: z.number().nullable(), closesAt: z.number().nullable(), showResults: z.string(), language: z.string(), requireAdmission: z.boolean() }),
    state: z.enum(['scheduled', 'admitted', 'in_progress', 'paused', 'submitted', 'timed_out', 'voided', 'scored']),
    serverNow: z.number().openapi({ description: 'Server clock, epoch ms: show remaining time from the server' }),
    startedAt: z.number().nullable(),
    deadline: z.number().nullable(),
    deadlineBoundBy: z.string().nullable().openapi({ description: "'test' or the identifier of the section/part/item whose limit ends first" }),
    remainingMs: z.number().nullable(),
    graceMs: z.number(),
    accommodations: z.unknown(),
    current: z.object({ index: z.number(), itemId: z.string(), part: z.string(), navigationMode: z.string(), submissionMode: z.string() }).nullable(),
    items: z.array(z.object({ key: z.string(), index: z.number(), part: z.string(), sections: z.array(z.string()), answered: z.boolean(), visited: z.boolean() })),
    adaptive: z.boolean().openapi({ description: 'CAT: items appear one by one (next only); current null after the last = submit' }),
  })
  .openapi('ExamSessionView');

const IncidentKind = z.enum(['focus_lost', 'fullscreen_left', 'reconnect', 'offline', 'online', 'copy_paste', 'device_check_failed', 'other']);

const HeartbeatSchema = z
  .object({ incidents: z.array(z.object({ kind: IncidentKind, at: z.number().optional(), details: z.record(z.string(), z.unknown()).optional() })).max(50).optional(), messagesSince: z.number().optional() })
  .openapi('Heartbeat');

const EventSchema = z
  .object({
    id: z.string(), code: z.string(), title: z.string(), testId: z.string().nullable(), opensAt: z.number().nullable(), closesAt: z.number().nullable(),
    status: z.enum(['draft', 'published', 'closed']), settings: z.unknown(), createdAt: z.number(), publishedAt: z.number().nullable(),
  })
  .openapi('ExamEvent');

const EventCreate = z
  .object({
    code: z.string().min(2).max(40).regex(/^[A-Za-z0-9-]+$/, 'letters, digits and - only'),
    title: z.string().min(1).max(200),
    testId: z.string().nullable().optional(),
    opensAt: z.number().int().nullable().optional().openapi({ description: 'Epoch ms' }),
    closesAt: z.number().int().nullable().optional(),
    settings: EventSettingsSchema.optional(),
  })
  .openapi('ExamEventCreate');

const idParam = z.object({ id: z.string().min(1).max(100) });
const STAFF_VIEW = ['author', 'admin', 'proctor'] as const;
const AUTHORS = ['author', 'admin'] as const;

// ------------------------------------------------------------------ candidate routes

const getSession = defineRoute(['candidate'], { method: 'get', path: '/api/delivery/session', tags: ['delivery'], summary: 'Your exam session (created on first call)', responses: { 200: json(SessionSchema, 'The session as the server holds it') } });
const start = defineRoute(['candidate'], { method: 'post', path: '/api/delivery/session/start', tags: ['delivery'], summary: 'Start the exam, or resume it after a reconnect', responses: { 200: json(SessionSchema, 'Started'), 409: json(z.unknown(), 'not_admitted, window_not_open, window_closed, session_state_conflict') } });
const getItem = defineRoute(['candidate'], {
  method: 'get', path: '/api/delivery/session/items/{itemId}', tags: ['delivery'], summary: 'Candidate view of one item (no keys, no scoring rules)',
  request: { params: z.object({ itemId: z.string().min(1).max(200) }) },
  responses: { 200: json(z.object({ itemId: z.string(), index: z.number(), view: z.unknown(), responses: z.record(z.string(), z.unknown()), clientSeq: z.number().nullable(), control: z.unknown() }).openapi('DeliveredItem'), 'The item') },
});
const postAnswer = defineRoute(['candidate'], {
  method: 'post', path: '/api/delivery/session/answers', tags: ['delivery'], summary: 'Save one answer (acknowledged only when durable)',
  request: body(AnswerSchema),
  responses: { 200: json(z.object({ ack: AckSchema, serverNow: z.number(), remainingMs: z.number().nullable() }), 'Durable'), 409: json(z.unknown(), 'answer_late, session_paused, session_closed, item_not_current, max_attempts_reached'), 422: json(z.unknown(), 'invalid_response, unknown_item, item_not_in_session, invalid_client_seq') },
});
const postBatch = defineRoute(['candidate'], {
  method: 'post', path: '/api/delivery/session/answers/batch', tags: ['delivery'], summary: 'Save many answers (replay after a network drop); reports each',
  request: body(z.object({ answers: z.array(AnswerSchema).min(1).max(500) }).openapi('AnswerBatch')),
  responses: { 200: json(z.object({ acks: z.array(AckSchema), serverNow: z.number(), remainingMs: z.number().nullable() }), 'Per answer: stored / duplicate / rejected with error'), 409: json(z.unknown(), 'session_paused, session_closed') },
});
const heartbeat = defineRoute(['candidate'], {
  method: 'post', path: '/api/delivery/session/heartbeat', tags: ['delivery'], summary: 'I am here; incidents since the last beat; get proctor messages',
  request: body(HeartbeatSchema),
  responses: { 200: json(z.object({ state: z.string(), serverNow: z.number(), deadline: z.number().nullable(), remainingMs: z.number().nullable(), messages: z.array(z.object({ at: z.number(), text: z.string() })) }), 'Server time and messages') },
});
const navigate = defineRoute(['candidate'], {
  method: 'post', path: '/api/delivery/session/navigate', tags: ['delivery'], summary: "Move: 'next', 'previous' or an item id",
  request: body(z.object({ to: z.string().min(1).max(200) }).openapi('Navigate')),
  responses: { 200: json(SessionSchema, 'New position'), 409: json(z.unknown(), 'linear_navigation, skipping_not_allowed, item_in_other_part, review_not_allowed, test_ended') },
});
const submit = defineRoute(['candidate'], { method: 'post', path: '/api/delivery/session/submit', tags: ['delivery'], summary: 'Submit the exam (final)', responses: { 200: json(SessionSchema, 'Submitted (and scored)') } });
const ownResult = defineRoute(['candidate'], { method: 'get', path: '/api/delivery/session/result', tags: ['delivery'], summary: 'Your result, when the exam releases it', responses: { 200: json(z.unknown(), 'Result'), 403: json(z.unknown(), 'results_not_released'), 404: json(z.unknown(), 'not scored yet') } });

// ------------------------------------------------------------------ staff routes

const listEvents = defineRoute(STAFF_VIEW, { method: 'get', path: '/api/exam-events', tags: ['exam-events'], summary: 'Exam events', request: { query: z.object({ status: z.enum(['draft', 'published', 'closed']).optional() }) }, responses: { 200: json(z.object({ events: z.array(EventSchema) }), 'Events') } });
const createEvent = defineRoute(AUTHORS, { method: 'post', path: '/api/exam-events', tags: ['exam-events'], summary: 'Create a draft exam event', request: body(EventCreate), responses: { 201: json(EventSchema, 'Created') } });
const getEvent = defineRoute(STAFF_VIEW, { method: 'get', path: '/api/exam-events/{id}', tags: ['exam-events'], summary: 'One exam event with rooms', request: { params: idParam }, responses: { 200: json(z.object({ event: EventSchema, rooms: z.array(z.unknown()) }), 'Event') } });
const patchEvent = defineRoute(AUTHORS, {
  method: 'patch', path: '/api/exam-events/{id}', tags: ['exam-events'], summary: 'Edit a draft (published: title, later close, status closed)',
  request: { params: idParam, ...body(EventCreate.partial().extend({ status: z.literal('closed').optional() }).openapi('ExamEventPatch')) },
  responses: { 200: json(EventSchema, 'Updated') },
});
const deleteEvent = defineRoute(AUTHORS, { method: 'delete', path: '/api/exam-events/{id}', tags: ['exam-events'], summary: 'Close an event (events are never erased: results and audit refer to them)', request: { params: idParam }, responses: { 200: json(EventSchema, 'Closed') } });
const publish = defineRoute(AUTHORS, { method: 'post', path: '/api/exam-events/{id}/publish', tags: ['exam-events'], summary: 'Publish (pins item versions; audited)', request: { params: idParam }, responses: { 200: json(EventSchema, 'Published') } });
const addRoom = defineRoute(AUTHORS, {
  method: 'post', path: '/api/exam-events/{id}/rooms', tags: ['exam-events'], summary: 'Add a room with its proctors', request: { params: idParam, ...body(z.object({ name: z.string().min(1).max(100), capacity: z.number().int().positive().nullable().optional(), proctorIds: z.array(z.string()).max(20).optional() })) },
  responses: { 201: json(z.unknown(), 'Room') },
});
const importRoster = defineRoute(AUTHORS, {
  method: 'post', path: '/api/exam-events/{id}/roster', tags: ['exam-events'],
  summary: 'Import a roster CSV (text/csv body, or JSON {"csv": "..."}): all rows or none; returns each new ticket PIN once',
  request: { params: idParam },
  responses: { 200: json(z.object({ imported: z.number(), problems: z.array(z.object({ line: z.number(), column: z.string().optional(), message: z.string() })), tickets: z.array(z.unknown()) }), 'Imported'), 422: json(z.unknown(), 'roster_invalid: details.problems lists each bad row') },
});
const listRoster = defineRoute(STAFF_VIEW, { method: 'get', path: '/api/exam-events/{id}/roster', tags: ['exam-events'], summary: 'Roster (no PINs)', request: { params: idParam }, responses: { 200: json(z.object({ roster: z.array(z.unknown()) }), 'Roster') } });
const resultsCsv = defineRoute(AUTHORS, { method: 'get', path: '/api/exam-events/{id}/results.csv', tags: ['exam-events'], summary: 'Results of the event as CSV (pseudonymous ids)', request: { params: idParam }, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } } } });
const rescore = defineRoute(AUTHORS, {
  method: 'post', path: '/api/exam-events/{id}/rescore', tags: ['exam-events'], summary: 'Rescore every scored session with the latest keys/parameters; earlier results are kept',
  request: { params: idParam, ...body(z.object({ reason: z.string().min(3).max(500) })) },
  responses: { 200: json(z.object({ rescored: z.number(), changed: z.array(z.unknown()) }), 'Rescored') },
});
const sessionResults = defineRoute(AUTHORS, { method: 'get', path: '/api/exam-sessions/{id}/results', tags: ['exam-events'], summary: 'Every result version of a session', request: { params: idParam }, responses: { 200: json(z.object({ session: z.unknown(), results: z.array(z.unknown()) }), 'Results') } });
const sessionResultXml = defineRoute(AUTHORS, { method: 'get', path: '/api/exam-sessions/{id}/result.xml', tags: ['exam-events'], summary: 'QTI Results Reporting assessmentResult of the latest result', request: { params: idParam }, responses: { 200: { description: 'assessmentResult XML', content: { 'application/xml': { schema: z.string() } } } } });

export const deliveryRoutes: RouteModule = (app, deps) => {
  const rt = deliveryRuntime(deps);
  const svc = rt.service;
  const events = new EventsService(deps.store, deps.audit, svc, deps.secret);
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw toHttpError(e);
    }
  };
  const actor = (c: Parameters<typeof staffOf>[0]) => ({ userId: staffOf(c).userId });

  app.openapi(getSession, async (c) => c.json((await svc.view(await svc.sessionFor(candidateOf(c)))) as never, 200));
  app.openapi(start, async (c) => wrap(async () => c.json((await svc.view(await svc.start(candidateOf(c)))) as never, 200)));

  app.openapi(getItem, async (c) =>
    wrap(async () => {
      const p = candidateOf(c);
      const s = await svc.sessionFor(p);
      if (s.startedAt == null) throw new Conflict('start the exam first', { state: s.state }, 'session_not_started');
      if (s.state === 'voided') throw new Conflict('this session was voided', { state: s.state }, 'session_closed');
      const event = await svc.event(s.eventId);
      const { plan, test } = await svc.planOf(s, event);
      const key = c.req.valid('param').itemId;
      const item = plan.items.find((x) => x.key === key);
      if (!item) throw new NotFound('item in your test', key);
      const nav = (s.position ?? { position: -1, visited: [] }) as { position: number; visited: string[] };
      if (s.state === 'in_progress' && nav.position >= 0) {
        const part = partOf(plan, nav.position);
        const sameItem = item.index === nav.position;
        const seen = nav.visited.includes(item.key);
        if (part.navigationMode === 'linear' && !sameItem && !(seen && item.control.allowReview)) throw new Forbidden(`test part '${part.identifier}' is linear: item '${key}' is not the current item`, undefined, 'item_not_current');
        if (item.part !== part.identifier && !(seen && item.control.allowReview)) throw new Forbidden(`item '${key}' is in another test part`, undefined, 'item_in_other_part');
      }
      const li = test.items.get(item.identifier)!;
      const st = settingsOf(event);
      const view = candidateView(li.item, { seed: itemSeed(s, item.key), language: st.language });
      await svc.settle(s.id);
      const history = (await deps.store.responses.history(s.id)).filter((r) => r.itemIdentifier === item.key);
      const responses = latestByItem(history).get(item.key) ?? {};
      const maxSeq = history.reduce((m, r) => Math.max(m, r.clientSeq), -1);
      return c.json({ itemId: item.key, index: item.index, view, responses, clientSeq: maxSeq >= 0 ? maxSeq : null, control: item.control } as never, 200);
    }),
  );

  // The two hottest candidate routes are also served by the fast path in front of hono
  // (engine/http/fast-path.ts), from the same declaration and with the same handler.
  const answerOne = (p: CandidatePrincipal, a: z.infer<typeof AnswerSchema>) =>
    wrap(async () => {
      const { session, acks } = await svc.answer(p, [a], true);
      const now = Date.now();
      return { ack: acks[0]!, serverNow: now, remainingMs: session.deadlineAt != null ? Math.max(0, session.deadlineAt - now) : null };
    });
  app.openapi(postAnswer, async (c) => c.json((await answerOne(candidateOf(c), c.req.valid('json'))) as never, 200));
  deps.fast.add(postAnswer, (auth, a) => answerOne(asCandidate(auth.principal), a), { plain: isPlainAnswer });

  app.openapi(postBatch, async (c) =>
    wrap(async () => {
      const { answers } = c.req.valid('json');
      const { session, acks } = await svc.answer(candidateOf(c), answers, false);
      const now = Date.now();
      return c.json({ acks, serverNow: now, remainingMs: session.deadlineAt != null ? Math.max(0, session.deadlineAt - now) : null } as never, 200);
    }),
  );

  const beat = (p: CandidatePrincipal, b: z.infer<typeof HeartbeatSchema>) =>
    wrap(async () => {
      const s = await svc.heartbeat(p, (b.incidents ?? []) as { kind: string; at?: number; details?: Record<string, Json> }[]);
      const now = Date.now();
      const list = b.messagesSince !== undefined ? await svc.messagesFor(s, b.messagesSince) : [];
      const v = s.state === 'in_progress' ? await svc.timeLeft(s) : null;
      return { state: s.state, serverNow: now, deadline: v?.deadline ?? s.deadlineAt, remainingMs: v?.remainingMs ?? null, messages: list };
    });
  app.openapi(heartbeat, async (c) => c.json((await beat(candidateOf(c), c.req.valid('json'))) as never, 200));
  deps.fast.add(heartbeat, (auth, b) => beat(asCandidate(auth.principal), b), { plain: isPlainBeat });

  app.openapi(navigate, async (c) => wrap(async () => c.json((await svc.view(await svc.navigate(candidateOf(c), c.req.valid('json').to))) as never, 200)));
  app.openapi(submit, async (c) => wrap(async () => c.json((await svc.view(await svc.submit(candidateOf(c)))) as never, 200)));

  app.openapi(ownResult, async (c) => {
    const p = candidateOf(c);
    const s = await svc.sessionFor(p);
    assertOwnSession(p, s);
    const event = await svc.event(s.eventId);
    const show = settingsOf(event).showResults ?? 'none';
    if (show === 'none') throw new Forbidden('this exam does not release results to candidates', undefined, 'results_not_released');
    const r = await deps.store.results.latest(s.id);
    if (!r) throw new NotFound('result (not scored yet)');
    // 'full' adds each item's outcomes declared for the candidate (QTI view), never keys or rules.
    return c.json((await candidateResult(svc.content, s, r, show)) as never, 200);
  });

  // -------------------------------------------------------------- staff

  app.openapi(listEvents, async (c) => c.json({ events: await deps.store.events.list(c.req.valid('query')) } as never, 200));
  app.openapi(createEvent, async (c) => c.json((await events.create(c.req.valid('json'), actor(c))) as never, 201));
  app.openapi(getEvent, async (c) => {
    const e = await events.get(c.req.valid('param').id);
    const rooms = await deps.store.events.listRooms(e.id);
    const withProctors = await Promise.all(rooms.map(async (r) => ({ ...r, proctorIds: await deps.store.events.proctorsOf(r.id) })));
    return c.json({ event: e, rooms: withProctors } as never, 200);
  });
  app.openapi(patchEvent, async (c) => c.json((await events.update(c.req.valid('param').id, c.req.valid('json'), actor(c))) as never, 200));
  app.openapi(deleteEvent, async (c) => c.json((await events.update(c.req.valid('param').id, { status: 'closed' }, actor(c))) as never, 200));
  app.openapi(publish, async (c) => c.json((await events.publish(c.req.valid('param').id, actor(c))) as never, 200));
  app.openapi(addRoom, async (c) => {
    const b = c.req.valid('json');
    return c.json((await events.addRoom(c.req.valid('param').id, b.name, b.capacity ?? null, b.proctorIds ?? [], actor(c))) as never, 201);
  });
  app.openapi(importRoster, async (c) => {
    const type = c.req.header('content-type') ?? '';
    let csv: string;
    if (/json/i.test(type)) {
      const j = (await c.req.json().catch(() => null)) as { csv?: unknown } | null;
      if (!j || typeof j.csv !== 'string') throw new Conflict('send the roster as a text/csv body or JSON {"csv": "..."}', undefined, 'roster_missing');
      csv = j.csv;
    } else csv = await c.req.text();
    const r = await events.importRoster(c.req.valid('param').id, csv, actor(c));
    if (r.problems.length) {
      return c.json({ error: { code: 'roster_invalid', message: `${r.problems.length} problem(s) in the roster; nothing was imported. First: line ${r.problems[0]!.line}${r.problems[0]!.column ? ` (${r.problems[0]!.column})` : ''}: ${r.problems[0]!.message}`, details: { problems: r.problems } } } as never, 422);
    }
    c.header('Cache-Control', 'no-store');
    return c.json(r as never, 200);
  });
  app.openapi(listRoster, async (c) => {
    const rows = await deps.store.events.listRoster(c.req.valid('param').id);
    return c.json({ roster: rows.map(({ pinHash: _p, ...r }) => r) } as never, 200);
  });
  app.openapi(resultsCsv, async (c) => {
    const e = await events.get(c.req.valid('param').id);
    const [roster, sessions, results, rooms] = await Promise.all([deps.store.events.listRoster(e.id), deps.store.sessions.listByEvent(e.id), deps.store.results.latestByEvent(e.id), deps.store.events.listRooms(e.id)]);
    await deps.audit.record({ action: 'exam.results_exported', actor: `user:${staffOf(c).userId}`, target: `event:${e.id}`, details: { rows: roster.length } });
    return c.body(eventResultsCsv(roster, sessions, results, new Map(rooms.map((r) => [r.id, r.name]))), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${e.code}-results.csv"` }) as never;
  });
  app.openapi(rescore, async (c) => c.json((await events.rescore(c.req.valid('param').id, c.req.valid('json').reason, actor(c))) as never, 200));
  app.openapi(sessionResults, async (c) => {
    principalOf(c);
    const s = await svc.session(c.req.valid('param').id);
    return c.json({ session: s, results: await deps.store.results.list(s.id) } as never, 200);
  });
  app.openapi(sessionResultXml, async (c) => {
    const s = await svc.session(c.req.valid('param').id);
    const r = await deps.store.results.latest(s.id);
    if (!r) throw new NotFound('result of session', s.id);
    const e = await svc.event(s.eventId);
    // Staff only (AUTHORS): candidates get their own result as JSON outcomes (ownResult), never this.
    const { plan } = await svc.planOf(s, e);
    const [decls, record] = await Promise.all([
      resultDeclarations(svc.content, e, s, r),
      deps.store.responses.history(s.id).then((history) => loadSessionRecord(svc.content, e, s, plan, history)),
    ]);
    return c.body(assessmentResultXml(e, s, r, decls, record), 200, { 'Content-Type': 'application/xml; charset=utf-8' }) as never;
  });

  proctorRoutes(app, deps, rt);
};

export { EventSettingsSchema };
