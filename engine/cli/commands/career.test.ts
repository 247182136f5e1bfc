import { describe, expect, it, vi } from 'vitest';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './career.ts';
import { generateCohort } from '../../../fixtures/career/generator.ts';
import { toHistoryCsv } from '../../../analytics/career/history-csv.ts';
import { openStore } from '../../store/index.ts';
import { tempDir } from '../../../tests/support/temp-dir.ts';

function capture() {
  const out: string[] = [], err: string[] = [];
  const o = vi.spyOn(console, 'log').mockImplementation((...a) => { out.push(a.join(' ')); });
  const e = vi.spyOn(console, 'error').mockImplementation((...a) => { err.push(a.join(' ')); });
  const w = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { out, err, restore: () => { o.mockRestore(); e.mockRestore(); w.mockRestore(); } };
}

describe('assay career', () => {
  const dir = tempDir('assay-career-cli-');
  const db = `sqlite:${join(dir, 'c.db')}`;
  const csv = join(dir, 'h.csv');
  writeFileSync(csv, toHistoryCsv([...generateCohort(400, 5)].map((s) => ({ history: s.history, fieldCode: s.fieldCode, cluster: s.cluster, groups: s.demographics }))));

  it('trains from a CSV, registers a model version with its card and writes the artifacts', async () => {
    const c = capture();
    try {
      const code = await run(['train', '--csv', csv, '--epochs', '2', '--seed', '3', '--db', db, '--out', join(dir, 'm')]);
      expect(code, c.err.join('\n')).toBe(0);
    } finally { c.restore(); }
    expect(c.out.join('\n')).toMatch(/registered career model v1/);
    expect(c.out.join('\n')).toMatch(/group gender/);
    expect(existsSync(join(dir, 'm', 'weights.bin'))).toBe(true);
    const store = await openStore(db);
    try {
      const row = await store.models.latest('career');
      expect(row!.version).toBe(1);
      expect((row!.card as { text: string }).text).toContain('Model card');
      expect((row!.metrics as { heldOutStudents: number }).heldOutStudents).toBe(80);
    } finally { await store.close(); }
  });

  it('evaluates a registered version on a CSV as JSON', async () => {
    const c = capture();
    try {
      expect(await run(['evaluate', '--csv', csv, '--version', '1', '--db', db, '--json'])).toBe(0);
    } finally { c.restore(); }
    const j = JSON.parse(c.out.join(''));
    expect(j.model).toBe('career v1');
    expect(j.metrics.field.top3).toBeGreaterThan(0);
    expect(j.field.reliability).toHaveLength(15);
  });

  it('refuses bad input with one clear line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'student,kind,subject,grade,term,score,theta,theta_se,value\nx,result,math,10,3,5,,,\n');
    const c = capture();
    try {
      expect(await run(['train', '--csv', bad, '--no-register'])).toBe(1);
      expect(await run(['train', '--students', 'many'])).toBe(2);
      expect(await run(['nope'])).toBe(2);
    } finally { c.restore(); }
    expect(c.err[0]).toMatch(/bad.csv:2: column term: '3' must be 1 or 2/);
    expect(c.err[1]).toMatch(/--students must be an integer/);
  });
});
