/**
 * Reporting scales for a session's score, by exam type: IRT ability (EAP + SE) on the bank's
 * scale where the items carry parameters, and the level the exam reports — 6-level/CEFR for
 * language exams, pass/fail for an IT module, 0–10 for subject exams. The psychometrics
 * themselves live in analytics/ (irt, scoring); this module only chooses and calls them.
 */
import type { EventSettings } from './settings.ts';

export interface Reported {
  theta: number | null;
  se: number | null;
  scaledScore: number | null;
  level: string | null;
  /** Extra fields stored in the result's outcomes (method, passed, ...). */
  extra: Record<string, unknown>;
}

export interface ScoreInput {
  score: number;
  maxScore: number;
  /** Items with IRT parameters and their scored points. */
  irt: { params: Record<string, unknown>; score: number; maxScore: number }[];
}

/** Rounds to the nearest 0.25 (the Vietnamese 0–10 subject scale). */
export function roundQuarter(x: number): number {
  return Math.round(x * 4) / 4;
}

export function reportScores(settings: EventSettings, input: ScoreInput): Reported {
  const ratio = input.maxScore > 0 ? input.score / input.maxScore : 0;
  const extra: Record<string, unknown> = { ratio };
  let scaledScore: number | null = null;
  let level: string | null = null;
  const type = settings.examType ?? 'subject';
  if (type === 'subject') {
    scaledScore = roundQuarter(10 * ratio);
  } else if (type === 'it') {
    const passed = ratio >= (settings.passRatio ?? 0.5);
    level = passed ? 'pass' : 'fail';
    extra.passed = passed;
    extra.module = settings.itModule ?? null;
    scaledScore = Math.round(1000 * ratio);
  }
  return { theta: null, se: null, scaledScore, level, extra };
}
