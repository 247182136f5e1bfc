/**
 * Append-only answer history. Hot path of exam delivery, so it bypasses the query builder:
 * SQLite runs cached prepared statements inside one better-sqlite3 transaction per batch
 * (group commit: one fsync for the whole batch); PostgreSQL sends one
 * INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING RETURNING per batch.
 */
import type Database from 'better-sqlite3';
import { asc, count, eq, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import { runPrepared } from './util.ts';
import type { AppendOptions, AppendOutcome, JsonValue, Response, ResponseInput, ResponsesRepo } from '../types.ts';

interface RawResponse {
  id: number; session_id: string; item_identifier: string; response_identifier: string | null;
  value: unknown; client_seq: number; received_at: number;
}

const keyOf = (sessionId: string, item: string, seq: number) => `${sessionId}\u0000${item}\u0000${seq}`;

function fromRaw(r: RawResponse, jsonText: boolean): Response {
  return {
    id: Number(r.id), sessionId: r.session_id, itemIdentifier: r.item_identifier, responseIdentifier: r.response_identifier,
    value: (jsonText ? (r.value === null ? null : JSON.parse(r.value as string)) : r.value) as JsonValue,
    clientSeq: Number(r.client_seq), receivedAt: Number(r.received_at),
  };
}

function check(r: ResponseInput, i: number): void {
  if (!Number.isSafeInteger(r.clientSeq)) throw new TypeError(`responses[${i}].clientSeq must be an integer, got ${String(r.clientSeq)}`);
  if (typeof r.sessionId !== 'string' || typeof r.itemIdentifier !== 'string') throw new TypeError(`responses[${i}] needs a sessionId and an itemIdentifier`);
}

const LATEST_SQL = `SELECT r.* FROM responses r WHERE r.session_id = ? AND r.client_seq = (
  SELECT max(m.client_seq) FROM responses m WHERE m.session_id = r.session_id AND m.item_identifier = r.item_identifier
) ORDER BY r.item_identifier`;

/**
 * The guarded append on SQLite: a row only while its session is in progress, a retry of the
 * same (session, item, clientSeq) a no-op. Parameters: session, item, response, value (JSON
 * text), clientSeq, receivedAt, session. The SQLite answer thread runs this same statement
 * (engine/delivery/sqlite-answer-worker.ts). The WHERE makes SQLite read the trailing
 * ON CONFLICT as the upsert clause, not a join constraint.
 */
export const APPEND_WHILE_IN_PROGRESS_SQLITE = `INSERT INTO responses (session_id, item_identifier, response_identifier, value, client_seq, received_at)
    SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM exam_sessions WHERE id = ? AND state = 'in_progress')
    ON CONFLICT (session_id, item_identifier, client_seq) DO NOTHING`;

/** Prepared statements per SQLite connection. */
const sqliteStatements = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function prepare(db: Database.Database) {
  const insert = db.prepare(`INSERT INTO responses (session_id, item_identifier, response_identifier, value, client_seq, received_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, item_identifier, client_seq) DO NOTHING RETURNING *`);
  const insertWhileInProgress = db.prepare(`${APPEND_WHILE_IN_PROGRESS_SQLITE} RETURNING *`);
  const existing = db.prepare('SELECT * FROM responses WHERE session_id = ? AND item_identifier = ? AND client_seq = ?');
  const appendAll = (batch: ResponseInput[], at: number, guard: boolean): AppendOutcome[] => batch.map((r) => {
    const args = [r.sessionId, r.itemIdentifier, r.responseIdentifier ?? null, r.value === null || r.value === undefined ? null : JSON.stringify(r.value), r.clientSeq, r.receivedAt ?? at];
    const row = (guard ? insertWhileInProgress.get(...args, r.sessionId) : insert.get(...args)) as RawResponse | undefined;
    if (row) return { status: 'stored', response: fromRaw(row, true) };
    const e = existing.get(r.sessionId, r.itemIdentifier, r.clientSeq) as RawResponse | undefined;
    return e ? { status: 'duplicate', response: fromRaw(e, true) } : { status: 'closed' };
  });
  return { tx: db.transaction(appendAll), latest: db.prepare(LATEST_SQL) };
}
function statements(db: Database.Database) {
  let s = sqliteStatements.get(db);
  if (!s) sqliteStatements.set(db, (s = prepare(db)));
  return s;
}

async function appendPg(c: Ctx, batch: ResponseInput[], at: number, guard: boolean): Promise<AppendOutcome[]> {
  const pg = c.pg!;
  const cols: [string[], string[], Array<string | null>, Array<string | null>, number[], number[]] = [[], [], [], [], [], []];
  for (const r of batch) {
    cols[0].push(r.sessionId); cols[1].push(r.itemIdentifier); cols[2].push(r.responseIdentifier ?? null);
    cols[3].push(r.value === null || r.value === undefined ? null : JSON.stringify(r.value));
    cols[4].push(r.clientSeq); cols[5].push(r.receivedAt ?? at);
  }
  // WITH ORDINALITY + ORDER BY keeps ids in input order.
  // The guard share-locks the sessions (in id order, so two answer groups never wait on each
  // other): a submission's UPDATE then waits until this transaction commits, so scoring reads
  // every answer stored here; and an answer behind an uncommitted submission waits for it and
  // re-reads the row as submitted. A plain EXISTS read the last committed state and let an
  // acknowledged answer commit after scoring had read the answers.
  const ins = await pg.query<RawResponse>(`${guard ? "WITH open AS MATERIALIZED (SELECT id FROM exam_sessions WHERE id = ANY($1::text[]) AND state = 'in_progress' ORDER BY id FOR SHARE) " : ''}INSERT INTO responses (session_id, item_identifier, response_identifier, value, client_seq, received_at)
    SELECT s, i, ri, v, q, t FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::int[], $6::bigint[]) WITH ORDINALITY AS x(s, i, ri, v, q, t, n)
    ${guard ? 'WHERE x.s IN (SELECT id FROM open)' : ''} ORDER BY n
    ON CONFLICT (session_id, item_identifier, client_seq) DO NOTHING RETURNING *`, cols);
  const stored = new Map<string, Response>();
  for (const row of ins.rows) { const r = fromRaw(row, false); stored.set(keyOf(r.sessionId, r.itemIdentifier, r.clientSeq), r); }
  const missing = batch.filter((r) => !stored.has(keyOf(r.sessionId, r.itemIdentifier, r.clientSeq)));
  const existing = new Map<string, Response>();
  if (missing.length) {
    const ex = await pg.query<RawResponse>(`SELECT r.* FROM responses r JOIN unnest($1::text[], $2::text[], $3::int[]) AS k(s, i, q)
      ON r.session_id = k.s AND r.item_identifier = k.i AND r.client_seq = k.q`,
      [missing.map((r) => r.sessionId), missing.map((r) => r.itemIdentifier), missing.map((r) => r.clientSeq)]);
    for (const row of ex.rows) { const r = fromRaw(row, false); existing.set(keyOf(r.sessionId, r.itemIdentifier, r.clientSeq), r); }
  }
  return batch.map((r) => {
    const k = keyOf(r.sessionId, r.itemIdentifier, r.clientSeq);
    const s = stored.get(k);
    if (s) { stored.delete(k); existing.set(k, s); return { status: 'stored' as const, response: s }; } // later copies in the batch are duplicates
    const e = existing.get(k);
    if (e) return { status: 'duplicate' as const, response: e };
    if (guard) return { status: 'closed' as const };
    throw new Error(`response ${r.sessionId}/${r.itemIdentifier}#${r.clientSeq} neither stored nor found`);
  });
}

export function responsesRepo(c: Ctx): ResponsesRepo {
  const { responses } = c.t;
  const appendResponses = async (batch: ResponseInput[], opts: AppendOptions = {}): Promise<AppendOutcome[]> => {
    batch.forEach(check);
    if (batch.length === 0) return [];
    const guard = opts.whileInProgress === true;
    if (c.dialect === 'sqlite') return c.run(async ({ sqlite, now }) => statements(sqlite!).tx(batch, now(), guard));
    // One INSERT statement is atomic on its own: no BEGIN/COMMIT round trips needed.
    return c.run((x) => appendPg(x, batch, x.now(), guard));
  };
  return {
    append: async (r) => (await appendResponses([r]))[0],
    appendResponses,
    latestResponses: (sessionId) => c.read(async ({ sqlite, pg }) => {
      if (sqlite) return (statements(sqlite).latest.all(sessionId) as RawResponse[]).map((r) => fromRaw(r, true));
      return (await pg!.query<RawResponse>(LATEST_SQL.replace('?', '$1'), [sessionId])).rows.map((r) => fromRaw(r, false));
    }),
    // Prepared: every scoring reads a session's whole history.
    history: (sessionId) => c.read(async (x) => runPrepared<Response[]>(x, 'responses.history', () => x.db.select().from(responses).where(eq(responses.sessionId, sql.placeholder('sessionId'))).orderBy(asc(responses.id)), { sessionId })),
    count: (f = {}) => c.read(async ({ db }) => Number((await db.select({ n: count() }).from(responses).where(f.sessionId !== undefined ? eq(responses.sessionId, f.sessionId) : undefined))[0].n)),
  };
}
