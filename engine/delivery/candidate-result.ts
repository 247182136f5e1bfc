/**
 * What a candidate's own result (GET /api/delivery/session/result) may carry, by the event's
 * `showResults`: `score` gives Assay's reported figures (score, maxScore, scaledScore, level);
 * `full` adds each item's outcomes, only those the item declares for the candidate. QTI's
 * `view` on an outcome declaration names who the outcome is for (author, candidate, proctor,
 * scorer, testConstructor, tutor); without it the outcome is for everyone. Never responses,
 * template values, correct responses or scoring rules: an item may copy the key into an
 * outcome for scorers (`<correct>`), so staff-only outcomes are exactly where keys turn up.
 */
import type { Json, OutcomeDeclaration } from '../../item-bank/index.ts';
import type { ExamSession, Result } from '../store/types.ts';
import type { ContentCache } from './content.ts';
import type { StoredOutcomes } from './scoring.ts';

/** An outcome is the candidate's when declared without a view, or with one naming candidate. */
export const forCandidate = (d: OutcomeDeclaration): boolean => !d.views?.length || d.views.includes('candidate');

/**
 * The outcomes of one item a candidate may see: declared in the scored item version and for
 * the candidate. A value without a declaration (none known for the item) is left out: what
 * cannot be checked is not given out.
 */
export function candidateItemOutcomes(decls: readonly OutcomeDeclaration[] | undefined, values: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (!decls) return out;
  for (const d of decls) if (forCandidate(d) && Object.hasOwn(values, d.identifier)) out[d.identifier] = values[d.identifier]!;
  return out;
}

/** The body of the candidate's own result for `show` ('score' or 'full'). */
export async function candidateResult(content: ContentCache, session: ExamSession, result: Result, show: 'score' | 'full'): Promise<Record<string, unknown>> {
  const o = result.outcomes as unknown as StoredOutcomes;
  const out: Record<string, unknown> = { state: session.state, score: o.score ?? null, maxScore: o.maxScore ?? null, scaledScore: result.scaledScore, level: result.level, version: result.version, scoredAt: result.createdAt };
  if (show === 'full') {
    // Declarations of the versions this result was scored with (a rescore may have used newer ones).
    const items = await content.scoredItems(result);
    out.items = Object.fromEntries(Object.entries(o.items ?? {}).map(([k, v]) => [k, candidateItemOutcomes(items.get(k)?.item.outcomeDeclarations, v.outcomes ?? {})]));
  }
  return out;
}
