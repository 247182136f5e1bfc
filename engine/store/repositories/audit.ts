/**
 * Hash-chained audit log. Each entry's hash = sha256(prev_hash + canonical JSON of
 * {seq, at, actor, action, target, details}); the first entry links to 64 zeros.
 * Appends are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
 * lock), so seq is gapless and the chain never forks, even across processes.
 */
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { AuditEntry, AuditInput, AuditRepo, JsonValue } from '../types.ts';
import { canonicalJson } from '../json.ts';
import { first, sha256 } from './util.ts';

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK = 7165002;

/** The hash of an entry given the previous hash (exported for tools that verify exports). */
export function auditHash(prevHash: string, e: Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'action' | 'target' | 'details'>): string {
  return sha256(prevHash + canonicalJson({ seq: e.seq, at: e.at, actor: e.actor, action: e.action, target: e.target, details: e.details }));
}

export function auditRepo(c: Ctx): AuditRepo {
  const { auditLog } = c.t;
  const appendMany = (list: AuditInput[]) => c.tx(async ({ db, now, pg }) => {
    if (pg) await pg.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const last = first(await db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1));
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const rows: AuditEntry[] = [];
    for (const e of list) {
      // Round-trip through JSON so what is hashed is exactly what is stored (Dates become strings, undefined drops).
      const details = (e.details === undefined ? null : JSON.parse(JSON.stringify(e.details))) as JsonValue;
      const entry = { seq: ++seq, at: e.at ?? now(), actor: e.actor ?? null, action: e.action, target: e.target ?? null, details };
      const hash = auditHash(prevHash, entry);
      rows.push({ ...entry, prevHash, hash });
      prevHash = hash;
    }
    for (let i = 0; i < rows.length; i += 500) await db.insert(auditLog).values(rows.slice(i, i + 500));
    return rows;
  });
  return {
    append: async (e) => (await appendMany([e]))[0],
    appendMany: async (list) => (list.length ? appendMany(list) : []),
    list: (f = {}) => c.read(async ({ db }) => db.select().from(auditLog).where(and(
      f.afterSeq !== undefined ? gt(auditLog.seq, f.afterSeq) : undefined,
      f.action !== undefined ? eq(auditLog.action, f.action) : undefined,
      f.target !== undefined ? eq(auditLog.target, f.target) : undefined,
      f.actor !== undefined ? eq(auditLog.actor, f.actor) : undefined,
    )).orderBy(asc(auditLog.seq)).limit(f.limit ?? 1000)),
    verifyAuditChain: async () => {
      let prevHash = GENESIS_HASH;
      let expectedSeq = 1;
      let checked = 0;
      for (;;) {
        const page = await c.read(async ({ db }) => db.select().from(auditLog).where(gt(auditLog.seq, expectedSeq - 1)).orderBy(asc(auditLog.seq)).limit(2000));
        for (const e of page) {
          // A deleted row shows as a gap; an edited row as a hash mismatch; a re-linked row as a prev_hash mismatch.
          if (e.seq !== expectedSeq || e.prevHash !== prevHash || auditHash(prevHash, e) !== e.hash) return { ok: false, checked, firstBrokenSeq: e.seq !== expectedSeq ? expectedSeq : e.seq };
          prevHash = e.hash;
          expectedSeq++;
          checked++;
        }
        if (page.length < 2000) return checked ? { ok: true, checked, head: { seq: expectedSeq - 1, hash: prevHash } } : { ok: true, checked };
      }
    },
  };
}
