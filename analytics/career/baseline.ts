import {
  RIASEC, SCORED_SUBJECTS, SUBJECTS, loadAdmissionCombinations, loadClusterProfiles, loadFieldsOfStudy, type SubjectId,
} from '../domain/index.ts';
import { FEATURE_COUNT, featureIndex } from './features.ts';

/**
 * The plain similarity baseline the model must beat (no learning): a student's profile
 * (RIASEC scores and relative subject strengths) against each field's profile (RIASEC of the
 * clusters it leads to, and how often its admission combinations use each subject), and
 * against each cluster's profile (O*NET mean interests and knowledge importance).
 */

interface Profile { riasec: number[]; subjects: number[] }

const centre = (v: number[]) => { const m = v.reduce((a, b) => a + b, 0) / v.length; return v.map((x) => x - m); };
function cosine(a: number[], b: number[]): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i]; }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
}

let profiles: { field: Profile[]; cluster: Profile[] } | undefined;

/** Field and cluster profiles from the domain data (cached). */
export function similarityProfiles(): { field: Profile[]; cluster: Profile[] } {
  if (profiles) return profiles;
  const clusters = loadClusterProfiles();
  const combos = new Map(loadAdmissionCombinations().map((c) => [c.code, c.subjectIds]));
  const field = loadFieldsOfStudy().map((f) => {
    const riasec = [0, 0, 0, 0, 0, 0];
    for (const c of clusters) { const w = f.clusterAffinity[c.name] ?? 0; c.riasec.forEach((v, k) => (riasec[k] += w * v)); }
    const subjects = SCORED_SUBJECTS.map((s) => Object.entries(f.combinationShares).reduce((a, [code, share]) => a + (combos.get(code)?.includes(s) ? share : 0), 0));
    return { riasec, subjects };
  });
  const cluster = clusters.map((c) => ({
    riasec: [...c.riasec],
    subjects: SCORED_SUBJECTS.map((s) => SUBJECTS[s].knowledge.reduce((a, k) => a + (c.knowledgeImportance[k] ?? 0), 0) / SUBJECTS[s].knowledge.length),
  }));
  profiles = { field, cluster };
  return profiles;
}

/** Similarity scores (n × classes) of both heads for rows of a feature matrix. */
export function baselineScores(X: Float32Array, n: number): { field: Float32Array; cluster: Float32Array } {
  const P = similarityProfiles();
  const iInterest = RIASEC.map((l) => featureIndex(`interest.${l}`));
  const iPresent = featureIndex('interest.present');
  const iMean = SCORED_SUBJECTS.map((s: SubjectId) => featureIndex(`subject.${s}.mean`));
  const iSubj = SCORED_SUBJECTS.map((s: SubjectId) => featureIndex(`subject.${s}.present`));
  const out = { field: new Float32Array(n * P.field.length), cluster: new Float32Array(n * P.cluster.length) };
  for (let r = 0; r < n; r++) {
    const o = r * FEATURE_COUNT;
    const hasInterest = X[o + iPresent] > 0;
    const student = centre(iInterest.map((i) => X[o + i]));
    const present = iSubj.map((i) => X[o + i] > 0);
    const strengths = iMean.map((i) => X[o + i]).filter((_, j) => present[j]);
    const relStrength = centre(strengths);
    for (const head of ['field', 'cluster'] as const) {
      const list = P[head];
      list.forEach((p, c) => {
        let s = 0;
        if (hasInterest) s += cosine(student, centre(p.riasec));
        if (relStrength.length >= 2) s += cosine(relStrength, centre(p.subjects.filter((_, j) => present[j])));
        out[head][r * list.length + c] = s;
      });
    }
  }
  return out;
}
