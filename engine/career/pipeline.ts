/**
 * From stored results to the career model's input: one StudentHistory per candidate, read
 * from the candidate's exam sessions, their latest results and the exam events' settings.
 *
 * An exam event says what its results mean for guidance in `settings.career`:
 *   { kind: 'subject', subject: 'math', grade: 10, term: 1 }   a school-subject assessment
 *   { kind: 'foreign-language' }   result.level holds the 6-level bậc (1–6) or a CEFR level (A1–C2)
 *   { kind: 'it-module', module: 'IU03' }   passed when outcome PASSED is true or SCORE ≥ 50% of MAXSCORE
 *   { kind: 'digital' }            result.level holds the digital-competence bậc (1–8)
 *   { kind: 'interest-profiler' }  the 60 answers are the session's latest responses (items …01–…60)
 * Events without `settings.career` are ignored. Only pseudonymous candidate ids are read;
 * personal data is never joined (gender/region come in only for fairness evaluation, elsewhere).
 */
import { ELECTIVES, SUBJECT_IDS, loadForeignLanguageFramework, type SubjectId } from '../../analytics/domain/index.ts';
import type { StudentHistory, SubjectAssessment } from '../../analytics/career/types.ts';
import type { ExamEvent, Repositories, Result } from '../store/index.ts';

export interface CareerEventSettings {
  kind: 'subject' | 'foreign-language' | 'it-module' | 'digital' | 'interest-profiler';
  subject?: string;
  grade?: number;
  term?: number;
  module?: string;
}

/** The career meaning of an event, or null when it has none or it is malformed. */
export function careerSettingsOf(event: Pick<ExamEvent, 'settings'>): CareerEventSettings | null {
  const c = (event.settings as Record<string, unknown> | null)?.career as Record<string, unknown> | undefined;
  if (!c || typeof c !== 'object' || typeof c.kind !== 'string') return null;
  return c as unknown as CareerEventSettings;
}

/** 0–10 score of a result: scaled score when on 0–10, else SCORE/MAXSCORE × 10, else null. */
export function scoreOf(r: Pick<Result, 'scaledScore' | 'outcomes'>): number | null {
  if (r.scaledScore !== null && r.scaledScore >= 0 && r.scaledScore <= 10) return r.scaledScore;
  const o = (r.outcomes ?? {}) as Record<string, unknown>;
  const score = Number(o.SCORE), max = Number(o.MAXSCORE);
  if (Number.isFinite(score) && Number.isFinite(max) && max > 0) return Math.round((score / max) * 100) / 10;
  return null;
}

const CEFR_TO_BAC = new Map(loadForeignLanguageFramework().map((l) => [l.cefr, l.bac]));

function bacOf(level: string | null): number | null {
  if (!level) return null;
  const cefr = CEFR_TO_BAC.get(level.trim().toUpperCase());
  if (cefr) return cefr;
  const m = /(\d)/.exec(level);
  return m ? Number(m[1]) : null;
}

function answerOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5) return value;
  if (typeof value === 'string') { const m = /([1-5])$/.exec(value); if (m) return Number(m[1]); }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const vals = Object.values(value as Record<string, unknown>);
    if (vals.length === 1) return answerOf(vals[0]);
  }
  return null;
}

/** Build the histories of the given candidates (events are read once and cached). */
export async function loadHistories(store: Repositories, candidateIds: string[]): Promise<StudentHistory[]> {
  const events = new Map<string, ExamEvent | undefined>();
  const eventOf = async (id: string) => {
    if (!events.has(id)) events.set(id, await store.events.get(id));
    return events.get(id);
  };
  const out: StudentHistory[] = [];
  for (const candidateId of candidateIds) {
    const h: StudentHistory = { studentId: candidateId, assessments: [], electives: null, foreignLanguageBac: null, itModulesPassed: null, digitalCompetenceBac: null, interestProfilerAnswers: null };
    for (const session of await store.sessions.listByCandidate(candidateId)) {
      const event = await eventOf(session.eventId);
      const c = event ? careerSettingsOf(event) : null;
      if (!c) continue;
      if (c.kind === 'interest-profiler') {
        const answers: (number | null)[] = Array.from({ length: 60 }, () => null);
        for (const r of await store.responses.latestResponses(session.id)) {
          const m = /(\d{1,2})$/.exec(r.itemIdentifier);
          const i = m ? Number(m[1]) : 0;
          if (i >= 1 && i <= 60) answers[i - 1] = answerOf(r.value);
        }
        if (answers.some((a) => a !== null)) h.interestProfilerAnswers = answers;
        continue;
      }
      const result = await store.results.latest(session.id);
      if (!result) continue;
      if (c.kind === 'subject') {
        if (!(SUBJECT_IDS as readonly string[]).includes(c.subject ?? '') || ![10, 11, 12].includes(c.grade ?? 0) || ![1, 2].includes(c.term ?? 0)) continue;
        const a: SubjectAssessment = {
          subject: c.subject as SubjectId, grade: c.grade as 10 | 11 | 12, term: c.term as 1 | 2,
          score: scoreOf(result), theta: result.theta, thetaSe: result.se,
        };
        h.assessments.push(a);
      } else if (c.kind === 'foreign-language') {
        const bac = bacOf(result.level);
        if (bac && bac >= 1 && bac <= 6) h.foreignLanguageBac = Math.max(h.foreignLanguageBac ?? 0, bac);
      } else if (c.kind === 'digital') {
        const bac = bacOf(result.level);
        if (bac && bac >= 1 && bac <= 8) h.digitalCompetenceBac = Math.max(h.digitalCompetenceBac ?? 0, bac);
      } else if (c.kind === 'it-module' && c.module) {
        const o = (result.outcomes ?? {}) as Record<string, unknown>;
        const score = scoreOf(result);
        const passed = o.PASSED === true || (o.PASSED === undefined && score !== null && score >= 5);
        h.itModulesPassed ??= [];
        if (passed && !h.itModulesPassed.includes(c.module)) h.itModulesPassed.push(c.module);
      }
    }
    // Electives are the elective subjects the student has results in (CT2018: four of nine).
    const electives = [...new Set(h.assessments.map((a) => a.subject))].filter((s) => ELECTIVES.includes(s));
    h.electives = electives.length ? electives : null;
    out.push(h);
  }
  return out;
}

/** Outcome kinds in career_outcomes that label the model: the admitted field and the career cluster. */
export const OUTCOME_FIELD = 'admitted_field';
export const OUTCOME_CLUSTER = 'career_cluster';

/** Latest recorded outcomes per candidate. */
export async function loadOutcomes(store: Repositories): Promise<Map<string, { fieldCode?: string; cluster?: string }>> {
  const out = new Map<string, { fieldCode?: string; cluster?: string }>();
  for (const o of await store.careerOutcomes.listAll()) {
    const e = out.get(o.candidateId) ?? {};
    const v = typeof o.value === 'string' ? o.value : (o.value as Record<string, unknown> | null)?.code;
    if (typeof v !== 'string') continue;
    if (o.kind === OUTCOME_FIELD) e.fieldCode = v;
    if (o.kind === OUTCOME_CLUSTER) e.cluster = v;
    out.set(o.candidateId, e);
  }
  return out;
}
