/**
 * Synthetic results histories written into a store for demos and tests: the fixtures/career
 * generator's students become exam events with `settings.career`, sessions and results, exactly
 * as the pipeline reads real ones. Clearly synthetic: events are coded CAREER-SYN-*.
 */
import { generateCohort } from '../../fixtures/career/generator.ts';
import type { StudentHistory } from '../../analytics/career/index.ts';
import type { Store } from '../store/index.ts';

/** Write one synthetic history per candidate; returns the histories written. */
export async function writeSyntheticHistories(store: Store, candidateIds: string[], seed = 2026, opts: { consent?: (index: number) => boolean } = {}): Promise<StudentHistory[]> {
  const cohort = [...generateCohort(candidateIds.length, seed)];
  const eventIds = new Map<string, string>();
  const eventFor = async (key: string, title: string, career: Record<string, string | number>) => {
    let id = eventIds.get(key);
    if (!id) {
      const code = `CAREER-SYN-${key}`;
      const existing = await store.events.getByCode(code);
      id = existing?.id ?? (await store.events.create({ code, title, status: 'closed', settings: { career, synthetic: true } })).id;
      eventIds.set(key, id);
    }
    return id;
  };
  const out: StudentHistory[] = [];
  for (let i = 0; i < candidateIds.length; i++) {
    const candidateId = candidateIds[i];
    const h = cohort[i].history;
    const addResult = async (eventId: string, r: { score?: number | null; theta?: number | null; se?: number | null; level?: string | null; passed?: boolean }) => {
      const session = await store.sessions.create({ eventId, candidateId, state: 'scored', seed: `syn-${i}` });
      await store.results.add({
        sessionId: session.id,
        outcomes: { SCORE: r.score ?? null, MAXSCORE: 10, ...(r.passed !== undefined ? { PASSED: r.passed } : {}) },
        scaledScore: r.score ?? null, theta: r.theta ?? null, se: r.se ?? null, level: r.level ?? null,
      });
      return session;
    };
    for (const a of h.assessments) {
      const key = `${a.subject}-${a.grade}-${a.term}`;
      await addResult(await eventFor(key, `Synthetic ${a.subject} grade ${a.grade} term ${a.term}`, { kind: 'subject', subject: a.subject, grade: a.grade, term: a.term }), { score: a.score, theta: a.theta, se: a.thetaSe });
    }
    if (h.foreignLanguageBac) await addResult(await eventFor('FL', 'Synthetic foreign-language test', { kind: 'foreign-language' }), { level: `bậc ${h.foreignLanguageBac}` });
    if (h.digitalCompetenceBac) await addResult(await eventFor('DC', 'Synthetic digital-competence test', { kind: 'digital' }), { level: `bậc ${h.digitalCompetenceBac}` });
    for (const m of h.itModulesPassed ?? []) await addResult(await eventFor(m, `Synthetic IT module ${m}`, { kind: 'it-module', module: m }), { score: 8, passed: true });
    if (h.interestProfilerAnswers) {
      const session = await store.sessions.create({ eventId: await eventFor('IP', 'Synthetic Interest Profiler', { kind: 'interest-profiler' }), candidateId, state: 'submitted', seed: `syn-${i}` });
      await store.responses.appendResponses(h.interestProfilerAnswers.map((a, k) => ({ sessionId: session.id, itemIdentifier: `IP${String(k + 1).padStart(2, '0')}`, value: a === null ? null : `L${a}`, clientSeq: 1 })).filter((r) => r.value !== null));
    }
    if (opts.consent) await store.candidates.update(candidateId, { consentCareer: opts.consent(i) });
    out.push({ ...h, studentId: candidateId });
  }
  return out;
}
