import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../tests/support/temp-dir.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIX = join(ROOT, 'fixtures/qti');

function assay(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/assay.mjs'), 'score', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('assay score', () => {
  it('prints every outcome variable as JSON', () => {
    const r = assay(join(FIX, '3.0/vn-true-false-cluster.xml'), '--responses', '{"RESPONSE_a":"D","RESPONSE_b":"S","RESPONSE_c":"D","RESPONSE_d":"D"}');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ NUM_CORRECT: 3, SCORE: 0.5 });
  });

  it('takes --seed and --template for cloned items', () => {
    const t = assay(join(FIX, '2.1/vn-cloned.xml'), '--responses', '{"RESPONSE":21}', '--template', '{"values":{"A":3,"B":7},"correctResponses":{"RESPONSE":21}}');
    expect(JSON.parse(t.out)).toEqual({ SCORE: 0.5 });
    const s1 = assay(join(FIX, '2.1/vn-cloned.xml'), '--responses', '{}', '--seed', '5');
    expect(s1.code).toBe(0);
    expect(JSON.parse(s1.out)).toEqual({ SCORE: 0 });
  });

  it('refuses a response that does not fit its declaration, with one line and exit 1', () => {
    const r = assay(join(FIX, '2.2/choice-single.xml'), '--responses', '{"RESPONSE":["HN"]}');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/single cardinality/);
  });

  it('reports a bad file in one line', () => {
    const dir = tempDir('assay-score-');
    writeFileSync(join(dir, 'bad.xml'), '<assessmentItem identifier="x">\n<itemBody></assessmentItem>');
    const r = assay(join(dir, 'bad.xml'), '--responses', '{}');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.xml:2:\d+: XML is not well-formed/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(assay(join(dir, 'missing.xml'), '--responses', '{}').err).toMatch(/cannot read item file/);
    expect(assay(join(FIX, '2.2/choice-single.xml'), '--responses', '{nope').err).toMatch(/--responses is not valid JSON/);
  });

  it('--batch scores many cases, one JSON line each, errors included', () => {
    const dir = tempDir('assay-batch-');
    const lines = [
      { item: join(FIX, '3.0/choice-multiple.xml'), responses: { RESPONSE: ['P2', 'P3'] } },
      { item: join(FIX, '3.0/choice-multiple.xml'), responses: { RESPONSE: 'P2' } },
      { item: join(FIX, '3.0/vn-cloned.xml'), responses: { RESPONSE: 21 }, template: { values: { A: 3, B: 7 }, correctResponses: { RESPONSE: 21 } } },
      { item: join(dir, 'nope.xml'), responses: {} },
      { item: join(FIX, '3.0/text-entry.xml'), responses: { RESPONSE: 'hà nội' }, seed: 3 },
    ];
    writeFileSync(join(dir, 'cases.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n');
    const r = assay('--batch', join(dir, 'cases.jsonl'));
    expect(r.code).toBe(0);
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0]).toEqual({ outcomes: { SCORE: 2 } });
    expect(out[1].error.code).toBe('wrong_cardinality');
    expect(out[2]).toEqual({ outcomes: { SCORE: 0.5 } });
    expect(out[3].error.code).toBe('item_unreadable');
    expect(out[4]).toEqual({ outcomes: { SCORE: 1 } });
    expect(out[5].error.code).toBe('bad_json');
  });
});
