import type { RiasecProfile, SubjectId } from '../domain/index.ts';

/**
 * The career model's input: one student's results history as Assay stores it, keyed by a
 * pseudonymous id. Gender, ethnicity, region and school are deliberately absent: they are
 * never inputs (fairness evaluation receives them separately).
 */
export type QuestionFormat = 'choice' | 'trueFalse' | 'shortAnswer' | 'extended';
export const QUESTION_FORMATS: QuestionFormat[] = ['choice', 'trueFalse', 'shortAnswer', 'extended'];

/** One scored assessment (or a term average) in one subject. */
export interface SubjectAssessment {
  subject: SubjectId;
  grade: 10 | 11 | 12;
  term: 1 | 2;
  /** 0–10 school scale (TT22/2021); null when only an IRT ability exists. */
  score: number | null;
  /** Ability on the bank's IRT scale, with its standard error. */
  theta?: number | null;
  thetaSe?: number | null;
  /** Items answered correctly / presented, by question format. */
  byFormat?: Partial<Record<QuestionFormat, { correct: number; total: number }>>;
}

/** A student's history; every part except the id may be missing. */
export interface StudentHistory {
  studentId: string;
  assessments: SubjectAssessment[];
  /** The four electives chosen (CT2018), or null when unknown. */
  electives?: SubjectId[] | null;
  /** Foreign-language level, bậc 1–6 (TT01/2014; bậc 3 = B1). */
  foreignLanguageBac?: number | null;
  /** IT-skills modules passed (IU01–IU15, TT03/2014). */
  itModulesPassed?: string[] | null;
  /** Digital-competence level, bậc 1–8 (TT02/2025). */
  digitalCompetenceBac?: number | null;
  /** Interest Profiler answers, 60 values 1–5 (Strongly dislike … Strongly like) or null per item. */
  interestProfilerAnswers?: (number | null)[] | null;
}

/** Interest Profiler result: six area scores 0–40 and the Holland code. */
export interface RiasecScores {
  scores: RiasecProfile;
  hollandCode: string;
  /** Items answered per area (10 = complete). */
  answered: RiasecProfile;
}
