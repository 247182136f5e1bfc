import { describe, expect, it } from 'vitest';
import { loadOccupations } from '../domain/index.ts';
import { strongestCombinations } from './combinations.ts';
import { extractFeatures } from './features.ts';
import { matchOccupations } from './occupations.ts';
import type { StudentHistory, SubjectAssessment } from './types.ts';

function student(scores: Record<string, number>, interests: Record<string, number>): StudentHistory {
  const assessments: SubjectAssessment[] = [];
  for (const [s, v] of Object.entries(scores)) for (const grade of [10, 11] as const) assessments.push({ subject: s as SubjectAssessment['subject'], grade, term: 1, score: v });
  const letters = 'RIASEC';
  return { studentId: 'M', assessments, interestProfilerAnswers: Array.from({ length: 60 }, (_, i) => interests[letters[i % 12 >> 1]] ?? 1) };
}

describe('occupation matching and admission combinations', () => {
  const sci = extractFeatures(student({ math: 7, literature: 5.5, english: 6, history: 5, chemistry: 9, biology: 9.5, physics: 6, geography: 5 }, { I: 5, S: 4, R: 2 }));
  it('ranks investigative, science-heavy occupations first for an I-S student strong in biology and chemistry', () => {
    const top = matchOccupations(sci.riasec, sci.subjects, { limit: 10 });
    expect(top).toHaveLength(10);
    const occ = new Map(loadOccupations().map((o) => [o.code, o]));
    const firstLetters = top.map((t) => occ.get(t.code)!.hollandCode?.[0]);
    expect(firstLetters.filter((l) => l === 'I').length).toBeGreaterThanOrEqual(6);
    expect(top.slice(0, 5).some((t) => t.supportingSubjects.includes('biology') || t.supportingSubjects.includes('chemistry'))).toBe(true);
    for (let i = 1; i < top.length; i++) expect(top[i - 1].score).toBeGreaterThanOrEqual(top[i].score);
  });
  it('respects the Job Zone filter', () => {
    const z2 = matchOccupations(sci.riasec, sci.subjects, { jobZones: [2], limit: 20 });
    expect(z2.length).toBeGreaterThan(0);
    expect(z2.every((m) => m.jobZone === 2)).toBe(true);
  });
  it('finds the strongest three-subject combinations with the fields that admit with them', () => {
    const c = strongestCombinations(sci.subjects, 3);
    expect(c[0].subjects.sort()).toEqual(['biology', 'chemistry', 'math']);
    expect(c[0].code).toBe('B00');
    expect(c[0].total).toBeCloseTo(25.5, 5);
    expect(c[0].fields.some((f) => f.code === '772')).toBe(true);
  });
});
