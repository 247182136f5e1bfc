/**
 * Assay schema for SQLite (better-sqlite3). Mirrored line for line by schema.pg.ts:
 * only the imports and the column helpers at the top differ, and schema.test.ts proves
 * that both declare the same tables, columns, nullability, keys, foreign keys and indexes.
 *
 * Conventions (both dialects):
 * - Entity ids are text (crypto.randomUUID()); responses.id and audit_log.seq are integers
 *   assigned by the store (they order the append-only streams).
 * - Times are integers: milliseconds since the Unix epoch (UTC).
 * - JSON columns hold plain JSON values (SQLite text, PostgreSQL jsonb).
 */
import { sqliteTable as table, text, integer, real, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import type { JsonValue } from './json.ts';

// ---- dialect helpers (the only part that differs from schema.pg.ts) ----
/** Epoch milliseconds. */
const ms = (name: string) => integer(name);
const int = (name: string) => integer(name);
const float = (name: string) => real(name);
const bool = (name: string) => integer(name, { mode: 'boolean' });
const json = <T = JsonValue>(name: string) => text(name, { mode: 'json' }).$type<T>();
const bytes = (name: string) => blob(name, { mode: 'buffer' });
/** Integer primary key assigned by the database (rowid alias in SQLite). */
const serialId = (name: string) => integer(name).primaryKey();
// ---- end of dialect helpers ----

export const staffRoles = ['admin', 'author', 'proctor', 'counsellor'] as const;
export const sessionStates = ['scheduled', 'admitted', 'in_progress', 'paused', 'submitted', 'timed_out', 'voided', 'scored'] as const;
export const eventStatuses = ['draft', 'published', 'closed'] as const;

export const users = table('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: staffRoles }).notNull(),
  displayName: text('display_name'),
  active: bool('active').notNull().default(true),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
}, (t) => [uniqueIndex('users_username_uq').on(t.username)]);

export const schools = table('schools', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  district: text('district'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('schools_code_uq').on(t.code)]);

/** Scope of a counsellor or proctor: the schools they may see. */
export const userSchools = table('user_schools', {
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  schoolId: text('school_id').notNull().references(() => schools.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ name: 'user_schools_pk', columns: [t.userId, t.schoolId] }), index('user_schools_school_idx').on(t.schoolId)]);

export const classes = table('classes', {
  id: text('id').primaryKey(),
  schoolId: text('school_id').notNull().references(() => schools.id),
  name: text('name').notNull(),
  grade: int('grade'),
  schoolYear: text('school_year'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('classes_school_name_year_uq').on(t.schoolId, t.name, t.schoolYear)]);

/** A student under a pseudonymous id: everything analytics may read. */
export const candidates = table('candidates', {
  id: text('id').primaryKey(),
  schoolId: text('school_id').references(() => schools.id),
  classId: text('class_id').references(() => classes.id),
  grade: int('grade'),
  consentCareer: bool('consent_career').notNull().default(false),
  createdAt: ms('created_at').notNull(),
}, (t) => [index('candidates_school_idx').on(t.schoolId), index('candidates_class_idx').on(t.classId)]);

/** Personal data of a candidate, kept apart so that analytics and exports never join it. */
export const personalData = table('personal_data', {
  candidateId: text('candidate_id').primaryKey().references(() => candidates.id, { onDelete: 'cascade' }),
  fullName: text('full_name').notNull(),
  dateOfBirth: text('date_of_birth'),
  gender: text('gender'),
  studentCode: text('student_code'),
  email: text('email'),
  guardianContact: text('guardian_contact'),
  extra: json<Record<string, JsonValue>>('extra'),
  updatedAt: ms('updated_at').notNull(),
}, (t) => [index('personal_data_student_code_idx').on(t.studentCode)]);

export const itemBanks = table('item_banks', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  language: text('language'),
  subject: text('subject'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('item_banks_code_uq').on(t.code)]);

export const items = table('items', {
  id: text('id').primaryKey(),
  bankId: text('bank_id').notNull().references(() => itemBanks.id),
  identifier: text('identifier').notNull(),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('items_bank_identifier_uq').on(t.bankId, t.identifier)]);

/** Immutable versions of an item's content; a re-import of identical content is recognised by content_hash. */
export const itemVersions = table('item_versions', {
  id: text('id').primaryKey(),
  itemId: text('item_id').notNull().references(() => items.id),
  version: int('version').notNull(),
  contentHash: text('content_hash').notNull(),
  qtiXml: text('qti_xml').notNull(),
  model: json('model'),
  metadata: json('metadata'),
  irtParams: json('irt_params'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('item_versions_item_version_uq').on(t.itemId, t.version), index('item_versions_hash_idx').on(t.itemId, t.contentHash)]);

/** IRT parameter versions of an item version (calibrations); results name the one they used. */
export const itemParameters = table('item_parameters', {
  id: text('id').primaryKey(),
  itemVersionId: text('item_version_id').notNull().references(() => itemVersions.id),
  version: int('version').notNull(),
  model: text('model').notNull(),
  params: json('params').notNull(),
  source: text('source'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('item_parameters_version_uq').on(t.itemVersionId, t.version)]);

export const media = table('media', {
  id: text('id').primaryKey(),
  bankId: text('bank_id').notNull().references(() => itemBanks.id),
  path: text('path').notNull(),
  mime: text('mime').notNull(),
  size: int('size').notNull(),
  hash: text('hash').notNull(),
  bytes: bytes('bytes').notNull(),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('media_bank_path_hash_uq').on(t.bankId, t.path, t.hash)]);

/** assessmentTest versions. */
export const tests = table('tests', {
  id: text('id').primaryKey(),
  bankId: text('bank_id').references(() => itemBanks.id),
  identifier: text('identifier').notNull(),
  version: int('version').notNull(),
  title: text('title'),
  contentHash: text('content_hash').notNull(),
  qtiXml: text('qti_xml'),
  model: json('model'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('tests_identifier_version_uq').on(t.identifier, t.version)]);

export const examEvents = table('exam_events', {
  id: text('id').primaryKey(),
  code: text('code').notNull(),
  title: text('title').notNull(),
  testId: text('test_id').references(() => tests.id),
  opensAt: ms('opens_at'),
  closesAt: ms('closes_at'),
  status: text('status', { enum: eventStatuses }).notNull().default('draft'),
  settings: json<Record<string, JsonValue>>('settings').notNull(),
  createdBy: text('created_by').references(() => users.id),
  createdAt: ms('created_at').notNull(),
  publishedAt: ms('published_at'),
}, (t) => [uniqueIndex('exam_events_code_uq').on(t.code), index('exam_events_status_idx').on(t.status)]);

export const rooms = table('rooms', {
  id: text('id').primaryKey(),
  eventId: text('event_id').notNull().references(() => examEvents.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  capacity: int('capacity'),
}, (t) => [uniqueIndex('rooms_event_name_uq').on(t.eventId, t.name)]);

export const roomProctors = table('room_proctors', {
  roomId: text('room_id').notNull().references(() => rooms.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ name: 'room_proctors_pk', columns: [t.roomId, t.userId] }), index('room_proctors_user_idx').on(t.userId)]);

export const roster = table('roster', {
  id: text('id').primaryKey(),
  eventId: text('event_id').notNull().references(() => examEvents.id, { onDelete: 'cascade' }),
  candidateId: text('candidate_id').notNull().references(() => candidates.id),
  roomId: text('room_id').references(() => rooms.id),
  ticketCode: text('ticket_code').notNull(),
  pinHash: text('pin_hash'),
  accommodations: json<Record<string, JsonValue>>('accommodations'),
  createdAt: ms('created_at').notNull(),
}, (t) => [
  uniqueIndex('roster_ticket_code_uq').on(t.ticketCode),
  uniqueIndex('roster_event_candidate_uq').on(t.eventId, t.candidateId),
  index('roster_room_idx').on(t.roomId),
]);

export const examSessions = table('exam_sessions', {
  id: text('id').primaryKey(),
  eventId: text('event_id').notNull().references(() => examEvents.id),
  candidateId: text('candidate_id').notNull().references(() => candidates.id),
  state: text('state', { enum: sessionStates }).notNull(),
  seed: text('seed').notNull(),
  itemOrder: json('item_order'),
  deadlineAt: ms('deadline_at'),
  startedAt: ms('started_at'),
  pausedAt: ms('paused_at'),
  pausedMs: int('paused_ms').notNull().default(0),
  extensionMs: int('extension_ms').notNull().default(0),
  position: json('position'),
  lastSeenAt: ms('last_seen_at'),
  submittedAt: ms('submitted_at'),
  /** Optimistic lock: every state transition bumps it (compare-and-set). */
  version: int('version').notNull().default(0),
  thetaTrace: json('theta_trace'),
  data: json('data'),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
}, (t) => [uniqueIndex('exam_sessions_event_candidate_uq').on(t.eventId, t.candidateId), index('exam_sessions_event_state_idx').on(t.eventId, t.state), index('exam_sessions_candidate_idx').on(t.candidateId), /* the time-out sweep */ index('exam_sessions_state_deadline_idx').on(t.state, t.deadlineAt)]);

/** Append-only answer history. (session, item, client_seq) is the idempotency key of a save. */
export const responses = table('responses', {
  id: serialId('id'),
  sessionId: text('session_id').notNull().references(() => examSessions.id),
  itemIdentifier: text('item_identifier').notNull(),
  responseIdentifier: text('response_identifier'),
  value: json('value'),
  clientSeq: int('client_seq').notNull(),
  receivedAt: ms('received_at').notNull(),
}, (t) => [uniqueIndex('responses_session_item_seq_uq').on(t.sessionId, t.itemIdentifier, t.clientSeq)]);

/** Scored results; version 1 is the first scoring, later versions are rescorings with a reason. */
export const results = table('results', {
  id: text('id').primaryKey(),
  sessionId: text('session_id').notNull().references(() => examSessions.id),
  version: int('version').notNull(),
  reason: text('reason'),
  outcomes: json('outcomes').notNull(),
  theta: float('theta'),
  se: float('se'),
  scaledScore: float('scaled_score'),
  level: text('level'),
  itemVersions: json<Record<string, string>>('item_versions'),
  parameterVersions: json<Record<string, string>>('parameter_versions'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('results_session_version_uq').on(t.sessionId, t.version)]);

/** Proctor events and incidents (focus lost, fullscreen left, notes, actions). */
export const incidents = table('incidents', {
  id: text('id').primaryKey(),
  eventId: text('event_id').notNull().references(() => examEvents.id),
  sessionId: text('session_id').references(() => examSessions.id),
  roomId: text('room_id').references(() => rooms.id),
  kind: text('kind').notNull(),
  actor: text('actor'),
  note: text('note'),
  details: json('details'),
  at: ms('at').notNull(),
}, (t) => [index('incidents_event_at_idx').on(t.eventId, t.at), index('incidents_session_idx').on(t.sessionId)]);

/** Hash-chained audit trail: hash = sha256(prev_hash + canonical JSON of the entry). */
export const auditLog = table('audit_log', {
  seq: int('seq').primaryKey(),
  at: ms('at').notNull(),
  actor: text('actor'),
  action: text('action').notNull(),
  target: text('target'),
  details: json('details'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
}, (t) => [index('audit_log_action_idx').on(t.action), index('audit_log_target_idx').on(t.target)]);

/** Login sessions; the cookie holds the token, the table only its hash. */
export const appSessions = table('app_sessions', {
  idHash: text('id_hash').primaryKey(),
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  candidateId: text('candidate_id').references(() => candidates.id, { onDelete: 'cascade' }),
  examSessionId: text('exam_session_id').references(() => examSessions.id, { onDelete: 'cascade' }),
  role: text('role').notNull(),
  csrfToken: text('csrf_token').notNull(),
  data: json('data'),
  createdAt: ms('created_at').notNull(),
  expiresAt: ms('expires_at').notNull(),
  lastSeenAt: ms('last_seen_at'),
}, (t) => [index('app_sessions_expires_idx').on(t.expiresAt), index('app_sessions_user_idx').on(t.userId)]);

/**
 * Failed logins per rate-limit key (`a:<account>`, `i:<ip>`) in a fixed window ending at
 * reset_at: shared by every engine process, so the limits hold across them (docs/security.md).
 */
export const loginFailures = table('login_failures', {
  key: text('key').primaryKey(),
  failures: int('failures').notNull(),
  // Attempts of an account counted before their verification and not decided yet: they hold
  // places under the limit until pending_until (a lease, so that attempts whose verdict was never
  // written, a process killed mid-login, do not hold them for the whole window; rate-limit.ts).
  pending: int('pending').notNull().default(0),
  pendingUntil: ms('pending_until').notNull().default(0),
  // No index on reset_at: only the hourly prune reads by it, and every failure would pay for one.
  resetAt: ms('reset_at').notNull(),
});

/** Trained models (career guidance): model card, metrics and weights per version. */
export const modelVersions = table('model_versions', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  version: int('version').notNull(),
  card: json('card').notNull(),
  metrics: json('metrics'),
  weights: bytes('weights'),
  createdAt: ms('created_at').notNull(),
}, (t) => [uniqueIndex('model_versions_name_version_uq').on(t.name, t.version)]);

/** What became of a student (track chosen, admission, ...) — labels for the career model. */
export const careerOutcomes = table('career_outcomes', {
  id: text('id').primaryKey(),
  candidateId: text('candidate_id').notNull().references(() => candidates.id, { onDelete: 'cascade' }),
  kind: text('kind').notNull(),
  value: json('value').notNull(),
  source: text('source'),
  recordedAt: ms('recorded_at').notNull(),
}, (t) => [index('career_outcomes_candidate_idx').on(t.candidateId)]);
