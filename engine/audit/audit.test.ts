/**
 * Audit service (group commit) and `assay audit verify` on both dialects: an intact chain
 * exits 0; a tampered entry exits 1 naming the first broken seq.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { createAuditService } from './service.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function cli(args: string[]) {
  return spawnSync(process.execPath, ['bin/assay.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ASSAY_LOG_LEVEL: 'silent' } });
}

const dialects = [
  { name: 'sqlite', url: async () => `sqlite:${join(tempDir('assay-audit-'), 'a.db')}`, drop: async (_: string) => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_audit'), drop: dropTestDatabase },
];

describe.each(dialects)('audit on $name', ({ url: makeUrl, drop }) => {
  let url: string;
  let store: Store;
  beforeAll(async () => {
    url = await makeUrl();
    store = await openStore(url);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await drop(url);
  });

  it('records concurrent entries through group commit into one unbroken chain', async () => {
    const audit = createAuditService(store.audit);
    const written = await Promise.all(Array.from({ length: 120 }, (_, i) => audit.record({ action: 'auth.login', actor: `user:${i}`, details: { i } })));
    expect(new Set(written.map((e) => e.seq)).size).toBe(120);
    expect(written.map((e) => (e.details as { i: number }).i)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    await audit.record({ action: 'user.role_changed', actor: 'cli', target: 'user:1', details: { from: 'author', to: 'proctor' } });
    await audit.flush();
    expect(await store.audit.verifyAuditChain()).toMatchObject({ ok: true, checked: 121 });
  });

  it('`assay audit verify` exits 0 on an intact chain and 1 at the first tampered entry', async () => {
    const ok = cli(['audit', 'verify', '--db', url]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit chain OK: 121 entries verified/);
    const [victim] = await store.audit.list({ afterSeq: 40, limit: 1 });
    await store.raw.exec(`UPDATE audit_log SET actor = 'user:mallory' WHERE seq = ${victim.seq}`);
    const bad = cli(['audit', 'verify', '--db', url]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`audit chain BROKEN at entry seq ${victim.seq}`);
    expect(bad.stderr).toContain('user:mallory');
  });
});
