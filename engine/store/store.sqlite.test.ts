import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, StoreUrlError } from './index.ts';
import { defineStoreSuite } from './store.suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'assay-store-'));
let n = 0;
defineStoreSuite('sqlite file', {
  make: () => openStore(`sqlite:${join(dir, `db${++n}.db`)}`),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('sqlite connection', () => {
  it('sets the durability pragmas', async () => {
    const store = await openStore(`sqlite:${join(dir, 'pragmas.db')}`);
    try {
      const one = async (p: string) => Object.values((await store.raw.query(`PRAGMA ${p}`))[0])[0];
      expect(await one('journal_mode')).toBe('wal');
      expect(await one('synchronous')).toBe(2); // FULL
      expect(await one('foreign_keys')).toBe(1);
      expect(await one('busy_timeout')).toBe(5000);
    } finally {
      await store.close();
    }
  });

  it('opens an in-memory database', async () => {
    const store = await openStore('sqlite::memory:');
    await store.migrate();
    expect(await store.users.count()).toBe(0);
    await store.close();
  });

  it('refuses an unknown URL with a clear message', async () => {
    await expect(openStore('mysql://x')).rejects.toThrow(StoreUrlError);
    await expect(openStore('mysql://x')).rejects.toThrow(/must start with sqlite: .* or postgres:\/\//);
    await expect(openStore('sqlite:')).rejects.toThrow(/names no file/);
  });
});
