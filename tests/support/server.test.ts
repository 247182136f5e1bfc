/** tests/support/server.ts: a server that never became ready leaves no data dir behind. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startAssayServer } from './server.ts';
import { tempDir } from './temp-dir.ts';

describe('startAssayServer', () => {
  it('removes the data dir (database, secret) when the server exits before it is ready', async () => {
    // The data dir goes under os.tmpdir(): point it at an empty dir of this test's own.
    const before = process.env.TMPDIR;
    const tmp = tempDir('assay-srvfail-');
    process.env.TMPDIR = tmp;
    try {
      await expect(startAssayServer({ db: 'mysql://localhost/x' })).rejects.toThrow(/exited with 2 before it was ready/);
    } finally {
      process.env.TMPDIR = before;
    }
    // (tsx, in the child process, keeps its cache there too.)
    expect(readdirSync(tmp).filter((name) => name.startsWith('assay-srv-'))).toEqual([]);
  });
});
