/**
 * The fault test, small: a real server process is killed with SIGKILL while candidates are
 * answering, restarted on the same database, and nothing acknowledged is lost or doubled;
 * every session resumes with its remaining time. Full size: `npm run bench:fault`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runFault, type FaultResult } from '../../bench/fault.ts';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';

function expectNothingLost(r: FaultResult): void {
  expect(r.acknowledged).toBeGreaterThan(30);
  expect(r.lost).toBe(0);
  expect(r.duplicates).toBe(0);
  expect(r.wrongValue).toBe(0);
  expect(r.resumed).toBe(30);
  expect(r.acknowledgedAfterRestart).toBe(30);
  expect(r.errors).toBe(0);
  // the deadline is the server's and survived the crash (allow for a loaded machine)
  expect(r.remainingTimeMaxDriftMs).toBeLessThan(5000);
}

describe('kill -9 in the middle of the load', () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const url of made) await dropTestDatabase(url);
  });

  it('loses no acknowledged answer, stores none twice, and every session resumes (SQLite)', async () => {
    expectNothingLost(await runFault({ candidates: 30, items: 10, db: 'sqlite', killAfterMs: 2500, answerSeconds: 6, connections: 32 }));
  }, 180_000);

  // The city's deployment: group commits on several pool connections, the in-progress guard's
  // share locks, NOTIFY — all cut off by the kill.
  it('loses no acknowledged answer, stores none twice, and every session resumes (PostgreSQL)', async () => {
    const dbUrl = await createTestDatabase('assay_fault');
    made.push(dbUrl);
    expectNothingLost(await runFault({ candidates: 30, items: 10, db: 'postgres', dbUrl, killAfterMs: 2500, answerSeconds: 6, connections: 32 }));
  }, 180_000);
});
