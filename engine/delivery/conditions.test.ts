/** preConditions and branchRules evaluated with item-bank's expression engine during navigation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import { createAuditService } from '../audit/service.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import { MemoryEventBus } from '../proctor/event-bus.ts';
import { DeliveryService } from './service.ts';
import { createExamFixture, type ExamFixture } from './exam-fixture.ts';
import { conditionEvaluator } from './conditions.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let dir: string;
let store: Store;
let svc: DeliveryService;
let f: ExamFixture;

const gte1 = (id: string) => `<gte><variable identifier="${id}.SCORE"/><baseValue baseType="float">1</baseValue></gte>`;

beforeAll(async () => {
  dir = tempDir('assay-cond-');
  store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
  await store.migrate();
  svc = new DeliveryService({ store, audit: createAuditService(store.audit), bus: new MemoryEventBus(), conditions: conditionEvaluator });
  f = await createExamFixture(store, { items: 4, candidates: 2, code: 'COND' });
  const [q1, q2, q3, q4] = f.itemIds;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="COND-LINEAR" title="branching">
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>
  <testPart identifier="P" navigationMode="linear" submissionMode="individual">
    <assessmentSection identifier="S" title="S" visible="true">
      <assessmentItemRef identifier="${q1}" href="${q1}.xml"><branchRule target="${q4}">${gte1(q1!)}</branchRule></assessmentItemRef>
      <assessmentItemRef identifier="${q2}" href="${q2}.xml"/>
      <assessmentItemRef identifier="${q3}" href="${q3}.xml"><preCondition><not>${gte1(q2!)}</not></preCondition></assessmentItemRef>
      <assessmentItemRef identifier="${q4}" href="${q4}.xml"/>
    </assessmentSection>
  </testPart>
</assessmentTest>`;
  const bank = (await store.itemBanks.listBanks()).find((b) => b.code === 'BANK-COND')!;
  const { test } = await store.tests.save({ bankId: bank.id, identifier: 'COND-LINEAR', qtiXml: xml });
  await store.events.update(f.event.id, { testId: test.id });
});
afterAll(async () => {
  await svc.close();
  await store.close();
});

const who = (i: number): CandidatePrincipal => ({ kind: 'candidate', role: 'candidate', candidateId: f.candidates[i]!.candidateId, schoolIds: [], eventId: f.event.id, rosterId: f.candidates[i]!.rosterId, ticketCode: f.candidates[i]!.ticketCode });
const currentOf = async (i: number) => (await svc.view(await svc.sessionFor(who(i)))).current?.itemId;
const wrong = (id: string) => (f.keys[id] === 'A' ? 'B' : 'A');

describe('linear navigation with branchRules and preConditions', () => {
  it('a correct first answer branches past items 2 and 3', async () => {
    const [q1, , , q4] = f.itemIds;
    await svc.start(who(0));
    expect(await currentOf(0)).toBe(q1);
    await svc.answer(who(0), [{ itemId: q1!, value: f.keys[q1!], clientSeq: 1 }], true);
    await svc.navigate(who(0), 'next');
    expect(await currentOf(0)).toBe(q4);
    // linear: the earlier item no longer takes answers (maxAttempts 1 used, and not current)
    await expect(svc.answer(who(0), [{ itemId: q1!, value: 'A', clientSeq: 2 }], true)).rejects.toMatchObject({ status: 409 });
  });

  it('a wrong first answer goes to item 2; a right item 2 skips item 3 by its preCondition', async () => {
    const [q1, q2, , q4] = f.itemIds;
    await svc.start(who(1));
    await svc.answer(who(1), [{ itemId: q1!, value: wrong(q1!), clientSeq: 1 }], true);
    await svc.navigate(who(1), 'next');
    expect(await currentOf(1)).toBe(q2);
    await svc.answer(who(1), [{ itemId: q2!, value: f.keys[q2!], clientSeq: 1 }], true);
    await svc.navigate(who(1), 'next');
    expect(await currentOf(1)).toBe(q4);
    await expect(svc.navigate(who(1), 'previous')).rejects.toMatchObject({ code: 'linear_navigation' });
  });
});
