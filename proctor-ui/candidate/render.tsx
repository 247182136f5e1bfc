/**
 * Renders the candidate view's body tree: XHTML and MathML pass through a whitelist, each QTI
 * interaction becomes a keyboard-operable control. Choices keep the order the server
 * delivered (the shuffle is the server's, never redone here).
 */
import { h, type ComponentChildren, type VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { s } from './strings.ts';
import type { CandidateInteraction, Json, QtiNode } from './types.ts';

export interface RenderCtx {
  values: Record<string, Json>;
  set: (responseId: string, value: Json, typing?: boolean) => void;
  interactions: CandidateInteraction[];
  decl: (responseId: string) => { cardinality: string; baseType?: string };
  itemId: string;
}

const HTML = new Set('p div span br b i em strong sub sup u ul ol li table thead tbody tfoot tr td th caption colgroup col h1 h2 h3 h4 h5 h6 pre code blockquote hr dl dt dd abbr cite q small big tt kbd var samp dfn address label ruby rt rp figure figcaption'.split(' '));
const ATTRS = new Set(['class', 'colspan', 'rowspan', 'lang', 'dir', 'title', 'alt', 'width', 'height', 'scope', 'abbr', 'start', 'type']);
const MATHML_ATTRS = /^(mathvariant|display|form|fence|separator|stretchy|lspace|rspace|linethickness|open|close|separators|columnalign|rowalign|accent|accentunder|movablelimits|scriptlevel|displaystyle)$/;

// SVG attributes are case-sensitive: tabIndex would not make an SVG element focusable.
const SVG_FOCUSABLE = { tabindex: '0' } as Record<string, string>;

let uid = 0;
const nextId = (p: string) => `${p}-${++uid}`;

const text = (n: QtiNode | string): string => (typeof n === 'string' ? n : n.children.map(text).join(''));

/**
 * Where the browser loads an item's media from: data: and absolute URLs as they are;
 * package-relative references (`images/map.png`, `../media/a.mp3`) through the candidate media
 * route, which serves only files the item itself references. Other schemes never load.
 */
export function mediaSrc(data: string | undefined, itemId: string): string | undefined {
  if (!data) return undefined;
  if (/^(data:|https?:|\/)/i.test(data)) return data;
  if (/^[a-z][a-z0-9+.-]*:/i.test(data) || data.startsWith('#')) return undefined;
  return `/api/delivery/session/items/${encodeURIComponent(itemId)}/media?src=${encodeURIComponent(data)}`;
}

function attrsOf(a: Record<string, string>, allow: (k: string) => boolean): Record<string, string> {
  const o: Record<string, string> = {};
  for (const k in a) if (allow(k)) o[k] = a[k]!;
  return o;
}

function renderMath(n: QtiNode | string, key?: number): ComponentChildren {
  if (typeof n === 'string') return n;
  return h(n.name.replace(/^m:/, ''), { key, ...attrsOf(n.attrs, (k) => MATHML_ATTRS.test(k)) }, n.children.map((c, i) => renderMath(c, i)));
}

function objectEl(n: QtiNode, itemId: string, key?: number): VNode {
  const type = n.attrs.type ?? '';
  const src = mediaSrc(n.attrs.data, itemId);
  const label = text(n).trim();
  const w = n.attrs.width ? Number(n.attrs.width) : undefined;
  const hh = n.attrs.height ? Number(n.attrs.height) : undefined;
  if (type.startsWith('audio/')) return <audio key={key} controls src={src} aria-label={label || s('audio')} />;
  if (type.startsWith('video/')) return <video key={key} controls src={src} width={w} aria-label={label} />;
  if (src) return <img key={key} src={src} alt={label} width={w} height={hh} />;
  return <span key={key} class="media-missing" role="img" aria-label={label}>{label}</span>;
}

/** Renders one node (and its subtree). */
export function renderNode(n: QtiNode | string, ctx: RenderCtx, key?: number): ComponentChildren {
  if (typeof n === 'string') return n;
  const kids = () => n.children.map((c, i) => renderNode(c, ctx, i));
  if (n.name.endsWith('Interaction')) {
    const ia = ctx.interactions.find((x) => x.element === n.name && x.responseIdentifier === n.attrs.responseIdentifier);
    if (ia) return <InteractionView key={key} ia={ia} node={n} ctx={ctx} />;
  }
  if (n.name === 'math' || n.name === 'm:math') return renderMath(n, key);
  if (n.name === 'object') return objectEl(n, ctx.itemId, key);
  if (n.name === 'img') return <img key={key} src={mediaSrc(n.attrs.src, ctx.itemId)} alt={n.attrs.alt ?? ''} width={n.attrs.width} height={n.attrs.height} />;
  if (n.name === 'audio' || n.name === 'video') {
    // XHTML5 media of QTI 3 bodies: the element's own src and its <source>/<track> children.
    const srcs = n.children.filter((c): c is QtiNode => typeof c !== 'string' && (c.name === 'source' || c.name === 'track'));
    return h(n.name, { key, controls: true, src: mediaSrc(n.attrs.src, ctx.itemId), width: n.attrs.width, height: n.attrs.height, 'aria-label': n.attrs.title ?? (n.name === 'audio' ? s('audio') : undefined) },
      srcs.map((c, i) => h(c.name, { key: i, src: mediaSrc(c.attrs.src, ctx.itemId), type: c.attrs.type, kind: c.attrs.kind, srclang: c.attrs.srclang, label: c.attrs.label })));
  }
  if (n.name === 'a') return <span key={key}>{kids()}</span>;
  if (n.name === 'itemBody') return <div key={key} class="item-body">{kids()}</div>;
  if (n.name === 'prompt') return <div key={key} class="prompt">{kids()}</div>;
  if (HTML.has(n.name)) return h(n.name, { key, ...attrsOf(n.attrs, (k) => ATTRS.has(k)) }, kids());
  return <div key={key} class={`qti-${n.name}`}>{kids()}</div>;
}

/** Label content of a choice, from the body (not the interaction metadata). */
function choiceNodes(node: QtiNode): Map<string, QtiNode> {
  const m = new Map<string, QtiNode>();
  const walk = (n: QtiNode) => {
    for (const c of n.children) {
      if (typeof c === 'string') continue;
      if (c.attrs.identifier) m.set(c.attrs.identifier, c);
      if (!c.name.endsWith('Interaction')) walk(c);
    }
  };
  walk(node);
  return m;
}

const prompt = (node: QtiNode, ctx: RenderCtx) => {
  const p = node.children.find((c): c is QtiNode => typeof c !== 'string' && c.name === 'prompt');
  return p ? renderNode(p, ctx) : null;
};
const rest = (node: QtiNode, ctx: RenderCtx, skip: Set<string>) =>
  node.children.filter((c) => typeof c === 'string' ? c.trim() : !skip.has(c.name)).map((c, i) => renderNode(c, ctx, i));

const asList = (v: Json): Json[] => (Array.isArray(v) ? v : v == null ? [] : [v]);
const pairKey = (p: Json) => (Array.isArray(p) ? p.join(' ') : String(p));

interface IProps { ia: CandidateInteraction; node: QtiNode; ctx: RenderCtx }

function InteractionView({ ia, node, ctx }: IProps) {
  const C = VIEWS[ia.kind];
  if (!C) return <div class="interaction" role="note">{prompt(node, ctx)}<p>{ia.kind}</p></div>;
  return <C ia={ia} node={node} ctx={ctx} />;
}

function useResp(ia: CandidateInteraction, ctx: RenderCtx) {
  const id = ia.responseIdentifier;
  const d = ctx.decl(id);
  const value = ctx.values[id] ?? null;
  const multi = d.cardinality !== 'single';
  return { id, d, value, multi, set: (v: Json, typing?: boolean) => ctx.set(id, v, typing) };
}

// ------------------------------------------------------------------ choice-like

function Choice({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  const name = `${ctx.itemId}-${r.id}`;
  const sel = asList(r.value);
  const max = Number(ia.attrs.maxChoices ?? (r.multi ? 0 : 1));
  const gid = nextId('p');
  return (
    <fieldset class="interaction choice" aria-labelledby={gid}>
      <legend id={gid}>{prompt(node, ctx) ?? s('select')}</legend>
      {ia.choices.map((c) => {
        const on = sel.includes(c.identifier);
        const toggle = () => {
          if (!r.multi) return r.set(c.identifier);
          const next = on ? sel.filter((x) => x !== c.identifier) : max > 0 && sel.length >= max ? sel : [...sel, c.identifier];
          r.set(next.length ? next : null);
        };
        return (
          <label class={`option${on ? ' on' : ''}`} key={c.identifier} data-choice={c.identifier}>
            <input type={r.multi ? 'checkbox' : 'radio'} name={name} value={c.identifier} checked={on} onChange={toggle} />
            <span>{labels.get(c.identifier)?.children.map((x, i) => renderNode(x, ctx, i))}</span>
          </label>
        );
      })}
    </fieldset>
  );
}

function InlineChoice({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  return (
    <select class="inline-choice" aria-label={s('select')} data-response={r.id} value={(r.value as string) ?? ''} onChange={(e) => r.set((e.target as HTMLSelectElement).value || null)}>
      <option value="">—</option>
      {ia.choices.map((c) => <option key={c.identifier} value={c.identifier}>{text(labels.get(c.identifier) ?? c.identifier)}</option>)}
    </select>
  );
}

function Hottext({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const sel = asList(r.value);
  const max = Number(ia.attrs.maxChoices ?? 1);
  const toggle = (id: string) => {
    const on = sel.includes(id);
    if (!r.multi) return r.set(on ? null : id);
    const next = on ? sel.filter((x) => x !== id) : max > 0 && sel.length >= max ? sel : [...sel, id];
    r.set(next.length ? next : null);
  };
  const walk = (n: QtiNode | string, key?: number): ComponentChildren => {
    if (typeof n === 'string') return n;
    if (n.name === 'hottext') {
      const id = n.attrs.identifier!;
      return (
        <button type="button" key={key} class="hottext" data-choice={id} aria-pressed={sel.includes(id)} onClick={() => toggle(id)}>
          {n.children.map((c, i) => walk(c, i))}
        </button>
      );
    }
    if (n.name === 'prompt') return renderNode(n, ctx, key);
    return h(HTML.has(n.name) ? n.name : 'div', { key }, n.children.map((c, i) => walk(c, i)));
  };
  return <div class="interaction hottext-i" role="group">{node.children.map((c, i) => walk(c, i))}</div>;
}

// ------------------------------------------------------------------ text

function TextEntry({ ia, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const len = Number(ia.attrs.expectedLength ?? 10);
  const num = r.d.baseType === 'integer' || r.d.baseType === 'float';
  return (
    <input class="text-entry" data-response={r.id} aria-label={ia.attrs.placeholderText ?? s('slot', { n: '' })} size={Math.min(40, Math.max(4, len))} style={{ width: 'auto' }}
      inputMode={num ? 'decimal' : undefined} value={r.value == null ? '' : String(r.value)} placeholder={ia.attrs.placeholderText}
      onInput={(e) => {
        const v = (e.target as HTMLInputElement).value;
        r.set(v === '' ? null : num && Number.isFinite(Number(v.replace(',', '.'))) ? Number(v.replace(',', '.')) : v, true);
      }} />
  );
}

function ExtendedText({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const v = r.value == null ? '' : String(r.value);
  const id = nextId('xt');
  return (
    <div class="interaction">
      <label for={id}>{prompt(node, ctx)}</label>
      <textarea id={id} data-response={r.id} rows={Number(ia.attrs.expectedLines ?? 6)} value={v} maxLength={ia.attrs.maxStrings ? undefined : undefined}
        onInput={(e) => { const t = (e.target as HTMLTextAreaElement).value; r.set(t === '' ? null : t, true); }} />
      <p class="muted" aria-live="polite">{s('chars', { n: [...v].length })}</p>
    </div>
  );
}

// ------------------------------------------------------------------ order

function Order({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  const order = (r.value as string[] | null) ?? ia.choices.map((c) => c.identifier);
  const [drag, setDrag] = useState<string | null>(null);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= order.length) return;
    const next = [...order];
    const [x] = next.splice(from, 1);
    next.splice(to, 0, x!);
    r.set(next);
  };
  const label = (id: string) => { const n = labels.get(id); return n && n.children.length ? n.children.map((c, i) => renderNode(c, ctx, i)) : id; };
  return (
    <div class="interaction order">
      {prompt(node, ctx)}
      {ia.kind === 'graphicOrder' && <Stage itemId={ctx.itemId} node={node} ia={ia} marks={order.map((id, i) => ({ id, label: String(i + 1) }))} />}
      <ol data-response={r.id} aria-label={s('nav')}>
        {order.map((id, i) => (
          <li key={id} data-choice={id} draggable tabIndex={0} class="order-item"
            onDragStart={() => setDrag(id)} onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => { e.preventDefault(); if (drag) move(order.indexOf(drag), i); setDrag(null); }}
            onKeyDown={(e) => { if (e.altKey || e.ctrlKey) { if (e.key === 'ArrowUp') { e.preventDefault(); move(i, i - 1); } if (e.key === 'ArrowDown') { e.preventDefault(); move(i, i + 1); } } }}>
            <span class="order-label">{label(id)}</span>
            <button type="button" class="secondary small" aria-label={`${s('moveUp')}: ${text(labels.get(id) ?? id) || id}`} disabled={i === 0} onClick={() => move(i, i - 1)}>↑</button>
            <button type="button" class="secondary small" aria-label={`${s('moveDown')}: ${text(labels.get(id) ?? id) || id}`} disabled={i === order.length - 1} onClick={() => move(i, i + 1)}>↓</button>
          </li>
        ))}
      </ol>
    </div>
  );
}

// ------------------------------------------------------------------ pairs

function Match({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  const [rows, cols] = ia.matchSets ?? [[], []];
  const pairs = asList(r.value).map(pairKey);
  const toggle = (a: string, b: string) => {
    const k = `${a} ${b}`;
    const next = pairs.includes(k) ? pairs.filter((x) => x !== k) : [...pairs, k];
    r.set(next.length ? next.map((x) => x.split(' ')) : null);
  };
  return (
    <div class="interaction match">
      {prompt(node, ctx)}
      <table data-response={r.id}>
        <thead><tr><td />{cols!.map((c) => <th scope="col" key={c.identifier}>{text(labels.get(c.identifier) ?? c.identifier)}</th>)}</tr></thead>
        <tbody>
          {rows!.map((a) => (
            <tr key={a.identifier}>
              <th scope="row">{text(labels.get(a.identifier) ?? a.identifier)}</th>
              {cols!.map((b) => (
                <td key={b.identifier}>
                  <input type="checkbox" data-pair={`${a.identifier} ${b.identifier}`} aria-label={`${text(labels.get(a.identifier) ?? a.identifier)} – ${text(labels.get(b.identifier) ?? b.identifier)}`}
                    checked={pairs.includes(`${a.identifier} ${b.identifier}`)} onChange={() => toggle(a.identifier, b.identifier)} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** associate / graphicAssociate: pick two choices and pair them. */
function Associate({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  const name = (id: string) => text(labels.get(id) ?? id).trim() || id;
  const pairs = asList(r.value) as string[][];
  const a = useRef<HTMLSelectElement>(null);
  const b = useRef<HTMLSelectElement>(null);
  const add = () => {
    const x = a.current!.value, y = b.current!.value;
    if (!x || !y || x === y) return;
    if (pairs.some((p) => (p[0] === x && p[1] === y) || (p[0] === y && p[1] === x))) return;
    r.set([...pairs, [x, y]]);
  };
  const opts = ia.choices.map((c) => <option key={c.identifier} value={c.identifier}>{name(c.identifier)}</option>);
  return (
    <div class="interaction associate">
      {prompt(node, ctx)}
      {ia.kind === 'graphicAssociate' && <Stage itemId={ctx.itemId} node={node} ia={ia} marks={[]} />}
      <div class="inline" data-response={r.id}>
        <select ref={a} aria-label={`${s('pairWith')} 1`} data-side="a"><option value="">—</option>{opts}</select>
        <select ref={b} aria-label={`${s('pairWith')} 2`} data-side="b"><option value="">—</option>{opts}</select>
        <button type="button" onClick={add}>{s('pairWith')}</button>
      </div>
      <ul>
        {pairs.map((p, i) => (
          <li key={i}>{name(p[0]!)} ↔ {name(p[1]!)} <button type="button" class="secondary small" onClick={() => { const n = pairs.filter((_, j) => j !== i); r.set(n.length ? n : null); }}>{s('remove')}</button></li>
        ))}
      </ul>
    </div>
  );
}

/** gapMatch / graphicGapMatch: each gap is a select of the gap texts (drag a word onto a gap too). */
function GapMatch({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  const pairs = asList(r.value) as string[][];
  const filled = (gap: string) => pairs.find((p) => p[1] === gap)?.[0] ?? '';
  const put = (gap: string, src: string) => {
    const next = pairs.filter((p) => p[1] !== gap);
    if (src) next.push([src, gap]);
    r.set(next.length ? next : null);
  };
  const name = (id: string) => text(labels.get(id) ?? id).trim() || id;
  let n = 0;
  const gapSelect = (gap: string, key?: number) => {
    const k = ++n;
    return (
      <select key={key} class="gap" data-gap={gap} aria-label={s('slot', { n: k })} value={filled(gap)}
        onDragOver={(e) => e.preventDefault()} onDrop={(e) => { e.preventDefault(); put(gap, e.dataTransfer?.getData('text/plain') ?? ''); }}
        onChange={(e) => put(gap, (e.target as HTMLSelectElement).value)}>
        <option value="">—</option>
        {ia.choices.map((c) => <option key={c.identifier} value={c.identifier}>{name(c.identifier)}</option>)}
      </select>
    );
  };
  const walk = (x: QtiNode | string, key?: number): ComponentChildren => {
    if (typeof x === 'string') return x;
    if (x.name === 'gap') return gapSelect(x.attrs.identifier!, key);
    if (x.name === 'gapText' || x.name === 'gapImg' || x.name === 'prompt' || x.name === 'object' || x.name === 'associableHotspot') return null;
    return h(HTML.has(x.name) ? x.name : 'div', { key }, x.children.map((c, i) => walk(c, i)));
  };
  return (
    <div class="interaction gap-match" data-response={r.id}>
      {prompt(node, ctx)}
      <div class="gap-source" role="list">
        {ia.choices.map((c) => <span role="listitem" key={c.identifier} class="gap-text" draggable onDragStart={(e) => e.dataTransfer?.setData('text/plain', c.identifier)}>{name(c.identifier)}</span>)}
      </div>
      {ia.kind === 'graphicGapMatch' ? (
        <>
          <Stage itemId={ctx.itemId} node={node} ia={{ ...ia, choices: ia.gaps ?? [] }} marks={pairs.map((p) => ({ id: p[1]!, label: name(p[0]!) }))} />
          <ul>{(ia.gaps ?? []).map((g) => <li key={g.identifier}>{gapSelect(g.identifier)}</li>)}</ul>
        </>
      ) : (
        node.children.map((c, i) => walk(c, i))
      )}
    </div>
  );
}

// ------------------------------------------------------------------ graphics

function imageOf(node: QtiNode): QtiNode | undefined {
  for (const c of node.children) {
    if (typeof c === 'string') continue;
    if (c.name === 'object') return c;
  }
  return undefined;
}

function shapeEl(c: { shape?: string; coords?: number[] }, props: Record<string, unknown>) {
  const k = c.coords ?? [];
  if (c.shape === 'circle') return <circle cx={k[0]} cy={k[1]} r={k[2]} {...props} />;
  if (c.shape === 'rect') return <rect x={k[0]} y={k[1]} width={k[2]! - k[0]!} height={k[3]! - k[1]!} {...props} />;
  if (c.shape === 'ellipse') return <ellipse cx={k[0]} cy={k[1]} rx={k[2]} ry={k[3]} {...props} />;
  if (c.shape === 'poly') return <polygon points={k.join(',')} {...props} />;
  return <rect x={0} y={0} width="100%" height="100%" {...props} />;
}

function centre(c: { shape?: string; coords?: number[] }): [number, number] {
  const k = c.coords ?? [0, 0];
  if (c.shape === 'rect') return [(k[0]! + k[2]!) / 2, (k[1]! + k[3]!) / 2];
  if (c.shape === 'poly') { let x = 0, y = 0; for (let i = 0; i < k.length; i += 2) { x += k[i]!; y += k[i + 1]!; } return [x / (k.length / 2), y / (k.length / 2)]; }
  return [k[0]!, k[1]!];
}

/** The picture of a graphic interaction with numbered marks on its hotspots. */
function Stage({ node, ia, marks, children, onPoint, itemId }: { node: QtiNode; ia: CandidateInteraction; itemId: string; marks: { id: string; label: string }[]; children?: ComponentChildren; onPoint?: (x: number, y: number) => void }) {
  const img = imageOf(node);
  const w = Number(img?.attrs.width ?? 300), hh = Number(img?.attrs.height ?? 200);
  const src = mediaSrc(img?.attrs.data, itemId);
  return (
    <svg class="stage" viewBox={`0 0 ${w} ${hh}`} width={w} height={hh} role="img" aria-label={img ? text(img).trim() : ''}
      onClick={onPoint ? (e) => { const b = (e.currentTarget as SVGSVGElement).getBoundingClientRect(); onPoint(Math.round(((e.clientX - b.left) * w) / b.width), Math.round(((e.clientY - b.top) * hh) / b.height)); } : undefined}>
      <rect width={w} height={hh} class="stage-bg" />
      {src && <image href={src} width={w} height={hh} />}
      {ia.choices.filter((c) => c.shape).map((c) => shapeEl(c, { key: c.identifier, class: 'zone' }))}
      {marks.map((m) => { const c = ia.choices.find((x) => x.identifier === m.id); if (!c) return null; const [x, y] = centre(c); return <text key={m.id} x={x} y={y} class="mark" text-anchor="middle" dominant-baseline="middle">{m.label}</text>; })}
      {children}
    </svg>
  );
}

function Hotspot({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const labels = choiceNodes(node);
  const sel = asList(r.value);
  const max = Number(ia.attrs.maxChoices ?? 1);
  const toggle = (id: string) => {
    const on = sel.includes(id);
    if (!r.multi) return r.set(on ? null : id);
    const next = on ? sel.filter((x) => x !== id) : max > 0 && sel.length >= max ? sel : [...sel, id];
    r.set(next.length ? next : null);
  };
  const img = imageOf(node);
  const w = Number(img?.attrs.width ?? 300), hh = Number(img?.attrs.height ?? 200);
  return (
    <div class="interaction hotspot">
      {prompt(node, ctx)}
      <svg class="stage" viewBox={`0 0 ${w} ${hh}`} width={w} height={hh} role="group" aria-label={img ? text(img).trim() : s('select')} data-response={r.id}>
        <rect width={w} height={hh} class="stage-bg" />
        {mediaSrc(img?.attrs.data, ctx.itemId) && <image href={mediaSrc(img?.attrs.data, ctx.itemId)} width={w} height={hh} />}
        {ia.choices.map((c, i) => {
          const on = sel.includes(c.identifier);
          return (
            <g key={c.identifier} role={r.multi ? 'checkbox' : 'radio'} aria-checked={on} {...SVG_FOCUSABLE} data-choice={c.identifier}
              aria-label={text(labels.get(c.identifier) ?? '').trim() || `${s('select')} ${i + 1}`}
              onClick={() => toggle(c.identifier)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(c.identifier); } }}>
              {shapeEl(c, { class: on ? 'zone on' : 'zone' })}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** selectPoint and positionObject: points on the picture, by mouse or by arrow keys + Enter. */
function Points({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const pts = (r.multi ? asList(r.value) : r.value == null ? [] : [r.value]) as number[][];
  const img = ia.kind === 'positionObject' ? findStageImage(node) : imageOf(node);
  const w = Number(img?.attrs.width ?? 300), hh = Number(img?.attrs.height ?? 200);
  const [cur, setCur] = useState<[number, number]>([Math.round(w / 2), Math.round(hh / 2)]);
  const max = Number(ia.attrs.maxChoices ?? (r.multi ? 0 : 1));
  const add = (x: number, y: number) => {
    if (!r.multi) return r.set([x, y]);
    if (max > 0 && pts.length >= max) return;
    r.set([...pts, [x, y]]);
  };
  const del = (i: number) => { const n = pts.filter((_, j) => j !== i); r.set(r.multi ? (n.length ? n : null) : null); };
  const key = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 10 : 2;
    const d: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (d[e.key]) { e.preventDefault(); setCur([Math.max(0, Math.min(w, cur[0] + d[e.key]![0])), Math.max(0, Math.min(hh, cur[1] + d[e.key]![1]))]); }
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); add(cur[0], cur[1]); }
  };
  return (
    <div class="interaction points">
      {prompt(node, ctx)}
      <p class="muted">{s('arrowHint')}</p>
      <svg class="stage" {...SVG_FOCUSABLE} viewBox={`0 0 ${w} ${hh}`} width={w} height={hh} role="application" aria-label={`${img ? text(img).trim() : ''} — ${s('point', { x: cur[0], y: cur[1] })}`} data-response={r.id}
        onKeyDown={key as never}
        onClick={(e) => { const b = (e.currentTarget as SVGSVGElement).getBoundingClientRect(); add(Math.round(((e.clientX - b.left) * w) / b.width), Math.round(((e.clientY - b.top) * hh) / b.height)); }}>
        <rect width={w} height={hh} class="stage-bg" />
        {mediaSrc(img?.attrs.data, ctx.itemId) && <image href={mediaSrc(img?.attrs.data, ctx.itemId)} width={w} height={hh} />}
        <path d={`M${cur[0] - 6} ${cur[1]}h12M${cur[0]} ${cur[1] - 6}v12`} class="cursor" />
        {pts.map((p, i) => <circle key={i} cx={p[0]} cy={p[1]} r={4} class="pt" />)}
      </svg>
      <ul>{pts.map((p, i) => <li key={i}>{s('point', { x: p[0]!, y: p[1]! })} <button type="button" class="secondary small" onClick={() => del(i)}>{s('remove')}</button></li>)}</ul>
    </div>
  );
}

function findStageImage(node: QtiNode): QtiNode | undefined {
  // positionObjectInteraction's own object is the thing placed; the stage image is the sibling.
  return (node as QtiNode & { stageImage?: QtiNode }).stageImage ?? imageOf(node);
}

function Slider({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const lo = Number(ia.attrs.lowerBound ?? 0), hi = Number(ia.attrs.upperBound ?? 100), step = Number(ia.attrs.step ?? 1);
  const id = nextId('sl');
  const v = r.value == null ? null : Number(r.value);
  return (
    <div class="interaction slider">
      <label for={id}>{prompt(node, ctx)}</label>
      <input id={id} type="range" min={lo} max={hi} step={step} value={v ?? lo} data-response={r.id} aria-valuetext={v == null ? '—' : String(v)}
        onInput={(e) => r.set(Number((e.target as HTMLInputElement).value), true)} />
      <output for={id}>{v == null ? '—' : v}</output>
    </div>
  );
}

function Upload({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const id = nextId('up');
  const v = r.value as { name?: string } | null;
  return (
    <div class="interaction upload">
      <label for={id}>{prompt(node, ctx) ?? s('chooseFile')}</label>
      <input id={id} type="file" accept={ia.attrs.type} data-response={r.id}
        onChange={async (e) => {
          const f = (e.target as HTMLInputElement).files?.[0];
          if (!f) return;
          const b = new Uint8Array(await f.arrayBuffer());
          let bin = '';
          for (let i = 0; i < b.length; i += 0x8000) bin += String.fromCharCode(...b.subarray(i, i + 0x8000));
          r.set({ name: f.name, mimeType: f.type || 'application/octet-stream', contentBase64: btoa(bin) });
        }} />
      {v?.name && <p>{v.name}</p>}
    </div>
  );
}

/** mediaInteraction: the response counts plays; maxPlays is enforced here. */
function Media({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const plays = Number(r.value ?? 0);
  const max = Number(ia.attrs.maxPlays ?? 0);
  const el = useRef<HTMLAudioElement>(null);
  const obj = imageOf(node);
  const left = max > 0 ? max - plays : Infinity;
  return (
    <div class="interaction media">
      {prompt(node, ctx)}
      <audio ref={el} src={mediaSrc(obj?.attrs.data, ctx.itemId)} preload="auto" />
      <button type="button" data-response={r.id} disabled={left <= 0} onClick={() => { r.set(plays + 1); void el.current?.play().catch(() => {}); }}>
        ▶ {s('play')}{obj ? `: ${text(obj).trim()}` : ''}
      </button>
      {max > 0 && <span class="muted"> {s('playsLeft', { n: Math.max(0, left) })}</span>}
    </div>
  );
}

/** drawingInteraction: a canvas; the PNG is the file response. */
function Drawing({ ia, node, ctx }: IProps) {
  const r = useResp(ia, ctx);
  const img = imageOf(node);
  const w = Number(img?.attrs.width ?? 400), hh = Number(img?.attrs.height ?? 300);
  const cv = useRef<HTMLCanvasElement>(null);
  const pen = useRef({ down: false, x: w / 2, y: hh / 2 });
  const save = () => {
    const url = cv.current!.toDataURL('image/png');
    r.set({ name: 'drawing.png', mimeType: 'image/png', contentBase64: url.slice(url.indexOf(',') + 1) });
  };
  useEffect(() => {
    const c = cv.current!.getContext('2d')!;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, w, hh);
    const v = r.value as { contentBase64?: string } | null;
    if (v?.contentBase64) { const im = new Image(); im.onload = () => c.drawImage(im, 0, 0); im.src = `data:image/png;base64,${v.contentBase64}`; }
  }, []);
  const line = (x: number, y: number) => {
    const c = cv.current!.getContext('2d')!;
    c.strokeStyle = '#000'; c.lineWidth = 2; c.beginPath(); c.moveTo(pen.current.x, pen.current.y); c.lineTo(x, y); c.stroke();
    pen.current.x = x; pen.current.y = y;
  };
  const pos = (e: PointerEvent) => { const b = cv.current!.getBoundingClientRect(); return [((e.clientX - b.left) * w) / b.width, ((e.clientY - b.top) * hh) / b.height] as const; };
  return (
    <div class="interaction drawing">
      {prompt(node, ctx)}
      <p class="muted">{s('drawHint')}</p>
      <canvas ref={cv} width={w} height={hh} tabIndex={0} role="img" aria-label={s('drawHint')} data-response={r.id}
        onPointerDown={(e) => { const [x, y] = pos(e); pen.current = { down: true, x, y }; }}
        onPointerMove={(e) => { if (pen.current.down) { const [x, y] = pos(e); line(x, y); } }}
        onPointerUp={() => { if (pen.current.down) { pen.current.down = false; save(); } }}
        onKeyDown={(e) => {
          const d: Record<string, [number, number]> = { ArrowLeft: [-5, 0], ArrowRight: [5, 0], ArrowUp: [0, -5], ArrowDown: [0, 5] };
          if (e.key === ' ') { e.preventDefault(); pen.current.down = !pen.current.down; if (!pen.current.down) save(); }
          else if (d[e.key]) { e.preventDefault(); const x = pen.current.x + d[e.key]![0], y = pen.current.y + d[e.key]![1]; if (pen.current.down) line(x, y); else { pen.current.x = x; pen.current.y = y; } }
        }} />
      <div><button type="button" class="secondary" onClick={() => { const c = cv.current!.getContext('2d')!; c.fillStyle = '#fff'; c.fillRect(0, 0, w, hh); r.set(null); }}>{s('clear')}</button></div>
    </div>
  );
}

function EndAttempt({ ia, ctx }: IProps) {
  const r = useResp(ia, ctx);
  return <button type="button" data-response={r.id} onClick={() => r.set(true)}>{ia.attrs.title ?? 'OK'}</button>;
}

const VIEWS: Record<string, (p: IProps) => ComponentChildren> = {
  choice: Choice, inlineChoice: InlineChoice, hottext: Hottext, textEntry: TextEntry, extendedText: ExtendedText,
  order: Order, graphicOrder: Order, match: Match, associate: Associate, graphicAssociate: Associate,
  gapMatch: GapMatch, graphicGapMatch: GapMatch, hotspot: Hotspot, selectPoint: Points, positionObject: Points,
  slider: Slider, upload: Upload, media: Media, drawing: Drawing, endAttempt: EndAttempt,
};

/** positionObjectStage: hands its image to the interaction inside it as the stage. */
export function prepareBody(n: QtiNode): QtiNode {
  const walk = (x: QtiNode): QtiNode => {
    if (x.name === 'positionObjectStage') {
      const img = imageOf(x);
      return { ...x, name: 'div', children: x.children.filter((c) => c !== img).map((c) => (typeof c === 'string' ? c : c.name === 'positionObjectInteraction' ? Object.assign({ ...c }, { stageImage: img }) : walk(c))) };
    }
    return { ...x, children: x.children.map((c) => (typeof c === 'string' ? c : walk(c))) };
  };
  return walk(n);
}
