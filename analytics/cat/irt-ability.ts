/**
 * Bridge to the IRT module's ability estimators (MAP, MLE, WLE) for CAT. Returns null when the
 * estimator has no finite answer (the caller then falls back to EAP).
 */
import { estimateAbility } from '../irt/ability.ts';
import type { IrtItem } from '../irt/model.ts';

export function irtEstimate(method: 'map' | 'mle' | 'wle', items: IrtItem[], responses: number[], prior: { mean: number; sd: number }): { theta: number; se: number } | null {
  const r = estimateAbility(items, responses, { method, prior });
  return r.ok ? { theta: r.theta, se: r.se } : null;
}
