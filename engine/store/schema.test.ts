/**
 * Proves schema.sqlite.ts and schema.pg.ts describe the same database: same tables, columns,
 * kinds, nullability, defaults, primary keys, foreign keys and indexes — and, at compile time,
 * identical row types (which is what lets one set of repositories serve both dialects).
 */
import { describe, expect, it } from 'vitest';
import { is } from 'drizzle-orm';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import * as sqlite from './schema.sqlite.ts';
import * as pg from './schema.pg.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type TableKeys = { [K in keyof typeof sqlite]: (typeof sqlite)[K] extends SQLiteTable ? K : never }[keyof typeof sqlite];
type SameRows = { [K in TableKeys]: K extends keyof typeof pg ? Equal<(typeof sqlite)[K]['$inferSelect'], (typeof pg)[K]['$inferSelect']> : false };
// Compile-time proof: every table's select row type is identical in both dialects.
const sameRows: { [K in TableKeys]: true } = null as unknown as SameRows;
void sameRows;

interface Shape {
  columns: Record<string, { kind: string; notNull: boolean; primary: boolean; default: unknown; enumValues?: string[] }>;
  primaryKeys: string[][];
  indexes: Record<string, { columns: string[]; unique: boolean }>;
  foreignKeys: string[];
}

// Dialect column kinds that mean the same stored value.
// PostgreSQL custom columns: bytea (a Buffer) and jsonb (a JSON value decoded once).
const customKinds: Record<string, string> = { bytea: 'buffer', jsonb: 'json' };
const kind = (c: { dataType: string; columnType: string; getSQLType(): string }) => (c.columnType === 'PgCustomColumn' ? customKinds[c.getSQLType()] ?? c.getSQLType() : c.dataType);

type AnyConfig = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;
function shape(cfg: AnyConfig): Shape {
  const columns: Shape['columns'] = {};
  for (const c of cfg.columns) {
    // An identity/rowid primary key has no literal default in either dialect.
    columns[c.name] = { kind: kind(c), notNull: c.notNull, primary: c.primary, default: c.default, enumValues: c.enumValues?.length ? [...c.enumValues] : undefined };
  }
  const primaryKeys = cfg.primaryKeys.map((pk) => pk.columns.map((c) => c.name));
  const indexes: Shape['indexes'] = {};
  for (const i of cfg.indexes) {
    indexes[i.config.name!] = { columns: i.config.columns.map((c) => (c as { name: string }).name), unique: Boolean(i.config.unique) };
  }
  const foreignKeys = cfg.foreignKeys.map((fk) => {
    const r = fk.reference();
    const target = is(r.foreignTable, SQLiteTable) ? sqliteConfig(r.foreignTable as SQLiteTable).name : pgConfig(r.foreignTable as PgTable).name;
    return `${r.columns.map((c) => c.name).join(',')} -> ${target}(${r.foreignColumns.map((c) => c.name).join(',')}) on delete ${fk.onDelete ?? 'no action'}`;
  }).sort();
  return { columns, primaryKeys, indexes, foreignKeys };
}

const sqliteTables = new Map(Object.entries(sqlite).filter(([, v]) => is(v, SQLiteTable)).map(([k, v]) => [k, sqliteConfig(v as SQLiteTable)]));
const pgTables = new Map(Object.entries(pg).filter(([, v]) => is(v, PgTable)).map(([k, v]) => [k, pgConfig(v as PgTable)]));

describe('mirrored schema files', () => {
  it('export the same tables under the same names', () => {
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    for (const [k, cfg] of sqliteTables) expect(pgTables.get(k)!.name, k).toBe(cfg.name);
    expect(sqliteTables.size).toBeGreaterThanOrEqual(24);
  });

  for (const [k, cfg] of sqliteTables) {
    it(`declare table ${cfg.name} identically`, () => {
      expect(shape(pgTables.get(k)!)).toEqual(shape(cfg));
    });
  }

  it('export the same enumerations', () => {
    expect(pg.staffRoles).toEqual(sqlite.staffRoles);
    expect(pg.sessionStates).toEqual(sqlite.sessionStates);
    expect(pg.eventStatuses).toEqual(sqlite.eventStatuses);
  });

  it('keep personal data out of the candidates table', () => {
    const cand = sqliteTables.get('candidates')!.columns.map((c) => c.name);
    for (const personal of ['full_name', 'date_of_birth', 'gender', 'email']) expect(cand).not.toContain(personal);
  });
});
