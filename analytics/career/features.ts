import { ELECTIVES, RIASEC, SCORED_SUBJECTS, SUBJECTS, type RiasecLetter, type SubjectId } from '../domain/index.ts';
import { scoreInterestProfiler } from './interest-profiler.ts';
import { QUESTION_FORMATS, type QuestionFormat, type RiasecScores, type StudentHistory } from './types.ts';

/**
 * Features of one student's results history for the career model. Every input may be missing:
 * a missing value is written as 0 with a 0 in its `present` mask feature, so the model (and
 * the report) can tell "absent" from "low". Demographics are not part of the history type and
 * so can never reach the vector.
 */

/** Number of terms in grades 10–12 (two per grade). */
export const TERMS = 6;

/** Index 0–5 of a grade/term pair. */
export function termIndex(grade: number, term: number): number {
  return (grade - 10) * 2 + (term - 1);
}

/** One feature: its name, the explanation group it belongs to (null = mask only, never explained). */
export interface FeatureDef { name: string; group: string | null }

const SUBJECT_PARTS = ['mean', 'latest', 'slope', 'sd', 'count', 'theta', 'thetaSe', 'present', 'thetaPresent'] as const;

function buildSchema(): FeatureDef[] {
  const defs: FeatureDef[] = [];
  for (const s of SCORED_SUBJECTS) for (const p of SUBJECT_PARTS) defs.push({ name: `subject.${s}.${p}`, group: `subject.${s}` });
  for (const s of ELECTIVES) defs.push({ name: `elective.${s}`, group: 'electives' });
  defs.push({ name: 'elective.present', group: 'electives' });
  defs.push({ name: 'foreignLanguage.bac', group: 'foreignLanguage' }, { name: 'foreignLanguage.present', group: 'foreignLanguage' });
  defs.push({ name: 'itSkills.basic', group: 'itSkills' }, { name: 'itSkills.advanced', group: 'itSkills' }, { name: 'itSkills.present', group: 'itSkills' });
  defs.push({ name: 'digital.bac', group: 'digital' }, { name: 'digital.present', group: 'digital' });
  for (const f of QUESTION_FORMATS) defs.push({ name: `format.${f}.accuracy`, group: 'formats' }, { name: `format.${f}.present`, group: 'formats' });
  for (const l of RIASEC) defs.push({ name: `interest.${l}`, group: `interest.${l}` });
  defs.push({ name: 'interest.present', group: null });
  return defs;
}

/** The fixed feature layout (version bumps when it changes; stored with each model). */
export const FEATURE_SCHEMA: readonly FeatureDef[] = buildSchema();
export const FEATURE_SCHEMA_VERSION = 'career-features/1';
export const FEATURE_COUNT = FEATURE_SCHEMA.length;
const INDEX = new Map(FEATURE_SCHEMA.map((d, i) => [d.name, i]));

const SCORED_SET = new Set<SubjectId>(SCORED_SUBJECTS);
/** Precomputed indices of each subject's features (extraction runs for every student). */
const SUBJECT_INDEX = Object.fromEntries(SCORED_SUBJECTS.map((s) => [s, Object.fromEntries(SUBJECT_PARTS.map((p) => [p, INDEX.get(`subject.${s}.${p}`)!]))])) as Record<SubjectId, Record<(typeof SUBJECT_PARTS)[number], number>>;

/** Index of a feature by name (throws on an unknown name). */
export function featureIndex(name: string): number {
  const i = INDEX.get(name);
  if (i === undefined) throw new Error(`unknown career feature '${name}'`);
  return i;
}

/** The explanation groups, in schema order. */
export const FEATURE_GROUPS: string[] = [...new Set(FEATURE_SCHEMA.map((d) => d.group).filter((g): g is string => g !== null))];

/** A summary of one subject's history (shown in the report, and the source of its features). */
export interface SubjectSummary {
  subject: SubjectId;
  /** Term averages by term index 0–5 (null where no result). */
  terms: (number | null)[];
  mean: number | null;
  latest: number | null;
  /** Latest term index with a result. */
  latestTerm: number | null;
  /** Least-squares slope, points per term (null with fewer than 2 terms). */
  slope: number | null;
  sd: number | null;
  count: number;
  theta: number | null;
  thetaSe: number | null;
  /** Level on the TT22/2021 scale from the latest score: Tốt ≥ 8, Khá ≥ 6.5, Đạt ≥ 5, else Chưa đạt. */
  latestLevel: 'Tốt' | 'Khá' | 'Đạt' | 'Chưa đạt' | null;
}

/** Everything derived from one history: the model vector and its readable parts. */
export interface StudentFeatures {
  studentId: string;
  vector: Float32Array;
  subjects: Record<string, SubjectSummary>;
  riasec: RiasecScores | null;
  electives: SubjectId[] | null;
  foreignLanguageBac: number | null;
  itModulesPassed: string[] | null;
  digitalCompetenceBac: number | null;
  formatAccuracy: Partial<Record<QuestionFormat, number>>;
  /** Inputs that are missing, by group name (e.g. 'subject.physics', 'interest', 'foreignLanguage'). */
  missing: string[];
  /** Latest term index with any result, or null. */
  lastTerm: number | null;
}

function levelOf(score: number): SubjectSummary['latestLevel'] {
  return score >= 8 ? 'Tốt' : score >= 6.5 ? 'Khá' : score >= 5 ? 'Đạt' : 'Chưa đạt';
}

/** Least-squares slope of y on x. */
export function slopeOf(xs: number[], ys: number[]): number | null {
  if (xs.length < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < xs.length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; }
  return sxx === 0 ? null : sxy / sxx;
}

/**
 * Features of one history. `upToTerm` (0–5) ignores everything after that term, which is how
 * stability across the last terms is measured. Throws on a score outside 0–10 or a grade/term
 * outside 10–12/1–2, naming the student and subject.
 */
export function extractFeatures(h: StudentHistory, upToTerm = TERMS - 1): StudentFeatures {
  const v = new Float32Array(FEATURE_COUNT);
  const set = (name: string, value: number) => { v[featureIndex(name)] = value; };
  const missing: string[] = [];
  const subjects: Record<string, SubjectSummary> = {};
  const byTerm = new Map<SubjectId, { sum: number; n: number }[]>();
  const thetas = new Map<SubjectId, { t: number; theta: number; se: number }>();
  const formats: Record<string, { c: number; n: number }> = {};
  let lastTerm: number | null = null;
  let count = new Map<SubjectId, number>();

  for (const a of h.assessments) {
    if (a.grade < 10 || a.grade > 12 || (a.term !== 1 && a.term !== 2)) {
      throw new Error(`student ${h.studentId}: ${a.subject} has grade ${a.grade} term ${a.term}; expected grade 10–12, term 1–2`);
    }
    const t = termIndex(a.grade, a.term);
    if (t > upToTerm) continue;
    if (!SCORED_SET.has(a.subject)) continue;
    if (a.score !== null && a.score !== undefined) {
      if (!(a.score >= 0 && a.score <= 10)) throw new Error(`student ${h.studentId}: ${a.subject} score ${a.score} is outside 0–10`);
      const arr = byTerm.get(a.subject) ?? Array.from({ length: TERMS }, () => ({ sum: 0, n: 0 }));
      arr[t].sum += a.score; arr[t].n += 1;
      byTerm.set(a.subject, arr);
      count.set(a.subject, (count.get(a.subject) ?? 0) + 1);
      lastTerm = lastTerm === null ? t : Math.max(lastTerm, t);
    }
    if (a.theta !== null && a.theta !== undefined && Number.isFinite(a.theta)) {
      const prev = thetas.get(a.subject);
      if (!prev || t >= prev.t) thetas.set(a.subject, { t, theta: a.theta, se: a.thetaSe ?? 0.5 });
    }
    for (const [f, r] of Object.entries(a.byFormat ?? {})) {
      if (!r || r.total <= 0) continue;
      const acc = formats[f] ?? { c: 0, n: 0 };
      acc.c += r.correct; acc.n += r.total; formats[f] = acc;
    }
  }

  for (const s of SCORED_SUBJECTS) {
    const arr = byTerm.get(s);
    const terms: (number | null)[] = Array.from({ length: TERMS }, (_, t) => (arr && arr[t].n > 0 ? arr[t].sum / arr[t].n : null));
    const xs: number[] = [], ys: number[] = [];
    terms.forEach((y, t) => { if (y !== null) { xs.push(t); ys.push(y); } });
    const th = thetas.get(s) ?? null;
    const mean = ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null;
    const sd = ys.length >= 2 ? Math.sqrt(ys.reduce((a, b) => a + (b - mean!) ** 2, 0) / (ys.length - 1)) : null;
    const latest = ys.length ? ys[ys.length - 1] : null;
    const slope = slopeOf(xs, ys);
    const summary: SubjectSummary = {
      subject: s, terms, mean, latest, latestTerm: xs.length ? xs[xs.length - 1] : null, slope, sd, count: count.get(s) ?? 0,
      theta: th ? th.theta : null, thetaSe: th ? th.se : null, latestLevel: latest === null ? null : levelOf(latest),
    };
    subjects[s] = summary;
    const ix = SUBJECT_INDEX[s];
    if (mean !== null) {
      v[ix.mean] = mean / 10;
      v[ix.latest] = latest! / 10;
      v[ix.slope] = slope ?? 0;
      v[ix.sd] = sd ?? 0;
      v[ix.count] = Math.min(summary.count, 12) / 12;
      v[ix.present] = 1;
    } else if (SUBJECTS[s].compulsory || !h.electives?.length || h.electives.includes(s)) {
      // Only a subject the student takes can be missing; the others are simply not studied.
      missing.push(`subject.${s}`);
    }
    if (th) {
      v[ix.theta] = th.theta;
      v[ix.thetaSe] = th.se;
      v[ix.thetaPresent] = 1;
    }
  }

  const electives = h.electives && h.electives.length ? h.electives : null;
  if (electives) {
    for (const e of electives) if (ELECTIVES.includes(e)) set(`elective.${e}`, 1);
    set('elective.present', 1);
  } else missing.push('electives');

  const fl = h.foreignLanguageBac ?? null;
  if (fl !== null) {
    if (!(fl >= 1 && fl <= 6)) throw new Error(`student ${h.studentId}: foreign-language bậc ${fl} is outside 1–6`);
    set('foreignLanguage.bac', fl / 6); set('foreignLanguage.present', 1);
  } else missing.push('foreignLanguage');

  const it = h.itModulesPassed ?? null;
  if (it !== null) {
    const basic = it.filter((m) => /^IU0[1-6]$/.test(m)).length;
    const advanced = it.filter((m) => /^IU(0[7-9]|1[0-5])$/.test(m)).length;
    set('itSkills.basic', basic / 6); set('itSkills.advanced', advanced / 9); set('itSkills.present', 1);
  } else missing.push('itSkills');

  const dc = h.digitalCompetenceBac ?? null;
  if (dc !== null) {
    if (!(dc >= 1 && dc <= 8)) throw new Error(`student ${h.studentId}: digital-competence bậc ${dc} is outside 1–8`);
    set('digital.bac', dc / 8); set('digital.present', 1);
  } else missing.push('digital');

  const formatAccuracy: Partial<Record<QuestionFormat, number>> = {};
  for (const f of QUESTION_FORMATS) {
    const r = formats[f];
    if (r && r.n > 0) { formatAccuracy[f] = r.c / r.n; set(`format.${f}.accuracy`, r.c / r.n); set(`format.${f}.present`, 1); }
  }
  if (Object.keys(formatAccuracy).length === 0) missing.push('formats');

  const riasec = h.interestProfilerAnswers ? scoreInterestProfiler(h.interestProfilerAnswers) : null;
  if (riasec) {
    RIASEC.forEach((l: RiasecLetter, k) => set(`interest.${l}`, riasec.scores[k] / 40));
    set('interest.present', 1);
  } else missing.push('interest');

  return {
    studentId: h.studentId, vector: v, subjects, riasec, electives, foreignLanguageBac: fl, itModulesPassed: it,
    digitalCompetenceBac: dc, formatAccuracy, missing, lastTerm,
  };
}

/** Stack feature vectors into one row-major matrix. */
export function toMatrix(features: readonly { vector: Float32Array }[]): Float32Array {
  const X = new Float32Array(features.length * FEATURE_COUNT);
  features.forEach((f, i) => X.set(f.vector, i * FEATURE_COUNT));
  return X;
}
