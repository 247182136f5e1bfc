/**
 * Feedback for practice modes: which modalFeedback, feedbackInline and feedbackBlock elements
 * are shown for the outcomes of an attempt. Never part of the candidate view of an exam.
 */
import type { AssessmentItem } from '../model/types.ts';
import { walk, type QtiNode } from '../xml/parse.ts';
import type { Json } from '../values.ts';

export interface VisibleFeedback {
  /** modalFeedback shown after the attempt. */
  modal: { identifier: string; outcomeIdentifier: string; title?: string; node: QtiNode }[];
  /** feedbackInline / feedbackBlock elements of the body that are shown. */
  inline: { identifier: string; outcomeIdentifier: string; element: string; node: QtiNode }[];
}

/** True when the outcome value equals (single) or contains (container) the identifier. */
function outcomeHas(v: Json | undefined, identifier: string): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.some((x) => String(x) === identifier);
  return String(v) === identifier;
}

function shown(showHide: string | undefined, v: Json | undefined, identifier: string): boolean {
  const m = outcomeHas(v, identifier);
  return showHide === 'hide' ? !m : m;
}

/** Feedback visible for these outcomes (as scoreItem returns them). */
export function visibleFeedback(item: AssessmentItem, outcomes: Record<string, Json>): VisibleFeedback {
  const modal: VisibleFeedback['modal'] = [];
  for (const f of item.modalFeedback) {
    if (shown(f.showHide, outcomes[f.outcomeIdentifier], f.identifier)) {
      modal.push({ identifier: f.identifier, outcomeIdentifier: f.outcomeIdentifier, title: f.title, node: f.node });
    }
  }
  const inline: VisibleFeedback['inline'] = [];
  if (item.itemBody) {
    walk(item.itemBody, (n) => {
      if (n.name === 'feedbackInline' || n.name === 'feedbackBlock') {
        const oid = n.attrs.outcomeIdentifier ?? '';
        const id = n.attrs.identifier ?? '';
        if (shown(n.attrs.showHide, outcomes[oid], id)) inline.push({ identifier: id, outcomeIdentifier: oid, element: n.name, node: n });
        return false;
      }
      return true;
    });
  }
  return { modal, inline };
}
