/**
 * The candidate's own result (GET /api/delivery/session/result) with `showResults: 'full'`:
 * outcomes whose declaration has a `view` without `candidate` stay with staff, and nothing of
 * the answer key (correct response, mapping, an outcome that copies the key) reaches the
 * candidate. End to end in process on SQLite, with an item and a test written for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseItem, type OutcomeDeclaration } from '../../item-bank/index.ts';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';
import { candidateItemOutcomes } from './candidate-result.ts';

// The key and its mapped value are unusual strings, so finding them anywhere in a body is a leak.
const KEY = 'ZEBRA7';
const KEY_POINTS = '2.75';

const ITEM_XML = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="view-choice" title="Views" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>${KEY}</value></correctResponse>
    <mapping defaultValue="0"><mapEntry mapKey="${KEY}" mappedValue="${KEY_POINTS}"/></mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>3</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="KEY_ECHO" cardinality="single" baseType="identifier" view="scorer"/>
  <outcomeDeclaration identifier="TUTOR_NOTE" cardinality="single" baseType="string" view="tutor"/>
  <outcomeDeclaration identifier="CAND_NOTE" cardinality="single" baseType="string" view="tutor candidate"/>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <prompt>Pick one</prompt>
      <simpleChoice identifier="${KEY}">Zebra</simpleChoice>
      <simpleChoice identifier="LION3">Lion</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing>
    <setOutcomeValue identifier="SCORE"><mapResponse identifier="RESPONSE"/></setOutcomeValue>
    <setOutcomeValue identifier="KEY_ECHO"><correct identifier="RESPONSE"/></setOutcomeValue>
    <setOutcomeValue identifier="TUTOR_NOTE"><baseValue baseType="string">tutor-only-note</baseValue></setOutcomeValue>
    <setOutcomeValue identifier="CAND_NOTE"><baseValue baseType="string">for-you-note</baseValue></setOutcomeValue>
    <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">TRY_AGAIN</baseValue></setOutcomeValue>
  </responseProcessing>
</assessmentItem>`;

const TEST_XML = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="VIEW-TEST" title="Views">
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="PASSED" cardinality="single" baseType="boolean"/>
  <outcomeDeclaration identifier="EXAMINER_FLAG" cardinality="single" baseType="string" view="scorer"/>
  <testPart identifier="P1" navigationMode="nonlinear" submissionMode="simultaneous">
    <assessmentSection identifier="S1" title="S1" visible="true">
      <assessmentItemRef identifier="view-choice" href="items/view-choice.xml"/>
    </assessmentSection>
  </testPart>
  <outcomeProcessing>
    <setOutcomeValue identifier="SCORE"><sum><testVariables variableIdentifier="SCORE"/></sum></setOutcomeValue>
    <setOutcomeValue identifier="MAXSCORE"><sum><testVariables variableIdentifier="MAXSCORE"/></sum></setOutcomeValue>
    <setOutcomeValue identifier="PASSED"><gte><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></gte></setOutcomeValue>
    <setOutcomeValue identifier="EXAMINER_FLAG"><baseValue baseType="string">examiner-only-flag</baseValue></setOutcomeValue>
  </outcomeProcessing>
</assessmentTest>`;

describe("candidate's own result and outcome views", () => {
  let h: TestApp;
  let author: string;
  let token: string;
  let sessionId: string;

  beforeAll(async () => {
    h = await makeTestApp(`sqlite:${join(tempDir('assay-ownres-'), 'a.db')}`);
    author = await h.bearer('author');
    const bank = await h.store.itemBanks.createBank({ code: 'BANK-VIEWS', name: 'Views' });
    await h.store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: 'view-choice', qtiXml: ITEM_XML });
    const { test } = await h.store.tests.save({ bankId: bank.id, identifier: 'VIEW-TEST', title: 'Views', qtiXml: TEST_XML });
    let r = await h.call('POST', '/api/exam-events', { token: author, body: { code: 'VIEWS-1', title: 'Views', testId: test.id, opensAt: Date.now() - 1000, closesAt: Date.now() + 3600_000, settings: { examType: 'subject', showResults: 'full' } } });
    expect(r.status).toBe(201);
    const eventId = r.json.id;
    r = await h.call('POST', `/api/exam-events/${eventId}/roster`, { token: author, body: { csv: 'candidate_id,room\nC-VIEW,R1\n' } });
    expect(r.status).toBe(200);
    const ticket = r.json.tickets[0] as { ticketCode: string; pin: string };
    expect((await h.call('POST', `/api/exam-events/${eventId}/publish`, { token: author })).status).toBe(200);
    const login = await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: ticket.ticketCode, pin: ticket.pin, bearer: true } });
    token = login.json.token;
    sessionId = (await h.call('POST', '/api/delivery/session/start', { token })).json.sessionId;
    // a wrong answer: the key can then only reach the result through an outcome that copies it
    const a = await h.call('POST', '/api/delivery/session/answers', { token, body: { itemId: 'view-choice', value: 'LION3', clientSeq: 1 } });
    expect(a.json.ack.status).toBe('stored');
    expect((await h.call('POST', '/api/delivery/session/submit', { token })).json.state).toBe('scored');
  });
  afterAll(async () => {
    await h?.close();
  });

  it("'full' gives the candidate only the outcomes declared for them (no view, or a view naming candidate)", async () => {
    const r = await h.call('GET', '/api/delivery/session/result', { token });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ score: 0, maxScore: 3, version: 1 });
    expect(r.json.items['view-choice']).toEqual({ SCORE: 0, MAXSCORE: 3, CAND_NOTE: 'for-you-note', FEEDBACK: 'TRY_AGAIN' });
    const text = JSON.stringify(r.json);
    for (const hidden of ['KEY_ECHO', 'TUTOR_NOTE', 'tutor-only-note', 'EXAMINER_FLAG', 'examiner-only-flag']) expect(text).not.toContain(hidden);
  });

  it('never carries the answer key: no correct response, no mapping, no key value', async () => {
    const text = JSON.stringify((await h.call('GET', '/api/delivery/session/result', { token })).json);
    expect(text).not.toMatch(/correctResponse|correct|mapping|mapEntry|mapKey|mappedValue|responseProcessing|templateValues|responses/i);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY_POINTS);
  });

  it("staff still see every outcome, the hidden ones included", async () => {
    const r = await h.call('GET', `/api/exam-sessions/${sessionId}/results`, { token: author });
    expect(r.status).toBe(200);
    const o = r.json.results[0].outcomes;
    expect(o.items['view-choice'].outcomes).toMatchObject({ KEY_ECHO: KEY, TUTOR_NOTE: 'tutor-only-note', CAND_NOTE: 'for-you-note' });
    expect(o.test).toMatchObject({ EXAMINER_FLAG: 'examiner-only-flag', PASSED: false });
    const xml = String((await h.call('GET', `/api/exam-sessions/${sessionId}/result.xml`, { token: author })).json);
    expect(xml).toContain('<outcomeVariable identifier="KEY_ECHO" cardinality="single" baseType="identifier" view="scorer">');
  });
});

describe('candidateItemOutcomes', () => {
  const decls = parseItem(ITEM_XML).item!.outcomeDeclarations as OutcomeDeclaration[];
  it('keeps declared outcomes without a view or with candidate in it; drops other views and undeclared values', () => {
    expect(candidateItemOutcomes(decls, { SCORE: 1, KEY_ECHO: KEY, TUTOR_NOTE: 'x', CAND_NOTE: 'y', UNDECLARED: 'z' })).toEqual({ SCORE: 1, CAND_NOTE: 'y' });
  });
  it('without the declarations (the scored version unknown) nothing is given out', () => {
    expect(candidateItemOutcomes(undefined, { SCORE: 1 })).toEqual({});
  });
});
