/**
 * QTI Results Reporting export (GET /api/exam-sessions/{id}/result.xml) end to end: a test with
 * many response kinds is sat by two candidates through the API, then each export is checked
 * against the rules of the QTI 2.2 results schema (imsqti_result_v2p2: element order, required
 * attributes, enumerations, datatypes) by `conformanceProblems` below, and every variable's
 * cardinality/baseType against the declaration of the item version that was scored.
 * The IMS XSD itself is not in the repository, so the rules it states are written out here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tempDir } from '../../tests/support/temp-dir.ts';
import { join } from 'node:path';
import { elements, parseItem, parseTest, readXml, textOf, type Json, type OutcomeDeclaration, type QtiNode, type VariableDeclarationBase } from '../../item-bank/index.ts';
import type { ExamEvent, ExamSession, Response, Result } from '../store/types.ts';
import { assessmentResultXml, sessionRecord, toNcName, type ItemDeclarations, type ResultDeclarations } from './results-export.ts';
import type { DeliveryPlan } from './walker.ts';
import { makeTestApp, type TestApp } from '../http/testing.ts';

const RESULT_NS = 'http://www.imsglobal.org/xsd/imsqti_result_v2p2';
const CARDINALITIES = new Set(['single', 'multiple', 'ordered', 'record']);
// The results schema's baseType enumeration (no intOrIdentifier, unlike the ASI one).
const BASE_TYPES = new Set(['boolean', 'directedPair', 'duration', 'file', 'float', 'identifier', 'integer', 'pair', 'point', 'string', 'uri']);
const SESSION_STATUS = new Set(['final', 'initial', 'pendingResponseProcessing', 'pendingSubmission']);
const VIEWS = new Set(['author', 'candidate', 'proctor', 'scorer', 'testConstructor', 'tutor']);

const NCNAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7\u0300-\u036F\u203F-\u2040]*$/u;
const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/;
const DATETIME = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/;
const ANY_URI = /^[A-Za-z][A-Za-z0-9+.\-]*:\S*$/;
// Characters XML 1.0 cannot carry at all, not even as character references.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function lexicalOk(baseType: string, text: string): boolean {
  const pair = (t: string) => t.split(' ').length === 2 && t.split(' ').every((x) => NCNAME.test(x));
  switch (baseType) {
    case 'identifier': return NCNAME.test(text);
    case 'integer': return INTEGER.test(text);
    case 'float': case 'duration': return DOUBLE.test(text);
    case 'boolean': return /^(true|false|1|0)$/.test(text);
    case 'point': return /^[+-]?\d+(\.\d+)? [+-]?\d+(\.\d+)?$/.test(text);
    case 'pair': case 'directedPair': return pair(text);
    case 'uri': return !/\s/.test(text);
    case 'file': return /^data:[^,;]+(;[^,;]+=[^,;]*)*;base64,[A-Za-z0-9+/]*=*$/.test(text);
    default: return true; // string
  }
}

const attrsOnly = (n: QtiNode, allowed: string[], where: string, out: string[]) => {
  for (const a of Object.keys(n.attrs)) if (!allowed.includes(a)) out.push(`${where}: attribute ${a} is not in the schema`);
};
const textChildren = (n: QtiNode) => n.children.filter((c): c is string => typeof c === 'string').join('').trim();

function checkValues(values: QtiNode[], card: string, baseType: string | undefined, where: string, out: string[]) {
  if (card === 'single' && values.length > 1) out.push(`${where}: single cardinality with ${values.length} values`);
  for (const v of values) {
    if (v.name !== 'value') { out.push(`${where}: <${v.name}> where only <value> is allowed`); continue; }
    if (elements(v).length) out.push(`${where}: <value> has child elements`);
    if (card === 'record') {
      attrsOnly(v, ['fieldIdentifier', 'baseType'], where, out);
      if (!v.attrs.fieldIdentifier || !NCNAME.test(v.attrs.fieldIdentifier)) out.push(`${where}: record value without an NCName fieldIdentifier`);
      if (!BASE_TYPES.has(v.attrs.baseType ?? '')) out.push(`${where}: record value baseType '${v.attrs.baseType}'`);
      else if (!lexicalOk(v.attrs.baseType!, textOf(v))) out.push(`${where}: '${textOf(v)}' is not a ${v.attrs.baseType}`);
    } else {
      attrsOnly(v, [], where, out);
      if (baseType && BASE_TYPES.has(baseType) && !lexicalOk(baseType, textOf(v))) out.push(`${where}: '${textOf(v)}' is not a ${baseType}`);
    }
  }
}

function checkVariable(n: QtiNode, where: string, out: string[]) {
  const w = `${where}/${n.name}[${n.attrs.identifier}]`;
  const { identifier, cardinality, baseType } = n.attrs;
  if (!identifier || !NCNAME.test(identifier)) out.push(`${w}: identifier must be an NCName`);
  if (!CARDINALITIES.has(cardinality ?? '')) out.push(`${w}: cardinality '${cardinality}' is not in the enumeration`);
  if (cardinality === 'record' ? baseType !== undefined : !BASE_TYPES.has(baseType ?? '')) out.push(`${w}: baseType '${baseType}' (only record variables go without one)`);
  if (n.name === 'responseVariable') {
    attrsOnly(n, ['identifier', 'cardinality', 'baseType', 'choiceSequence'], w, out);
    const seq = n.attrs.choiceSequence;
    if (seq !== undefined && !seq.split(' ').every((x) => NCNAME.test(x))) out.push(`${w}: choiceSequence '${seq}' is not a list of identifiers`);
    const kids = elements(n);
    const names = kids.map((k) => k.name).join(',');
    if (!/^(correctResponse,)?candidateResponse$/.test(names)) out.push(`${w}: children must be correctResponse? candidateResponse, got ${names}`);
    for (const k of kids) checkValues(elements(k), cardinality!, baseType, `${w}/${k.name}`, out);
  } else if (n.name === 'outcomeVariable') {
    attrsOnly(n, ['identifier', 'cardinality', 'baseType', 'view', 'interpretation', 'longInterpretation', 'normalMaximum', 'normalMinimum', 'masteryValue'], w, out);
    if (n.attrs.view !== undefined && !n.attrs.view.split(' ').every((v) => VIEWS.has(v))) out.push(`${w}: view '${n.attrs.view}'`);
    for (const a of ['normalMaximum', 'normalMinimum', 'masteryValue']) if (n.attrs[a] !== undefined && !DOUBLE.test(n.attrs[a]!)) out.push(`${w}: ${a} is not a double`);
    checkValues(elements(n), cardinality!, baseType, w, out);
  } else {
    attrsOnly(n, ['identifier', 'cardinality', 'baseType'], w, out);
    checkValues(elements(n), cardinality!, baseType, w, out);
  }
  if (textChildren(n)) out.push(`${w}: text outside <value>`);
}

/** Every way the document breaks the QTI 2.2 results schema (empty when it conforms). */
function conformanceProblems(xml: string): string[] {
  const out: string[] = [];
  if (NOT_XML_CHAR.test(xml)) out.push('document holds a character XML 1.0 cannot carry');
  // A raw CR is turned into LF by any XML parser: a value holding one must write &#13;.
  if (xml.includes('\r')) out.push('document holds a raw carriage return');
  const r = readXml(xml);
  if (!r.root || r.problems.length) return [...out, `not well-formed: ${r.problems.map((p) => p.message).join('; ')}`];
  const root = r.root;
  if (root.name !== 'assessmentResult') out.push(`root is <${root.name}>`);
  if (r.namespaces[''] !== RESULT_NS) out.push(`default namespace is ${r.namespaces['']}`);
  const kids = elements(root);
  if (!/^context(,testResult)?(,itemResult)*$/.test(kids.map((k) => k.name).join(','))) out.push(`assessmentResult children: ${kids.map((k) => k.name).join(',')}`);
  for (const k of kids) {
    if (k.name === 'context') {
      attrsOnly(k, ['sourcedId'], 'context', out);
      if (k.attrs.sourcedId !== undefined && !NCNAME.test(k.attrs.sourcedId)) out.push(`context: sourcedId '${k.attrs.sourcedId}' is not an NCName`);
      for (const s of elements(k)) {
        if (s.name !== 'sessionIdentifier') { out.push(`context: <${s.name}>`); continue; }
        attrsOnly(s, ['sourceID', 'identifier'], 'sessionIdentifier', out);
        if (!ANY_URI.test(s.attrs.sourceID ?? '')) out.push(`sessionIdentifier: sourceID '${s.attrs.sourceID}' is not a URI`);
        if (!s.attrs.identifier || /[\t\n\r]/.test(s.attrs.identifier)) out.push('sessionIdentifier: identifier missing or not a normalizedString');
      }
    } else if (k.name === 'testResult' || k.name === 'itemResult') {
      const w = `${k.name}[${k.attrs.identifier}]`;
      attrsOnly(k, k.name === 'testResult' ? ['identifier', 'datestamp'] : ['identifier', 'sequenceIndex', 'datestamp', 'sessionStatus'], w, out);
      if (!k.attrs.identifier || /[\t\n\r]/.test(k.attrs.identifier)) out.push(`${w}: identifier missing`);
      if (!DATETIME.test(k.attrs.datestamp ?? '')) out.push(`${w}: datestamp '${k.attrs.datestamp}' is not a dateTime`);
      if (k.name === 'itemResult') {
        if (!SESSION_STATUS.has(k.attrs.sessionStatus ?? '')) out.push(`${w}: sessionStatus '${k.attrs.sessionStatus}'`);
        if (k.attrs.sequenceIndex !== undefined && !/^\d+$/.test(k.attrs.sequenceIndex)) out.push(`${w}: sequenceIndex '${k.attrs.sequenceIndex}' is not an integer`);
      }
      const vars = elements(k);
      const names = vars.map((v) => (v.name === 'candidateComment' ? 'C' : /^(response|outcome|template)Variable$/.test(v.name) ? 'V' : '?')).join('');
      if (!(k.name === 'testResult' ? /^V*$/ : /^V*C?$/).test(names)) out.push(`${w}: children ${vars.map((v) => v.name).join(',')}`);
      for (const v of vars) if (v.name !== 'candidateComment') checkVariable(v, w, out);
    } else out.push(`<${k.name}> under assessmentResult`);
  }
  return out;
}

// ------------------------------------------------------------------ content

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/qti/2.2/${name}.xml`, import.meta.url), 'utf8');
const FIXTURE_ITEMS = ['choice-single', 'choice-multiple', 'order', 'text-entry', 'match', 'associate', 'select-point', 'upload', 'extended-text', 'vn-cloned'];

/** One item declaring a response of each remaining kind, and a few outcome shapes. */
const kindsItem = (uriBaseType: 'uri' | 'string') => `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="kinds" title="Kinds" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="R_DPAIR" cardinality="single" baseType="directedPair"/>
  <responseDeclaration identifier="R_PAIR" cardinality="single" baseType="pair"/>
  <responseDeclaration identifier="R_POINT" cardinality="single" baseType="point"/>
  <responseDeclaration identifier="R_DUR" cardinality="single" baseType="duration"/>
  <responseDeclaration identifier="R_BOOL" cardinality="single" baseType="boolean"/>
  <responseDeclaration identifier="R_URI" cardinality="single" baseType="${uriBaseType}"/>
  <responseDeclaration identifier="R_FLOAT" cardinality="single" baseType="float"/>
  <responseDeclaration identifier="R_INTS" cardinality="multiple" baseType="integer"/>
  <responseDeclaration identifier="R_IOI" cardinality="single" baseType="intOrIdentifier"/>
  <responseDeclaration identifier="R_REC" cardinality="record"/>
  <responseDeclaration identifier="R_EMPTY" cardinality="multiple" baseType="identifier"/>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="STEPS" cardinality="ordered" baseType="identifier"><defaultValue><value>READ</value><value>ANSWER</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="RATING" cardinality="single" baseType="float" view="scorer tutor" interpretation="share of the rubric met" normalMaximum="1" normalMinimum="0" masteryValue="0.8"/>
  <outcomeDeclaration identifier="NOTE" cardinality="single" baseType="string"/>
  <itemBody><p>Link: <textEntryInteraction responseIdentifier="R_URI"/></p></itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf>
        <match><variable identifier="R_BOOL"/><baseValue baseType="boolean">true</baseValue></match>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
        <setOutcomeValue identifier="NOTE"><baseValue baseType="string">ok  two spaces</baseValue></setOutcomeValue>
      </responseIf>
    </responseCondition>
  </responseProcessing>
</assessmentItem>`;

const ITEM_IDS = [...FIXTURE_ITEMS, 'kinds'];
const TEST_XML = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="RESULTS-EXPORT-TEST" title="Results export">
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>12</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="PASSED" cardinality="single" baseType="boolean"/>
  <outcomeDeclaration identifier="ANSWERED" cardinality="single" baseType="integer"/>
  <testPart identifier="P1" navigationMode="nonlinear" submissionMode="simultaneous">
    <assessmentSection identifier="S1" title="S1" visible="true">
${ITEM_IDS.map((i) => `      <assessmentItemRef identifier="${i}" href="items/${i}.xml"/>`).join('\n')}
    </assessmentSection>
  </testPart>
  <outcomeProcessing>
    <setOutcomeValue identifier="SCORE"><sum><testVariables variableIdentifier="SCORE"/></sum></setOutcomeValue>
    <setOutcomeValue identifier="PASSED"><gte><variable identifier="SCORE"/><baseValue baseType="float">3</baseValue></gte></setOutcomeValue>
    <setOutcomeValue identifier="ANSWERED"><numberResponded/></setOutcomeValue>
  </outcomeProcessing>
</assessmentTest>`;

// Candidate ids as a roster gives them: a UUID starting with a digit, a number with a space.
const CAND_A = '0c5e7b8a-1d2e-4f3a-9b8c-7d6e5f4a3b2c';
const CAND_B = 'SBD 042';
const FILE = { name: 'bài làm.pdf', mimeType: 'application/pdf', contentBase64: 'JVBERi0xLjQK' };
const ESSAY = '  Dòng 1\r\nline 2 <b>&amp;</b> "q"\u0001 end  ';

const ANSWERS_A: Record<string, unknown> = {
  'choice-single': 'HN',
  'choice-multiple': ['P2', 'P3'],
  order: ['LY', 'TRAN', 'LE', 'NGUYEN'],
  'text-entry': 'Hà Nội',
  match: ['H2O WATER', ['NACL', 'SALT']],
  associate: [['HUE', 'DANANG']],
  'select-point': [[75, 30], [100, 170]],
  upload: FILE,
  'extended-text': ESSAY,
  'vn-cloned': 0, // replaced by the product this candidate's clone asks for
  kinds: {
    R_DPAIR: ['SRC', 'DST'], R_PAIR: 'A B', R_POINT: [12, 34], R_DUR: 'PT1M30S', R_BOOL: true,
    R_URI: 'https://example.org/a?b=1&c=2', R_FLOAT: 2.5, R_INTS: [3, 4], R_IOI: 7, R_REC: { n: 2, x: 0.5, ok: true, s: 'hi' },
  },
};

// ------------------------------------------------------------------ the exam

/** QTI's built-in item session variables: kind, cardinality, baseType (no fixture item declares them). */
const BUILTIN_ITEM_VARIABLES: Record<string, [string, string, string]> = {
  numAttempts: ['responseVariable', 'single', 'integer'],
  duration: ['responseVariable', 'single', 'duration'],
  completionStatus: ['outcomeVariable', 'single', 'identifier'],
};

interface Decls { responses: Map<string, VariableDeclarationBase>; outcomes: Map<string, VariableDeclarationBase>; templates: Map<string, VariableDeclarationBase> }
const declsOf = (xml: string): Decls => {
  const it = parseItem(xml).item!;
  const byId = <T extends VariableDeclarationBase>(ds: T[]) => new Map(ds.map((d) => [d.identifier, d as VariableDeclarationBase]));
  return { responses: byId(it.responseDeclarations), outcomes: byId(it.outcomeDeclarations), templates: byId(it.templateDeclarations) };
};

describe('QTI results export (assessmentResult)', () => {
  let h: TestApp;
  let author: string;
  let bankId: string;
  let eventId: string;
  const sessions: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  /** Per candidate and item: the choice identifiers of the item's first interaction, in the order its view showed them. */
  const shown: Record<string, Record<string, string[]>> = {};
  const itemXml: Record<string, string> = Object.fromEntries([...FIXTURE_ITEMS.map((i) => [i, fixture(i)]), ['kinds', kindsItem('uri')]]);

  beforeAll(async () => {
    h = await makeTestApp(`sqlite:${join(tempDir('assay-rexport-'), 'a.db')}`);
    author = await h.bearer('author');
    const bank = await h.store.itemBanks.createBank({ code: 'BANK-REXPORT', name: 'Results export' });
    bankId = bank.id;
    for (const id of ITEM_IDS) {
      // two items carry IRT parameters, so the result has θ, its SE and a language level
      const irtParams = id === 'choice-single' || id === 'order' ? { model: '2pl', a: 1.1, b: 0 } : undefined;
      await h.store.itemBanks.saveItemVersion({ bankId, identifier: id, qtiXml: itemXml[id]!, ...(irtParams ? { irtParams } : {}) });
    }
    const { test } = await h.store.tests.save({ bankId, identifier: 'RESULTS-EXPORT-TEST', title: 'Results export', qtiXml: TEST_XML });
    let r = await h.call('POST', '/api/exam-events', { token: author, body: { code: 'REXPORT-1', title: 'Results export', testId: test.id, opensAt: Date.now() - 1000, closesAt: Date.now() + 3600_000, settings: { examType: 'language', showResults: 'full' } } });
    expect(r.status).toBe(201);
    eventId = r.json.id;
    r = await h.call('POST', `/api/exam-events/${eventId}/roster`, { token: author, body: { csv: `candidate_id,room\n${CAND_A},R1\n"${CAND_B}",R1\n` } });
    expect(r.status).toBe(200);
    expect((await h.call('POST', `/api/exam-events/${eventId}/publish`, { token: author })).status).toBe(200);
    const tickets = r.json.tickets as { candidateId: string; ticketCode: string; pin: string }[];
    for (const [cand, answers] of [[CAND_A, ANSWERS_A], [CAND_B, {}]] as const) {
      const t = tickets.find((x) => x.candidateId === cand)!;
      const login = await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: t.ticketCode, pin: t.pin, bearer: true } });
      expect(login.status).toBe(200);
      const token = (tokens[cand] = login.json.token);
      const s = await h.call('POST', '/api/delivery/session/start', { token });
      expect(s.status).toBe(200);
      sessions[cand] = s.json.sessionId;
      shown[cand] = {};
      for (const itemId of ['choice-single', 'choice-multiple', 'order', 'match', 'associate']) {
        const v = await h.call('GET', `/api/delivery/session/items/${itemId}`, { token });
        expect(v.status).toBe(200);
        shown[cand]![itemId] = (v.json.view.interactions[0].choices as { identifier: string }[]).map((c) => c.identifier);
      }
      let seq = 1;
      // A changes their mind twice on choice-single before the answer the loop below saves (HN)
      if (cand === CAND_A) {
        for (const value of ['HCM', 'DN']) {
          const a = await h.call('POST', '/api/delivery/session/answers', { token, body: { itemId: 'choice-single', value, clientSeq: seq++, responseId: 'RESPONSE' } });
          expect(a.json.ack?.status).toBe('stored');
        }
      }
      for (let [itemId, value] of Object.entries(answers)) {
        if (itemId === 'vn-cloned') {
          // the right product of this candidate's clone, as the item shows it ("Tính A × B")
          const v = await h.call('GET', '/api/delivery/session/items/vn-cloned', { token });
          const texts: string[] = [];
          const collect = (n: unknown): void => void (typeof n === 'string' ? texts.push(n) : n && typeof n === 'object' && Object.values(n).forEach(collect));
          collect(v.json.view);
          const m = /Tính\s*(\d+)\s*×\s*(\d+)/.exec(texts.join(''));
          expect(m, texts.join('')).not.toBeNull();
          value = Number(m![1]) * Number(m![2]);
        }
        const a = await h.call('POST', '/api/delivery/session/answers', { token, body: { itemId, value, clientSeq: seq++, responseId: itemId === 'kinds' ? null : 'RESPONSE' } });
        expect(a.json.ack?.status, `${itemId}: ${JSON.stringify(a.json)}`).toBe('stored');
      }
      expect((await h.call('POST', '/api/delivery/session/submit', { token })).json.state).toBe('scored');
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const exportOf = async (cand: string) => {
    const r = await h.call('GET', `/api/exam-sessions/${sessions[cand]}/result.xml`, { token: author });
    expect(r.status).toBe(200);
    return String(r.json);
  };
  const parsed = (xml: string) => readXml(xml).root!;
  const itemResults = (root: QtiNode) => new Map(elements(root).filter((n) => n.name === 'itemResult').map((n) => [n.attrs.identifier!, n]));
  const variable = (n: QtiNode, kind: string, id: string) => elements(n).find((v) => v.name === kind && v.attrs.identifier === id);
  const values = (v: QtiNode | undefined) => {
    const holder = v?.name === 'responseVariable' ? elements(v).find((x) => x.name === 'candidateResponse')! : v!;
    return elements(holder).map((x) => textOf(x));
  };

  it('conforms to the QTI 2.2 results schema, answered and unanswered alike', async () => {
    for (const cand of [CAND_A, CAND_B]) expect(conformanceProblems(await exportOf(cand)), cand).toEqual([]);
  });

  it('takes cardinality and baseType from the declarations of the scored item versions and of the test', async () => {
    const testDecls = new Map(parseTest(TEST_XML).test!.outcomeDeclarations.map((d) => [d.identifier, d]));
    for (const cand of [CAND_A, CAND_B]) {
      const root = parsed(await exportOf(cand));
      const mismatches: string[] = [];
      const same = (v: QtiNode, d: VariableDeclarationBase | undefined, where: string) => {
        if (!d) return void mismatches.push(`${where}: ${v.attrs.identifier} has no declaration`);
        const bt = d.baseType === 'intOrIdentifier' ? 'string' : d.baseType;
        if (v.attrs.cardinality !== d.cardinality || v.attrs.baseType !== bt) mismatches.push(`${where}: ${v.attrs.identifier} is ${v.attrs.cardinality}/${v.attrs.baseType}, declared ${d.cardinality}/${bt}`);
      };
      const testResult = elements(root).find((n) => n.name === 'testResult')!;
      // Assay's own outcomes and QTI's built-in test duration have fixed types
      const assay: Record<string, [string, string]> = { THETA: ['single', 'float'], THETA_SE: ['single', 'float'], SCALED_SCORE: ['single', 'float'], LEVEL: ['single', 'string'], duration: ['single', 'duration'] };
      for (const v of elements(testResult)) {
        const own = assay[v.attrs.identifier!];
        if (own) expect([v.attrs.cardinality, v.attrs.baseType], v.attrs.identifier).toEqual(own);
        else same(v, testDecls.get(v.attrs.identifier!), 'testResult');
      }
      const items = itemResults(root);
      expect([...items.keys()].sort()).toEqual([...ITEM_IDS].sort());
      for (const [id, ir] of items) {
        const d = declsOf(itemXml[id]!);
        const declared = (v: QtiNode) => !(v.attrs.identifier! in BUILTIN_ITEM_VARIABLES);
        for (const v of elements(ir)) {
          if (!declared(v)) expect([v.name, v.attrs.cardinality, v.attrs.baseType], `${id} ${v.attrs.identifier}`).toEqual(BUILTIN_ITEM_VARIABLES[v.attrs.identifier!]);
          else same(v, (v.name === 'responseVariable' ? d.responses : v.name === 'templateVariable' ? d.templates : d.outcomes).get(v.attrs.identifier!), id);
        }
        // every declared response and outcome is reported, answered or not
        expect(elements(ir).filter((v) => v.name === 'responseVariable' && declared(v)).map((v) => v.attrs.identifier), id).toEqual([...d.responses.keys()]);
        expect(elements(ir).filter((v) => v.name === 'outcomeVariable' && declared(v)).map((v) => v.attrs.identifier), id).toEqual([...d.outcomes.keys()]);
      }
      expect(mismatches, cand).toEqual([]);
    }
  });

  it('writes each value in the text form of its baseType', async () => {
    const root = parsed(await exportOf(CAND_A));
    const items = itemResults(root);
    const resp = (item: string, id = 'RESPONSE') => values(variable(items.get(item)!, 'responseVariable', id));
    expect(resp('choice-single')).toEqual(['HN']);
    expect(resp('choice-multiple')).toEqual(['P2', 'P3']);
    expect(resp('order')).toEqual(['LY', 'TRAN', 'LE', 'NGUYEN']);
    expect(resp('text-entry')).toEqual(['Hà Nội']);
    expect(resp('match')).toEqual(['H2O WATER', 'NACL SALT']);
    expect(resp('associate')).toEqual(['HUE DANANG']);
    expect(resp('select-point')).toEqual(['75 30', '100 170']);
    // the file as a data: URI (RFC 2397) with its media type and name
    expect(resp('upload')).toEqual([`data:application/pdf;name=${encodeURIComponent(FILE.name)};base64,${FILE.contentBase64}`]);
    // whitespace and CR kept (as &#13;); a character XML cannot carry becomes U+FFFD
    expect(resp('extended-text')).toEqual([ESSAY.replace('\u0001', '\uFFFD')]);
    const k = (id: string) => resp('kinds', id);
    expect([k('R_DPAIR'), k('R_PAIR'), k('R_POINT'), k('R_DUR'), k('R_BOOL'), k('R_URI'), k('R_FLOAT'), k('R_INTS'), k('R_IOI'), k('R_EMPTY')]).toEqual([
      ['SRC DST'], ['A B'], ['12 34'], ['90'], ['true'], ['https://example.org/a?b=1&c=2'], ['2.5'], ['3', '4'], ['7'], [],
    ]);
    const rec = elements(elements(variable(items.get('kinds')!, 'responseVariable', 'R_REC')!)[0]!);
    expect(rec.map((v) => [v.attrs.fieldIdentifier, v.attrs.baseType, textOf(v)])).toEqual([['n', 'integer', '2'], ['x', 'float', '0.5'], ['ok', 'boolean', 'true'], ['s', 'string', 'hi']]);
    // outcomes: ordered default kept in order, declared view and interpretation copied
    const kinds = items.get('kinds')!;
    expect(values(variable(kinds, 'outcomeVariable', 'STEPS'))).toEqual(['READ', 'ANSWER']);
    expect(values(variable(kinds, 'outcomeVariable', 'NOTE'))).toEqual(['ok  two spaces']);
    expect(variable(kinds, 'outcomeVariable', 'RATING')!.attrs).toMatchObject({ view: 'scorer tutor', interpretation: 'share of the rubric met', normalMaximum: '1', normalMinimum: '0', masteryValue: '0.8' });
    expect(values(variable(items.get('choice-single')!, 'outcomeVariable', 'SCORE'))).toEqual(['1']);
    // the cloned item's template values, as scoring drew them, make its response readable
    const tv = elements(items.get('vn-cloned')!).filter((v) => v.name === 'templateVariable');
    expect(tv.map((v) => v.attrs.identifier)).toEqual(['A', 'B', 'UNIT']);
    const [a, b] = tv.slice(0, 2).map((v) => Number(values(v)[0]));
    expect(resp('vn-cloned')).toEqual([String(a! * b!)]);
    expect(values(variable(items.get('vn-cloned')!, 'outcomeVariable', 'SCORE'))).toEqual(['0.5']);
    const test = elements(root).find((n) => n.name === 'testResult')!;
    expect(values(variable(test, 'outcomeVariable', 'PASSED'))).toEqual(['true']);
    expect(values(variable(test, 'outcomeVariable', 'LEVEL'))[0]).toMatch(/Bậc|A|B|C/);
  });

  it('reports an unanswered response as an empty candidateResponse of its declared type', async () => {
    const root = parsed(await exportOf(CAND_B));
    const multi = variable(itemResults(root).get('choice-multiple')!, 'responseVariable', 'RESPONSE')!;
    expect(multi.attrs).toMatchObject({ cardinality: 'multiple', baseType: 'identifier' });
    expect(elements(multi).map((e) => [e.name, elements(e).length])).toEqual([['candidateResponse', 0]]);
    const file = variable(itemResults(root).get('upload')!, 'responseVariable', 'RESPONSE')!;
    expect(file.attrs).toMatchObject({ cardinality: 'single', baseType: 'file' });
  });

  it("reports QTI's session variables: one attempt per item shown (simultaneous part), completionStatus, the shown choice order, the test's duration", async () => {
    const builtins = (ir: QtiNode) => ({
      numAttempts: values(variable(ir, 'responseVariable', 'numAttempts'))[0],
      completionStatus: values(variable(ir, 'outcomeVariable', 'completionStatus'))[0],
    });
    // A answered every item (choice-single three times): each was shown, and a simultaneous
    // part allows one attempt, ended by the submission, however many saves it took
    const a = itemResults(parsed(await exportOf(CAND_A)));
    for (const [id, ir] of a) expect(builtins(ir), id).toEqual({ numAttempts: '1', completionStatus: 'completed' });
    expect(values(variable(a.get('choice-single')!, 'responseVariable', 'RESPONSE'))).toEqual(['HN']);
    // B answered nothing: the item B started on was shown (an attempt without a response), the
    // others never were
    const b = itemResults(parsed(await exportOf(CAND_B)));
    expect(builtins(b.get('choice-single')!)).toEqual({ numAttempts: '1', completionStatus: 'completed' });
    expect(values(variable(b.get('choice-single')!, 'responseVariable', 'RESPONSE'))).toEqual([]);
    for (const [id, ir] of b) if (id !== 'choice-single') expect(builtins(ir), id).toEqual({ numAttempts: '0', completionStatus: 'not_attempted' });

    // choiceSequence: the order each candidate's item view showed, on shuffled interactions only
    const seq = (ir: QtiNode) => variable(ir, 'responseVariable', 'RESPONSE')!.attrs.choiceSequence;
    for (const id of ['choice-single', 'order', 'match', 'associate']) expect(seq(a.get(id)!)?.split(' '), id).toEqual(shown[CAND_A]![id]);
    expect(seq(b.get('choice-single')!)?.split(' ')).toEqual(shown[CAND_B]![`choice-single`]);
    // a fixed choice keeps its place in every shuffle
    expect(shown[CAND_A]!['choice-single']!.at(-1)).toBe('NONE');
    expect([...shown[CAND_A]!['choice-single']!].sort()).toEqual(['DN', 'HCM', 'HN', 'NONE']);
    // shuffle="false", no choices, or never shown to the candidate: no choiceSequence
    expect(seq(a.get('choice-multiple')!)).toBeUndefined();
    expect(seq(a.get('text-entry')!)).toBeUndefined();
    expect(seq(b.get('order')!)).toBeUndefined();

    // the test's duration: start to submission less pauses, from the session row; the time per
    // item is not recorded, so no itemResult has one
    for (const cand of [CAND_A, CAND_B]) {
      const xml = await exportOf(cand);
      const test = elements(parsed(xml)).find((n) => n.name === 'testResult')!;
      const row = (await h.call('GET', `/api/exam-sessions/${sessions[cand]}/results`, { token: author })).json.session as ExamSession;
      expect(variable(test, 'responseVariable', 'duration')!.attrs).toMatchObject({ cardinality: 'single', baseType: 'duration' });
      expect(Number(values(variable(test, 'responseVariable', 'duration'))[0])).toBe((row.submittedAt! - row.startedAt! - row.pausedMs) / 1000);
      expect(row.pausedMs).toBe(0);
      expect([...itemResults(parsed(xml)).values()].some((ir) => variable(ir, 'responseVariable', 'duration'))).toBe(false);
      expect(xml).toContain('<!-- item duration not exported: Assay does not record when the candidate entered and left each item');
    }
  });

  it('context: sourcedId is the candidate id as an NCName; sessions identify event, session and result version', async () => {
    const ctxA = elements(parsed(await exportOf(CAND_A)))[0]!;
    expect(ctxA.attrs.sourcedId).toBe(`_${CAND_A}`);
    expect(elements(ctxA).map((s) => [s.attrs.sourceID, s.attrs.identifier])).toEqual([['assay:exam-event', 'REXPORT-1'], ['assay:session', sessions[CAND_A]], ['assay:result-version', '1']]);
    expect(elements(parsed(await exportOf(CAND_B)))[0]!.attrs.sourcedId).toBe('SBD_x0020_042');
    const items = [...itemResults(parsed(await exportOf(CAND_A))).values()];
    expect(items.map((i) => i.attrs.sequenceIndex)).toEqual(ITEM_IDS.map((_, i) => String(i + 1)));
    expect(new Set(items.map((i) => i.attrs.sessionStatus))).toEqual(new Set(['final']));
  });

  it('carries no answer key, and only authors and admins can fetch it', async () => {
    const xml = await exportOf(CAND_A);
    expect(xml).not.toMatch(/correctResponse|mapping|responseProcessing/);
    const proctor = await h.bearer('proctor');
    for (const token of [tokens[CAND_A]!, proctor]) {
      expect((await h.call('GET', `/api/exam-sessions/${sessions[CAND_A]}/result.xml`, { token })).status).toBe(403);
    }
    // the candidate's own result is JSON outcomes only, never keys or the XML
    const own = await h.call('GET', '/api/delivery/session/result', { token: tokens[CAND_A] });
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.json)).not.toMatch(/correctResponse|mapping|assessmentResult|candidateResponse/);
  });

  it('follows the item version each result was scored with: a newer version counts only after a rescore', async () => {
    // a new version of 'kinds' declares R_URI as a string; result 1 was scored with the pinned one
    await h.store.itemBanks.saveItemVersion({ bankId, identifier: 'kinds', qtiXml: kindsItem('string') });
    let kinds = itemResults(parsed(await exportOf(CAND_A))).get('kinds')!;
    expect(variable(kinds, 'responseVariable', 'R_URI')!.attrs.baseType).toBe('uri');
    const r = await h.call('POST', `/api/exam-events/${eventId}/rescore`, { token: author, body: { reason: 'R_URI is free text' } });
    expect(r.status).toBe(200);
    const xml = await exportOf(CAND_A);
    expect(conformanceProblems(xml)).toEqual([]);
    kinds = itemResults(parsed(xml)).get('kinds')!;
    expect(variable(kinds, 'responseVariable', 'R_URI')!.attrs.baseType).toBe('string');
    expect(elements(elements(parsed(xml))[0]!).at(-1)!.attrs.identifier).toBe('2');
    // datestamp: when this result (version 2) was recorded, not when the candidate submitted
    const all = (await h.call('GET', `/api/exam-sessions/${sessions[CAND_A]}/results`, { token: author })).json as { session: { submittedAt: number }; results: { version: number; createdAt: number }[] };
    const v2 = new Date(all.results.find((x) => x.version === 2)!.createdAt).toISOString();
    expect(v2).not.toBe(new Date(all.session.submittedAt).toISOString());
    const stamps = elements(parsed(xml)).filter((n) => n.name !== 'context').map((n) => n.attrs.datestamp);
    expect(new Set(stamps)).toEqual(new Set([v2]));
  });
});

describe('assessmentResultXml on stored values that do not fit', () => {
  const event = { code: 'E1' } as ExamEvent;
  const session = { id: 's1', candidateId: 'c:1', itemOrder: ['I1', 'I2'] } as unknown as ExamSession;
  const item = declsOf(kindsItem('uri'));
  const decls: ResultDeclarations = {
    testIdentifier: 'T',
    testOutcomes: parseTest(`<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="T" title="T"><outcomeDeclaration identifier="LEVEL" cardinality="single" baseType="identifier"/>
      <testPart identifier="P" navigationMode="linear" submissionMode="individual"><assessmentSection identifier="S" title="S" visible="true"/></testPart></assessmentTest>`).test!.outcomeDeclarations,
    items: new Map([['I1', { responses: [...item.responses.values()], outcomes: [...item.outcomes.values()] as OutcomeDeclaration[], templates: [] }]]),
  };
  const result = {
    version: 3, createdAt: Date.UTC(2026, 0, 2), theta: 0.5, se: null, scaledScore: null, level: 'B1',
    outcomes: { test: { LEVEL: 'B2', EXTRA: 1 }, items: { I1: { responses: { R_BOOL: 'yes', R_GONE: 'x' }, outcomes: { SCORE: 1 } }, I2: { responses: { RESPONSE: 'A' }, outcomes: {} } } },
  } as unknown as Result;
  const xml = assessmentResultXml(event, session, result, decls);

  it('still conforms: a value that does not fit, an undeclared response, an item without a version are comments', () => {
    expect(conformanceProblems(xml)).toEqual([]);
    expect(xml).toMatch(/<!-- responseVariable R_BOOL not exported: .*boolean.* -->/);
    expect(xml).toMatch(/<!-- responseVariable R_GONE not exported: the scored item version does not declare it -->/);
    expect(xml).toMatch(/<!-- outcomeVariable EXTRA not exported: the test does not declare it -->/);
    expect(xml).toMatch(/<itemResult identifier="I2"[^>]*>\n {4}<!-- variables not exported: the result names no item version for this item -->\n {2}<\/itemResult>/);
    expect(elements(readXml(xml).root!)[0]!.attrs.sourcedId).toBe('c_x003A_1');
  });

  it("a test outcome declared with one of Assay's names keeps its declaration; Assay's own is left out", () => {
    const test = elements(readXml(xml).root!).find((n) => n.name === 'testResult')!;
    expect(elements(test).map((v) => [v.attrs.identifier, v.attrs.baseType, textOf(v).trim()])).toEqual([['LEVEL', 'identifier', 'B2'], ['THETA', 'float', '0.5']]);
  });

  it('NCName mapping of ids', () => {
    expect(['C-1', '_x', 'Bậc', '0abc', '-a', 'a b', 'a:b', '', '²'].map(toNcName)).toEqual(['C-1', '_x', 'Bậc', '_0abc', '_-a', 'a_x0020_b', 'a_x003A_b', '_', '_x00B2_']);
  });
});

describe('QTI results export: attempts in an individual submission part, the duration less a pause', () => {
  const IDS = ['choice-single', 'text-entry', 'choice-multiple', 'order'];
  const TEST = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="INDIVIDUAL" title="Individual">
  <testPart identifier="P1" navigationMode="nonlinear" submissionMode="individual">
    <itemSessionControl maxAttempts="3"/>
    <assessmentSection identifier="S1" title="S1" visible="true">
${IDS.map((i) => `      <assessmentItemRef identifier="${i}" href="items/${i}.xml"/>`).join('\n')}
    </assessmentSection>
  </testPart>
</assessmentTest>`;
  let h: TestApp;
  let xml: string;
  let row: ExamSession;
  let shownOrder: string[];

  beforeAll(async () => {
    h = await makeTestApp(`sqlite:${join(tempDir('assay-rexport-ind-'), 'a.db')}`);
    const author = await h.bearer('author');
    const bank = await h.store.itemBanks.createBank({ code: 'BANK-REXPORT-IND', name: 'Results export, individual' });
    for (const id of IDS) await h.store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: id, qtiXml: fixture(id) });
    const { test } = await h.store.tests.save({ bankId: bank.id, identifier: 'INDIVIDUAL', title: 'Individual', qtiXml: TEST });
    const ev = await h.call('POST', '/api/exam-events', { token: author, body: { code: 'REXPORT-2', title: 'Individual', testId: test.id, opensAt: Date.now() - 1000, closesAt: Date.now() + 3600_000, settings: { examType: 'subject' } } });
    expect(ev.status).toBe(201);
    const roster = await h.call('POST', `/api/exam-events/${ev.json.id}/roster`, { token: author, body: { csv: 'candidate_id,room\nIND-1,R1\n' } });
    expect((await h.call('POST', `/api/exam-events/${ev.json.id}/publish`, { token: author })).status).toBe(200);
    const t = roster.json.tickets[0] as { ticketCode: string; pin: string };
    const token = (await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: t.ticketCode, pin: t.pin, bearer: true } })).json.token as string;
    const sessionId = (await h.call('POST', '/api/delivery/session/start', { token })).json.sessionId as string;
    let seq = 1;
    const save = async (itemId: string, value: unknown) => {
      const a = await h.call('POST', '/api/delivery/session/answers', { token, body: { itemId, value, clientSeq: seq++ } });
      expect(a.json.ack?.status, JSON.stringify(a.json)).toBe('stored');
    };
    const go = async (to: string) => expect((await h.call('POST', '/api/delivery/session/navigate', { token, body: { to } })).status).toBe(200);
    shownOrder = ((await h.call('GET', '/api/delivery/session/items/choice-single', { token })).json.view.interactions[0].choices as { identifier: string }[]).map((c) => c.identifier);
    await save('choice-single', 'HCM');
    await go('next'); // leaves choice-single answered: attempt 1
    await go('previous'); // leaves text-entry unanswered: no attempt
    for (const v of ['HN', 'DN', 'HN']) await save('choice-single', v); // three saves, one attempt
    await go('choice-multiple'); // attempt 2 of choice-single
    await save('choice-multiple', ['P2', 'P3']);
    await go('choice-single'); // attempt 1 of choice-multiple; choice-single may take a third
    // the proctor pauses the session: the clock stops
    expect((await h.call('POST', `/api/proctor/sessions/${sessionId}/pause`, { token: author, body: { reason: 'fire drill' } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.call('POST', `/api/proctor/sessions/${sessionId}/resume`, { token: author })).status).toBe(200);
    expect((await h.call('POST', '/api/delivery/session/submit', { token })).json.state).toBe('scored'); // ends choice-single's third attempt
    const x = await h.call('GET', `/api/exam-sessions/${sessionId}/result.xml`, { token: author });
    expect(x.status).toBe(200);
    xml = String(x.json);
    row = (await h.call('GET', `/api/exam-sessions/${sessionId}/results`, { token: author })).json.session as ExamSession;
  });
  afterAll(async () => {
    await h?.close();
  });

  const items = () => new Map(elements(readXml(xml).root!).filter((n) => n.name === 'itemResult').map((n) => [n.attrs.identifier!, n]));
  const one = (n: QtiNode, kind: string, id: string) => {
    const v = elements(n).find((x) => x.name === kind && x.attrs.identifier === id);
    const holder = v?.name === 'responseVariable' ? elements(v).find((x) => x.name === 'candidateResponse')! : v;
    return holder ? elements(holder).map((x) => textOf(x)) : undefined;
  };

  it('counts each time the candidate left an item answered, the end of the test included; an item shown counts at least once', () => {
    expect(conformanceProblems(xml)).toEqual([]);
    const got = Object.fromEntries([...items()].map(([id, ir]) => [id, [one(ir, 'responseVariable', 'numAttempts')?.[0], one(ir, 'outcomeVariable', 'completionStatus')?.[0]]]));
    expect(got).toEqual({
      'choice-single': ['3', 'completed'], // left answered twice, then the test was submitted on it; saves are not attempts
      'text-entry': ['1', 'completed'], // shown, left without an answer
      'choice-multiple': ['1', 'completed'], // answered and left once
      order: ['0', 'not_attempted'], // never shown
    });
    const cs = items().get('choice-single')!;
    expect(one(cs, 'responseVariable', 'RESPONSE')).toEqual(['HN']);
    expect(elements(cs).find((v) => v.attrs.identifier === 'RESPONSE')!.attrs.choiceSequence).toBe(shownOrder.join(' '));
    expect(elements(items().get('order')!).find((v) => v.attrs.identifier === 'RESPONSE')!.attrs.choiceSequence).toBeUndefined();
  });

  it("the test's duration leaves out the pause", () => {
    const test = elements(readXml(xml).root!).find((n) => n.name === 'testResult')!;
    const duration = Number(one(test, 'responseVariable', 'duration')![0]);
    expect(row.pausedMs).toBeGreaterThanOrEqual(300);
    expect(duration).toBe((row.submittedAt! - row.startedAt! - row.pausedMs) / 1000);
    expect(duration).toBeLessThanOrEqual((row.submittedAt! - row.startedAt! - 300) / 1000);
  });
});

describe('sessionRecord and the built-in variables it gives the XML', () => {
  const part = (identifier: string, first: number, last: number, submissionMode: 'individual' | 'simultaneous') => ({ identifier, kind: 'testPart', first, last, navigationMode: 'nonlinear', submissionMode, preConditions: [], branchRules: [] });
  // A, B, C individual; D, E simultaneous
  const plan = {
    testIdentifier: 'T', seed: 0, testMaxMs: null, sections: [],
    parts: [part('IND', 0, 2, 'individual'), part('SIM', 3, 4, 'simultaneous')],
    items: ['A', 'B', 'C', 'D', 'E'].map((key, index) => ({ key, identifier: key, index, part: index < 3 ? 'IND' : 'SIM' })),
  } as unknown as DeliveryPlan;
  let id = 0;
  const save = (itemIdentifier: string, clientSeq: number, value: unknown) => ({ id: ++id, sessionId: 's', itemIdentifier, responseIdentifier: 'RESPONSE', value, clientSeq, receivedAt: 0 }) as Response;
  const HOUR = 3_600_000;
  const session = (over: Partial<ExamSession>) => ({
    id: 's', seed: '7', candidateId: 'c', itemOrder: ['A', 'B', 'C', 'D', 'E'], startedAt: 1_000, submittedAt: 1_000 + HOUR, pausedAt: null, pausedMs: 0, extensionMs: 0,
    position: { position: 2, attempts: { A: 2, C: 1 }, visited: ['A', 'B', 'C', 'D'] }, ...over,
  }) as ExamSession;
  // C's latest save (highest clientSeq, whatever the arrival order) cleared the answer; E was answered without being navigated to
  const history = [save('A', 1, 'x'), save('A', 2, 'y'), save('C', 2, null), save('C', 1, 'z'), save('D', 1, 'p'), save('D', 2, 'q'), save('D', 3, 'r'), save('E', 1, 's')];
  const attempts = (r: ReturnType<typeof sessionRecord>) => Object.fromEntries([...r.items].map(([k, v]) => [k, [v.presented, v.numAttempts]]));

  it('numAttempts: the engine count (+1 when the test ended on an answered item) in individual parts, one per item shown in simultaneous ones', () => {
    // ended on C, whose latest save is empty: no attempt added; B shown, never answered: 1
    expect(attempts(sessionRecord(session({}), plan, history))).toEqual({ A: [true, 2], B: [true, 1], C: [true, 1], D: [true, 1], E: [true, 1] });
    // ended on A, answered: its attempt in progress ended with the test
    const onA = session({ position: { position: 0, attempts: { A: 2, C: 1 }, visited: ['A', 'B', 'C', 'D'] } });
    expect(attempts(sessionRecord(onA, plan, history)).A).toEqual([true, 3]);
    // nothing shown or saved: 0
    expect(attempts(sessionRecord(session({}), plan, [])).E).toEqual([false, 0]);
    // no navigation record: shown only where a save proves it, attempts unknown
    expect(attempts(sessionRecord(session({ position: null }), plan, history))).toEqual({ A: [true, null], B: [null, null], C: [true, null], D: [true, null], E: [true, null] });
  });

  it("the test's duration: start to submission, completed pauses and one still running at the time-out left out", () => {
    expect(sessionRecord(session({}), plan, []).testDuration).toBe(3600);
    expect(sessionRecord(session({ pausedMs: 120_000 }), plan, []).testDuration).toBe(3480);
    // timed out while paused: the open pause runs to the time-out
    expect(sessionRecord(session({ pausedMs: 120_000, pausedAt: 1_000 + HOUR - 30_000 }), plan, []).testDuration).toBe(3450);
    expect(sessionRecord(session({ submittedAt: null }), plan, []).testDuration).toBeNull();
  });

  it('completionStatus: not_attempted, completed, unknown for adaptive items or without a record; an item declaring one keeps its own', () => {
    const item = (over: Partial<ItemDeclarations> = {}): ItemDeclarations => ({ responses: [{ identifier: 'RESPONSE', cardinality: 'single', baseType: 'identifier' }], outcomes: [], templates: [], ...over });
    const decls: ResultDeclarations = {
      testIdentifier: 'T', testOutcomes: [],
      items: new Map([['A', item()], ['B', item({ adaptive: true })], ['C', item()], ['D', item({ outcomes: [{ identifier: 'completionStatus', cardinality: 'single', baseType: 'identifier' }] })], ['E', item()]]),
    };
    const stored = (o: Record<string, Json> = {}) => ({ responses: {}, outcomes: o });
    const result = { version: 1, createdAt: 0, theta: null, se: null, scaledScore: null, level: null, outcomes: { items: { A: stored(), B: stored(), C: stored(), D: stored({ completionStatus: 'incomplete' }), E: stored() } } } as unknown as Result;
    const rec = (presented: boolean | null, numAttempts: number | null) => ({ presented, numAttempts, choiceSequences: {} });
    const record = { testDuration: 12.5, items: new Map([['A', rec(true, 1)], ['B', rec(true, 1)], ['C', rec(null, null)], ['D', rec(true, 1)], ['E', rec(false, 0)]]) };
    const xml = assessmentResultXml({ code: 'E' } as ExamEvent, session({}), result, decls, record);
    expect(conformanceProblems(xml)).toEqual([]);
    const byItem = new Map(elements(readXml(xml).root!).filter((n) => n.name === 'itemResult').map((n) => [n.attrs.identifier!, n]));
    const vars = (k: string, id: string) => elements(byItem.get(k)!).filter((v) => v.attrs.identifier === id).map((v) => textOf(v).trim());
    expect(['A', 'B', 'C', 'D', 'E'].map((k) => vars(k, 'completionStatus'))).toEqual([['completed'], ['unknown'], ['unknown'], ['incomplete'], ['not_attempted']]);
    // numAttempts only where the record tells it
    expect(['A', 'C', 'E'].map((k) => vars(k, 'numAttempts'))).toEqual([['1'], [], ['0']]);
    expect(textOf(elements(elements(readXml(xml).root!).find((n) => n.name === 'testResult')!)[0]!).trim()).toBe('12.5');
  });
});
