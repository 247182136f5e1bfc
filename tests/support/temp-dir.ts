/**
 * Temporary directories for test files: `tempDir('assay-x-')` makes one under os.tmpdir(),
 * removed when the test file ends, whether its tests passed or failed.
 *
 * Why: ad-hoc mkdtempSync calls left SQLite databases, secret keys, exports and PDFs in /tmp
 * after every run (a no-op `drop` for SQLite, no cleanup at all, or a cleanup that a later
 * describe undid by writing into the removed dir again). The run's global teardown
 * (global-setup.ts) fails when an `assay-*` entry is left behind.
 *
 * Removal wraps the whole importing test file (aroundAll, registered when this module is first
 * imported, i.e. while vitest collects that file): it runs after the file's own afterAll hooks,
 * even when one of them throws, so the servers, stores and browsers they stop no longer hold
 * (or recreate) the files. Vitest only: scripts such as bench/ clean up their own dirs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aroundAll } from 'vitest';

const dirs: string[] = [];
aroundAll(async (runSuite) => {
  try {
    await runSuite();
  } finally {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh directory `<os.tmpdir()>/<prefix>XXXXXX`, removed after the calling test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
