/** `assay items analyse` and `assay cat simulate|sympson-hetter`: output shape and clear errors on bad input. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as catRun } from '../../engine/cli/commands/cat.ts';
import { run as itemsRun } from '../../engine/cli/commands/items.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const dir = tempDir('assay-cat-cli-');
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await fn();
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('assay items analyse', () => {
  const responses = file('r.csv', 'person,sex,q1,q2,q3\np1,F,A,B,1\np2,M,A,C,0\np3,F,B,B,1\np4,M,A,B,1\np5,F,C,C,0\np6,M,A,B,0\n');
  const key = file('key.csv', 'item,key\nq1,A\nq2,B\n');
  it('prints the analysis JSON with distractors and DIF', async () => {
    const r = await capture(() => itemsRun(['analyse', responses, '--key', key, '--group', 'sex', '--reference', 'F']));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.test.nPersons).toBe(6);
    expect(report.items.map((i: { id: string }) => i.id)).toEqual(['q1', 'q2', 'q3']);
    expect(report.items[0].p).toBeCloseTo(4 / 6, 12);
    expect(report.items[0].options.map((o: { option: string }) => o.option)).toEqual(['A', 'B', 'C']);
    expect(report.group).toMatchObject({ column: 'sex', reference: 'F', focal: ['M'] });
    expect(report.items[2].dif[0]).toMatchObject({ reference: 'F', focal: 'M' });
  });
  it('prints a table with --format table', async () => {
    const r = await capture(() => itemsRun(['analyse', responses, '--key', key, '--group', 'sex', '--format', 'table']));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/alpha/);
    expect(r.out).toMatch(/\*A/);
  });
  it('names the problem on bad input', async () => {
    expect((await capture(() => itemsRun(['analyse', join(dir, 'missing.csv')]))).err).toMatch(/cannot read responses .*missing\.csv/);
    const noKey = await capture(() => itemsRun(['analyse', responses]));
    expect(noKey.code).toBe(2);
    expect(noKey.err).toMatch(/row 1 \(person p1\), item 'sex': 'F' is not an integer score/);
    expect((await capture(() => itemsRun(['analyse', responses, '--key', key, '--group', 'age']))).err).toMatch(/column 'age' not found/);
    expect((await capture(() => itemsRun(['analyse', responses, '--bogus', '1']))).err).toMatch(/unknown option --bogus/);
  });
});

describe('assay cat', () => {
  const params = file(
    'p.json',
    JSON.stringify({
      model: '2pl',
      items: Array.from({ length: 60 }, (_, j) => ({ id: `i${j}`, a: 1 + (j % 5) / 5, b: -3 + (6 * j) / 59, content: j % 2 ? 'reading' : 'listening' })),
    }),
  );
  const design = file('d.json', JSON.stringify({ stop: { maxItems: 10 }, content: { blueprint: { reading: 0.5, listening: 0.5 } }, classification: { cuts: [0] } }));
  it('simulate prints the study JSON', async () => {
    const r = await capture(() => catRun(['simulate', '--params', params, '--grid', '-1:1:1', '--replications', '20', '--design', design, '--seed', '3']));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.simulees).toBe(60);
    expect(out.length).toEqual({ mean: 10, min: 10, max: 10 });
    expect(out.conditional.map((c: { theta: number }) => c.theta)).toEqual([-1, 0, 1]);
    expect(out.classification.accuracy).toBeGreaterThan(0.6);
    for (const k of ['bias', 'rmse', 'meanSE']) expect(typeof out[k]).toBe('number');
    expect(out.exposure.poolUsage).toBeGreaterThan(0);
    // Same seed, same study.
    const again = await capture(() => catRun(['simulate', '--params', params, '--grid', '-1:1:1', '--replications', '20', '--design', design, '--seed', '3']));
    expect({ ...JSON.parse(again.out), seconds: 0 }).toEqual({ ...out, seconds: 0 });
  });
  it('next prints one catStep result', async () => {
    const r = await capture(() => catRun(['next', '--params', params, '--design', design, '--responses', '{"i30": 1, "i31": 0}', '--seed', '5']));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.kind).toBe('item');
    expect(['i30', 'i31']).not.toContain(out.itemId);
    expect(typeof out.theta).toBe('number');
    const bad = await capture(() => catRun(['next', '--params', params, '--responses', '[{"itemId": "zzz", "category": 1}]']));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/responses\[0\]: item 'zzz' is not in the CAT bank/);
  });

  it('sympson-hetter prints a design with exposure parameters', async () => {
    const r = await capture(() => catRun(['sympson-hetter', '--params', params, '--rmax', '0.3', '--simulees', '200', '--iterations', '3', '--design', design]));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.design.exposure.method).toBe('sympson-hetter');
    expect(out.history).toHaveLength(3);
  });
  it('names the problem on bad input', async () => {
    const badDesign = file('bad.json', JSON.stringify({ stop: { maxItems: 0 }, selection: { method: 'best' } }));
    const r = await capture(() => catRun(['simulate', '--params', params, '--design', badDesign]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/design\.stop\.maxItems/);
    expect(r.err).toMatch(/design\.selection\.method/);
    const astrat = file('astrat.json', JSON.stringify({ selection: { method: 'astrat' } }));
    expect((await capture(() => catRun(['simulate', '--params', params, '--design', astrat]))).err).toMatch(/design\.stop\.maxItems: a-stratified selection needs stop\.maxItems/);
    const badParams = file('bp.json', JSON.stringify({ model: '2pl', items: [{ id: 'x', a: -1, b: 0 }] }));
    expect((await capture(() => catRun(['simulate', '--params', badParams]))).err).toMatch(/items\[0\].*"a" must be > 0/);
    expect((await capture(() => catRun(['simulate', '--params', params, '--grid', '3:1:1']))).err).toMatch(/--grid must be LO:HI:STEP/);
    expect((await capture(() => catRun(['simulate']))).err).toMatch(/--params PARAMS.json is required/);
    expect((await capture(() => catRun(['sympson-hetter', '--params', params]))).err).toMatch(/--rmax/);
  });
});
