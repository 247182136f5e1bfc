/**
 * The committed drizzle-kit migrations are up to date with the schema files: diffing the last
 * committed snapshot against the current schema yields no statement (else run `npm run db:generate`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateDrizzleJson, generateMigration, generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import * as sqlite from './schema.sqlite.ts';
import * as pg from './schema.pg.ts';

function lastSnapshot(dialect: 'sqlite' | 'pg') {
  const dir = fileURLToPath(new URL(`./migrations/${dialect}/meta/`, import.meta.url));
  const journal = JSON.parse(readFileSync(dir + '_journal.json', 'utf8')) as { entries: Array<{ idx: number }> };
  const idx = String(journal.entries.at(-1)!.idx).padStart(4, '0');
  return JSON.parse(readFileSync(`${dir}${idx}_snapshot.json`, 'utf8'));
}

describe('committed migrations', () => {
  it('match schema.sqlite.ts', async () => {
    const prev = lastSnapshot('sqlite');
    const cur = await generateSQLiteDrizzleJson(sqlite as unknown as Record<string, unknown>, prev.id);
    expect(await generateSQLiteMigration(prev, cur), 'run npm run db:generate').toEqual([]);
  });

  it('match schema.pg.ts', async () => {
    const prev = lastSnapshot('pg');
    const cur = generateDrizzleJson(pg as unknown as Record<string, unknown>, prev.id);
    expect(await generateMigration(prev, cur), 'run npm run db:generate').toEqual([]);
  });
});
