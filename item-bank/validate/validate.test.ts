import { describe, expect, it } from 'vitest';
import { validatePackage, validateFile, formatProblem } from './index.ts';
import { zipFixture } from '../../fixtures/packages/build.ts';

const run = (name: string) => validatePackage({ zip: zipFixture(name) });
const find = (r: ReturnType<typeof run>, code: string) => r.problems.filter((p) => p.code === code);

describe('validatePackage', () => {
  it('accepts the good package without errors or warnings, with media and test references resolved', () => {
    const r = run('good-qti3');
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.items.map((i) => i.item.identifier)).toEqual(['geo-capital', 'eng-listening-1', 'phy-tf-cluster', 'math-short-1']);
    expect(r.items[0].media).toEqual(['media/map.png', 'media/style.css']);
    expect(r.items[0].item.metadata).toMatchObject({ subject: 'geography', skill: 'GEO.10.1.2', irt: { model: '3pl' } });
    expect(r.tests[0].itemPaths['phy-tf-cluster']).toBe('items/true-false-cluster.xml');
  });

  it('reports a missing media file in the manifest and in the item, with positions', () => {
    const r = run('bad-missing-media');
    expect(find(r, 'package.missing-file')[0]).toMatchObject({ file: 'imsmanifest.xml', line: 4, column: 5, severity: 'error' });
    expect(find(r, 'media.missing')[0]).toMatchObject({ file: 'items/item.xml', line: 8, column: 5 });
    expect(find(r, 'media.missing')[0].message).toContain('../media/missing.png');
  });

  it('reports broken XML with line and column, and refuses DOCTYPE (XXE)', () => {
    const broken = run('bad-broken-xml');
    expect(broken.problems).toHaveLength(1);
    expect(broken.problems[0]).toMatchObject({ file: 'items/item.xml', line: 6, severity: 'error' });
    expect(broken.problems[0].message).toMatch(/closing tag/);
    const xxe = run('bad-xxe');
    expect(xxe.problems[0]).toMatchObject({ file: 'items/item.xml', line: 2, severity: 'error' });
    expect(xxe.problems[0].message).toMatch(/DOCTYPE/);
    expect(JSON.stringify(xxe)).not.toContain('root:');
  });

  it('reports every semantic problem of the bad item and test', () => {
    const r = run('bad-semantics');
    const at = (code: string) => find(r, code).map((p) => `${p.file}:${p.line}`);
    expect(at('interaction.undeclared-response')).toEqual(['items/item.xml:18']);
    expect(at('interaction.cardinality')).toEqual(['items/item.xml:10', 'items/item.xml:14']);
    expect(at('interaction.duplicate-choice')).toEqual(['items/item.xml:12']);
    expect(at('decl.correct-not-a-choice')).toEqual(['items/item.xml:3']);
    expect(at('processing.unknown-variable')).toEqual(['items/item.xml:24']);
    expect(find(r, 'processing.unknown-variable')[0].message).toContain('did you mean "RESPONSE"');
    expect(at('processing.unknown-outcome')).toEqual(['items/item.xml:25']);
    expect(at('unsupported.customOperator')).toEqual(['items/item.xml:28']);
    expect(at('body.unknown-element')).toEqual(['items/item.xml:19']);
    expect(find(r, 'decl.duplicate')).toHaveLength(1);
    expect(at('test.missing-item')).toEqual(['test.xml:7']);
    expect(at('test.duplicate-identifier')).toEqual(['test.xml:8']);
    expect(at('processing.unknown-item-ref')).toEqual(['test.xml:13']);
    expect(at('processing.unknown-item-variable')).toEqual(['test.xml:13']);
    expect(at('manifest.unknown-dependency')).toEqual(['imsmanifest.xml:7']);
    for (const p of r.problems) expect(p.column).toBeGreaterThan(0);
  });

  it('warns about mapping keys that name no choice and interactions without choices', () => {
    const xml = `<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="m" title="m" adaptive="false" timeDependent="false">
<responseDeclaration identifier="R" cardinality="multiple" baseType="identifier"><mapping defaultValue="0"><mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="Q" mappedValue="1"/></mapping></responseDeclaration>
<responseDeclaration identifier="R2" cardinality="single" baseType="identifier"/>
<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
<itemBody><choiceInteraction responseIdentifier="R" maxChoices="3"><simpleChoice identifier="A">A</simpleChoice><simpleChoice identifier="B">B</simpleChoice></choiceInteraction>
<inlineChoiceInteraction responseIdentifier="R2"/></itemBody>
<responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/map_response"/></assessmentItem>`;
    const r = validateFile('m.xml', new TextEncoder().encode(xml));
    const got = r.problems.map((p) => [p.code, p.severity, p.line]);
    expect(got).toContainEqual(['decl.mapkey-not-a-choice', 'warning', 2]);
    expect(got).toContainEqual(['interaction.max-choices', 'warning', 5]);
    expect(got).toContainEqual(['interaction.no-choices', 'error', 6]);
    expect(got).toContainEqual(['rp.template-response', 'error', 1]);
  });

  it('validates a single item file', () => {
    const bytes = new TextEncoder().encode('<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="x" adaptive="false" timeDependent="false">\n<itemBody><choiceInteraction responseIdentifier="R"/></itemBody></assessmentItem>');
    const r = validateFile('x.xml', bytes);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([['interaction.undeclared-response', 2]]);
    expect(validateFile('bin.xml', new Uint8Array([0xff, 0xfe, 0])).problems[0].code).toBe('xml.encoding');
  });
});
