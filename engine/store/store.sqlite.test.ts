import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore, StoreUrlError } from './index.ts';
import { defineStoreSuite } from './store.suite.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const dir = tempDir('assay-store-');
let n = 0;
defineStoreSuite('sqlite file', { make: () => openStore(`sqlite:${join(dir, `db${++n}.db`)}`), connect: (s) => openStore(s.url) });

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

  it('a write refused as busy (another connection holds the lock) is tried again later, not failed', async () => {
    const file = join(dir, 'busy.db');
    const store = await openStore(`sqlite:${file}`);
    await store.migrate();
    // A short synchronous wait, so the lock outlives it: SQLite answers SQLITE_BUSY.
    await store.raw.exec('PRAGMA busy_timeout = 20');
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const released = new Promise<void>((r) => setTimeout(() => (other.exec('COMMIT'), r()), 300));
      const t0 = Date.now();
      // One transaction (store.transaction) and one group of calls (group commit) wait for the lock.
      const [tx, group] = await Promise.all([
        store.transaction(async (t) => t.appSessions.deleteExpired(Date.now())),
        Promise.all([store.appSessions.deleteExpired(Date.now()), store.appSessions.deleteExpired(Date.now())]),
      ]);
      await released;
      expect(tx).toBeGreaterThanOrEqual(0);
      expect(group).toHaveLength(2);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('reads do not wait for another connection\'s write lock (they never join a write group)', async () => {
    const file = join(dir, 'reads.db');
    const store = await openStore(`sqlite:${file}`);
    await store.migrate();
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const t0 = Date.now();
      // Several reads in one turn of the event loop: before, they formed a group whose BEGIN
      // IMMEDIATE waited busy_timeout (5 s) for the lock with the event loop stopped.
      const [users, session, count] = await Promise.all([store.users.list(), store.sessions.get('none'), store.users.count()]);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect([users, session, count]).toEqual([[], undefined, 0]);
      expect(other.inTransaction).toBe(true);
    } finally {
      other.exec('COMMIT');
      other.close();
      await store.close();
    }
  });
});
