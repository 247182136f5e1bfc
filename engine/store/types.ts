/**
 * Row types and repository interfaces of the Assay store. One async API for both dialects.
 *
 * Ids: entity ids are text (crypto.randomUUID() unless the caller supplies one);
 * `Response.id` (the server sequence) and `AuditEntry.seq` are integers assigned by the store.
 * Times: numbers, milliseconds since the Unix epoch (UTC). JSON columns: plain JSON values.
 */
import type * as s from './schema.sqlite.ts';
import type { JsonValue } from './json.ts';

export type { JsonValue };
/** Alias of JsonValue. */
export type Json = JsonValue;
export type StaffRole = (typeof s.staffRoles)[number];
export type SessionState = (typeof s.sessionStates)[number];
export type EventStatus = (typeof s.eventStatuses)[number];

export type User = typeof s.users.$inferSelect;
export type School = typeof s.schools.$inferSelect;
export type SchoolClass = typeof s.classes.$inferSelect;
export type Candidate = typeof s.candidates.$inferSelect;
export type PersonalData = typeof s.personalData.$inferSelect;
export type ItemBank = typeof s.itemBanks.$inferSelect;
export type Item = typeof s.items.$inferSelect;
export type ItemVersion = typeof s.itemVersions.$inferSelect;
export type ItemParameters = typeof s.itemParameters.$inferSelect;
export type Media = typeof s.media.$inferSelect;
export type TestVersion = typeof s.tests.$inferSelect;
export type ExamEvent = typeof s.examEvents.$inferSelect;
export type Room = typeof s.rooms.$inferSelect;
export type RosterEntry = typeof s.roster.$inferSelect;
export type ExamSession = typeof s.examSessions.$inferSelect;
export type Response = typeof s.responses.$inferSelect;
export type Result = typeof s.results.$inferSelect;
export type Incident = typeof s.incidents.$inferSelect;
export type AuditEntry = typeof s.auditLog.$inferSelect;
export type AppSession = typeof s.appSessions.$inferSelect;
export type LoginFailure = typeof s.loginFailures.$inferSelect;
export type ModelVersion = typeof s.modelVersions.$inferSelect;
export type CareerOutcome = typeof s.careerOutcomes.$inferSelect;

/** Makes the listed keys optional (defaults filled in by the repository). */
type Opt<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

// ---------------------------------------------------------------- users
export type NewUser = Opt<User, 'id' | 'displayName' | 'active' | 'createdAt' | 'updatedAt'>;
export interface UsersRepo {
  create(u: NewUser): Promise<User>;
  get(id: string): Promise<User | undefined>;
  getByUsername(username: string): Promise<User | undefined>;
  list(filter?: { role?: StaffRole; active?: boolean }): Promise<User[]>;
  /** Updates the given fields; returns the new row or undefined when no such user. */
  update(id: string, patch: Partial<Pick<User, 'passwordHash' | 'role' | 'displayName' | 'active'>>): Promise<User | undefined>;
  /** Adds a school to a counsellor's or proctor's scope (no-op when already there). */
  addSchool(userId: string, schoolId: string): Promise<void>;
  removeSchool(userId: string, schoolId: string): Promise<void>;
  /** School ids in the user's scope. */
  schoolsOf(userId: string): Promise<string[]>;
  count(): Promise<number>;
}

// ---------------------------------------------------------------- schools and classes
export type NewSchool = Opt<School, 'id' | 'district' | 'createdAt'>;
export type NewClass = Opt<SchoolClass, 'id' | 'grade' | 'schoolYear' | 'createdAt'>;
export interface SchoolsRepo {
  create(s: NewSchool): Promise<School>;
  get(id: string): Promise<School | undefined>;
  getByCode(code: string): Promise<School | undefined>;
  list(): Promise<School[]>;
  createClass(c: NewClass): Promise<SchoolClass>;
  getClass(id: string): Promise<SchoolClass | undefined>;
  listClasses(schoolId: string): Promise<SchoolClass[]>;
}

// ---------------------------------------------------------------- candidates
export type NewCandidate = Opt<Candidate, 'id' | 'schoolId' | 'classId' | 'grade' | 'consentCareer' | 'createdAt'>;
export type NewPersonalData = Opt<Omit<PersonalData, 'candidateId'>, 'dateOfBirth' | 'gender' | 'studentCode' | 'email' | 'guardianContact' | 'extra' | 'updatedAt'>;
export interface CandidatesRepo {
  /** Creates a candidate and, when given, their personal data, in one transaction. */
  create(c: NewCandidate, personal?: NewPersonalData): Promise<Candidate>;
  /** Bulk create (one transaction). */
  createMany(list: Array<{ candidate: NewCandidate; personal?: NewPersonalData }>): Promise<Candidate[]>;
  get(id: string): Promise<Candidate | undefined>;
  list(filter?: { schoolId?: string; classId?: string }): Promise<Candidate[]>;
  update(id: string, patch: Partial<Pick<Candidate, 'schoolId' | 'classId' | 'grade' | 'consentCareer'>>): Promise<Candidate | undefined>;
  /** Inserts or replaces the candidate's personal data. */
  setPersonalData(candidateId: string, p: NewPersonalData): Promise<PersonalData>;
  getPersonalData(candidateId: string): Promise<PersonalData | undefined>;
  /** Erases personal data (retention); the pseudonymous candidate row stays. Returns whether a row was removed. */
  deletePersonalData(candidateId: string): Promise<boolean>;
}

// ---------------------------------------------------------------- item banks
export type NewItemBank = Opt<ItemBank, 'id' | 'description' | 'language' | 'subject' | 'createdAt'>;
export interface SaveItemVersionInput {
  bankId: string;
  identifier: string;
  qtiXml: string;
  model?: JsonValue;
  metadata?: JsonValue;
  irtParams?: JsonValue;
  /** sha256 of the content; computed from qtiXml when absent. */
  contentHash?: string;
}
export interface SaveItemVersionOutcome {
  item: Item;
  version: ItemVersion;
  /** 'unchanged' when the latest version already has this content hash. */
  status: 'created' | 'unchanged';
}
export interface PutMediaInput { bankId: string; path: string; mime: string; bytes: Buffer }
export interface ItemBanksRepo {
  createBank(b: NewItemBank): Promise<ItemBank>;
  getBank(id: string): Promise<ItemBank | undefined>;
  getBankByCode(code: string): Promise<ItemBank | undefined>;
  listBanks(): Promise<ItemBank[]>;
  /** Creates the item when new and a new version when the content changed (one transaction). */
  saveItemVersion(input: SaveItemVersionInput): Promise<SaveItemVersionOutcome>;
  getItem(bankId: string, identifier: string): Promise<Item | undefined>;
  listItems(bankId: string): Promise<Item[]>;
  getVersion(id: string): Promise<ItemVersion | undefined>;
  latestVersion(itemId: string): Promise<ItemVersion | undefined>;
  listVersions(itemId: string): Promise<ItemVersion[]>;
  /** Latest version of every item of a bank. */
  latestVersions(bankId: string): Promise<Array<{ item: Item; version: ItemVersion }>>;
  /** Stores a new IRT parameter version for an item version (version numbers start at 1). */
  addParameters(p: { itemVersionId: string; model: string; params: JsonValue; source?: string | null }): Promise<ItemParameters>;
  latestParameters(itemVersionId: string): Promise<ItemParameters | undefined>;
  listParameters(itemVersionId: string): Promise<ItemParameters[]>;
  /** Stores a media file; identical bytes at the same path are recognised by hash ('unchanged'). */
  putMedia(m: PutMediaInput): Promise<{ media: Media; status: 'created' | 'unchanged' }>;
  /** Newest media at this path. */
  getMedia(bankId: string, path: string): Promise<Media | undefined>;
  /** Newest media per path, without bytes. */
  listMedia(bankId: string): Promise<Array<Omit<Media, 'bytes'>>>;
}

// ---------------------------------------------------------------- tests
export interface SaveTestInput {
  bankId?: string | null;
  identifier: string;
  title?: string | null;
  qtiXml?: string | null;
  model?: JsonValue;
  contentHash?: string;
}
export interface TestsRepo {
  /** New version when the content hash differs from the latest version of this identifier. */
  save(t: SaveTestInput): Promise<{ test: TestVersion; status: 'created' | 'unchanged' }>;
  get(id: string): Promise<TestVersion | undefined>;
  latest(identifier: string): Promise<TestVersion | undefined>;
  listVersions(identifier: string): Promise<TestVersion[]>;
  /** Latest version of each test, optionally of one bank. */
  list(filter?: { bankId?: string }): Promise<TestVersion[]>;
}

// ---------------------------------------------------------------- exam events, rooms, roster
export type NewExamEvent = Opt<ExamEvent, 'id' | 'testId' | 'opensAt' | 'closesAt' | 'status' | 'settings' | 'createdBy' | 'createdAt' | 'publishedAt'>;
export type NewRosterEntry = Opt<RosterEntry, 'id' | 'roomId' | 'pinHash' | 'accommodations' | 'createdAt'>;
export interface EventsRepo {
  create(e: NewExamEvent): Promise<ExamEvent>;
  get(id: string): Promise<ExamEvent | undefined>;
  getByCode(code: string): Promise<ExamEvent | undefined>;
  list(filter?: { status?: EventStatus }): Promise<ExamEvent[]>;
  update(id: string, patch: Partial<Omit<ExamEvent, 'id' | 'createdAt'>>): Promise<ExamEvent | undefined>;
  createRoom(r: { eventId: string; name: string; capacity?: number | null; id?: string }): Promise<Room>;
  listRooms(eventId: string): Promise<Room[]>;
  getRoom(id: string): Promise<Room | undefined>;
  addProctor(roomId: string, userId: string): Promise<void>;
  proctorsOf(roomId: string): Promise<string[]>;
  roomsOfProctor(userId: string): Promise<Room[]>;
  /** Adds roster entries in ONE transaction; throws (nothing stored) on a duplicate ticket or candidate. */
  addRoster(entries: NewRosterEntry[]): Promise<RosterEntry[]>;
  getRosterByTicket(ticketCode: string): Promise<RosterEntry | undefined>;
  getRosterEntry(eventId: string, candidateId: string): Promise<RosterEntry | undefined>;
  listRoster(eventId: string, filter?: { roomId?: string }): Promise<RosterEntry[]>;
  updateRosterEntry(id: string, patch: Partial<Pick<RosterEntry, 'roomId' | 'pinHash' | 'accommodations'>>): Promise<RosterEntry | undefined>;
}

// ---------------------------------------------------------------- exam sessions
export type NewExamSession = Opt<ExamSession, 'id' | 'itemOrder' | 'deadlineAt' | 'startedAt' | 'pausedAt' | 'pausedMs' | 'extensionMs' | 'position' | 'lastSeenAt' | 'submittedAt' | 'version' | 'thetaTrace' | 'data' | 'createdAt' | 'updatedAt'>;
export type SessionPatch = Partial<Omit<ExamSession, 'id' | 'eventId' | 'candidateId' | 'version' | 'createdAt' | 'updatedAt'>>;
export type CasOutcome =
  | { ok: true; session: ExamSession }
  | { ok: false; reason: 'conflict'; current: ExamSession }
  | { ok: false; reason: 'not_found' };
export interface SessionsRepo {
  create(s: NewExamSession): Promise<ExamSession>;
  get(id: string): Promise<ExamSession | undefined>;
  getByCandidate(eventId: string, candidateId: string): Promise<ExamSession | undefined>;
  listByEvent(eventId: string, filter?: { states?: SessionState[] }): Promise<ExamSession[]>;
  listByCandidate(candidateId: string): Promise<ExamSession[]>;
  /**
   * Compare-and-set: applies `patch` only if the stored version equals `expectedVersion`,
   * and bumps the version. On a mismatch nothing changes and the current row is returned.
   */
  update(id: string, expectedVersion: number, patch: SessionPatch): Promise<CasOutcome>;
  /** Heartbeat: sets last_seen_at without touching the version. */
  touch(id: string, at?: number): Promise<void>;
  /**
   * Many heartbeats in one statement: sets each session's last_seen_at to the later of the
   * stored and the given time, without touching the version. A row another transaction holds
   * locked is skipped, not waited for (PostgreSQL: FOR NO KEY UPDATE SKIP LOCKED), so a
   * last-seen flush never waits on, nor deadlocks with, a session's state change; the skipped
   * ids are returned for the next flush. SQLite has one writer and returns none.
   */
  touchMany(entries: ReadonlyArray<readonly [id: string, at: number]>): Promise<string[]>;
  /**
   * Sessions in the given states (default in_progress) with deadline_at <= now: the time-out sweep.
   * deadline_at is the effective deadline (delivery moves it for extensions and pauses).
   */
  listExpired(now: number, states?: SessionState[]): Promise<ExamSession[]>;
}

// ---------------------------------------------------------------- responses
export interface ResponseInput {
  sessionId: string;
  itemIdentifier: string;
  /** The QTI response identifier, or null/absent when `value` holds the whole item's responses. */
  responseIdentifier?: string | null;
  value: JsonValue;
  clientSeq: number;
  receivedAt?: number;
}
export type AppendOutcome =
  /** 'stored' = new row; 'duplicate' = this (session, item, clientSeq) was already stored: `response` is the existing row. */
  | { status: 'stored' | 'duplicate'; response: Response }
  /** With `whileInProgress`: the session was not in progress when the row would have been written; nothing stored. */
  | { status: 'closed'; response?: undefined };
export interface AppendOptions {
  /**
   * Store an answer only while its session's state is `in_progress`, checked in the INSERT
   * itself. An engine process may hold a session row cached while another process submits
   * the session; this is what keeps that process from acknowledging an answer after the
   * submission (which would be stored but never scored).
   */
  whileInProgress?: boolean;
}
export interface ResponsesRepo {
  append(r: ResponseInput): Promise<AppendOutcome>;
  /**
   * Appends many answers in ONE transaction (group commit) and reports per answer, in input order.
   * Duplicates inside the batch or against stored rows come back as 'duplicate'.
   * Throws (nothing stored) when the batch breaks a constraint other than the idempotency key
   * (for example an unknown session).
   */
  appendResponses(batch: ResponseInput[], opts?: AppendOptions): Promise<AppendOutcome[]>;
  /** The answer with the highest client_seq per item of a session (ties impossible by the unique key). */
  latestResponses(sessionId: string): Promise<Response[]>;
  /** Full history of a session in server order. */
  history(sessionId: string): Promise<Response[]>;
  count(filter?: { sessionId?: string }): Promise<number>;
}

// ---------------------------------------------------------------- results
export type NewResult = Opt<Omit<Result, 'version'>, 'id' | 'reason' | 'theta' | 'se' | 'scaledScore' | 'level' | 'itemVersions' | 'parameterVersions' | 'createdAt'>;
export interface ResultsRepo {
  /** Adds a result with version = previous version + 1 (1 for the first scoring). */
  add(r: NewResult): Promise<Result>;
  latest(sessionId: string): Promise<Result | undefined>;
  list(sessionId: string): Promise<Result[]>;
  /** Latest result of every session of an event. */
  latestByEvent(eventId: string): Promise<Result[]>;
}

// ---------------------------------------------------------------- incidents
export type NewIncident = Opt<Incident, 'id' | 'sessionId' | 'roomId' | 'actor' | 'note' | 'details' | 'at'>;
export interface IncidentsRepo {
  add(i: NewIncident): Promise<Incident>;
  listByEvent(eventId: string, filter?: { since?: number; roomId?: string }): Promise<Incident[]>;
  listBySession(sessionId: string): Promise<Incident[]>;
}

// ---------------------------------------------------------------- audit
export interface AuditInput {
  actor?: string | null;
  action: string;
  target?: string | null;
  details?: JsonValue;
  at?: number;
}
export interface AuditVerification {
  ok: boolean;
  /** Number of entries checked. */
  checked: number;
  /** First seq whose hash or link does not verify (undefined when ok). */
  firstBrokenSeq?: number;
  /** Newest verified entry (when ok and not empty): publish its hash elsewhere to detect truncation. */
  head?: { seq: number; hash: string };
}
export interface AuditRepo {
  /** Appends one entry; appends are serialised so the chain has no forks. */
  append(e: AuditInput): Promise<AuditEntry>;
  appendMany(list: AuditInput[]): Promise<AuditEntry[]>;
  list(filter?: { afterSeq?: number; limit?: number; action?: string; target?: string; actor?: string }): Promise<AuditEntry[]>;
  /** Recomputes the hash chain from the first entry. */
  verifyAuditChain(): Promise<AuditVerification>;
}

// ---------------------------------------------------------------- app (login) sessions
export type NewAppSession = Opt<AppSession, 'userId' | 'candidateId' | 'examSessionId' | 'data' | 'createdAt' | 'lastSeenAt'>;
export interface AppSessionsRepo {
  create(s: NewAppSession): Promise<AppSession>;
  get(idHash: string): Promise<AppSession | undefined>;
  touch(idHash: string, at: number, expiresAt?: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<number>;
  /** Removes sessions with expires_at <= now; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

// ---------------------------------------------------------------- login failures (rate limit)
/**
 * Failed-login windows shared by every engine process (engine/auth/rate-limit.ts). A window is
 * live while reset_at > now; the caller's clock decides, the store only keeps the rows.
 */
/** What `LoginFailuresRepo.reserve` did. */
export type LoginReservation =
  /** Counted: the account's window after the increment. */
  | { reserved: true; window: LoginFailure }
  /** Refused, nothing written: the stored windows of the account and IP keys (for Retry-After). */
  | { reserved: false; windows: LoginFailure[] };

export interface LoginFailuresRepo {
  /** The stored windows of these keys, expired ones included (one query). */
  get(keys: readonly string[]): Promise<LoginFailure[]>;
  /**
   * Counts one attempt of `account` BEFORE it is verified, in ONE atomic statement: its
   * `pending` + 1 (a key without a live window starts one with failures 0, pending 1) unless
   * the `ip` key has `maxPerIp` failures, or the account failures + pending >= `maxPerAccount`,
   * in a live window: then nothing is written. Of concurrent calls from any number of
   * processes, at most `maxPerAccount` - failures are reserved. (The IP is only read.) Each
   * reservation extends the account's lease to now + `leaseMs`; once it has ended, the pending
   * attempts count no more (their verdicts were lost) and pending starts again at 1.
   */
  reserve(account: string, ip: string, now: number, windowMs: number, limits: { maxPerAccount: number; maxPerIp: number; leaseMs: number }): Promise<LoginReservation>;
  /** Takes one reserved attempt of `key` back, undecided (its pending - 1, never below 0). */
  release(key: string): Promise<void>;
  /**
   * Counts one failure for each key in ONE atomic statement (an UPSERT): a key without a row,
   * or whose window has ended (reset_at <= now), starts a new window of 1 failure ending at
   * now + windowMs; a live window gains 1. Concurrent calls from any number of processes all
   * count. `decided`: the key (one of `keys`) whose reserved attempt failed: its pending - 1
   * (never below 0). An ended window restarts with pending 0. Returns the windows after it.
   */
  recordFailure(keys: readonly string[], now: number, windowMs: number, decided?: string): Promise<LoginFailure[]>;
  /** Forgets the windows of these keys (one statement). */
  clear(keys: readonly string[]): Promise<void>;
  /** Removes windows with reset_at <= now; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

// ---------------------------------------------------------------- model versions
export interface ModelsRepo {
  /** Saves a new version of a named model (version = previous + 1). */
  save(m: { name: string; card: JsonValue; metrics?: JsonValue; weights?: Buffer | null; createdAt?: number }): Promise<ModelVersion>;
  latest(name: string): Promise<ModelVersion | undefined>;
  get(name: string, version: number): Promise<ModelVersion | undefined>;
  list(name: string): Promise<Array<Omit<ModelVersion, 'weights'>>>;
}

// ---------------------------------------------------------------- career outcomes
export type NewCareerOutcome = Opt<CareerOutcome, 'id' | 'source' | 'recordedAt'>;
export interface CareerOutcomesRepo {
  add(o: NewCareerOutcome): Promise<CareerOutcome>;
  listByCandidate(candidateId: string): Promise<CareerOutcome[]>;
  listAll(): Promise<CareerOutcome[]>;
}

/** All repositories, bound to a connection or to a transaction. */
export interface Repositories {
  users: UsersRepo;
  schools: SchoolsRepo;
  candidates: CandidatesRepo;
  itemBanks: ItemBanksRepo;
  tests: TestsRepo;
  events: EventsRepo;
  sessions: SessionsRepo;
  responses: ResponsesRepo;
  results: ResultsRepo;
  incidents: IncidentsRepo;
  audit: AuditRepo;
  appSessions: AppSessionsRepo;
  loginFailures: LoginFailuresRepo;
  models: ModelsRepo;
  careerOutcomes: CareerOutcomesRepo;
}

/** Raw SQL for tests and maintenance. Placeholders are `?` in both dialects. */
export interface RawSql {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs one or more statements without parameters. */
  exec(sql: string): Promise<void>;
}

export type Dialect = 'sqlite' | 'postgres';

/** Repositories bound to one transaction. */
export interface StoreTx extends Repositories {
  dialect: Dialect;
  raw: RawSql;
}

export interface Store extends Repositories {
  dialect: Dialect;
  /** The URL the store was opened with (password masked). */
  url: string;
  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws.
   * Use only `tx` inside `fn` (calling the outer store from inside waits for the transaction
   * to end on SQLite — a deadlock).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Applies the committed drizzle-kit migrations of this dialect (idempotent; serialised across processes on PostgreSQL). */
  migrate(): Promise<void>;
  /** True when no migration has been applied yet (fresh database). */
  isEmpty(): Promise<boolean>;
  raw: RawSql;
  close(): Promise<void>;
}
