/**
 * `assay validate`, `assay import` and `assay export` as an author runs them: exit codes,
 * `file:line:col severity message` lines, JSON summaries, no stack traces.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipFixture, zipSlip, zipBomb } from '../../../fixtures/packages/build.ts';
import { validatePackage } from '../../../item-bank/validate/index.ts';
import { tempDir } from '../../../tests/support/temp-dir.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const assay = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'assay.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ASSAY_LOG_LEVEL: 'silent' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('assay validate / import / export', () => {
  const dir = tempDir('assay-qti-cli-');

  it('validate: exit 0 on the good package, exit 1 with file:line:col lines on bad ones', () => {
    const good = assay('validate', 'fixtures/packages/good-qti3');
    expect(good.code).toBe(0);
    expect(good.out).toBe('');
    const bad = assay('validate', 'fixtures/packages/bad-missing-media', 'fixtures/packages/bad-xxe/items/item.xml');
    expect(bad.code).toBe(1);
    const lines = bad.out.trim().split('\n');
    expect(lines).toContain('fixtures/packages/bad-missing-media/items/item.xml:8:5 error <img> references "../media/missing.png" (media/missing.png in the package), which is not in the package; add the file or fix the path [media.missing]');
    expect(lines.some((l) => /^fixtures\/packages\/bad-xxe\/items\/item\.xml:2:1 error .*DOCTYPE/.test(l))).toBe(true);
    for (const l of lines) expect(l).toMatch(/^\S+:\d+:\d+ (error|warning) /);
    noStack(bad.err);
  });

  it('validate: refuses a zip-slip and a zip bomb, reports a missing path', () => {
    writeFileSync(join(dir, 'slip.zip'), zipSlip());
    writeFileSync(join(dir, 'bomb.zip'), zipBomb(2));
    const r = assay('validate', join(dir, 'slip.zip'), join(dir, 'bomb.zip'), join(dir, 'nothing-here.zip'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('[zip.path-unsafe]');
    expect(r.out).toContain('[zip.bomb-ratio]');
    expect(r.err).toContain(`cannot read '${join(dir, 'nothing-here.zip')}'`);
    noStack(r.err);
  });

  it('import: JSON summary, re-import unchanged, errors store nothing; export: a valid QTI 3.0 zip', () => {
    const db = `sqlite:${join(dir, 'a.db')}`;
    writeFileSync(join(dir, 'good.zip'), zipFixture('good-qti3'));
    const first = assay('import', join(dir, 'good.zip'), '--bank', 'cli-bank', '--db', db);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ stored: true, bank: { code: 'cli-bank' }, items: { new: 4 }, tests: { new: 1 }, media: { new: 3 } });
    const again = assay('import', 'fixtures/packages/good-qti3', '--bank', 'cli-bank', '--db', db);
    expect(JSON.parse(again.out)).toMatchObject({ stored: true, items: { new: 0, unchanged: 4, newVersion: 0 } });
    const bad = assay('import', 'fixtures/packages/bad-semantics', '--bank', 'cli-bank', '--db', db);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ stored: false });
    expect(bad.err).toContain('nothing stored');
    noStack(bad.err);

    const out = join(dir, 'export', 'bank.zip');
    const ex = assay('export', '--bank', 'cli-bank', '--out', out, '--db', db);
    expect(ex.code).toBe(0);
    expect(JSON.parse(ex.out)).toMatchObject({ items: 4, tests: 1, media: 3 });
    const back = validatePackage({ zip: new Uint8Array(readFileSync(out)) });
    expect(back.problems).toEqual([]);
    expect(back.items.every((i) => i.item.qtiVersion === '3.0')).toBe(true);

    const one = assay('export', '--item', 'phy-tf-cluster', '--out', join(dir, 'one.zip'), '--db', db);
    expect(one.code).toBe(0);
    const missing = assay('export', '--bank', 'no-such-bank', '--out', join(dir, 'x.zip'), '--db', db);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("no bank 'no-such-bank' (banks: cli-bank)");
    const usage = assay('export', '--out', join(dir, 'x.zip'));
    expect(usage.code).toBe(2);
  });
});
