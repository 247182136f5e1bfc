import { loadAdmissionCombinations, loadFieldsOfStudy, type SubjectId } from '../domain/index.ts';
import type { SubjectSummary } from './features.ts';

/**
 * The admission subject combinations a student is strongest in: three-subject totals of the
 * student's recent averages (the last two terms with results, else all), over combinations
 * valid for the 2025 exam whose subjects Assay tracks, with the fields that usually admit with
 * each combination (2017–2019 shares, a derived statistic — not current rules).
 */
export interface CombinationStrength {
  code: string;
  subjects: SubjectId[];
  total: number;
  /** Fields listing this combination, highest share first. */
  fields: { code: string; vi: string; en: string; share: number }[];
  verified: false;
}

/** Recent average of a subject: mean of its last two terms with results. */
export function recentAverage(s: SubjectSummary | undefined): number | null {
  if (!s) return null;
  const ys = s.terms.filter((y): y is number => y !== null);
  if (!ys.length) return null;
  const last = ys.slice(-2);
  return last.reduce((a, b) => a + b, 0) / last.length;
}

/** The `limit` strongest combinations for one student. */
export function strongestCombinations(subjects: Record<string, SubjectSummary>, limit = 5): CombinationStrength[] {
  const fields = loadFieldsOfStudy();
  const out: CombinationStrength[] = [];
  for (const c of loadAdmissionCombinations()) {
    if (!c.subjectIds || c.status2025 === 'legacy_only') continue;
    const avgs = c.subjectIds.map((s) => recentAverage(subjects[s]));
    if (avgs.some((a) => a === null)) continue;
    const total = Math.round((avgs as number[]).reduce((a, b) => a + b, 0) * 100) / 100;
    const listing = fields.filter((f) => f.combinationShares[c.code] !== undefined)
      .map((f) => ({ code: f.code, vi: f.vi, en: f.en, share: f.combinationShares[c.code] }))
      .sort((a, b) => b.share - a.share);
    out.push({ code: c.code, subjects: c.subjectIds, total, fields: listing, verified: false });
  }
  // Between equal totals, prefer combinations that fields actually list.
  return out.sort((a, b) => b.total - a.total || b.fields.length - a.fields.length || a.code.localeCompare(b.code)).slice(0, limit);
}
