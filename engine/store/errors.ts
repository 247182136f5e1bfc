/**
 * Database errors as one dialect-neutral type. drizzle's query errors carry the bound
 * parameters in their message (password hashes, names of minors): StoreError keeps only the
 * kind of failure and the constraint, so it is safe to log.
 */
export type StoreErrorKind = 'unique' | 'foreign_key' | 'not_null' | 'check' | 'busy' | 'conflict' | 'other';

export class StoreError extends Error {
  readonly kind: StoreErrorKind;
  /** Constraint or column named by the database, when it says. */
  readonly constraint?: string;
  constructor(kind: StoreErrorKind, message: string, constraint?: string) {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
    this.constraint = constraint;
  }
}

const sqliteKinds: Record<string, StoreErrorKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_BUSY: 'busy',
  SQLITE_LOCKED: 'busy',
};
const pgKinds: Record<string, StoreErrorKind> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23502': 'not_null',
  '23514': 'check',
  '40001': 'conflict',
  '40P01': 'conflict',
  '55P03': 'busy',
};

/** Converts a driver or drizzle error into a StoreError; other errors pass through unchanged. */
export function toStoreError(e: unknown): unknown {
  if (e instanceof StoreError || !(e instanceof Error)) return e;
  const cause = (e.name === 'DrizzleQueryError' || e.constructor?.name === 'DrizzleQueryError') && e.cause instanceof Error ? e.cause : e;
  const code = (cause as { code?: unknown }).code;
  if (typeof code !== 'string') {
    return cause === e ? e : new StoreError('other', `database error: ${cause.message}`);
  }
  if (code.startsWith('SQLITE_')) {
    // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CONSTRAINT_UNIQUE, ...) fall back to their primary code.
    const kind = sqliteKinds[code] ?? sqliteKinds[/^SQLITE_[A-Z]+/.exec(code)![0]] ?? 'other';
    // SQLite names the column(s): "UNIQUE constraint failed: users.username".
    const m = /constraint failed: (.+)$/.exec(cause.message);
    return new StoreError(kind, cause.message, m?.[1]);
  }
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const constraint = (cause as { constraint?: string }).constraint;
    return new StoreError(pgKinds[code] ?? 'other', cause.message, constraint);
  }
  return cause === e ? e : new StoreError('other', `database error: ${cause.message}`);
}

/** True when `e` is a StoreError of the given kind. */
export function isStoreError(e: unknown, kind?: StoreErrorKind): e is StoreError {
  return e instanceof StoreError && (kind === undefined || e.kind === kind);
}
