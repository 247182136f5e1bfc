/**
 * The candidate view: everything a candidate's browser may see of an item, and nothing more.
 * No correctResponse, mapping, areaMapping, response or template processing, outcome values,
 * scorer rubrics or feedback content (feedback goes through visibleFeedback, for practice modes).
 */
import type { AssessmentItem, BaseType, Cardinality, Choice, Interaction, InteractionKind, QtiValue, Shape } from '../model/types.ts';
import type { QtiNode } from '../xml/parse.ts';
import { mulberry32, shuffleWithFixed, type Rng } from '../processing/rng.ts';
import { runTemplateProcessing } from '../processing/item-scorer.ts';
import { INTERACTION_KINDS, CHOICE_ELEMENTS } from '../model/item.ts';
import { primitiveToText, type Json } from '../values.ts';

export interface CandidateChoice {
  identifier: string;
  element: string;
  fixed?: boolean;
  matchMax?: number;
  matchMin?: number;
  matchGroup?: string[];
  shape?: Shape;
  coords?: number[];
}

export interface CandidateInteraction {
  kind: InteractionKind;
  element: string;
  responseIdentifier: string;
  attrs: Record<string, string>;
  /** Choices in the order delivered to this candidate (shuffled where the item allows). */
  choices: CandidateChoice[];
  matchSets?: CandidateChoice[][];
  gaps?: CandidateChoice[];
}

export interface CandidateView {
  identifier: string;
  title: string;
  language?: string;
  qtiVersion: string;
  adaptive: boolean;
  timeDependent: boolean;
  stylesheets: { href: string; type?: string; media?: string }[];
  /** Response variables the player must fill: identifier, cardinality, baseType only. */
  responses: { identifier: string; cardinality: Cardinality; baseType?: BaseType }[];
  body: QtiNode | null;
  interactions: CandidateInteraction[];
}

export interface CandidateViewOptions {
  /** Seed for shuffling and template processing (one per candidate and item). */
  seed?: number | string;
  /** Template values already computed for this candidate (else template processing runs with seed). */
  templateValues?: Record<string, QtiValue>;
  language?: string;
}

/** Elements never sent to a candidate (feedback comes separately via visibleFeedback). */
const HIDDEN_ELEMENTS = new Set(['feedbackInline', 'feedbackBlock', 'modalFeedback', 'responseProcessing', 'templateProcessing', 'correctResponse', 'mapping', 'areaMapping']);

/** Attributes that only matter to processing (template visibility is resolved here). */
const PROCESSING_ATTRS = new Set(['templateIdentifier', 'showHide', 'outcomeIdentifier']);

function choiceOf(c: Choice): CandidateChoice {
  const o: CandidateChoice = { identifier: c.identifier, element: c.element };
  if (c.fixed) o.fixed = true;
  if (c.matchMax !== undefined) o.matchMax = c.matchMax;
  if (c.matchMin !== undefined) o.matchMin = c.matchMin;
  if (c.matchGroup) o.matchGroup = c.matchGroup;
  if (c.shape) {
    o.shape = c.shape;
    o.coords = c.coords;
  }
  return o;
}

function templateMatches(values: Record<string, QtiValue>, id: string, identifier: string): boolean {
  const v = values[id];
  if (!v) return false;
  if (v.cardinality === 'single') return String(v.value) === identifier;
  if (v.cardinality === 'record') return false;
  return v.values.some((p) => String(p) === identifier);
}

function visibleByTemplate(n: QtiNode, values: Record<string, QtiValue>): boolean {
  const tid = n.attrs.templateIdentifier;
  if (!tid || !n.attrs.identifier) return true;
  const m = templateMatches(values, tid, n.attrs.identifier);
  return n.attrs.showHide === 'hide' ? !m : m;
}

function printed(n: QtiNode, values: Record<string, QtiValue>): string {
  const v = values[n.attrs.identifier ?? ''];
  if (v === undefined || v === null) return '';
  const fmt = n.attrs.format;
  const one = (bt: BaseType, p: Parameters<typeof primitiveToText>[1]) => {
    if (fmt && typeof p === 'number') {
      const m = /%(?:\.(\d+))?([dfeEgGi])/.exec(fmt);
      if (m) {
        const s = m[2] === 'd' || m[2] === 'i' ? String(Math.round(p)) : m[1] !== undefined ? p.toFixed(Number(m[1])) : String(p);
        return fmt.replace(m[0], s);
      }
    }
    return primitiveToText(bt, p);
  };
  if (v.cardinality === 'single') return one(v.baseType, v.value);
  if (v.cardinality === 'record') return '';
  return v.values.map((p) => one(v.baseType, p)).join(n.attrs.delimiter ?? ';');
}

/** Interactions whose choices reach the candidate shuffled (by the view's seed): which depends on the kind. */
const SHUFFLING_KINDS: ReadonlySet<string> = new Set(['choice', 'order', 'associate', 'match', 'gapMatch', 'inlineChoice']);

/**
 * Whether candidateView shuffles this interaction's choices. The results export reports the
 * order the candidate saw (choiceSequence) for exactly these.
 */
export function shufflesChoices(it: Pick<Interaction, 'kind' | 'shuffle'>): boolean {
  return it.shuffle && SHUFFLING_KINDS.has(it.kind);
}

/**
 * Makes the candidate view of an item. Deterministic for a given seed: the same candidate
 * always sees the same shuffle and the same cloned numbers.
 */
export function candidateView(item: AssessmentItem, opts: CandidateViewOptions = {}): CandidateView {
  const seed = opts.seed ?? 0;
  const templateValues = opts.templateValues ?? (item.templateProcessing ? runTemplateProcessing(item, seed).values : defaultTemplateValues(item));
  const rng: Rng = mulberry32(`${seed}:shuffle`);
  const interactions: CandidateInteraction[] = [];
  const templateIds = new Set(item.templateDeclarations.map((d) => d.identifier));

  const transform = (n: QtiNode): QtiNode | (QtiNode | string)[] | string | null => {
    if (HIDDEN_ELEMENTS.has(n.name)) return null;
    if (n.name === 'rubricBlock') {
      const views = (n.attrs.view ?? '').split(/\s+/);
      if (!views.includes('candidate')) return null;
    }
    // 3.0 wraps rubric content in qti-content-body; the player gets the same tree for every version
    if (n.name === 'contentBody') return mapChildren(n).children;
    if (n.name === 'printedVariable') {
      // only template variables are printable before scoring; outcome values never leak
      return templateIds.has(n.attrs.identifier ?? '') ? printed(n, templateValues) : null;
    }
    if (n.name === 'templateInline' || n.name === 'templateBlock') {
      if (!visibleByTemplate(n, templateValues)) return null;
      return mapChildren({ ...n, name: n.name === 'templateInline' ? 'span' : 'div', attrs: {} }).children;
    }
    if (CHOICE_ELEMENTS.has(n.name) && !visibleByTemplate(n, templateValues)) return null;
    const kind = INTERACTION_KINDS[n.name];
    if (kind) {
      const it = item.interactions.find((i) => i.node === n);
      return it ? deliverInteraction(it) : mapChildren(n);
    }
    return mapChildren(n);
  };

  const cleanAttrs = (a: Record<string, string>): Record<string, string> => {
    let out: Record<string, string> | undefined;
    for (const k in a) {
      if (PROCESSING_ATTRS.has(k)) {
        out ??= { ...a };
        delete out[k];
      }
    }
    return out ?? a;
  };

  const mapChildren = (n: QtiNode, order?: Map<QtiNode, QtiNode>): QtiNode => {
    const children: (QtiNode | string)[] = [];
    for (const c of n.children) {
      if (typeof c === 'string') {
        children.push(c);
        continue;
      }
      const src = order?.get(c) ?? c;
      const t = transform(src);
      if (t === null) continue;
      if (Array.isArray(t)) children.push(...t);
      else children.push(t);
    }
    const out: QtiNode = { name: n.name, attrs: cleanAttrs(n.attrs), children };
    if (n.line) {
      out.line = n.line;
      out.column = n.column;
    }
    return out;
  };

  const shuffled = (choices: Choice[], allow: boolean): Choice[] => {
    const visible = choices.filter((c) => visibleByTemplate(c.node, templateValues));
    return allow ? shuffleWithFixed(visible, (c) => c.fixed, rng) : visible;
  };

  const deliverInteraction = (it: Interaction): QtiNode => {
    const order = new Map<QtiNode, QtiNode>();
    const ci: CandidateInteraction = {
      kind: it.kind,
      element: it.element,
      responseIdentifier: it.responseIdentifier,
      attrs: cleanAttrs(it.attrs),
      choices: [],
    };
    const shufflable = shufflesChoices(it);
    const place = (orig: Choice[], delivered: Choice[]) => orig.filter((c) => visibleByTemplate(c.node, templateValues)).forEach((c, i) => order.set(c.node, delivered[i].node));
    if (it.matchSets) {
      ci.matchSets = it.matchSets.map((set) => {
        const d = shuffled(set, shufflable);
        place(set, d);
        return d.map(choiceOf);
      });
      ci.choices = ci.matchSets.flat();
    } else {
      const d = shuffled(it.choices, shufflable);
      place(it.choices, d);
      ci.choices = d.map(choiceOf);
    }
    if (it.gaps) ci.gaps = it.gaps.map(choiceOf);
    interactions.push(ci);
    // children reordered in place: choices may sit in nested sets (simpleMatchSet)
    const rebuild = (n: QtiNode): QtiNode => {
      const children: (QtiNode | string)[] = [];
      for (const c of n.children) {
        if (typeof c === 'string') {
          children.push(c);
          continue;
        }
        if (c.name === 'simpleMatchSet') {
          children.push(rebuild(c));
          continue;
        }
        if (CHOICE_ELEMENTS.has(c.name) && !visibleByTemplate(c, templateValues)) continue;
        const src = order.get(c) ?? c;
        const t = CHOICE_ELEMENTS.has(src.name) ? mapChildren(src) : transform(src);
        if (t === null) continue;
        if (Array.isArray(t)) children.push(...t);
        else children.push(t);
      }
      return { name: n.name, attrs: cleanAttrs(n.attrs), children, line: n.line, column: n.column };
    };
    return rebuild(it.node);
  };

  const body = item.itemBody ? mapChildren(item.itemBody) : null;
  return {
    identifier: item.identifier,
    title: item.title,
    language: opts.language ?? item.language,
    qtiVersion: item.qtiVersion,
    adaptive: item.adaptive,
    timeDependent: item.timeDependent,
    stylesheets: item.stylesheets.map((s) => ({ href: s.href, type: s.type, media: s.media })),
    responses: item.responseDeclarations.map((d) => ({ identifier: d.identifier, cardinality: d.cardinality, baseType: d.baseType })),
    body,
    interactions,
  };
}

function defaultTemplateValues(item: AssessmentItem): Record<string, QtiValue> {
  const v: Record<string, QtiValue> = {};
  for (const d of item.templateDeclarations) v[d.identifier] = d.defaultValue ?? null;
  return v;
}

export type { Json };
