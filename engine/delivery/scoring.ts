/**
 * Scoring a finished session: response processing per delivered item (item-bank), outcome
 * processing for the test (item-bank), IRT ability on the bank's scale where the items carry
 * parameters, scaled score and level (analytics, through psychometrics.ts). The result is
 * stored with the item versions and parameter versions used; a rescore adds a new result
 * version with its reason and keeps the earlier ones.
 */
import { createItemScorer, processTestOutcomes, QtiResponseError, type ItemScorer, type Json, type TestItemResult } from '../../item-bank/index.ts';
import type { ExamEvent, ExamSession, Response, Result } from '../store/types.ts';
import type { LoadedItem, LoadedTest } from './content.ts';
import { reportScores, type Reported } from './psychometrics.ts';
import { seedFromText } from './rng.ts';
import { settingsOf } from './settings.ts';
import type { DeliveryService } from './service.ts';
import type { DeliveryPlan } from './walker.ts';

const scorers = new Map<string, ItemScorer>();

/** A compiled scorer per item version (compiled once per process). */
export function scorerFor(item: LoadedItem): ItemScorer {
  let s = scorers.get(item.versionId);
  if (!s) {
    s = createItemScorer(item.item);
    if (scorers.size > 50_000) scorers.clear();
    scorers.set(item.versionId, s);
  }
  return s;
}

/** Per-item seed: the same for the candidate view (shuffle, cloned values) and for scoring. */
export function itemSeed(session: { seed: string }, key: string): number {
  return seedFromText(`${session.seed}:${key}`);
}

/**
 * The responses per item key from the answer history: for each response variable the value
 * with the highest clientSeq wins (an older sequence never overwrites a newer one); a whole-item
 * answer (responseId null, object value) sets each of its responses at its clientSeq.
 */
export function latestByItem(history: readonly Response[]): Map<string, Record<string, Json>> {
  const seqs = new Map<string, Map<string, number>>();
  const out = new Map<string, Record<string, Json>>();
  for (const r of history) {
    const values: [string, Json][] = r.responseIdentifier
      ? [[r.responseIdentifier, r.value as Json]]
      : r.value && typeof r.value === 'object' && !Array.isArray(r.value)
        ? Object.entries(r.value as Record<string, Json>)
        : [['RESPONSE', r.value as Json]];
    let s = seqs.get(r.itemIdentifier);
    if (!s) seqs.set(r.itemIdentifier, (s = new Map()));
    let o = out.get(r.itemIdentifier);
    if (!o) out.set(r.itemIdentifier, (o = {}));
    for (const [rid, v] of values) {
      if ((s.get(rid) ?? -1) < r.clientSeq) {
        s.set(rid, r.clientSeq);
        o[rid] = v;
      }
    }
  }
  return out;
}

export interface ItemOutcome {
  key: string;
  identifier: string;
  versionId: string;
  responses: Record<string, Json>;
  outcomes: Record<string, Json>;
  /** Why the item could not be processed (scored as its default outcomes). */
  error?: string;
}

export interface SessionScore {
  items: ItemOutcome[];
  testOutcomes: Record<string, Json>;
  score: number;
  maxScore: number;
  reported: Reported;
  itemVersions: Record<string, string>;
  parameterVersions: Record<string, string>;
}

const num = (v: Json | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Scores one session's responses against a test's content (pure apart from the inputs). */
export function scoreResponses(session: ExamSession, event: ExamEvent, plan: DeliveryPlan, test: LoadedTest, history: readonly Response[]): SessionScore {
  const byItem = latestByItem(history);
  const items: ItemOutcome[] = [];
  const results: TestItemResult[] = [];
  // An adaptive session is scored on the items it delivered.
  const delivered = settingsOf(event).cat ? new Set((session.position as { visited?: string[] } | null)?.visited ?? []) : null;
  for (const p of plan.items) {
    if (delivered && !delivered.has(p.key)) continue;
    const li = test.items.get(p.identifier);
    if (!li) continue;
    const responses = byItem.get(p.key) ?? {};
    let outcomes: Record<string, Json>;
    let error: string | undefined;
    try {
      outcomes = scorerFor(li).score(responses, { seed: itemSeed(session, p.key) }).outcomes;
    } catch (e) {
      // Stored answers were checked on arrival; this only happens when a rescore changed the
      // item's declarations. The item then counts with its default outcomes, and says why.
      error = e instanceof QtiResponseError || e instanceof Error ? e.message : String(e);
      outcomes = scorerFor(li).score({}, { seed: itemSeed(session, p.key) }).outcomes;
    }
    items.push({ key: p.key, identifier: p.identifier, versionId: li.versionId, responses, outcomes, ...(error ? { error } : {}) });
    results.push({ identifier: p.identifier, item: li.item, outcomes, responses, presented: (session.position as { visited?: string[] } | null)?.visited?.includes(p.key) ?? true });
  }
  const testOutcomes = processTestOutcomes(test.model, results, { seed: Number(session.seed) }).outcomes;
  const itemSum = (k: string) => items.reduce((a, i) => a + (num(i.outcomes[k]) ?? 0), 0);
  const score = num(testOutcomes.SCORE) ?? itemSum('SCORE');
  const maxScore = num(testOutcomes.MAXSCORE) || items.reduce((a, i) => a + (num(i.outcomes.MAXSCORE) ?? maxOf(test.items.get(i.identifier)!)), 0);
  const irtItems = items.filter((i) => test.items.get(i.identifier)?.irt);
  const reported = reportScores(settingsOf(event), {
    score,
    maxScore,
    irt: irtItems.map((i) => ({ params: test.items.get(i.identifier)!.irt!.params, score: num(i.outcomes.SCORE) ?? 0, maxScore: num(i.outcomes.MAXSCORE) ?? maxOf(test.items.get(i.identifier)!) })),
  });
  const itemVersions: Record<string, string> = {};
  const parameterVersions: Record<string, string> = {};
  for (const i of items) {
    itemVersions[i.key] = i.versionId;
    const pv = test.items.get(i.identifier)?.irt?.parameterVersionId;
    if (pv) parameterVersions[i.key] = pv;
  }
  return { items, testOutcomes, score, maxScore, reported, itemVersions, parameterVersions };
}

function maxOf(li: LoadedItem): number {
  const d = li.item.outcomeDeclarations.find((o) => o.identifier === 'SCORE');
  return (d as { normalMaximum?: number } | undefined)?.normalMaximum ?? 1;
}

/**
 * A result's `outcomes` as scoring stores them (results.outcomes): the exports and the
 * candidate's own result read this shape.
 */
export interface StoredOutcomes {
  test?: Record<string, Json>;
  score?: number;
  maxScore?: number;
  items?: Record<string, { outcomes: Record<string, Json>; responses: Record<string, Json>; error?: string }>;
}

/**
 * Scores a submitted/timed-out session and stores result version 1 (state -> scored), or,
 * with `rescore`, adds the next result version with the reason using the LATEST item
 * versions and parameters (state stays scored). Idempotent for the first scoring: a session
 * already scored is left as it is.
 */
export async function scoreAndStore(svc: DeliveryService, s0: ExamSession, event: ExamEvent, opts: { reason?: string; rescore?: boolean; actor?: string } = {}): Promise<Result | null> {
  const { plan } = await svc.planOf(s0, event);
  const test = opts.rescore ? await svc.content.load(event.testId!, null, { latest: true }) : await svc.testOf(event);
  const history = await svc.store.responses.history(s0.id);
  const sc = scoreResponses(s0, event, plan, test, history);
  const outcomes = {
    test: sc.testOutcomes,
    score: sc.score,
    maxScore: sc.maxScore,
    ...sc.reported.extra,
    ...(s0.thetaTrace ? { cat: s0.thetaTrace } : {}),
    items: Object.fromEntries(sc.items.map((i) => [i.key, { outcomes: i.outcomes, responses: i.responses, ...(i.error ? { error: i.error } : {}) }])),
  } satisfies StoredOutcomes as unknown as Json;
  const row = {
    sessionId: s0.id,
    reason: opts.reason ?? null,
    outcomes,
    theta: sc.reported.theta,
    se: sc.reported.se,
    scaledScore: sc.reported.scaledScore,
    level: sc.reported.level,
    itemVersions: sc.itemVersions,
    parameterVersions: sc.parameterVersions,
  };
  if (opts.rescore) {
    if (s0.state !== 'scored') return null;
    const r = await svc.writer.run((tx) => tx.results.add(row));
    await svc.transitionAudit(s0, 'session.rescore', opts.actor ?? 'system', { version: r.version, reason: opts.reason ?? null });
    return r;
  }
  if (s0.state !== 'submitted' && s0.state !== 'timed_out') return null;
  // State change and first result in one transaction: a crash leaves neither or both.
  // Group-committed with other sessions' answers and state changes (one fsync for many).
  let scored: ExamSession | undefined;
  const result = await svc.writer.run(async (tx) => {
    const u = await tx.sessions.update(s0.id, s0.version, { state: 'scored' });
    if (!u.ok) return null; // another process scored it
    scored = svc.remember(u.session);
    return tx.results.add(row);
  });
  if (result && scored) {
    await svc.transitionAudit(s0, 'session.score', 'system', { from: s0.state, to: 'scored', version: result.version, score: sc.score, level: sc.reported.level });
    // The scored row (its version travels with the event), so this process keeps it cached.
    void svc.publish(scored, 'session.state', { from: s0.state, to: 'scored', action: 'score' });
  }
  return result;
}
