import { describe, expect, it } from 'vitest';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { openStore, StoreUrlError, type Store } from './index.ts';
import { defineStoreSuite } from './store.suite.ts';

const made: string[] = [];
const urlOf = new WeakMap<Store, string>(); // store.url masks the password
defineStoreSuite('postgres', {
  make: async () => {
    const url = await createTestDatabase('assay_store');
    made.push(url);
    const store = await openStore(url);
    urlOf.set(store, url);
    return store;
  },
  connect: (store) => openStore(urlOf.get(store)!),
  cleanup: async () => {
    for (const url of made) await dropTestDatabase(url);
  },
});

describe('postgres connection', () => {
  it('commits synchronously', async () => {
    const url = await createTestDatabase('assay_store');
    made.push(url);
    const store = await openStore(url);
    try {
      expect(await store.raw.query('SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }]);
      expect(store.url).not.toContain(new URL(url).password || '\u0000');
    } finally {
      await store.close();
    }
  });

  it('names the server it cannot reach', async () => {
    await expect(openStore('postgres://nobody:secret@127.0.0.1:1/none')).rejects.toThrow(StoreUrlError);
    await expect(openStore('postgres://nobody:secret@127.0.0.1:1/none')).rejects.toThrow(/cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
  });
});
