import type { SubjectSummary } from './features.ts';

/**
 * Early warning: a sharp fall in a subject's trend. Flagged when, over the last three terms
 * with results, the least-squares slope is at most −SLOPE_LIMIT points per term, or the latest
 * term is at least DROP_LIMIT points below the mean of the terms before it. The limits are
 * stated thresholds for teachers to review, not statistical tests.
 */
export const SLOPE_LIMIT = 0.7;
export const DROP_LIMIT = 1.5;

export interface EarlyWarning {
  subject: string;
  /** Slope over the last three terms with results, points per term. */
  recentSlope: number;
  /** Latest term minus the mean of the earlier terms. */
  drop: number;
  latest: number;
  reason: 'slope' | 'drop' | 'both';
}

/** Warnings for one student's subject summaries (most severe first). */
export function earlyWarnings(subjects: Record<string, SubjectSummary>): EarlyWarning[] {
  const out: EarlyWarning[] = [];
  for (const s of Object.values(subjects)) {
    const pts = s.terms.map((y, t) => ({ t, y })).filter((p): p is { t: number; y: number } => p.y !== null);
    if (pts.length < 3) continue;
    const last3 = pts.slice(-3);
    const mx = last3.reduce((a, p) => a + p.t, 0) / 3, my = last3.reduce((a, p) => a + p.y, 0) / 3;
    const sxx = last3.reduce((a, p) => a + (p.t - mx) ** 2, 0);
    const slope = sxx ? last3.reduce((a, p) => a + (p.t - mx) * (p.y - my), 0) / sxx : 0;
    const before = pts.slice(0, -1);
    const latest = pts[pts.length - 1].y;
    const drop = latest - before.reduce((a, p) => a + p.y, 0) / before.length;
    const bySlope = slope <= -SLOPE_LIMIT, byDrop = drop <= -DROP_LIMIT;
    if (bySlope || byDrop) out.push({ subject: s.subject, recentSlope: slope, drop, latest, reason: bySlope && byDrop ? 'both' : bySlope ? 'slope' : 'drop' });
  }
  return out.sort((a, b) => a.drop - b.drop);
}
