/**
 * Builds a complete exam in a store for tests and benchmarks: N single-choice items (with
 * 2PL parameters), an assessmentTest, a published event and a roster with ticket codes and
 * PINs (hashed as the auth service expects).
 */
import { hashPin } from '../auth/secrets.ts';
import type { ExamEvent, Store } from '../store/types.ts';
import type { EventSettings } from './settings.ts';

export const CHOICES = ['A', 'B', 'C', 'D'] as const;

/** A QTI 2.2 single-choice item; the key is choice `key`. */
export function choiceItemXml(id: string, key: string, prompt = `Question ${id}`): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="${id}" title="${id}" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>${key}</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>1</value></defaultValue></outcomeDeclaration>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>${prompt}</prompt>
${CHOICES.map((c) => `      <simpleChoice identifier="${c}">Choice ${c}</simpleChoice>`).join('\n')}
    </choiceInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct"/>
</assessmentItem>`;
}

/** A one-part, one-section test over `ids`. */
export function testXml(id: string, ids: string[], opts: { navigationMode?: 'linear' | 'nonlinear'; submissionMode?: 'individual' | 'simultaneous'; maxTimeSeconds?: number; select?: number; shuffle?: boolean } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="${id}" title="${id}">
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
  ${opts.maxTimeSeconds ? `<timeLimits maxTime="${opts.maxTimeSeconds}" allowLateSubmission="false"/>` : ''}
  <testPart identifier="P1" navigationMode="${opts.navigationMode ?? 'nonlinear'}" submissionMode="${opts.submissionMode ?? 'simultaneous'}">
    <itemSessionControl maxAttempts="0" allowSkipping="true"/>
    <assessmentSection identifier="S1" title="Section 1" visible="true">
      ${opts.select ? `<selection select="${opts.select}"/>` : ''}${opts.shuffle ? '<ordering shuffle="true"/>' : ''}
${ids.map((i) => `      <assessmentItemRef identifier="${i}" href="items/${i}.xml"/>`).join('\n')}
    </assessmentSection>
  </testPart>
  <outcomeProcessing>
    <setOutcomeValue identifier="SCORE"><sum><testVariables variableIdentifier="SCORE"/></sum></setOutcomeValue>
    <setOutcomeValue identifier="MAXSCORE"><sum><testVariables variableIdentifier="MAXSCORE"/></sum></setOutcomeValue>
  </outcomeProcessing>
</assessmentTest>`;
}

export interface ExamFixture {
  event: ExamEvent;
  itemIds: string[];
  /** Key per item id. */
  keys: Record<string, string>;
  candidates: { candidateId: string; rosterId: string; ticketCode: string; pin: string }[];
}

export interface ExamFixtureOptions {
  items?: number;
  candidates?: number;
  code?: string;
  settings?: EventSettings;
  opensAt?: number | null;
  closesAt?: number | null;
  navigationMode?: 'linear' | 'nonlinear';
  submissionMode?: 'individual' | 'simultaneous';
  maxTimeSeconds?: number;
  /** Server secret for PIN hashes (omit to store no PIN hashes). */
  secret?: Buffer;
  published?: boolean;
  accommodations?: Record<string, unknown> | null;
}

/** Creates bank, items, test, event (published by default) and roster. */
export async function createExamFixture(store: Store, o: ExamFixtureOptions = {}): Promise<ExamFixture> {
  const code = o.code ?? `EXAM-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  const bank = await store.itemBanks.createBank({ code: `BANK-${code}`, name: `Bank ${code}` });
  const n = o.items ?? 10;
  const itemIds: string[] = [];
  const keys: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const id = `${code}-Q${String(i + 1).padStart(3, '0')}`;
    const key = CHOICES[i % 4]!;
    itemIds.push(id);
    keys[id] = key;
    const b = -2 + (4 * i) / Math.max(1, n - 1);
    await store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: id, qtiXml: choiceItemXml(id, key), irtParams: { model: '2pl', a: 1.2, b } });
  }
  const { test } = await store.tests.save({ bankId: bank.id, identifier: `${code}-TEST`, title: code, qtiXml: testXml(`${code}-TEST`, itemIds, o) });
  const now = Date.now();
  const event = await store.events.create({
    code,
    title: `Exam ${code}`,
    testId: test.id,
    opensAt: o.opensAt === undefined ? now - 3_600_000 : o.opensAt,
    closesAt: o.closesAt === undefined ? now + 6 * 3_600_000 : o.closesAt,
    status: o.published === false ? 'draft' : 'published',
    settings: (o.settings ?? {}) as Record<string, never>,
  });
  const room = await store.events.createRoom({ eventId: event.id, name: 'R1' });
  const m = o.candidates ?? 1;
  const created = await store.candidates.createMany(Array.from({ length: m }, () => ({ candidate: {} })));
  const candidates = created.map((c, i) => {
    const ticketCode = `${code}-${String(i + 1).padStart(6, '0')}`;
    const pin = String(100000 + ((i * 7919) % 900000)).padStart(6, '0') + 'AB';
    return { candidateId: c.id, ticketCode, pin, rosterId: '' };
  });
  const rows = await store.events.addRoster(
    candidates.map((c) => ({
      eventId: event.id,
      candidateId: c.candidateId,
      roomId: room.id,
      ticketCode: c.ticketCode,
      pinHash: o.secret ? hashPin(o.secret, c.ticketCode, c.pin) : null,
      accommodations: (o.accommodations ?? null) as Record<string, never> | null,
    })),
  );
  rows.forEach((r, i) => (candidates[i]!.rosterId = r.id));
  return { event, itemIds, keys, candidates };
}
