/**
 * Vitest global setup: starts what the suite needs once for all test files.
 * Each service helper registers itself here (PostgreSQL, Chromium, the UI build):
 * push its teardown onto `teardowns` and `project.provide(...)` what test files need.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresBroker } from './postgres.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];

  // PostgreSQL: a broker that starts one embedded server on first use (tests/support/postgres.ts).
  const pg = await startPostgresBroker();
  project.provide('postgresBroker', pg.brokerUrl);
  teardowns.push(pg.teardown);

  return async () => {
    for (const t of teardowns.reverse()) await t();
  };
}
