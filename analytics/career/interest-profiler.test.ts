import { describe, expect, it } from 'vitest';
import { hollandCode, scoreInterestProfiler } from './interest-profiler.ts';
import { loadInterestProfilerItems } from '../domain/index.ts';

const items = loadInterestProfilerItems();

describe('Interest Profiler scoring', () => {
  it('sums 0–4 points per item into six 0–40 area scores and a Holland code', () => {
    // Strongly like every Investigative item, like Artistic, unsure Realistic, dislike the rest.
    const answers = items.map((i) => (i.riasec === 'I' ? 5 : i.riasec === 'A' ? 4 : i.riasec === 'R' ? 3 : 2));
    const r = scoreInterestProfiler(answers)!;
    expect(r.scores).toEqual([20, 40, 30, 10, 10, 10]);
    expect(r.hollandCode).toBe('IAR');
    expect(r.answered).toEqual([10, 10, 10, 10, 10, 10]);
  });
  it('prorates an area with a few unanswered items and refuses too many gaps', () => {
    const answers: (number | null)[] = items.map(() => 3);
    answers[0] = null; // item 1 is Realistic
    expect(scoreInterestProfiler(answers)!.scores[0]).toBe(20);
    const sparse: (number | null)[] = items.map((i) => (i.riasec === 'S' ? null : 3));
    expect(scoreInterestProfiler(sparse)).toBeNull();
  });
  it('breaks ties in R-I-A-S-E-C order and rejects bad answers', () => {
    expect(hollandCode([5, 5, 5, 5, 5, 5])).toBe('RIA');
    expect(hollandCode([1, 2, 3, 9, 9, 0])).toBe('SEA');
    expect(() => scoreInterestProfiler(items.map(() => 6))).toThrow(/item 1: answer 6 is not 1–5/);
    expect(() => scoreInterestProfiler([1, 2])).toThrow(/expected 60 answers/);
  });
});
