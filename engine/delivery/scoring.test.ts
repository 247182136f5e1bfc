import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import { createAuditService } from '../audit/service.ts';
import type { CandidatePrincipal } from '../auth/principal.ts';
import { MemoryEventBus } from '../proctor/event-bus.ts';
import { DeliveryService } from './service.ts';
import { createExamFixture, choiceItemXml, type ExamFixture } from './exam-fixture.ts';
import { latestByItem, scoreAndStore } from './scoring.ts';
import { reportScores, categoryOf, irtItemOf } from './psychometrics.ts';
import { conditionEvaluator } from './conditions.ts';
import type { Response } from '../store/types.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

let dir: string;
let store: Store;
let svc: DeliveryService;

beforeAll(async () => {
  dir = tempDir('assay-scoring-');
  store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
  await store.migrate();
  svc = new DeliveryService({ store, audit: createAuditService(store.audit), bus: new MemoryEventBus(), conditions: conditionEvaluator, scorer: (s, e, reason) => scoreAndStore(svc, s, e, { reason }) });
});
afterAll(async () => {
  await svc.close();
  await store.close();
});

const who = (f: ExamFixture, i: number): CandidatePrincipal => ({ kind: 'candidate', role: 'candidate', candidateId: f.candidates[i]!.candidateId, schoolIds: [], eventId: f.event.id, rosterId: f.candidates[i]!.rosterId, ticketCode: f.candidates[i]!.ticketCode });

async function sit(f: ExamFixture, i: number, correct: number) {
  const p = who(f, i);
  await svc.start(p);
  const answers = f.itemIds.map((id, k) => ({ itemId: id, value: k < correct ? f.keys[id]! : f.keys[id] === 'A' ? 'B' : 'A', clientSeq: 1 }));
  await svc.answer(p, answers, true);
  const s = await svc.submit(p);
  return { s, r: (await store.results.latest(s.id))! };
}

describe('scoring a session', () => {
  it('latest answer per response is the highest clientSeq, whatever the arrival order', () => {
    const row = (seq: number, value: unknown, responseIdentifier: string | null = 'RESPONSE') => ({ id: seq, sessionId: 's', itemIdentifier: 'I', responseIdentifier, value, clientSeq: seq, receivedAt: 0 }) as Response;
    expect(latestByItem([row(3, 'C'), row(1, 'A'), row(2, 'B')]).get('I')).toEqual({ RESPONSE: 'C' });
    expect(latestByItem([row(1, 'A'), row(2, { RESPONSE: 'B', R2: 'x' }, null), row(3, 'y', 'R2')]).get('I')).toEqual({ RESPONSE: 'B', R2: 'y' });
  });

  it('subject exam: points to the 0–10 scale; EAP θ/SE on the bank scale; versions stored; state scored', async () => {
    const f = await createExamFixture(store, { items: 8, candidates: 3, settings: { examType: 'subject' } });
    const hi = await sit(f, 0, 8);
    const mid = await sit(f, 1, 4);
    const lo = await sit(f, 2, 0);
    expect(hi.s.state).toBe('scored');
    expect([hi.r.scaledScore, mid.r.scaledScore, lo.r.scaledScore]).toEqual([10, 5, 0]);
    expect((hi.r.outcomes as { score: number }).score).toBe(8);
    expect(hi.r.theta!).toBeGreaterThan(mid.r.theta!);
    expect(mid.r.theta!).toBeGreaterThan(lo.r.theta!);
    expect(hi.r.se!).toBeGreaterThan(0);
    expect(Object.keys(hi.r.itemVersions!)).toHaveLength(8);
    const audit = await store.audit.list({ target: `session:${hi.s.id}` });
    expect(audit.map((a) => a.action)).toContain('session.score');
  });

  it('submit answers with the scored row that scoring wrote, without reading the session back', async () => {
    const f = await createExamFixture(store, { items: 3, candidates: 1, settings: { examType: 'subject' } });
    const p = who(f, 0);
    await svc.start(p);
    await svc.answer(p, f.itemIds.map((id) => ({ itemId: id, value: f.keys[id]!, clientSeq: 1 })), true);
    const reads = { n: 0 };
    const get = store.sessions.get.bind(store.sessions);
    let scoring = false;
    const scorer = (svc as unknown as { opts: { scorer: (...a: unknown[]) => Promise<unknown> } }).opts;
    const orig = scorer.scorer;
    scorer.scorer = async (...a) => {
      const r = await orig(...a);
      scoring = true; // reads after this point are the read-back
      return r;
    };
    store.sessions.get = (id: string) => (scoring && reads.n++, get(id));
    try {
      const s = await svc.submit(p);
      expect(s.state).toBe('scored');
      expect(reads.n).toBe(0);
      expect(s).toEqual(await get(s.id));
    } finally {
      store.sessions.get = get;
      scorer.scorer = orig;
    }
  });

  it('submit after answering reads no session row: the transition starts from the cached row', async () => {
    const f = await createExamFixture(store, { items: 2, candidates: 1, settings: { examType: 'subject' } });
    const p = who(f, 0);
    await svc.start(p);
    await svc.answer(p, [{ itemId: f.itemIds[0]!, value: f.keys[f.itemIds[0]!]!, clientSeq: 1 }], true);
    const get = store.sessions.get.bind(store.sessions);
    const byCandidate = store.sessions.getByCandidate.bind(store.sessions);
    const reads: string[] = [];
    store.sessions.get = (id: string) => (reads.push('get'), get(id));
    store.sessions.getByCandidate = (e: string, c: string) => (reads.push('getByCandidate'), byCandidate(e, c));
    try {
      expect((await svc.submit(p)).state).toBe('scored');
      expect(reads).toEqual([]);
    } finally {
      store.sessions.get = get;
      store.sessions.getByCandidate = byCandidate;
    }
  });

  it('submit on a stale cached row decides on the fresh row: paused elsewhere is refused, submitted elsewhere is a retry', async () => {
    const f = await createExamFixture(store, { items: 2, candidates: 2, settings: { examType: 'subject' } });
    const [p, q] = [who(f, 0), who(f, 1)];
    const a = await svc.start(p);
    const b = await svc.start(q);
    // Changes another process made: this service's cached rows still say in progress.
    expect((await store.sessions.update(a.id, a.version, { state: 'paused', pausedAt: Date.now(), deadlineAt: null })).ok).toBe(true);
    expect((await store.sessions.update(b.id, b.version, { state: 'submitted', submittedAt: Date.now(), deadlineAt: null })).ok).toBe(true);
    await expect(svc.submit(p)).rejects.toMatchObject({ status: 409, code: 'session_state_conflict' });
    expect((await store.sessions.get(a.id))!.state).toBe('paused');
    expect((await svc.submit(q)).state).toBe('submitted');
    expect((await store.sessions.get(b.id))!.version).toBe(b.version + 1);
  });

  it('submit on a cached row that refuses (paused here, resumed elsewhere) reads the fresh row and submits', async () => {
    const f = await createExamFixture(store, { items: 2, candidates: 1, settings: { examType: 'subject' } });
    const p = who(f, 0);
    const started = await svc.start(p);
    const paused = await svc.pause(started.id, 'proctor:x');
    expect((await store.sessions.update(paused.id, paused.version, { state: 'in_progress', pausedAt: null, deadlineAt: started.deadlineAt })).ok).toBe(true);
    expect((await svc.submit(p)).state).toBe('scored');
  });

  it('language exam: Bậc/CEFR from θ cuts with classification accuracy; IT exam: pass/fail', async () => {
    const lang = reportScores({ examType: 'language', levelCuts: [-2, -1, 0, 1, 2] }, { score: 8, maxScore: 10, irt: Array.from({ length: 10 }, (_, k) => ({ params: { a: 1.5, b: -2 + 0.4 * k }, score: k < 8 ? 1 : 0, maxScore: 1 })) });
    expect(lang.level).toMatch(/^Bậc [1-6]$/);
    expect(lang.extra.cefr).toMatch(/^[ABC][12]$/);
    expect(lang.extra.accuracy as number).toBeGreaterThan(0);
    const it1 = reportScores({ examType: 'it', itModule: 'IU01', passRatio: 0.6 }, { score: 7, maxScore: 10, irt: [] });
    expect([it1.level, it1.extra.passed]).toEqual(['pass', true]);
    expect(reportScores({ examType: 'it', passRatio: 0.6 }, { score: 5, maxScore: 10, irt: [] }).level).toBe('fail');
    expect(categoryOf(irtItemOf({ model: 'grm', a: 1, thresholds: [-1, 0, 1] })!, 2, 3)).toBe(2);
    expect(irtItemOf({ a: 'x' })).toBeNull();
  });

  it('rescore after a key change keeps version 1 and adds version 2 with the reason', async () => {
    const f = await createExamFixture(store, { items: 3, candidates: 1, settings: { examType: 'subject' } });
    const { s, r } = await sit(f, 0, 3);
    expect(r.scaledScore).toBe(10);
    // the bank corrects the key of the first item
    const first = f.itemIds[0]!;
    const bank = (await store.itemBanks.listBanks()).find((b) => b.code === `BANK-${f.event.code}`)!;
    await store.itemBanks.saveItemVersion({ bankId: bank.id, identifier: first, qtiXml: choiceItemXml(first, f.keys[first] === 'A' ? 'B' : 'A') });
    const event = await svc.event(f.event.id);
    const again = await scoreAndStore(svc, await svc.session(s.id), event, { rescore: true, reason: 'key corrected' });
    expect(again!.version).toBe(2);
    expect(again!.scaledScore).toBe(6.75);
    const all = await store.results.list(s.id);
    expect(all.map((x) => [x.version, x.reason, x.scaledScore])).toEqual([[1, null, 10], [2, 'key corrected', 6.75]]);
    expect(all[0]!.itemVersions![first]).not.toBe(all[1]!.itemVersions![first]);
  });
});
