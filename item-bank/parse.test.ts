import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseItem, parseTest, readXml, serializeItem, createItemScorer, QtiProcessingError, QtiResponseError } from './index.ts';

const FIX = join(import.meta.dirname, '../fixtures/qti');
const sources = readdirSync(join(FIX, 'src')).filter((f) => f.endsWith('.xml') && !f.endsWith('.test.xml'));
const read = (dir: string, f: string) => readFileSync(join(FIX, dir, f), 'utf8');

describe('XML safety', () => {
  it('refuses DOCTYPE and ENTITY declarations (XXE, entity bombs) with a clear error', () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<assessmentItem identifier="x">&e;</assessmentItem>';
    const r = parseItem(xxe, { path: 'evil.xml' });
    expect(r.item).toBeUndefined();
    expect(r.problems[0]).toMatchObject({ severity: 'error', code: 'xml.dtdRefused', path: 'evil.xml', line: 2, column: 1 });
    const bomb = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(readXml(bomb).problems[0].code).toBe('xml.dtdRefused');
  });

  it('decodes predefined and numeric references and refuses undefined entities', () => {
    expect(readXml('<p>b &amp; c &#233;&#x1EA1; <![CDATA[<&>]]></p>').root!.children).toEqual(['b & c éạ <&>']);
    const r = readXml('<p>\n a &nbsp; b</p>');
    expect(r.problems[0]).toMatchObject({ code: 'xml.entity', line: 2, column: 4 });
    expect(r.problems[0].message).toContain('&#160;');
    expect(readXml('<p a="x &amp; y&#10;z"/>').root!.attrs.a).toBe('x & y\nz');
  });

  it('checks well-formedness with positions', () => {
    const cases: [string, RegExp][] = [
      ['<a><b></a>', /expected closing tag <\/b>/],
      ['<a x="1" x="2"/>', /appears twice/],
      ['<a x="1"y="2"/>', /separated by spaces/],
      ['<a x=1/>', /malformed start tag/],
      ['<a>1 < 2</a>', /&lt;/],
      ['<a>AT&T</a>', /&amp;/],
      ['<a/><b/>', /only one root/],
      ['<a>', /not closed/],
      ['text<a/>', /outside the root/],
      ['<a><!-- x </a>', /comment is not closed/],
    ];
    for (const [xml, re] of cases) {
      const p = readXml(xml).problems[0];
      expect(p?.message, xml).toMatch(re);
      expect(p.line, xml).toBe(1);
    }
  });

  it('enforces size and depth limits', () => {
    expect(readXml('<a>' + 'x'.repeat(2000) + '</a>', { maxBytes: 1000 }).problems[0].code).toBe('xml.tooLarge');
    const deep = '<a>'.repeat(300) + '</a>'.repeat(300);
    expect(readXml(deep).problems[0].code).toBe('xml.tooDeep');
  });

  it('reports malformed XML with line and column', () => {
    const r = parseItem('<assessmentItem identifier="x">\n  <itemBody>\n</assessmentItem>');
    expect(r.problems[0]).toMatchObject({ code: 'xml.malformed' });
    expect(r.problems[0].line).toBe(3);
  });
});

describe('reading', () => {
  it('records element positions in document order, skipping comments and CDATA', () => {
    const r = readXml('<a>\n<!-- <b> -->\n  <b><![CDATA[<c>]]></b>\n<?pi <d>?>\n    <e/></a>');
    const [b, e] = r.root!.children.filter((c) => typeof c !== 'string') as { name: string; line?: number; column?: number }[];
    expect([b.name, b.line, b.column]).toEqual(['b', 3, 3]);
    expect([e.name, e.line, e.column]).toEqual(['e', 5, 5]);
  });

  it('maps 3.0 and 2.x names to one model', () => {
    const i22 = parseItem(read('2.2', 'match.xml')).item!;
    const i30 = parseItem(read('3.0', 'match.xml')).item!;
    expect(i30.qtiVersion).toBe('3.0');
    expect(i22.qtiVersion).toBe('2.2');
    expect(parseItem(read('2.1', 'match.xml')).item!.qtiVersion).toBe('2.1');
    expect(i30.interactions[0]).toMatchObject({ kind: 'match', responseIdentifier: 'RESPONSE', shuffle: true, maxChoices: 3 });
    expect(i30.interactions[0].matchSets!.map((s) => s.length)).toEqual([3, 3]);
    expect(i30.responseDeclarations).toEqual(i22.responseDeclarations.map((d) => ({ ...d, line: expect.any(Number), column: expect.any(Number) })));
    expect(i30.responseProcessing!.standardTemplate).toBe('map_response');
  });

  it('keeps mixed content and MathML faithfully', () => {
    const item = parseItem(read('3.0', 'vn-true-false-cluster.xml')).item!;
    const json = JSON.stringify(item.itemBody);
    expect(json).toContain('"name":"math"');
    expect(json).toContain('Cho hàm số ');
    expect(item.interactions.map((i) => i.responseIdentifier)).toEqual(['RESPONSE_a', 'RESPONSE_b', 'RESPONSE_c', 'RESPONSE_d']);
  });

  it('reads tests: parts, nested sections, selection, ordering, item refs, weights, categories', () => {
    const { test, problems } = parseTest(read('3.0', 'test-outcomes.test.xml'));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const part = test!.testParts[0];
    expect(part).toMatchObject({ identifier: 'P1', navigationMode: 'nonlinear', submissionMode: 'simultaneous' });
    expect(part.timeLimits!.maxTime).toBe(3000);
    expect(part.sections[0].ordering).toEqual({ shuffle: true });
    expect(part.sections[1].selection).toEqual({ select: 1, withReplacement: false });
    expect(part.sections[0].parts[0]).toMatchObject({ identifier: 'Q1', href: 'choice-single.xml', categories: ['geography'], weights: [{ identifier: 'W', value: 2 }] });
    const nested = part.sections[1].parts[0];
    expect(nested.kind).toBe('assessmentSection');
  });

  it('reports problems with positions instead of throwing', () => {
    const r = parseItem('<assessmentItem identifier="x" title="t"><responseDeclaration identifier="R" cardinality="single" baseType="nonsense"/>\n<responseDeclaration identifier="R" cardinality="single" baseType="integer"><defaultValue><value>abc</value></defaultValue></responseDeclaration></assessmentItem>');
    const codes = r.problems.map((p) => p.code);
    expect(codes).toContain('decl.baseType');
    expect(codes).toContain('decl.value');
    expect(codes).toContain('decl.duplicate');
    expect(r.problems.find((p) => p.code === 'decl.value')!.line).toBe(2);
  });

  it('names unsupported templates and customOperator clearly', () => {
    const bad = parseItem('<assessmentItem identifier="x" title="t"><responseProcessing template="http://example.com/my_template"/></assessmentItem>');
    expect(bad.problems.find((p) => p.code === 'rp.template')!.message).toContain('my_template');
    const custom = parseItem(`<assessmentItem identifier="x" title="t">
      <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
      <responseProcessing><setOutcomeValue identifier="SCORE"><customOperator class="com.example.Magic"><baseValue baseType="float">1</baseValue></customOperator></setOutcomeValue></responseProcessing>
    </assessmentItem>`).item!;
    expect(() => createItemScorer(custom)).toThrow(QtiProcessingError);
    expect(() => createItemScorer(custom)).toThrow(/customOperator class 'com.example.Magic' is not supported/);
  });

  it('recognises local copies of the standard templates', () => {
    const item = parseItem(`<assessmentItem identifier="x" title="t">
      <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration>
      <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
      <responseProcessing templateLocation="../rptemplates/match_correct.xml"/></assessmentItem>`).item!;
    expect(item.responseProcessing!.standardTemplate).toBe('match_correct');
    expect(createItemScorer(item).score({ RESPONSE: 'A' }).outcomes.SCORE).toBe(1);
  });
});

describe('round trip', () => {
  it('2.2 -> 3.0 -> 2.2 gives the same XML and the same model for every fixture', () => {
    for (const f of sources) {
      const a = parseItem(read('2.2', f)).item!;
      const b = parseItem(serializeItem(a, { version: '3.0' })).item!;
      const c = parseItem(serializeItem(b, { version: '2.2' })).item!;
      expect(serializeItem(c, { version: '2.2' }), f).toBe(serializeItem(a, { version: '2.2' }));
      const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'line' || k === 'column' || k === 'source' || k === 'qtiVersion' || k === 'node' || k === 'itemBody' || k === 'prompt' || k === 'object' || k === 'xmlns' || k === 'template' || k === 'xsi:schemaLocation' ? undefined : v)));
      expect(strip(b), f).toEqual(strip(a));
    }
  });
});

describe('parser never throws (property tests)', () => {
  const fixtures = sources.map((f) => read('2.2', f)).concat(sources.map((f) => read('3.0', f)));

  const check = (xml: string) => {
    const r = parseItem(xml);
    expect(Array.isArray(r.problems)).toBe(true);
    const t = parseTest(xml);
    expect(Array.isArray(t.problems)).toBe(true);
    if (r.item) {
      // a readable item either compiles or is refused with a typed error, never a crash
      try {
        createItemScorer(r.item).score({});
      } catch (e) {
        expect(e instanceof QtiProcessingError || e instanceof QtiResponseError, String(e)).toBe(true);
      }
    }
  };

  it('on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => check(s)), { numRuns: 300 });
    fc.assert(fc.property(fc.stringMatching(/^<[a-zA-Z-]{1,8}( [a-z]{1,4}="[^"<&]{0,4}")?>[^]{0,40}$/), (s) => check(s)), { numRuns: 200 });
  });

  it('on mutated fixtures', () => {
    const mutation = fc.record({
      file: fc.nat({ max: fixtures.length - 1 }),
      at: fc.nat(),
      len: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constantFrom('<', '>', '</', '/>', '"', '&', '<!DOCTYPE', '<![CDATA[', 'baseType="float"', '<null/>', '<sum/>', 'cardinality="record"')),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        let xml = fixtures[ms[0].file];
        for (const m of ms) {
          const at = m.at % (xml.length + 1);
          xml = xml.slice(0, at) + m.insert + xml.slice(at + m.len);
        }
        check(xml);
      }),
      { numRuns: 400 },
    );
  });
});
