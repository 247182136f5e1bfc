/**
 * Practice mode: a "Check answer" button and a live feedback region. Shown only when the
 * item's itemSessionControl (as the server delivered it) allows showFeedback or showSolution;
 * the server decides again and refuses otherwise, so nothing here can reveal a key.
 */
import { useState } from 'preact/hooks';
import { api } from '../shared/api.ts';
import { renderNode, type RenderCtx } from './render.tsx';
import { s } from './strings.ts';
import type { Json, QtiNode } from './types.ts';

export interface ItemFeedback {
  itemId: string;
  answered: boolean;
  modal: { identifier: string; title?: string; node: QtiNode }[];
  inline: { identifier: string; element: string; node: QtiNode }[];
  solution?: Record<string, Json>;
}

/** True when the delivered itemSessionControl lets the candidate check an answer. */
export function practiceAllowed(control: unknown): boolean {
  const c = (control ?? {}) as { showFeedback?: boolean; showSolution?: boolean };
  return !!(c.showFeedback || c.showSolution);
}

/** Choice labels by identifier, from the candidate view's body, to show a solution in words. */
function labels(body: QtiNode | null): Map<string, string> {
  const out = new Map<string, string>();
  const text = (n: QtiNode | string): string => (typeof n === 'string' ? n : n.children.map(text).join(''));
  const visit = (n: QtiNode) => {
    if (n.attrs.identifier && !n.name.endsWith('Interaction')) out.set(n.attrs.identifier, text(n).replace(/\s+/g, ' ').trim());
    for (const c of n.children) if (typeof c !== 'string') visit(c);
  };
  if (body) visit(body);
  return out;
}

function solutionText(v: Json, names: Map<string, string>): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return v.map((x) => (Array.isArray(x) ? x.map((y) => solutionText(y, names)).join(' – ') : solutionText(x, names))).join(', ');
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${solutionText(x, names)}`).join('; ');
  const str = String(v);
  return names.get(str) || str;
}

/** The button and the feedback region of one item (keyed by item: state resets on navigation). */
export function PracticeFeedback({ itemId, body, ctx, beforeCheck }: { itemId: string; body: QtiNode | null; ctx: RenderCtx; beforeCheck: () => Promise<void> }) {
  const [fb, setFb] = useState<ItemFeedback>();
  const [err, setErr] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setErr(undefined);
    try {
      // Feedback is computed from the server's stored responses: send the queued ones first.
      await beforeCheck();
      setFb(await api<ItemFeedback>('GET', `/api/delivery/session/items/${encodeURIComponent(itemId)}/feedback`));
    } catch (e) {
      setErr(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const names = fb?.solution ? labels(body) : new Map<string, string>();
  const shown = fb ? [...fb.inline.map((f) => ({ key: `i-${f.identifier}`, title: undefined as string | undefined, node: f.node })), ...fb.modal.map((f) => ({ key: `m-${f.identifier}`, title: f.title, node: f.node }))] : [];
  return (
    <div class="practice">
      <button type="button" class="secondary" data-check-answer disabled={busy} onClick={check}>✓ {s('checkAnswer')}</button>
      <section class="feedback" aria-live="polite" aria-label={s('feedback')} data-feedback>
        {err && <p class="alert error">{err}</p>}
        {fb && !fb.answered && <p>{s('checkFirst')}</p>}
        {fb && fb.answered && shown.length === 0 && !fb.solution && <p>{s('noFeedback')}</p>}
        {shown.map((f) => (
          <div key={f.key} class="feedback-item" data-feedback-id={f.key}>
            {f.title && <strong>{f.title}</strong>}
            {f.node.children.map((c, i) => renderNode(c, ctx, i))}
          </div>
        ))}
        {fb?.solution && (
          <p data-solution>
            <strong>{s('solution')}:</strong>{' '}
            {Object.entries(fb.solution).map(([rid, v], i, all) => <span key={rid}>{all.length > 1 ? `${rid}: ` : ''}{solutionText(v, names)}{i < all.length - 1 ? '; ' : ''}</span>)}
          </p>
        )}
      </section>
    </div>
  );
}
