/**
 * The delivery service: exam sessions from start to score, on top of the store. HTTP-free
 * (routes.ts maps requests onto it), so tests and the fault bench can drive it directly.
 *
 * Hot path (an answer): session row (one indexed read) -> cached plan and content ->
 * navigation + time + declaration checks -> group-commit writer -> acknowledgement after the
 * batch's transaction committed.
 */
import type { Json } from '../../item-bank/index.ts';
import type { AuditService } from '../audit/service.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import { Conflict, NotFound, Unprocessable } from '../http/errors.ts';
import type { ExamEvent, ExamSession, Response, SessionPatch, Store, StoreTx } from '../store/types.ts';
import { hasConditions } from './conditions.ts';
import type { EventBus, ProctorEvent } from '../proctor/event-bus.ts';
import { AnswerWriter, type AnswerWriterOptions, type AppendStatus } from './answer-writer.ts';
import { commitGroup } from './commit-group.ts';
import { ReadCache } from '../read-cache.ts';
import { checkAnswer, ContentCache, type LoadedTest } from './content.ts';
import { SqliteAnswerWorker, sqliteFileOf } from './sqlite-answer-worker.ts';
import {
  DEFAULT_GRACE_MS, effectiveDeadline, extendClock, inTime, pauseClock, remainingMs, resumeClock, sessionDeadline, totalPausedMs,
  type Accommodation, type ScopeClock, type SessionClock, type TimeRules,
} from './deadline.ts';
import { seedFromText } from './rng.ts';
import { catNext, catResponses, type CatTraceEntry } from './cat.ts';
import { categoryOf, irtItemOf } from './psychometrics.ts';
import { latestByItem, itemSeed, scorerFor } from './scoring.ts';
import { settingsOf, type EventSettings } from './settings.ts';
import { allows, isFinal, nextState, SessionTransitionError, type SessionAction, type SessionState } from './state-machine.ts';
import { assertAnswerable, buildPlan, jump, NavigationError, next, partOf, planKeys, previous, startState, type ConditionEvaluator, type DeliveryPlan, type NavState } from './walker.ts';

/** What the session row's `data` JSON holds. */
export interface SessionData {
  accommodation?: Accommodation | null;
  /** Time-limited scopes (testPart/section/item) the candidate has entered. */
  scopes?: ScopeClock[];
  roomId?: string | null;
  rosterId?: string | null;
}

export interface AnswerInput {
  itemId: string;
  responseId?: string | null;
  value: unknown;
  clientSeq: number;
}

export interface AnswerAck {
  itemId: string;
  clientSeq: number;
  status: AppendStatus | 'rejected';
  error?: { code: string; message: string; details?: unknown };
}

export interface DeliveryOptions {
  store: Store;
  audit: AuditService;
  bus: EventBus;
  now?: () => number;
  writer?: AnswerWriterOptions;
  /** Evaluates preConditions/branchRules (item-bank's expression engine) given the answers so far. */
  conditions?: (test: LoadedTest, session: ExamSession, plan: DeliveryPlan, history: readonly Response[]) => ConditionEvaluator;
  /** Scores a finished session (scoring.ts) and stores its result. */
  scorer?: (session: ExamSession, event: ExamEvent, reason?: string) => Promise<unknown>;
  log?: { warn: (o: object, m: string) => void; error: (o: object, m: string) => void };
  /** SQLite file databases: commit answer-only groups on a worker thread (default true). */
  sqliteAnswerThread?: boolean;
  /**
   * How long the answer path may use a cached session row (default 30 s; 0 = always read).
   * Changes in this process update the cache at once; other processes' changes drop it through
   * the event bus, and a bus that may have missed events (`onGap`) empties it; the TTL bounds
   * a change nobody announced (another tool on the same database, a NOTIFY that failed).
   * Anything a cached row would refuse is re-checked on a fresh read, and the answer INSERT
   * checks the state itself, so a stale row can only delay a refusal. It was 5 s with several
   * processes until session 4: under overload (20,000 candidates on PostgreSQL, answers
   * queued for seconds) every answer then found its row expired and read it again, which
   * took the server from 5,000 to 1,400 answers/s.
   */
  sessionCacheMs?: number;
}

/** A late answer: refused, audited, never scored. */
export class LateAnswer extends Conflict {
  constructor(deadline: number, receivedAt: number, boundBy: string | null) {
    super(
      `the time for ${boundBy && boundBy !== 'test' ? `'${boundBy}'` : 'this test'} ended at ${new Date(deadline).toISOString()}; answer received at ${new Date(receivedAt).toISOString()} is not accepted`,
      { deadline, receivedAt, boundBy },
      'answer_late',
    );
  }
}

/** Converts domain errors to HTTP errors with stable codes. */
export function toHttpError(e: unknown): unknown {
  if (e instanceof SessionTransitionError) return new Conflict(e.message, { from: e.from, to: e.to, action: e.action }, 'session_state_conflict');
  if (e instanceof NavigationError) {
    const status422 = e.code === 'item_not_in_plan' || e.code === 'invalid_response';
    return status422 ? new Unprocessable(e.message, undefined, e.code) : new Conflict(e.message, undefined, e.code);
  }
  return e;
}

const clockOf = (s: ExamSession): SessionClock => ({ startedAt: s.startedAt, pausedAt: s.pausedAt, pausedMs: s.pausedMs, extensionMs: s.extensionMs });
const dataOf = (s: ExamSession): SessionData => (s.data ?? {}) as SessionData;
const navOf = (s: ExamSession): NavState | null => (s.position ?? null) as NavState | null;

/** Sessions per `session.progress` event. */
const PROGRESS_CHUNK = 30;

/** An answer the store refused because another process had ended (or paused) the session. */
const NOT_IN_PROGRESS = 'answers are not accepted: the session was no longer in progress (submitted, timed out or paused) when this answer was to be stored';

/** A plan's item by key, through an index built once per plan (plans are immutable). */
const planIndex = new WeakMap<DeliveryPlan, Map<string, DeliveryPlan['items'][number]>>();
function itemOf(plan: DeliveryPlan, key: string): DeliveryPlan['items'][number] | undefined {
  let m = planIndex.get(plan);
  if (!m) planIndex.set(plan, (m = new Map(plan.items.map((x) => [x.key, x]))));
  return m.get(key);
}

export class DeliveryService {
  readonly store: Store;
  readonly content: ContentCache;
  readonly writer: AnswerWriter<StoreTx>;
  readonly bus: EventBus;
  private readonly audit: AuditService;
  private readonly now: () => number;
  private readonly plans = new Map<string, DeliveryPlan>();
  private readonly events: ReadCache<string, ExamEvent>;
  /** Answers of a session not yet committed (submit waits for them). */
  private readonly pending = new Map<string, Set<Promise<unknown>>>();
  /** Last-seen updates, written in groups (not worth an fsync each). */
  private readonly seen = new Map<string, number>();
  private seenTimer: NodeJS.Timeout | null = null;
  /** Recently read or written sessions (hot path); dropped on any state event from the bus. */
  private readonly cache = new Map<string, { s: ExamSession; at: number }>();
  private readonly byCandidate = new Map<string, string>();
  private readonly byPrincipal = new WeakMap<CandidatePrincipal, string>();
  private readonly watched = new Set<string>();
  /** Answered item keys per session (progress for the proctor view, without reads). */
  private readonly answered = new Map<string, Set<string>>();
  /** Progress changes per event, published in one bus event every 2 s. */
  private readonly dirty = new Map<string, Map<string, Record<string, unknown>>>();
  private progressTimer: NodeJS.Timeout | null = null;
  /** How long a cached session row may serve the answer path (ms). */
  private readonly cacheMs: number;
  private readonly unwatchGaps: () => void;
  private readonly opts: DeliveryOptions;

  constructor(opts: DeliveryOptions) {
    this.opts = opts;
    this.store = opts.store;
    this.audit = opts.audit;
    this.bus = opts.bus;
    this.now = opts.now ?? Date.now;
    this.events = new ReadCache(async (id) => {
      const e = await this.store.events.get(id);
      if (!e) throw new NotFound('exam event', id);
      return e;
    }, { ttlMs: 1000, now: this.now });
    this.cacheMs = opts.sessionCacheMs ?? 30_000;
    this.unwatchGaps = opts.bus.onGap(() => this.cache.clear());
    this.content = new ContentCache(opts.store);
    const store = opts.store;
    const file = (this.answerFile = store.dialect === 'sqlite' && opts.sqliteAnswerThread !== false ? sqliteFileOf(store.url) : undefined);
    this.writer = new AnswerWriter<StoreTx>(
      (answers, ops) => {
        // Groups of answers only (the bulk of an exam) commit on the writer thread; groups with
        // session changes run their operations in the store's own transaction, as before.
        const thread = ops.length === 0 && file ? this.answerThread(file) : undefined;
        return thread ? thread.append(answers).then((statuses) => ({ statuses, results: [] })) : commitGroup(store, answers, ops);
      },
      {
      // On SQLite without the writer thread each commit blocks the process for its fsync, so
      // fewer, larger groups leave more time for requests; with the thread the fsync runs
      // beside the event loop and the queue grows on its own while one group commits.
      maxDelayMs: store.dialect === 'postgres' || file ? 2 : 6,
      concurrency: store.dialect === 'postgres' ? 4 : 1,
      ...opts.writer,
      },
    );
  }

  /** The SQLite file whose answers commit on a writer thread (undefined: no thread). */
  private readonly answerFile: string | undefined;
  private thread: SqliteAnswerWorker | undefined;
  private threadBroken = false;
  private closing = false;

  /** The SQLite answer thread, started on first use; undefined (main-thread commits) if it failed. */
  private answerThread(file: string): SqliteAnswerWorker | undefined {
    if (this.threadBroken || this.closing) return undefined;
    if (!this.thread) {
      try {
        this.thread = new SqliteAnswerWorker(file, (err) => {
          // A dead thread: later groups commit on the main thread (its failed group was rejected, clients retry).
          this.threadBroken = true;
          this.opts.log?.warn({ err }, 'SQLite answer thread stopped; committing answers on the main thread');
        });
      } catch (err) {
        this.threadBroken = true;
        this.opts.log?.warn({ err }, 'SQLite answer thread not started; committing answers on the main thread');
        return undefined;
      }
    }
    return this.thread;
  }

  // ------------------------------------------------------------------ lookups

  /** An exam event, cached for a second (status and settings change rarely). */
  event(eventId: string): Promise<ExamEvent> {
    return this.events.get(eventId);
  }

  forgetEvent(eventId: string): void {
    this.events.forget(eventId);
    this.content.forget();
  }

  async session(id: string): Promise<ExamSession> {
    const s = await this.store.sessions.get(id);
    if (!s) throw new NotFound('exam session', id);
    return this.remember(s);
  }

  /** Keeps a session row for the hot path and watches its event for changes made elsewhere. */
  remember(s: ExamSession): ExamSession {
    const c = this.cache.get(s.id);
    if (c && c.s.version > s.version) return c.s;
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(s.id, { s, at: this.now() });
    this.byCandidate.set(`${s.eventId}|${s.candidateId}`, s.id);
    if (!this.watched.has(s.eventId)) {
      this.watched.add(s.eventId);
      void this.bus
        .subscribe(s.eventId, (e) => {
          if (e.sessionId && e.type !== 'heartbeat' && e.type !== 'incident' && e.type !== 'message') {
            const cur = this.cache.get(e.sessionId);
            // Our own change is already cached with its new version; others' are dropped.
            if (cur && (e.data as { version?: number } | undefined)?.version !== cur.s.version) this.cache.delete(e.sessionId);
          }
        })
        .catch(() => this.watched.delete(s.eventId));
    }
    return s;
  }

  /** The candidate's session from the cache when fresh enough, else from the store. */
  private async cachedFor(p: CandidatePrincipal): Promise<{ s: ExamSession; cached: boolean }> {
    // The principal object is the same for every request of a cached login (AuthService):
    // by object, the hot path builds and hashes no key string.
    let id = this.byPrincipal.get(p);
    if (id === undefined) {
      id = this.byCandidate.get(`${p.eventId}|${p.candidateId}`);
      if (id !== undefined) this.byPrincipal.set(p, id);
    }
    const c = id ? this.cache.get(id) : undefined;
    if (c && this.now() - c.at < this.cacheMs) return { s: c.s, cached: true };
    return { s: await this.sessionFor(p), cached: false };
  }

  /** The candidate's session for their ticket's event, created (scheduled) on first use. */
  sessionFor(p: CandidatePrincipal): Promise<ExamSession> {
    return this.sessionOf(p.eventId, p.candidateId);
  }

  /**
   * A rostered candidate's session, created (scheduled) when it does not exist yet — by the
   * candidate's first request, or by a proctor admitting them before they arrive.
   */
  async sessionOf(eventId: string, candidateId: string): Promise<ExamSession> {
    const existing = await this.store.sessions.getByCandidate(eventId, candidateId);
    if (existing) return this.remember(existing);
    const [event, roster] = await Promise.all([this.event(eventId), this.store.events.getRosterEntry(eventId, candidateId)]);
    const acc = (roster?.accommodations ?? null) as Accommodation | null;
    const data: SessionData = { accommodation: acc, scopes: [], roomId: roster?.roomId ?? null, rosterId: roster?.id ?? null };
    try {
      const s = await this.writer.run((tx) =>
        tx.sessions.create({
          eventId: event.id,
          candidateId,
          state: 'scheduled',
          // Seeded per candidate: the same seed (hence items and order) however often the session is rebuilt.
          seed: String(seedFromText(`${event.id}:${candidateId}`)),
          data: data as unknown as Json,
        }),
      );
      return this.remember(s);
    } catch (e) {
      // Two requests racing to create: the unique (event, candidate) key lets one win.
      const again = await this.store.sessions.getByCandidate(eventId, candidateId);
      if (again) return this.remember(again);
      throw e;
    }
  }

  async testOf(event: ExamEvent): Promise<LoadedTest> {
    return this.content.forEvent(event);
  }

  /** The session's delivery plan (immutable per session, so cached without invalidation). */
  async planOf(s: ExamSession, event?: ExamEvent): Promise<{ plan: DeliveryPlan; test: LoadedTest }> {
    const ev = event ?? (await this.event(s.eventId));
    const test = await this.testOf(ev);
    let plan = this.plans.get(s.id);
    if (!plan) {
      plan = buildPlan(test.delivery, Number(s.seed));
      const stored = s.itemOrder as string[] | null;
      // CAT sessions store the delivered items only; their plan is the whole pool.
      if (!settingsOf(ev).cat && stored && JSON.stringify(stored) !== JSON.stringify(planKeys(plan))) {
        // The stored order is what the candidate saw: it wins over a rebuild.
        plan = { ...plan, items: stored.map((k, i) => ({ ...plan!.items.find((x) => x.key === k)!, index: i })).filter((x) => x.key) };
      }
      if (this.plans.size > 200_000) this.plans.clear();
      this.plans.set(s.id, plan);
    }
    return { plan, test };
  }

  /**
   * An event's parsed settings, once per event object (the event cache hands out a new object
   * when it re-reads, so changes are seen): settingsOf runs zod, and the answer path asked twice
   * per answer. Read only: callers must not change the object.
   */
  private settingsFor(event: ExamEvent): ReturnType<typeof settingsOf> {
    let st = this.settingsCache.get(event);
    if (!st) this.settingsCache.set(event, (st = settingsOf(event)));
    return st;
  }
  private readonly settingsCache = new WeakMap<ExamEvent, ReturnType<typeof settingsOf>>();

  timeRules(event: ExamEvent, plan: DeliveryPlan, s: ExamSession): TimeRules {
    const st = this.settingsFor(event);
    return {
      windowCloses: event.closesAt,
      testMaxMs: plan.testMaxMs ?? (st.timeLimitMinutes ? st.timeLimitMinutes * 60_000 : null),
      accommodation: dataOf(s).accommodation ?? null,
    };
  }

  graceMs(event: ExamEvent): number {
    const g = this.settingsFor(event).graceSeconds;
    return g == null ? DEFAULT_GRACE_MS : g * 1000;
  }

  /** Deadline for answering `itemKey` (or the current item), with the scope that sets it. */
  deadlineFor(event: ExamEvent, plan: DeliveryPlan, s: ExamSession, now: number, itemKey?: string) {
    const nav = navOf(s);
    const key = itemKey ?? (nav && nav.position >= 0 ? plan.items[nav.position]?.key : undefined);
    const item = key ? itemOf(plan, key) : undefined;
    const entered = dataOf(s).scopes ?? [];
    const scopes = item ? entered.filter((sc) => item.limits.some((l) => l.identifier === sc.identifier)) : [];
    return effectiveDeadline(this.timeRules(event, plan, s), clockOf(s), scopes, now);
  }

  // ------------------------------------------------------------------ state changes

  /**
   * Applies an action with compare-and-set, retrying on a concurrent change. `patch` may be a
   * function of the current row. Audits and publishes the change. `current`, a row the caller
   * holds (just read, or cached), saves the first attempt its read: the compare-and-set on its
   * version guards it, and a stale row that refuses the action or loses the compare-and-set is
   * read again before anything is decided.
   */
  async transition(
    sessionId: string,
    action: SessionAction,
    actor: string,
    patch: (s: ExamSession, now: number) => SessionPatch = () => ({}),
    details: Record<string, Json> = {},
    current?: ExamSession,
  ): Promise<ExamSession> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let s = attempt === 0 && current ? current : await this.session(sessionId);
      // A held row that refuses the action may be stale: decide on a fresh one.
      if (s === current && !allows(s.state as SessionState, action)) s = await this.session(sessionId);
      const to = nextState(s.state as SessionState, action);
      const now = this.now();
      const r = await this.writer.run((tx) => tx.sessions.update(s.id, s.version, { ...patch(s, now), state: to }));
      if (r.ok) {
        this.remember(r.session);
        await this.audit.record({ action: `session.${action}`, actor, target: `session:${s.id}`, details: { from: s.state, to, ...details } });
        void this.publish(r.session, 'session.state', { from: s.state, to, action, ...details });
        return r.session;
      }
      if (r.reason === 'not_found') throw new NotFound('exam session', sessionId);
    }
    throw new Conflict(`exam session '${sessionId}' kept changing; try again`, undefined, 'session_busy');
  }

  /** Updates the session without a state change (position, scopes), with CAS retries. */
  private async patch(sessionId: string, fn: (s: ExamSession, now: number) => SessionPatch | null): Promise<ExamSession> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const s = await this.session(sessionId);
      const p = fn(s, this.now());
      if (!p) return s;
      const r = await this.writer.run((tx) => tx.sessions.update(s.id, s.version, p));
      if (r.ok) return this.remember(r.session);
      if (r.reason === 'not_found') throw new NotFound('exam session', sessionId);
    }
    throw new Conflict(`exam session '${sessionId}' kept changing; try again`, undefined, 'session_busy');
  }

  /** Scopes newly entered when arriving at `index`. */
  private enter(plan: DeliveryPlan, s: ExamSession, index: number, now: number): ScopeClock[] {
    const scopes = [...(dataOf(s).scopes ?? [])];
    const item = plan.items[index];
    if (!item) return scopes;
    for (const l of item.limits) {
      if (!scopes.some((x) => x.identifier === l.identifier)) {
        scopes.push({ identifier: l.identifier, enteredAt: now, pausedMsAtEntry: totalPausedMs(clockOf(s), now), maxMs: l.maxMs });
      }
    }
    return scopes;
  }

  /** Start (or resume after a reconnect: idempotent when already in progress). */
  async start(p: CandidatePrincipal): Promise<ExamSession> {
    let s = await this.sessionFor(p);
    const event = await this.event(s.eventId);
    if (s.state === 'in_progress') return s;
    if (s.state === 'scheduled' && settingsOf(event).requireAdmission) {
      throw new Conflict('wait for the proctor to admit you', { state: s.state }, 'not_admitted');
    }
    const now = this.now();
    if (event.opensAt != null && now < event.opensAt) throw new Conflict(`the exam opens at ${new Date(event.opensAt).toISOString()}`, { opensAt: event.opensAt }, 'window_not_open');
    if (event.closesAt != null && now >= event.closesAt) throw new Conflict(`the exam window closed at ${new Date(event.closesAt).toISOString()}`, { closesAt: event.closesAt }, 'window_closed');
    const { plan, test } = await this.planOf(s, event);
    if (!plan.items.length) throw new Conflict('this test has no items to deliver', undefined, 'empty_test');
    const evaluate = await this.evaluator(test, s, plan);
    const st = settingsOf(event);
    let first: { index: number; trace: CatTraceEntry[] } | null = null;
    if (st.cat) {
      const step = catNext(test, st, s.seed, []);
      if (step.kind !== 'item') throw new Conflict('the adaptive test stopped before its first item (empty pool?)', { reason: step.reason }, 'cat_stopped');
      first = { index: plan.items.findIndex((x) => x.key === step.itemId), trace: [{ itemId: null, category: null, theta: step.theta, se: step.se }] };
    }
    let fresh = false;
    s = await this.transition(s.id, 'start', `candidate:${p.candidateId}`, (cur, t) => {
      fresh = cur.startedAt == null;
      const nav = first ? { position: first.index, attempts: {}, visited: [plan.items[first.index]!.key] } : startState(plan, evaluate);
      const clock: SessionClock = { startedAt: t, pausedAt: null, pausedMs: 0, extensionMs: cur.extensionMs };
      const scopes = this.enter(plan, { ...cur, ...clock, data: { ...dataOf(cur), scopes: [] } as unknown as Json } as ExamSession, nav.position, t);
      return {
        startedAt: t,
        itemOrder: (first ? nav.visited : planKeys(plan)) as unknown as Json,
        ...(first ? { thetaTrace: first.trace as unknown as Json } : {}),
        position: nav as unknown as Json,
        deadlineAt: sessionDeadline(this.timeRules(event, plan, cur), clock, t),
        lastSeenAt: t,
        data: { ...dataOf(cur), scopes } as unknown as Json,
      };
    });
    // Started here and now: nothing can have been answered yet, so the progress count needs
    // no read of earlier answers (noteAnswered).
    if (fresh && !this.answered.has(s.id)) this.answered.set(s.id, new Set());
    return s;
  }

  /** Condition evaluator for navigation (reads the answers only when the plan has conditions). */
  private async evaluator(test: LoadedTest, s: ExamSession, plan: DeliveryPlan): Promise<ConditionEvaluator> {
    if (!this.opts.conditions || !hasConditions(plan)) return () => true;
    await this.settle(s.id);
    return this.opts.conditions(test, s, plan, await this.store.responses.history(s.id));
  }

  /** Audit + proctor event for changes made outside `transition` (scoring, rescoring). */
  async transitionAudit(s: ExamSession, action: string, actor: string, details: Record<string, Json>): Promise<void> {
    await this.audit.record({ action, actor, target: `session:${s.id}`, details });
  }

  // ------------------------------------------------------------------ answers

  private track(sessionId: string, p: Promise<unknown>): void {
    let set = this.pending.get(sessionId);
    if (!set) this.pending.set(sessionId, (set = new Set()));
    set.add(p);
    void p.finally(() => {
      set!.delete(p);
      if (!set!.size) this.pending.delete(sessionId);
    }).catch(() => undefined);
  }

  /** Waits until every answer of the session that was received so far is committed or failed. */
  async settle(sessionId: string): Promise<void> {
    const set = this.pending.get(sessionId);
    if (set?.size) await Promise.allSettled([...set]);
  }

  /**
   * Saves answers. Each is checked (session state, time, plan, declaration); the good ones
   * are written through group commit and acknowledged once durable. With `strict` (the
   * single-answer endpoint) the first refusal throws; otherwise each answer reports its fate.
   */
  async answer(p: CandidatePrincipal, answers: AnswerInput[], strict: boolean): Promise<{ session: ExamSession; acks: AnswerAck[] }> {
    const { s, cached } = await this.cachedFor(p);
    if (cached) {
      // A cached row may be a moment old: anything it would refuse is checked on a fresh read.
      try {
        const r = await this.answerWith(s, answers, strict, true);
        if (r) return r;
      } catch {
        /* retried below on a fresh row */
      }
      this.cache.delete(s.id);
    }
    return (await this.answerWith(await this.sessionFor(p), answers, strict, false))!;
  }

  /** The answer path on a given session row; with `probe`, returns null instead of refusing. */
  private async answerWith(s: ExamSession, answers: AnswerInput[], strict: boolean, probe: boolean): Promise<{ session: ExamSession; acks: AnswerAck[] } | null> {
    const receivedAt = this.now();
    if (probe && s.state !== 'in_progress') return null;
    const event = await this.event(s.eventId);
    if (s.state !== 'in_progress') {
      const code = s.state === 'paused' ? 'session_paused' : isFinal(s.state as SessionState) ? 'session_closed' : 'session_not_started';
      const err = new Conflict(`answers are not accepted: the session is ${s.state.replace('_', ' ')}`, { state: s.state }, code);
      if (isFinal(s.state as SessionState)) await this.auditLate(s, answers, receivedAt, code);
      throw err;
    }
    const { plan, test } = await this.planOf(s, event);
    const nav = navOf(s) ?? startState(plan);
    const grace = this.graceMs(event);
    const acks: AnswerAck[] = new Array(answers.length);
    const writes: Promise<void>[] = [];
    const late: AnswerInput[] = [];
    const closed: AnswerInput[] = [];
    if (probe) {
      // Fast validation pass: any refusal falls back to a fresh read before it is reported.
      // (The checks below then pass again: the clientSeq range, item, time and navigation.)
      for (const a of answers) {
        const planned = itemOf(plan, a.itemId);
        if (!planned || !Number.isSafeInteger(a.clientSeq)) return null;
        if (!inTime(this.deadlineFor(event, plan, s, receivedAt, planned.key).deadline, receivedAt, grace)) return null;
        try {
          assertAnswerable(plan, nav, planned.key);
        } catch {
          return null;
        }
      }
    }
    for (let i = 0; i < answers.length; i++) {
      const a = answers[i]!;
      try {
        if (!Number.isSafeInteger(a.clientSeq) || a.clientSeq < 0 || a.clientSeq > 2_147_483_647) {
          throw new Unprocessable(`clientSeq must be an integer from 0 to 2147483647, got ${String(a.clientSeq)}`, { itemId: a.itemId }, 'invalid_client_seq');
        }
        const planned = itemOf(plan, a.itemId);
        if (!planned) throw new Unprocessable(`item '${a.itemId}' is not in this candidate's test`, { itemId: a.itemId }, test.items.has(a.itemId) ? 'item_not_in_session' : 'unknown_item');
        if (!probe) {
          const { deadline, boundBy } = this.deadlineFor(event, plan, s, receivedAt, planned.key);
          if (!inTime(deadline, receivedAt, grace)) {
            late.push(a);
            throw new LateAnswer(deadline!, receivedAt, boundBy);
          }
          assertAnswerable(plan, nav, planned.key);
        }
        const item = test.items.get(planned.identifier)!;
        const responses = checkAnswer(item, a.responseId ?? null, a.value);
        const single = a.responseId ?? (Object.keys(responses).length === 1 && item.declarations.size === 1 ? Object.keys(responses)[0]! : null);
        const value = single ? responses[single] : responses;
        const w = this.writer
          .write({ sessionId: s.id, itemId: planned.key, responseId: single, value, clientSeq: a.clientSeq, receivedAt })
          .then((status) => {
            if (status === 'closed') {
              // Another process ended the session after this process's cached row said in progress.
              closed.push(a);
              acks[i] = { itemId: a.itemId, clientSeq: a.clientSeq, status: 'rejected', error: { code: 'session_closed', message: NOT_IN_PROGRESS } };
              return;
            }
            acks[i] = { itemId: a.itemId, clientSeq: a.clientSeq, status };
            this.noteAnswered(s, planned.key, value != null, plan.items.length);
          });
        this.track(s.id, w);
        writes.push(w);
      } catch (e0) {
        const e = toHttpError(e0);
        if (strict) {
          if (late.length) await this.auditLate(s, late, receivedAt, 'answer_late');
          throw e;
        }
        const ae = e as { code?: string; message?: string; details?: unknown };
        acks[i] = { itemId: a.itemId, clientSeq: a.clientSeq, status: 'rejected', error: { code: ae.code ?? 'error', message: ae.message ?? String(e), ...(ae.details === undefined ? {} : { details: ae.details }) } };
        if (!ae.code) throw e;
      }
    }
    if (late.length) await this.auditLate(s, late, receivedAt, 'answer_late');
    await Promise.all(writes);
    if (closed.length) {
      this.cache.delete(s.id);
      // A strict call on a cached row is retried on a fresh row, which refuses and audits it.
      if (!(strict && probe)) await this.auditLate(s, closed, receivedAt, 'session_closed');
      if (strict) throw new Conflict(NOT_IN_PROGRESS, undefined, 'session_closed');
    }
    this.seenAt(s, receivedAt);
    return { session: s, acks };
  }

  /** Late answers are kept in the audit trail (never in responses, never scored). */
  private async auditLate(s: ExamSession, answers: AnswerInput[], receivedAt: number, code: string): Promise<void> {
    await this.audit.record({
      action: 'answer.refused',
      actor: `candidate:${s.candidateId}`,
      target: `session:${s.id}`,
      details: { code, receivedAt, deadlineAt: s.deadlineAt, answers: answers.map((a) => ({ itemId: a.itemId, responseId: a.responseId ?? null, value: (a.value ?? null) as Json, clientSeq: a.clientSeq })) },
    });
  }

  // ------------------------------------------------------------------ heartbeats, progress

  private seenAt(s: ExamSession, at: number): void {
    this.seen.set(s.id, at);
    this.progressOf(s).lastSeenAt = at;
    this.scheduleSeenFlush();
  }

  private scheduleSeenFlush(): void {
    if (this.seenTimer) return;
    this.seenTimer = setTimeout(() => void this.flushSeen(), 2000);
    this.seenTimer.unref();
  }

  /** Writes the batched last-seen times in one transaction. */
  async flushSeen(): Promise<void> {
    if (this.seenTimer) clearTimeout(this.seenTimer);
    this.seenTimer = null;
    if (!this.seen.size) return;
    const batch = [...this.seen];
    this.seen.clear();
    try {
      // On SQLite the answer thread writes them: on the main thread the group would wait for the
      // thread's write lock and its own fsync with the event loop stopped (and its answers would
      // leave the thread). Without the thread they share a group's fsync. On PostgreSQL one
      // statement runs on its own and skips rows a state change holds (a group transaction
      // holding 2,000 row locks deadlocked with groups of transitions): those wait for the next flush.
      const thread = this.answerFile ? this.answerThread(this.answerFile) : undefined;
      if (thread) return await thread.touch(batch);
      const skipped = this.store.dialect === 'sqlite' ? await this.writer.run((tx) => tx.sessions.touchMany(batch)) : await this.store.sessions.touchMany(batch);
      const at = new Map(batch);
      for (const id of skipped) if (!this.seen.has(id)) this.seen.set(id, at.get(id)!);
      if (skipped.length) this.scheduleSeenFlush();
    } catch (err) {
      this.opts.log?.warn({ err }, 'last-seen update failed');
    }
  }

  /** Records an acknowledged answer for the proctor's progress view (no database read). */
  private noteAnswered(s: ExamSession, key: string, answered: boolean, total: number): void {
    let set = this.answered.get(s.id);
    if (!set) {
      set = new Set();
      this.answered.set(s.id, set);
      // First answer seen by this process: count what was answered before (another process, a restart).
      void this.store.responses.latestResponses(s.id).then((rows) => {
        for (const r of rows) if (r.value !== null) set!.add(r.itemIdentifier);
      }).catch(() => undefined);
    }
    if (answered) set.add(key);
    else set.delete(key);
    const e = this.progressOf(s);
    e.answered = set.size;
    e.total = total;
  }

  /**
   * The session's entry in the next progress event, changed in place (two object spreads per
   * answer were a visible share of the answer path's garbage). Entries are never touched after
   * flushProgress took them: it swaps in an empty map first.
   */
  private progressOf(s: ExamSession): Record<string, unknown> {
    let ev = this.dirty.get(s.eventId);
    if (!ev) this.dirty.set(s.eventId, (ev = new Map()));
    let e = ev.get(s.id);
    if (!e) ev.set(s.id, (e = { sessionId: s.id, candidateId: s.candidateId, roomId: dataOf(s).roomId ?? null }));
    if (!this.progressTimer) {
      this.progressTimer = setTimeout(() => void this.flushProgress(), 2000);
      this.progressTimer.unref();
    }
    return e;
  }

  /** One `session.progress` bus event per event (in chunks) with every session that changed. */
  async flushProgress(): Promise<void> {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    const all = [...this.dirty];
    this.dirty.clear();
    // Every chunk in the same turn: the PostgreSQL bus sends a turn's events in one NOTIFY
    // query. Awaiting each chunk made one query per chunk of sessions (20,000 candidates: 500 every 2 s).
    const sent: Promise<void>[] = [];
    for (const [eventId, m] of all) {
      const list = [...m.values()];
      // 30 entries fit one PostgreSQL notification (≈ 6,300 bytes; a bus splits a larger event).
      for (let i = 0; i < list.length; i += PROGRESS_CHUNK) {
        sent.push(this.bus.publish({ eventId, type: 'session.progress', at: this.now(), roomId: null, sessionId: null, data: { sessions: list.slice(i, i + PROGRESS_CHUNK) } }).catch((err: unknown) => {
          this.opts.log?.warn({ err }, 'progress not published');
        }));
      }
    }
    await Promise.all(sent);
  }

  async publish(s: ExamSession, type: string, data: Record<string, unknown> = {}): Promise<void> {
    // The row's version lets every process's cache tell its own fresh row from a stale one.
    const e: ProctorEvent = { eventId: s.eventId, roomId: dataOf(s).roomId ?? null, sessionId: s.id, type, at: this.now(), data: { candidateId: s.candidateId, state: s.state, version: s.version, ...data } };
    try {
      await this.bus.publish(e);
    } catch (err) {
      this.opts.log?.warn({ err }, 'proctor event not published');
    }
  }

  /** Heartbeat: last seen, incidents reported by the player (focus lost, fullscreen left, reconnect). */
  async heartbeat(p: CandidatePrincipal, incidents: { kind: string; at?: number; details?: Record<string, Json> }[] = []): Promise<ExamSession> {
    const s = incidents.length ? await this.sessionFor(p) : (await this.cachedFor(p)).s;
    const now = this.now();
    this.seenAt(s, now);
    for (const inc of incidents.slice(0, 50)) {
      await this.store.incidents.add({ eventId: s.eventId, sessionId: s.id, roomId: dataOf(s).roomId ?? null, kind: inc.kind, actor: `candidate:${s.candidateId}`, details: (inc.details ?? null) as Json, at: now });
      void this.publish(s, 'incident', { kind: inc.kind, clientAt: inc.at ?? null, details: inc.details ?? null });
    }
    return s;
  }

  private readonly messageCache = new Map<string, { at: number; list: { at: number; text: string; roomId: string | null; sessionId: string | null }[] }>();

  /**
   * Proctor messages for a candidate since `since`: read at most every 2 s per event (20,000
   * candidates beat), and at once after a message posted through this process.
   */
  async messagesFor(s: ExamSession, since: number): Promise<{ at: number; text: string }[]> {
    const now = this.now();
    let m = this.messageCache.get(s.eventId);
    if (!m || now - m.at > 2000) {
      const rows = await this.store.incidents.listByEvent(s.eventId, { since: Math.max(0, Math.min(since, now - 12 * 3600_000)) });
      m = { at: now, list: rows.filter((r) => r.kind === 'message').map((r) => ({ at: r.at, text: r.note ?? '', roomId: r.roomId, sessionId: r.sessionId })) };
      this.messageCache.set(s.eventId, m);
    }
    const roomId = dataOf(s).roomId ?? null;
    return m.list.filter((x) => x.at > since && (x.sessionId ? x.sessionId === s.id : !x.roomId || x.roomId === roomId)).map((x) => ({ at: x.at, text: x.text }));
  }

  /** Forget cached messages of an event (after posting one). */
  messagesChanged(eventId: string): void {
    this.messageCache.delete(eventId);
  }

  // ------------------------------------------------------------------ navigation

  private async facts(s: ExamSession) {
    await this.settle(s.id);
    const latest = await this.store.responses.latestResponses(s.id);
    const answered = new Set(latest.filter((r) => r.value !== null).map((r) => r.itemIdentifier));
    return { answered: (k: string) => answered.has(k), valid: () => true };
  }

  /** Moves to 'next', 'previous' or an item key. */
  async navigate(p: CandidatePrincipal, to: string): Promise<ExamSession> {
    const s0 = await this.sessionFor(p);
    if (s0.state !== 'in_progress') throw new Conflict(`cannot navigate: the session is ${s0.state}`, { state: s0.state }, 'session_not_in_progress');
    const event = await this.event(s0.eventId);
    const { plan, test } = await this.planOf(s0, event);
    if (settingsOf(event).cat) return this.catAdvance(s0, event, plan, test, to);
    const facts = await this.facts(s0);
    const evaluate = await this.evaluator(test, s0, plan);
    try {
      return await this.patch(s0.id, (s, now) => {
        if (s.state !== 'in_progress') throw new Conflict(`cannot navigate: the session is ${s.state}`, { state: s.state }, 'session_not_in_progress');
        const nav = navOf(s) ?? startState(plan, evaluate);
        const moved = to === 'next' ? next(plan, nav, facts, evaluate) : to === 'previous' ? previous(plan, nav, facts) : jump(plan, nav, to, facts);
        if (moved === nav) return null;
        return { position: moved as unknown as Json, data: { ...dataOf(s), scopes: this.enter(plan, s, moved.position, now) } as unknown as Json };
      });
    } catch (e) {
      throw toHttpError(e);
    }
  }

  /**
   * CAT: the answer to the current item is scored to its IRT category, the step function picks
   * the next item (or stops: position -1, the candidate then submits); the trace grows by one.
   */
  private async catAdvance(s0: ExamSession, event: ExamEvent, plan: DeliveryPlan, test: LoadedTest, to: string): Promise<ExamSession> {
    if (to !== 'next') throw new Conflict('an adaptive test only moves forward: use next', undefined, 'linear_navigation');
    await this.settle(s0.id);
    const history = await this.store.responses.history(s0.id);
    const st = settingsOf(event);
    return this.patch(s0.id, (s) => {
      if (s.state !== 'in_progress') throw new Conflict(`cannot navigate: the session is ${s.state}`, { state: s.state }, 'session_not_in_progress');
      const nav = navOf(s)!;
      if (nav.position < 0) throw new Conflict('the adaptive test has ended: submit it', undefined, 'test_ended');
      const item = plan.items[nav.position]!;
      const li = test.items.get(item.identifier)!;
      const responses = latestByItem(history.filter((r) => r.itemIdentifier === item.key)).get(item.key) ?? {};
      const out = scorerFor(li).score(responses, { seed: itemSeed(s, item.key) }).outcomes;
      const score = typeof out.SCORE === 'number' ? out.SCORE : 0;
      const max = typeof out.MAXSCORE === 'number' ? out.MAXSCORE : 1;
      const irt = li.irt ? irtItemOf(li.irt.params) : null;
      const category = irt ? categoryOf(irt, score, max) : score >= max ? 1 : 0;
      const trace = [...((s.thetaTrace ?? []) as unknown as CatTraceEntry[])];
      const step = catNext(test, st, s.seed, [...catResponses(trace), { itemId: item.key, category }]);
      const entry: CatTraceEntry = { itemId: item.key, category, theta: step.theta, se: step.se };
      const attempts = { ...nav.attempts, [item.key]: (nav.attempts[item.key] ?? 0) + 1 };
      if (step.kind === 'stop') {
        entry.stop = { reason: step.reason, ...(step.classification ? { classification: step.classification } : {}) };
        return { position: { ...nav, attempts, position: -1 } as unknown as Json, thetaTrace: [...trace, entry] as unknown as Json };
      }
      const idx = plan.items.findIndex((x) => x.key === step.itemId);
      const visited = [...nav.visited, step.itemId];
      return { position: { position: idx, attempts, visited } as unknown as Json, itemOrder: visited as unknown as Json, thetaTrace: [...trace, entry] as unknown as Json };
    }).catch((e) => Promise.reject(toHttpError(e)));
  }

  // ------------------------------------------------------------------ submit, time-out, score

  /** Candidate submits: waits for their answers in flight, then submitted -> scored. */
  async submit(p: CandidatePrincipal): Promise<ExamSession> {
    // The cached row (most submits come straight after answers): the transition reads the
    // session only when that row is stale.
    const { s: s0, cached } = await this.cachedFor(p);
    const done = (x: ExamSession) => x.state === 'submitted' || x.state === 'scored';
    if (done(s0)) return cached ? this.sessionFor(p) : s0; // a retried submit is not an error
    await this.settle(s0.id);
    let s: ExamSession;
    try {
      s = await this.transition(s0.id, 'submit', `candidate:${p.candidateId}`, (_c, now) => ({ submittedAt: now, deadlineAt: null }), {}, s0);
    } catch (e) {
      // Submitted meanwhile through another process: still a retried submit.
      if (e instanceof SessionTransitionError && cached) {
        const fresh = await this.sessionFor(p);
        if (done(fresh)) return fresh;
      }
      throw toHttpError(e);
    }
    return this.scoreQuietly(s);
  }

  /** Time-out by the server (sweeper): in_progress/paused -> timed_out -> scored. */
  async timeOut(sessionId: string): Promise<ExamSession | null> {
    await this.settle(sessionId);
    try {
      const s = await this.transition(sessionId, 'time_out', 'system', (_c, now) => ({ submittedAt: now, deadlineAt: null }));
      return this.scoreQuietly(s);
    } catch (e) {
      if (e instanceof SessionTransitionError) return null; // someone else finished it first
      throw e;
    }
  }

  /** Scores and stores; a scoring failure leaves the session submitted for the sweeper to retry. */
  async scoreQuietly(s: ExamSession, reason?: string): Promise<ExamSession> {
    if (!this.opts.scorer) return s;
    try {
      const event = await this.event(s.eventId);
      await this.opts.scorer(s, event, reason);
      // The scorer's own compare-and-set left the scored row in the cache: no read back.
      const scored = this.cache.get(s.id)?.s;
      return scored && scored.state === 'scored' && scored.version > s.version ? scored : await this.session(s.id);
    } catch (err) {
      this.opts.log?.error({ err, sessionId: s.id }, 'scoring failed; the sweeper will retry');
      return s;
    }
  }

  // ------------------------------------------------------------------ proctor actions

  /** Admit a scheduled candidate. */
  admit(sessionId: string, actor: string): Promise<ExamSession> {
    return this.transition(sessionId, 'admit', actor).catch((e) => Promise.reject(toHttpError(e)));
  }

  async pause(sessionId: string, actor: string, reason?: string): Promise<ExamSession> {
    return this.transition(sessionId, 'pause', actor, (s, now) => ({ pausedAt: now, deadlineAt: null, ...pauseFields(pauseClock(clockOf(s), now)) }), { reason: reason ?? null }).catch(
      (e) => Promise.reject(toHttpError(e)),
    );
  }

  async resume(sessionId: string, actor: string): Promise<ExamSession> {
    const s0 = await this.session(sessionId);
    const event = await this.event(s0.eventId);
    const { plan } = await this.planOf(s0, event);
    return this.transition(sessionId, 'resume', actor, (s, now) => {
      const c = resumeClock(clockOf(s), now);
      return { ...pauseFields(c), deadlineAt: sessionDeadline(this.timeRules(event, plan, s), c, now) };
    }).catch((e) => Promise.reject(toHttpError(e)));
  }

  /** Extend (or, with negative minutes, correct) the session's time. Allowed before and during the exam. */
  async extend(sessionId: string, actor: string, minutes: number, reason?: string): Promise<ExamSession> {
    const s0 = await this.session(sessionId);
    if (isFinal(s0.state as SessionState)) throw new Conflict(`the session is ${s0.state}: time can no longer be extended`, { state: s0.state }, 'session_closed');
    const event = await this.event(s0.eventId);
    const { plan } = await this.planOf(s0, event);
    const s = await this.patch(sessionId, (cur, now) => {
      if (isFinal(cur.state as SessionState)) throw new Conflict(`the session is ${cur.state}`, { state: cur.state }, 'session_closed');
      const c = extendClock(clockOf(cur), minutes * 60_000);
      return { extensionMs: c.extensionMs, deadlineAt: cur.state === 'paused' || cur.startedAt == null ? cur.deadlineAt : sessionDeadline(this.timeRules(event, plan, cur), c, now) };
    });
    await this.audit.record({ action: 'session.extend', actor, target: `session:${s.id}`, details: { minutes, reason: reason ?? null, extensionMs: s.extensionMs } });
    void this.publish(s, 'time.extended', { minutes, extensionMs: s.extensionMs, deadlineAt: s.deadlineAt });
    return s;
  }

  async void(sessionId: string, actor: string, reason: string): Promise<ExamSession> {
    return this.transition(sessionId, 'void', actor, () => ({ deadlineAt: null }), { reason }).catch((e) => Promise.reject(toHttpError(e)));
  }

  // ------------------------------------------------------------------ views

  /** The candidate's view of their session: server time, deadline, items with answered flags. */
  /**
   * The session's deadline and remaining time only (heartbeats): what `view` reports, without
   * reading the answers, which a heartbeat every few seconds per candidate cannot afford.
   */
  async timeLeft(s: ExamSession): Promise<{ deadline: number | null; remainingMs: number | null }> {
    const now = this.now();
    if (s.startedAt == null || isFinal(s.state as SessionState)) return { deadline: s.deadlineAt, remainingMs: null };
    const event = await this.event(s.eventId);
    const { plan } = await this.planOf(s, event);
    const { deadline } = this.deadlineFor(event, plan, s, now);
    return { deadline, remainingMs: s.state === 'in_progress' || s.state === 'paused' ? remainingMs(deadline, now) : null };
  }

  async view(s: ExamSession) {
    const event = await this.event(s.eventId);
    const now = this.now();
    const started = s.startedAt != null;
    let items: { key: string; index: number; part: string; sections: string[]; answered: boolean; visited: boolean }[] = [];
    let current: null | { index: number; itemId: string; part: string; navigationMode: string; submissionMode: string } = null;
    let deadline: { deadline: number | null; boundBy: string | null } = { deadline: s.deadlineAt, boundBy: s.deadlineAt ? 'test' : null };
    if (started) {
      const { plan } = await this.planOf(s, event);
      await this.settle(s.id);
      const latest = await this.store.responses.latestResponses(s.id);
      const answered = new Set(latest.filter((r) => r.value !== null).map((r) => r.itemIdentifier));
      const nav = navOf(s);
      const delivered = settingsOf(event).cat ? new Set(nav?.visited ?? []) : null;
      items = plan.items.filter((x) => !delivered || delivered.has(x.key)).map((x) => ({ key: x.key, index: x.index, part: x.part, sections: x.sections, answered: answered.has(x.key), visited: nav?.visited.includes(x.key) ?? false }));
      if (nav && nav.position >= 0) {
        const part = partOf(plan, nav.position);
        current = { index: nav.position, itemId: plan.items[nav.position]!.key, part: part.identifier, navigationMode: part.navigationMode, submissionMode: part.submissionMode };
      }
      if (!isFinal(s.state as SessionState)) deadline = this.deadlineFor(event, plan, s, now);
    }
    const st = settingsOf(event);
    return {
      sessionId: s.id,
      eventId: event.id,
      event: { code: event.code, title: event.title, opensAt: event.opensAt, closesAt: event.closesAt, showResults: st.showResults ?? 'none', language: st.language ?? 'vi', requireAdmission: !!st.requireAdmission },
      state: s.state,
      serverNow: now,
      startedAt: s.startedAt,
      deadline: deadline.deadline,
      deadlineBoundBy: deadline.boundBy,
      remainingMs: s.state === 'in_progress' || s.state === 'paused' ? remainingMs(deadline.deadline, now) : null,
      graceMs: this.graceMs(event),
      accommodations: dataOf(s).accommodation ?? null,
      current,
      items,
      adaptive: !!settingsOf(event).cat,
    };
  }

  /** Stops timers; queued answers are flushed (none is acknowledged before it is durable anyway). */
  async close(): Promise<void> {
    this.unwatchGaps();
    await this.flushSeen();
    await this.flushProgress();
    await this.writer.close();
    this.closing = true;
    await this.thread?.close().catch(() => undefined);
  }
}

function pauseFields(c: SessionClock): SessionPatch {
  return { pausedAt: c.pausedAt, pausedMs: c.pausedMs };
}

export type { EventSettings };
