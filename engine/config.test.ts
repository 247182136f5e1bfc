import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, ensureSecret, loadConfig, parseDbUrl } from './config.ts';
import { tempDir } from '../tests/support/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '..');

describe('config', () => {
  it('defaults: SQLite ./data/assay.db, port 3000', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/assay' });
    expect(c.db).toEqual({ dialect: 'sqlite', url: 'sqlite:/srv/assay/data/assay.db', file: '/srv/assay/data/assay.db' });
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('/srv/assay/data');
    expect(c.bodyLimit).toBe(1024 * 1024);
  });

  it('flags override the environment', () => {
    const c = loadConfig({ env: { ASSAY_DB: 'sqlite:/a.db', PORT: '4000' }, argv: ['--db', 'postgres://u:p@db:5432/assay', '--port=5000'] });
    expect(c.db.dialect).toBe('postgres');
    expect(c.port).toBe(5000);
  });

  it('a bad ASSAY_DB gets one line naming the value and the accepted forms', () => {
    expect(() => loadConfig({ env: { ASSAY_DB: 'mysql://x/y' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { ASSAY_DB: 'mysql://x/y' } })).toThrow(/ASSAY_DB 'mysql:\/\/x\/y' is not supported: use sqlite:<file>.*postgres:\/\//);
    expect(() => parseDbUrl('sqlite:')).toThrow(/names no file/);
    expect(() => parseDbUrl('postgres://u:secret@')).toThrow(/postgres:\/\/u:\*\*\*@/);
  });

  it('engine processes: 1 by default, --workers N or auto (one per core), and a clear error otherwise', () => {
    expect(loadConfig({ env: {} }).workers).toBe(1);
    expect(loadConfig({ env: { ASSAY_WORKERS: '3' } }).workers).toBe(3);
    expect(loadConfig({ env: {}, argv: ['--workers', 'auto'] }).workers).toBe(availableParallelism());
    expect(() => loadConfig({ env: {}, argv: ['--workers', 'two'] })).toThrow(/invalid workers: ASSAY_WORKERS \(--workers\) must be a whole number or auto \(got 'two'\)/);
    expect(() => loadConfig({ env: { ASSAY_WORKERS: '0' } })).toThrow(/between 1 and 64/);
  });

  it('a bad port, limit or flag gets one line', () => {
    expect(() => loadConfig({ env: { PORT: 'eighty' } })).toThrow(/invalid port \(PORT \/ --port\): port must be a whole number \(got 'eighty'\)/);
    expect(() => loadConfig({ env: {}, argv: ['--port', '70000'] })).toThrow(/between 0 and 65535/);
    expect(() => loadConfig({ env: { ASSAY_BODY_LIMIT: '10' } })).toThrow(/ASSAY_BODY_LIMIT must be between/);
    expect(() => loadConfig({ env: {}, argv: ['--bogus'] })).toThrow(/unknown option '--bogus'/);
    expect(() => loadConfig({ env: {}, argv: ['--db'] })).toThrow(/option --db needs a value/);
    expect(() => loadConfig({ env: { ASSAY_METRICS_TOKEN: 'short' } })).toThrow(/at least 16/);
  });

  it('generates the secret once in the data dir (mode 0600) and reuses it', () => {
    const dir = tempDir('assay-cfg-');
    const c1 = loadConfig({ env: { ASSAY_DATA_DIR: dir } });
    const s1 = ensureSecret(c1);
    expect(s1.length).toBe(32);
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const s2 = ensureSecret(loadConfig({ env: { ASSAY_DATA_DIR: dir } }));
    expect(s2.equals(s1)).toBe(true);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(s1.toString('hex'));
    const fromEnv = ensureSecret(loadConfig({ env: { ASSAY_DATA_DIR: dir, ASSAY_SECRET: 'x'.repeat(40) } }));
    expect(fromEnv.toString()).toBe('x'.repeat(40));
  });

  it('`assay serve` with a bad ASSAY_DB or port exits 2 with one line and no stack trace', () => {
    for (const [args, env, pattern] of [
      [['serve', '--db', 'mysql://localhost/x'], {}, /^assay serve: ASSAY_DB 'mysql:\/\/localhost\/x' is not supported/],
      [['serve'], { PORT: '-1' }, /^assay serve: invalid port/],
      [['migrate', '--db', 'postgres://nobody:pw@127.0.0.1:1/none'], {}, /^assay migrate: cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/],
    ] as const) {
      const r = spawnSync(process.execPath, ['bin/assay.mjs', ...args], { cwd: ROOT, env: { ...process.env, ASSAY_DB: '', ...env }, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
