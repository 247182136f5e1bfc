/**
 * Assay store: the database layer for SQLite (better-sqlite3) and PostgreSQL (pg) with drizzle-orm.
 *
 *   const store = await openStore('sqlite:./data/assay.db');   // or 'sqlite::memory:', 'postgres://...'
 *   await store.migrate();
 *   const user = await store.users.create({ username: 'admin', passwordHash, role: 'admin' });
 *   await store.transaction(async (tx) => { ... tx.audit.append(...) ... });
 *
 * Ids are text (crypto.randomUUID()) except Response.id (server sequence) and AuditEntry.seq,
 * which are integers. Times are epoch milliseconds (numbers). See docs/storage.md.
 */
export { openStore, maskUrl, StoreUrlError, type OpenOptions } from './open.ts';
export { canonicalJson } from './json.ts';
export { StoreError, isStoreError, toStoreError, type StoreErrorKind } from './errors.ts';
export { auditHash, GENESIS_HASH } from './repositories/audit.ts';
export { TOUCH_SQLITE } from './repositories/sessions.ts';
export { APPEND_WHILE_IN_PROGRESS_SQLITE } from './repositories/responses.ts';
export { staffRoles, sessionStates, eventStatuses } from './schema.sqlite.ts';
export type * from './types.ts';
