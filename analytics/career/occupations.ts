import { SCORED_SUBJECTS, SUBJECTS, loadOccupations, type Occupation, type SubjectId } from '../domain/index.ts';
import type { SubjectSummary } from './features.ts';
import type { RiasecScores } from './types.ts';

/**
 * Occupation matching beside the classifier: O*NET occupations ranked by the similarity of the
 * student's RIASEC profile to the occupation's interest profile (Pearson correlation, as O*NET
 * compares profiles) and of the student's relative subject strengths to the knowledge the
 * occupation needs, filtered by Job Zone. Independent of the model.
 */
export interface OccupationMatch {
  code: string;
  title: string;
  jobZone: number | null;
  hollandCode: string | null;
  score: number;
  interestSimilarity: number | null;
  subjectSimilarity: number | null;
  /** Subjects the student is relatively strong in that the occupation needs most. */
  supportingSubjects: SubjectId[];
  clusters: string[];
}

export interface MatchOptions {
  jobZones?: number[];
  limit?: number;
  /** Weight of interests against subjects when both exist. */
  interestWeight?: number;
}

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((x, y) => x + y, 0) / n, mb = b.reduce((x, y) => x + y, 0) / n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) ** 2; bb += (b[i] - mb) ** 2; }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
}

/** Rank occupations for one student. Returns [] when neither interests nor ≥ 3 subject means exist. */
export function matchOccupations(riasec: RiasecScores | null, subjects: Record<string, SubjectSummary>, opts: MatchOptions = {}): OccupationMatch[] {
  const zones = opts.jobZones ?? [3, 4, 5];
  const w = opts.interestWeight ?? 0.6;
  const present = SCORED_SUBJECTS.filter((s) => subjects[s]?.mean !== null && subjects[s]?.mean !== undefined);
  const strengths = present.map((s) => subjects[s].mean!);
  const useSubjects = present.length >= 3;
  if (!riasec && !useSubjects) return [];
  const mean = useSubjects ? strengths.reduce((a, b) => a + b, 0) / strengths.length : 0;
  const matches: OccupationMatch[] = [];
  for (const o of loadOccupations() as Occupation[]) {
    if (o.jobZone === null || !zones.includes(o.jobZone)) continue;
    const interestSimilarity = riasec && o.riasec ? pearson([...riasec.scores], [...o.riasec]) : null;
    let subjectSimilarity: number | null = null;
    let supporting: SubjectId[] = [];
    if (useSubjects && o.knowledgeImportance) {
      const need = present.map((s) => SUBJECTS[s].knowledge.reduce((a, k) => a + o.knowledgeImportance![k], 0) / SUBJECTS[s].knowledge.length);
      subjectSimilarity = pearson(strengths, need);
      const needMean = need.reduce((a, b) => a + b, 0) / need.length;
      supporting = present.filter((_, i) => strengths[i] > mean && need[i] > needMean).sort((a, b) => need[present.indexOf(b)] - need[present.indexOf(a)]).slice(0, 3);
    }
    if (interestSimilarity === null && subjectSimilarity === null) continue;
    const score = interestSimilarity !== null && subjectSimilarity !== null
      ? w * interestSimilarity + (1 - w) * subjectSimilarity
      : (interestSimilarity ?? subjectSimilarity)!;
    matches.push({ code: o.code, title: o.title, jobZone: o.jobZone, hollandCode: o.hollandCode, score, interestSimilarity, subjectSimilarity, supportingSubjects: supporting, clusters: o.clusters });
  }
  return matches.sort((a, b) => b.score - a.score || a.code.localeCompare(b.code)).slice(0, opts.limit ?? 10);
}
