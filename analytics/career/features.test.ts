import { describe, expect, it } from 'vitest';
import { FEATURE_COUNT, extractFeatures, featureIndex } from './features.ts';
import { earlyWarnings } from './early-warning.ts';
import type { StudentHistory } from './types.ts';

const history: StudentHistory = {
  studentId: 'P1',
  assessments: [
    { subject: 'math', grade: 10, term: 1, score: 6, theta: -0.2, thetaSe: 0.4 },
    { subject: 'math', grade: 10, term: 2, score: 7 },
    { subject: 'math', grade: 11, term: 1, score: 8, theta: 0.9, thetaSe: 0.3, byFormat: { choice: { correct: 3, total: 4 }, shortAnswer: { correct: 1, total: 2 } } },
    { subject: 'math', grade: 11, term: 1, score: 9 },
    { subject: 'physics', grade: 10, term: 1, score: 8 },
    { subject: 'physics', grade: 10, term: 2, score: 8 },
    { subject: 'physics', grade: 11, term: 1, score: 5 },
    { subject: 'physics', grade: 11, term: 2, score: 4 },
  ],
  electives: ['physics', 'chemistry', 'informatics', 'geography'],
  foreignLanguageBac: 3,
  itModulesPassed: ['IU01', 'IU02', 'IU08'],
  digitalCompetenceBac: null,
  interestProfilerAnswers: null,
};

describe('career features', () => {
  it('summarises each subject across terms: mean of term averages, latest, slope, count, θ', () => {
    const f = extractFeatures(history);
    const m = f.subjects.math;
    expect(m.terms.slice(0, 3)).toEqual([6, 7, 8.5]);
    expect(m.mean).toBeCloseTo(7.1667, 3);
    expect(m.latest).toBe(8.5);
    expect(m.slope).toBeCloseTo(1.25, 6);
    expect(m.count).toBe(4);
    expect(m.theta).toBe(0.9);
    expect(m.latestLevel).toBe('Tốt');
    expect(f.vector.length).toBe(FEATURE_COUNT);
    expect(f.vector[featureIndex('subject.math.mean')]).toBeCloseTo(0.71667, 4);
    expect(f.vector[featureIndex('subject.math.present')]).toBe(1);
    expect(f.vector[featureIndex('elective.informatics')]).toBe(1);
    expect(f.vector[featureIndex('elective.biology')]).toBe(0);
    expect(f.vector[featureIndex('foreignLanguage.bac')]).toBeCloseTo(0.5);
    expect(f.vector[featureIndex('itSkills.basic')]).toBeCloseTo(2 / 6);
    expect(f.vector[featureIndex('itSkills.advanced')]).toBeCloseTo(1 / 9);
    expect(f.formatAccuracy).toEqual({ choice: 0.75, shortAnswer: 0.5 });
  });
  it('represents missing inputs explicitly as value 0 with mask 0', () => {
    const f = extractFeatures(history);
    expect(f.missing).toEqual(expect.arrayContaining(['subject.chemistry', 'subject.informatics', 'digital', 'interest']));
    expect(f.missing).not.toContain('subject.biology'); // not one of the student's electives
    expect(f.vector[featureIndex('subject.chemistry.present')]).toBe(0);
    expect(f.vector[featureIndex('subject.chemistry.mean')]).toBe(0);
    expect(f.vector[featureIndex('interest.present')]).toBe(0);
    expect(f.subjects.chemistry.mean).toBeNull();
  });
  it('cuts the history at a term for stability checks', () => {
    const f = extractFeatures(history, 1);
    expect(f.subjects.math.latest).toBe(7);
    expect(f.lastTerm).toBe(1);
  });
  it('refuses out-of-range input, naming student and subject', () => {
    const bad: StudentHistory = { studentId: 'P2', assessments: [{ subject: 'math', grade: 10, term: 1, score: 11 }] };
    expect(() => extractFeatures(bad)).toThrow(/P2: math score 11 is outside 0–10/);
    expect(() => extractFeatures({ studentId: 'P3', assessments: [], foreignLanguageBac: 7 })).toThrow(/P3: foreign-language bậc 7/);
  });
  it('flags a sharp fall in a subject trend and not a steady subject', () => {
    const f = extractFeatures(history);
    const w = earlyWarnings(f.subjects);
    expect(w.map((x) => x.subject)).toEqual(['physics']);
    expect(w[0].drop).toBeLessThan(-1.5);
  });
});
