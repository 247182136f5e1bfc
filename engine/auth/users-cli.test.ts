/** `assay users add|set-role|list` against a SQLite file: the account works and changes are audited. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { openStore } from '../store/index.ts';
import { verifyPassword } from './password.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const cli = (args: string[]) => spawnSync(process.execPath, ['bin/assay.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ASSAY_LOG_LEVEL: 'silent' } });

describe('assay users', () => {
  it('adds a user with a password, refuses bad input with one line, and changes a role', async () => {
    const db = `sqlite:${join(tempDir('assay-users-'), 'a.db')}`;
    const add = cli(['users', 'add', 'Co.Lan', '--role', 'counsellor', '--password', 'a-long-password', '--name', 'Cô Lan', '--db', db]);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toContain('created co.lan (counsellor)');
    const again = cli(['users', 'add', 'co.lan', '--role', 'author', '--db', db]);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe("assay users add: username 'co.lan' is already taken");
    const setRole = cli(['users', 'set-role', 'co.lan', 'proctor', '--db', db]);
    expect(setRole.status, setRole.stderr).toBe(0);
    const store = await openStore(db);
    try {
      const u = (await store.users.getByUsername('co.lan'))!;
      expect(u.role).toBe('proctor');
      expect(u.displayName).toBe('Cô Lan');
      expect(await verifyPassword(u.passwordHash, 'a-long-password')).toBe(true);
      expect((await store.audit.list({ limit: 10 })).map((e) => e.action)).toEqual(['user.created', 'user.role_changed']);
    } finally {
      await store.close();
    }
  });
});
