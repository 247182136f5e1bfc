import { SUBJECT_IDS, parseCsv, type SubjectId } from '../domain/index.ts';
import { QUESTION_FORMATS, type QuestionFormat, type StudentHistory, type SubjectAssessment } from './types.ts';

/**
 * A long CSV form of results histories with outcomes, for `assay career train --csv` and for
 * exporting the synthetic cohort. Header:
 *   student,kind,subject,grade,term,score,theta,theta_se,value
 * kinds: result (subject, grade, term, score, theta, theta_se; value = "choice=3/4 trueFalse=2/4"),
 * elective (subject), foreign_language (value = bậc 1–6), it_module (value = IU code),
 * digital (value = bậc 1–8), interest (value = 60 answers 1–5 separated by spaces, "-" = none),
 * outcome_field (value = 3-digit field code), outcome_cluster (value = cluster name),
 * group (subject = attribute such as gender or region, value = its value; evaluation only,
 * never a model input).
 */
export const HISTORY_CSV_HEADER = 'student,kind,subject,grade,term,score,theta,theta_se,value';

export interface HistoryCsvRecord {
  history: StudentHistory;
  fieldCode?: string | null;
  cluster?: string | null;
  groups?: Record<string, string>;
}

const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Write records as CSV text. */
export function toHistoryCsv(records: Iterable<HistoryCsvRecord>): string {
  const lines = [HISTORY_CSV_HEADER];
  const row = (...cells: (string | number | null | undefined)[]) => lines.push(cells.map((c) => (c === null || c === undefined ? '' : q(String(c)))).join(','));
  for (const r of records) {
    const h = r.history, id = h.studentId;
    for (const a of h.assessments) {
      const fmt = Object.entries(a.byFormat ?? {}).map(([f, v]) => `${f}=${v!.correct}/${v!.total}`).join(' ');
      row(id, 'result', a.subject, a.grade, a.term, a.score, a.theta, a.thetaSe, fmt);
    }
    for (const e of h.electives ?? []) row(id, 'elective', e, '', '', '', '', '', '');
    if (h.foreignLanguageBac != null) row(id, 'foreign_language', '', '', '', '', '', '', h.foreignLanguageBac);
    for (const m of h.itModulesPassed ?? []) row(id, 'it_module', '', '', '', '', '', '', m);
    if (h.digitalCompetenceBac != null) row(id, 'digital', '', '', '', '', '', '', h.digitalCompetenceBac);
    if (h.interestProfilerAnswers) row(id, 'interest', '', '', '', '', '', '', h.interestProfilerAnswers.map((a) => a ?? '-').join(' '));
    if (r.fieldCode) row(id, 'outcome_field', '', '', '', '', '', '', r.fieldCode);
    if (r.cluster) row(id, 'outcome_cluster', '', '', '', '', '', '', r.cluster);
    for (const [k, v] of Object.entries(r.groups ?? {})) row(id, 'group', k, '', '', '', '', '', v);
  }
  return lines.join('\n') + '\n';
}

/** Parse CSV text; throws an Error naming the line and column of the first problem. */
export function parseHistoryCsv(text: string, source = 'history CSV'): HistoryCsvRecord[] {
  const rows = parseCsv(text, source);
  if (rows.length && !('student' in rows[0] && 'kind' in rows[0] && 'value' in rows[0])) {
    throw new Error(`${source}: header must be '${HISTORY_CSV_HEADER}'`);
  }
  const byId = new Map<string, HistoryCsvRecord>();
  const num = (v: string, line: number, col: string): number | null => {
    if (v === '' || v === 'NA') return null;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${source}:${line}: column ${col}: '${v}' is not a number`);
    return n;
  };
  rows.forEach((r, i) => {
    const line = i + 2;
    if (!r.student) throw new Error(`${source}:${line}: column student is empty`);
    let rec = byId.get(r.student);
    if (!rec) { rec = { history: { studentId: r.student, assessments: [] } }; byId.set(r.student, rec); }
    const h = rec.history;
    const subject = (): SubjectId => {
      if (!(SUBJECT_IDS as readonly string[]).includes(r.subject)) throw new Error(`${source}:${line}: column subject: '${r.subject}' is not one of ${SUBJECT_IDS.join(', ')}`);
      return r.subject as SubjectId;
    };
    switch (r.kind) {
      case 'result': {
        const grade = num(r.grade, line, 'grade'), term = num(r.term, line, 'term');
        if (grade === null || ![10, 11, 12].includes(grade)) throw new Error(`${source}:${line}: column grade: '${r.grade}' must be 10, 11 or 12`);
        if (term === null || ![1, 2].includes(term)) throw new Error(`${source}:${line}: column term: '${r.term}' must be 1 or 2`);
        const score = num(r.score, line, 'score');
        if (score !== null && (score < 0 || score > 10)) throw new Error(`${source}:${line}: column score: ${score} is outside 0–10`);
        const a: SubjectAssessment = { subject: subject(), grade: grade as 10 | 11 | 12, term: term as 1 | 2, score, theta: num(r.theta, line, 'theta'), thetaSe: num(r.theta_se, line, 'theta_se') };
        if (r.value) {
          a.byFormat = {};
          for (const part of r.value.split(/\s+/)) {
            const m = /^(\w+)=(\d+)\/(\d+)$/.exec(part);
            if (!m || !QUESTION_FORMATS.includes(m[1] as QuestionFormat)) throw new Error(`${source}:${line}: column value: '${part}' is not FORMAT=correct/total with FORMAT one of ${QUESTION_FORMATS.join(', ')}`);
            a.byFormat[m[1] as QuestionFormat] = { correct: Number(m[2]), total: Number(m[3]) };
          }
        }
        h.assessments.push(a);
        break;
      }
      case 'elective': (h.electives ??= []).push(subject()); break;
      case 'foreign_language': h.foreignLanguageBac = num(r.value, line, 'value'); break;
      case 'it_module':
        if (!/^IU(0[1-9]|1[0-5])$/.test(r.value)) throw new Error(`${source}:${line}: column value: '${r.value}' is not an IT module IU01–IU15`);
        (h.itModulesPassed ??= []).push(r.value); break;
      case 'digital': h.digitalCompetenceBac = num(r.value, line, 'value'); break;
      case 'interest': {
        const answers = r.value.trim().split(/\s+/).map((x) => (x === '-' ? null : Number(x)));
        if (answers.length !== 60 || answers.some((a) => a !== null && !(Number.isInteger(a) && a >= 1 && a <= 5))) {
          throw new Error(`${source}:${line}: column value: expected 60 answers 1–5 or '-', got ${answers.length}`);
        }
        h.interestProfilerAnswers = answers;
        break;
      }
      case 'outcome_field': rec.fieldCode = r.value; break;
      case 'outcome_cluster': rec.cluster = r.value; break;
      case 'group': (rec.groups ??= {})[r.subject] = r.value; break;
      default: throw new Error(`${source}:${line}: column kind: '${r.kind}' is not one of result, elective, foreign_language, it_module, digital, interest, outcome_field, outcome_cluster, group`);
    }
  });
  return [...byId.values()];
}
