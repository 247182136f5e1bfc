/** assessmentItem XML -> AssessmentItem model. */
import type { AssessmentItem, Choice, Interaction, InteractionKind, ModalFeedback, Problem, ResponseProcessing, Shape, StandardTemplate } from './types.ts';
import { child, childrenNamed, elements, readXml, walk, type QtiNode, type XmlReadOptions } from '../xml/parse.ts';
import {
  ReadContext, boolAttr, detectVersion, numAttr, parseCoords, readOutcomeDeclaration, readResponseDeclaration, readRules,
  readStylesheets, readTemplateDeclaration,
} from './read-common.ts';

export const INTERACTION_KINDS: Record<string, InteractionKind> = {
  choiceInteraction: 'choice',
  inlineChoiceInteraction: 'inlineChoice',
  textEntryInteraction: 'textEntry',
  extendedTextInteraction: 'extendedText',
  orderInteraction: 'order',
  matchInteraction: 'match',
  associateInteraction: 'associate',
  gapMatchInteraction: 'gapMatch',
  hottextInteraction: 'hottext',
  hotspotInteraction: 'hotspot',
  selectPointInteraction: 'selectPoint',
  graphicOrderInteraction: 'graphicOrder',
  graphicAssociateInteraction: 'graphicAssociate',
  graphicGapMatchInteraction: 'graphicGapMatch',
  sliderInteraction: 'slider',
  uploadInteraction: 'upload',
  mediaInteraction: 'media',
  drawingInteraction: 'drawing',
  positionObjectInteraction: 'positionObject',
  endAttemptInteraction: 'endAttempt',
  customInteraction: 'custom',
  portableCustomInteraction: 'portableCustom',
};

/** Elements a candidate chooses, places or orders. */
export const CHOICE_ELEMENTS = new Set([
  'simpleChoice', 'inlineChoice', 'simpleAssociableChoice', 'gapText', 'gapImg', 'gap', 'hottext', 'hotspotChoice', 'associableHotspot',
]);

/** Recognises the standard response-processing templates by 2.x URI, 3.0 URL or a local copy's href. */
export function standardTemplateOf(uri: string | undefined): StandardTemplate | undefined {
  if (!uri) return undefined;
  const m = /(?:^|[/\\])(match_correct|map_response_point|map_response)(?:\.xml)?$/i.exec(uri.trim());
  return m ? (m[1].toLowerCase() as StandardTemplate) : undefined;
}

function readChoice(n: QtiNode): Choice {
  const c: Choice = { identifier: n.attrs.identifier ?? '', element: n.name, fixed: boolAttr(n, 'fixed', false), node: n };
  const mm = numAttr(n, 'matchMax');
  if (mm !== undefined) c.matchMax = mm;
  const mn = numAttr(n, 'matchMin');
  if (mn !== undefined) c.matchMin = mn;
  if (n.attrs.matchGroup) c.matchGroup = n.attrs.matchGroup.split(/\s+/).filter(Boolean);
  if (n.attrs.templateIdentifier) c.templateIdentifier = n.attrs.templateIdentifier;
  if (n.attrs.showHide === 'show' || n.attrs.showHide === 'hide') c.showHide = n.attrs.showHide;
  if (n.attrs.shape) {
    c.shape = n.attrs.shape as Shape;
    c.coords = parseCoords(n.attrs.coords);
  }
  return c;
}

function readInteraction(n: QtiNode, kind: InteractionKind): Interaction {
  const it: Interaction = {
    kind,
    element: n.name,
    responseIdentifier: n.attrs.responseIdentifier ?? '',
    attrs: n.attrs,
    shuffle: boolAttr(n, 'shuffle', false),
    choices: [],
    node: n,
    line: n.line,
    column: n.column,
  };
  const max = numAttr(n, 'maxChoices') ?? numAttr(n, 'maxAssociations');
  if (max !== undefined) it.maxChoices = max;
  const min = numAttr(n, 'minChoices') ?? numAttr(n, 'minAssociations');
  if (min !== undefined) it.minChoices = min;
  const prompt = child(n, 'prompt');
  if (prompt) it.prompt = prompt;
  const obj = child(n, 'object') ?? child(n, 'img') ?? child(n, 'picture');
  if (obj) it.object = obj;
  if (kind === 'match') {
    it.matchSets = childrenNamed(n, 'simpleMatchSet').map((s) => childrenNamed(s, 'simpleAssociableChoice').map(readChoice));
    it.choices = it.matchSets.flat();
    return it;
  }
  const gaps: Choice[] = [];
  walk(n, (d) => {
    if (d === n) return true;
    if (INTERACTION_KINDS[d.name]) return false;
    if (CHOICE_ELEMENTS.has(d.name)) {
      const c = readChoice(d);
      if ((kind === 'gapMatch' && d.name === 'gap') || (kind === 'graphicGapMatch' && d.name === 'associableHotspot')) gaps.push(c);
      else it.choices.push(c);
      return d.name !== 'gap';
    }
    return true;
  });
  if (kind === 'gapMatch' || kind === 'graphicGapMatch') it.gaps = gaps;
  return it;
}

/** Finds interactions in an item body, in document order. */
export function findInteractions(body: QtiNode): Interaction[] {
  const out: Interaction[] = [];
  walk(body, (n) => {
    const kind = INTERACTION_KINDS[n.name];
    if (kind) {
      out.push(readInteraction(n, kind));
      return false;
    }
    return true;
  });
  return out;
}

export interface ParseOptions extends XmlReadOptions {
  /** Source path, echoed in problems. */
  path?: string;
}

/** Reads an assessmentItem from an already-read root node. */
export function itemFromNode(root: QtiNode, version: AssessmentItem['qtiVersion'], ctx: ReadContext): AssessmentItem | undefined {
  if (root.name !== 'assessmentItem') {
    ctx.add('error', 'item.root', `root element is <${root.name}>, expected assessmentItem (or qti-assessment-item)`, root);
    return undefined;
  }
  const identifier = root.attrs.identifier ?? '';
  if (!identifier) ctx.add('error', 'item.identifier', 'assessmentItem has no identifier', root);
  if (root.attrs.title === undefined) ctx.add('warning', 'item.title', 'assessmentItem has no title', root);
  const item: AssessmentItem = {
    kind: 'assessmentItem',
    identifier,
    title: root.attrs.title ?? '',
    label: root.attrs.label,
    language: root.attrs['xml:lang'] ?? root.attrs.lang,
    adaptive: boolAttr(root, 'adaptive', false),
    timeDependent: boolAttr(root, 'timeDependent', false),
    qtiVersion: version,
    toolName: root.attrs.toolName,
    toolVersion: root.attrs.toolVersion,
    responseDeclarations: childrenNamed(root, 'responseDeclaration').map((n) => readResponseDeclaration(ctx, n)),
    outcomeDeclarations: childrenNamed(root, 'outcomeDeclaration').map((n) => readOutcomeDeclaration(ctx, n)),
    templateDeclarations: childrenNamed(root, 'templateDeclaration').map((n) => readTemplateDeclaration(ctx, n)),
    stylesheets: readStylesheets(root),
    interactions: [],
    modalFeedback: [],
    metadata: {},
    source: root,
  };
  if (ctx.path) item.path = ctx.path;
  if (item.title) item.metadata.title = item.title;
  if (item.language) item.metadata.language = item.language;
  if (item.toolName) item.metadata.toolName = item.toolName;
  const seen = new Set<string>();
  for (const d of [...item.responseDeclarations, ...item.outcomeDeclarations, ...item.templateDeclarations]) {
    if (seen.has(d.identifier)) ctx.add('error', 'decl.duplicate', `variable '${d.identifier}' is declared more than once`, { name: '', attrs: {}, children: [], line: d.line, column: d.column });
    seen.add(d.identifier);
  }
  const body = child(root, 'itemBody');
  if (body) {
    item.itemBody = body;
    item.interactions = findInteractions(body);
  }
  const tp = child(root, 'templateProcessing');
  if (tp) item.templateProcessing = { rules: readRules(ctx, tp) };
  const rp = child(root, 'responseProcessing');
  if (rp) {
    const proc: ResponseProcessing = { rules: readRules(ctx, rp) };
    if (rp.attrs.template) proc.template = rp.attrs.template;
    if (rp.attrs.templateLocation) proc.templateLocation = rp.attrs.templateLocation;
    const std = standardTemplateOf(proc.template) ?? standardTemplateOf(proc.templateLocation);
    if (std) proc.standardTemplate = std;
    else if ((proc.template || proc.templateLocation) && proc.rules.length === 0) {
      ctx.add('error', 'rp.template', `unsupported response-processing template '${proc.template ?? proc.templateLocation}' (known: match_correct, map_response, map_response_point)`, rp);
    }
    item.responseProcessing = proc;
  }
  for (const mf of childrenNamed(root, 'modalFeedback')) {
    const f: ModalFeedback = {
      outcomeIdentifier: mf.attrs.outcomeIdentifier ?? '',
      identifier: mf.attrs.identifier ?? '',
      showHide: mf.attrs.showHide === 'hide' ? 'hide' : 'show',
      node: mf,
    };
    if (mf.attrs.title) f.title = mf.attrs.title;
    item.modalFeedback.push(f);
  }
  for (const n of elements(root)) {
    if (!KNOWN_ITEM_CHILDREN.has(n.name)) ctx.add('warning', 'item.unknownElement', `unknown element <${n.name}> in assessmentItem is ignored`, n);
  }
  return item;
}

const KNOWN_ITEM_CHILDREN = new Set([
  'responseDeclaration', 'outcomeDeclaration', 'templateDeclaration', 'contextDeclaration', 'stylesheet', 'itemBody',
  'responseProcessing', 'templateProcessing', 'modalFeedback', 'companionMaterialsInfo', 'catalogInfo', 'dataCatalog',
]);

/**
 * Parses a QTI 2.1/2.2/3.0 assessmentItem. Never throws on bad input: problems are returned,
 * and `item` is present when the document could be read as an item at all.
 */
export function parseItem(xml: string, opts: ParseOptions = {}): { item?: AssessmentItem; problems: Problem[] } {
  const ctx = new ReadContext(opts.path);
  try {
    const r = readXml(xml, opts);
    for (const p of r.problems) ctx.problems.push({ ...p, path: opts.path });
    if (!r.root) return { problems: ctx.problems };
    const item = itemFromNode(r.root, detectVersion(r.namespaces, r.qti3), ctx);
    return { item, problems: ctx.problems };
  } catch (e) {
    ctx.add('error', 'item.internal', `could not read item: ${(e as Error).message}`);
    return { problems: ctx.problems };
  }
}
