import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { validatePackage, validateFile, type ValidationResult } from '../validate/index.ts';
import { exportPackage, exportInputFrom } from './index.ts';
import { normalForm, sampleResponses } from './roundtrip.ts';
import { scoreItem, type AssessmentItem, type Json, type TemplateJson } from '../index.ts';
import { zipFixture } from '../../fixtures/packages/build.ts';

const QTI_FIXTURES = fileURLToPath(new URL('../../fixtures/qti/', import.meta.url));

interface Case { responses?: Record<string, Json>; seed?: number; template?: TemplateJson }

/** Outcomes for the sample responses and any hand-written cases (errors compared by message). */
function scores(item: AssessmentItem, cases: Case[] = []): unknown[] {
  const all: Case[] = [...sampleResponses(item).map((responses) => ({ responses, seed: 7 })), ...cases];
  return all.map((c) => {
    try {
      return scoreItem(item, c.responses ?? {}, { seed: c.seed ?? 0, template: c.template }).outcomes;
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
}

function casesOf(file: string): Case[] {
  const p = join(QTI_FIXTURES, 'src', basename(file).replace(/\.xml$/, '.cases.json'));
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { cases: Case[] }).cases : [];
}

/** import -> export -> import; asserts same models and same scores. */
function roundTrip(first: ValidationResult, cases: Case[] = []): ValidationResult {
  const out = exportPackage(exportInputFrom(first, 'round-trip'));
  expect(out.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const second = validatePackage({ zip: out.zip! });
  const byId = new Map(second.items.map((i) => [i.item.identifier, i.item]));
  for (const { item } of first.items) {
    const again = byId.get(item.identifier);
    expect(again, `item ${item.identifier} survives the round trip`).toBeDefined();
    expect(again!.qtiVersion).toBe('3.0');
    expect(normalForm(again!), `model of ${item.identifier}`).toEqual(normalForm(item));
    expect(scores(again!, cases), `scores of ${item.identifier}`).toEqual(scores(item, cases));
  }
  const tests = new Map(second.tests.map((t) => [t.test.identifier, t.test]));
  for (const { test } of first.tests) {
    expect(tests.get(test.identifier)?.qtiVersion, `test ${test.identifier} survives the round trip`).toBe('3.0');
    expect(normalForm(tests.get(test.identifier)!), `test ${test.identifier}`).toEqual(normalForm(test));
  }
  return second;
}

function xmlFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) visit(p);
      else if (n.endsWith('.xml') && n !== 'imsmanifest.xml') out.push(p);
    }
  };
  if (existsSync(dir)) visit(dir);
  return out;
}

describe('export as a QTI 3.0 package', () => {
  it('round-trips the good package: same models, metadata, media and scores', () => {
    const first = validatePackage({ zip: zipFixture('good-qti3') });
    const second = roundTrip(first);
    expect(second.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(second.items.map((i) => i.item.metadata)).toEqual(first.items.map((i) => i.item.metadata));
    expect(second.items[0].media).toEqual(['media/map.png', 'media/style.css']);
    expect(second.package!.files.get('media/map.png')!.bytes).toEqual(first.package!.files.get('media/map.png')!.bytes);
    expect(second.tests[0].itemPaths).toEqual(first.tests[0].itemPaths);
  });

  it('round-trips a QTI 2.1 package (media in another folder, test hrefs, modal feedback) into QTI 3.0', () => {
    const first = validatePackage({ zip: zipFixture('good-qti21') });
    expect(first.problems).toEqual([]);
    const second = roundTrip(first);
    expect(second.problems).toEqual([]);
    expect(second.items.map((i) => i.media)).toEqual([['images/map.png'], []]);
    expect(second.tests[0].itemPaths).toEqual({ 'q-hotspot': 'items/hotspot.xml', 'q-order': 'items/order.xml' });
    expect(second.items[0].item.metadata.subject).toBe('geography');
    const text = new TextDecoder().decode(unzipSync(exportPackage(exportInputFrom(first)).zip!)['items/hotspot.xml']);
    expect(text).toContain('<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="RIGHT" show-hide="show"><qti-content-body>');
  });

  it('converts QTI 2.1 to 3.0 names, namespace and template URL', () => {
    const xml21 = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imsqti_v2p1 imsqti_v2p1.xsd" identifier="q21" title="Two &amp; one" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
    <correctResponse><value>A</value><value>C</value></correctResponse>
    <mapping lowerBound="0" upperBound="2" defaultValue="-1"><mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="C" mappedValue="1"/></mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="0" shuffle="true">
    <simpleChoice identifier="A">a &lt; b</simpleChoice><simpleChoice identifier="B" fixed="true">B</simpleChoice><simpleChoice identifier="C">C</simpleChoice>
  </choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"/>
</assessmentItem>`;
    const first = validateFile('items/q21.xml', new TextEncoder().encode(xml21));
    expect(first.problems).toEqual([]);
    const out = exportPackage(exportInputFrom(first, 'pkg'));
    const text = new TextDecoder().decode(unzipSync(out.zip!)['items/q21.xml']);
    expect(text).toContain('<qti-choice-interaction response-identifier="RESPONSE" max-choices="0" shuffle="true">');
    expect(text).toContain('xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"');
    expect(text).toContain('template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"');
    expect(text).not.toContain('imsqti_v2p1');
    roundTrip(first);
  });

  it('round-trips every fixture in fixtures/qti/ with the same model and scores', () => {
    const files = xmlFiles(QTI_FIXTURES).filter((f) => !f.includes(`${sep}src${sep}`));
    let checked = 0;
    for (const f of files) {
      const rel = relative(QTI_FIXTURES, f).split(sep).join('/');
      const first = validateFile(rel, new Uint8Array(readFileSync(f)));
      expect(first.items.length + first.tests.length, rel).toBe(1);
      roundTrip(first, casesOf(f));
      checked++;
    }
    expect(checked).toBe(files.length);
  });
});
