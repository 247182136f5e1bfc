#!/usr/bin/env node
// `npm test`: runs the whole vitest suite and ends with one plain summary line
// ("Tests: N passed, N failed, N skipped") that CI tools read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit', env: process.env });
let code = r.status ?? 1;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`Tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`);
  if (j.numTotalTests === 0) code = code || 1;
  // vitest has been seen exiting 0 after failed tests (vitest 4, forks pool, browser teardown):
  // the report decides, so a red suite can never pass CI.
  if (j.success === false || j.numFailedTests > 0 || j.numFailedTestSuites > 0) code = code || 1;
}
process.exit(code);
