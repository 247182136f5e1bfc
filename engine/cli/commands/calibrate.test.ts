import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as calibrateRun } from './calibrate.ts';
import { run as thetaRun } from './theta.ts';
import { tempDir } from '../../../tests/support/temp-dir.ts';

/** Runs a command, capturing stdout and stderr. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const l = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n'));
  try {
    const code = await fn();
    return { code, out, err };
  } finally {
    w.mockRestore();
    l.mockRestore();
    e.mockRestore();
  }
}

const dir = tempDir('assay-irt-cli-');
// A small deterministic data set: 6 items, 400 persons from a Guttman-like pattern with noise.
function writeData(): string {
  const rows = ['person,i1,i2,i3,i4,i5,i6'];
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let p = 0; p < 400; p++) {
    const th = (rnd() + rnd() + rnd() - 1.5) * 2;
    const cells = [-1.5, -0.8, -0.2, 0.3, 0.9, 1.4].map((b, j) => (j === 5 && p % 7 === 0 ? '' : rnd() < 1 / (1 + Math.exp(-(th - b) * 1.3)) ? '1' : '0'));
    rows.push(`p${p},${cells.join(',')}`);
  }
  const f = join(dir, 'resp.csv');
  writeFileSync(f, rows.join('\n') + '\n');
  return f;
}

afterEach(() => vi.restoreAllMocks());

describe('assay calibrate / assay theta', () => {
  it('calibrates to stdout, writes --out, and theta reads the result', async () => {
    const csv = writeData();
    const r = await capture(() => calibrateRun([csv, '--model', '2pl']));
    expect(r.code).toBe(0);
    const params = JSON.parse(r.out);
    expect(params.model).toBe('2pl');
    expect(params.items).toHaveLength(6);
    expect(params.items[0]).toMatchObject({ id: 'i1', model: '2pl' });
    expect(params.items[0].b).toBeLessThan(params.items[5].b);
    expect(params.fit.converged).toBe(true);

    const out = join(dir, 'params.json');
    const w = await capture(() => calibrateRun([csv, '--model', 'rasch', '--out', out]));
    expect(w.code).toBe(0);
    expect(w.out).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).population.sd).toBeGreaterThan(0);

    const t = await capture(() => thetaRun(['--params', out, '--responses', '{"i1":1,"i2":1,"i3":0}', '--method', 'wle']));
    expect(t.code).toBe(0);
    const est = JSON.parse(t.out);
    expect(Object.keys(est)).toEqual(['theta', 'se']);
    expect(Number.isFinite(est.theta) && est.se > 0).toBe(true);
  });

  it('names the line and column of a bad cell and writes nothing', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'person,q1,q2\np1,1,0\np2,1,yes\n');
    const out = join(dir, 'never.json');
    const r = await capture(() => calibrateRun([bad, '--model', '2pl', '--out', out]));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 3, column "q2": expected an integer category/);
    expect(existsSync(out)).toBe(false);
    const m = await capture(() => calibrateRun([bad, '--model', 'nope']));
    expect(m.err).toMatch(/--model must be one of/);
  });

  it('theta gives a typed statement for MLE on an all-correct pattern', async () => {
    const p = join(dir, 'p.json');
    writeFileSync(p, JSON.stringify({ model: '2pl', items: [{ id: 'a', a: 1, b: 0 }, { id: 'b', a: 1.2, b: 0.5 }] }));
    const r = await capture(() => thetaRun(['--params', p, '--responses', '{"a":1,"b":1}', '--method', 'mle']));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ theta: null, se: null, reason: 'extreme-pattern', direction: '+inf' });
    const u = await capture(() => thetaRun(['--params', p, '--responses', '{"zz":1}']));
    expect(u.err).toMatch(/unknown item "zz"/);
  });
});
