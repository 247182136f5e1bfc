/**
 * Readers shared by items and tests: variable declarations, expressions, processing rules.
 * They collect problems instead of throwing.
 */
import type {
  AreaMapping, BaseType, BranchRule, Cardinality, Expr, InterpolationTable, ItemSessionControl, Mapping, MatchTable,
  OutcomeDeclaration, Problem, QtiVersion, RawValue, ResponseDeclaration, Rule, Shape, Stylesheet, TemplateDeclaration, TimeLimits,
} from './types.ts';
import { BASE_TYPES, CARDINALITIES } from './types.ts';
import { child, childrenNamed, elements, textOf, type QtiNode } from '../xml/parse.ts';
import { parseDuration, parsePrimitive, valueFromRaw } from '../values.ts';

export class ReadContext {
  problems: Problem[] = [];
  constructor(readonly path?: string) {}
  add(severity: Problem['severity'], code: string, message: string, node?: QtiNode): void {
    this.problems.push({ severity, code, message, path: this.path, line: node?.line, column: node?.column });
  }
}

export function detectVersion(namespaces: Record<string, string>, qti3: boolean): QtiVersion {
  const ns = Object.values(namespaces).join(' ');
  if (qti3 || /v3p0|qti\/v3/i.test(ns)) return '3.0';
  if (/v2p2/i.test(ns)) return '2.2';
  return '2.1';
}

export function boolAttr(node: QtiNode, name: string, dflt: boolean): boolean {
  const v = node.attrs[name];
  if (v === undefined) return dflt;
  return v === 'true' || v === '1' || v === '';
}

export function numAttr(node: QtiNode, name: string): number | undefined {
  const v = node.attrs[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function baseTypeOf(ctx: ReadContext, node: QtiNode, required: boolean): BaseType | undefined {
  const bt = node.attrs.baseType;
  if (bt === undefined) {
    if (required) ctx.add('error', 'decl.baseType', `<${node.name} identifier="${node.attrs.identifier ?? ''}"> has no baseType`, node);
    return undefined;
  }
  if (!(BASE_TYPES as readonly string[]).includes(bt)) {
    ctx.add('error', 'decl.baseType', `unknown baseType '${bt}' on <${node.name}>`, node);
    return undefined;
  }
  return bt as BaseType;
}

function cardinalityOf(ctx: ReadContext, node: QtiNode): Cardinality {
  const c = node.attrs.cardinality ?? 'single';
  if (!(CARDINALITIES as readonly string[]).includes(c)) {
    ctx.add('error', 'decl.cardinality', `unknown cardinality '${c}' on <${node.name}>`, node);
    return 'single';
  }
  return c as Cardinality;
}

function rawValues(node: QtiNode): RawValue[] {
  return childrenNamed(node, 'value').map((v) => ({
    text: textOf(v),
    fieldIdentifier: v.attrs.fieldIdentifier,
    baseType: v.attrs.baseType as BaseType | undefined,
  }));
}

function readValueOf(ctx: ReadContext, decl: { identifier: string; cardinality: Cardinality; baseType?: BaseType }, node: QtiNode | undefined, what: string) {
  if (!node) return undefined;
  const r = valueFromRaw(decl, rawValues(node));
  if (r.error) ctx.add('error', 'decl.value', `${what} of '${decl.identifier}': ${r.error}`, node);
  return r.value;
}

function readDeclBase(ctx: ReadContext, node: QtiNode) {
  const identifier = node.attrs.identifier ?? '';
  if (!identifier) ctx.add('error', 'decl.identifier', `<${node.name}> has no identifier`, node);
  const cardinality = cardinalityOf(ctx, node);
  const baseType = baseTypeOf(ctx, node, cardinality !== 'record');
  const dv = child(node, 'defaultValue');
  return {
    identifier,
    cardinality,
    baseType,
    defaultValue: dv ? readValueOf(ctx, { identifier, cardinality, baseType }, dv, 'defaultValue') : undefined,
    defaultInterpretation: dv?.attrs.interpretation,
    line: node.line,
    column: node.column,
  };
}

function readMapping(ctx: ReadContext, node: QtiNode, baseType: BaseType | undefined): Mapping {
  const entries: Mapping['entries'] = [];
  for (const e of childrenNamed(node, 'mapEntry')) {
    const key = baseType ? parsePrimitive(baseType, e.attrs.mapKey ?? '') : undefined;
    const mv = numAttr(e, 'mappedValue');
    if (key === undefined) ctx.add('error', 'mapping.key', `mapKey '${e.attrs.mapKey ?? ''}' is not a valid ${baseType ?? 'value'}`, e);
    if (mv === undefined) ctx.add('error', 'mapping.value', `mapEntry '${e.attrs.mapKey ?? ''}' has no numeric mappedValue`, e);
    if (key !== undefined && mv !== undefined) entries.push({ mapKey: key, mappedValue: mv, caseSensitive: boolAttr(e, 'caseSensitive', true) });
  }
  return { lowerBound: numAttr(node, 'lowerBound'), upperBound: numAttr(node, 'upperBound'), defaultValue: numAttr(node, 'defaultValue') ?? 0, entries };
}

export function parseCoords(text: string | undefined): number[] {
  if (!text) return [];
  return text.split(/[\s,]+/).filter(Boolean).map(Number);
}

const SHAPES = new Set(['circle', 'rect', 'poly', 'ellipse', 'default']);

function readAreaMapping(ctx: ReadContext, node: QtiNode): AreaMapping {
  const entries: AreaMapping['entries'] = [];
  for (const e of childrenNamed(node, 'areaMapEntry')) {
    const shape = e.attrs.shape ?? '';
    if (!SHAPES.has(shape)) {
      ctx.add('error', 'areaMapping.shape', `unknown shape '${shape}'`, e);
      continue;
    }
    entries.push({ shape: shape as Shape, coords: parseCoords(e.attrs.coords), mappedValue: numAttr(e, 'mappedValue') ?? 0 });
  }
  return { lowerBound: numAttr(node, 'lowerBound'), upperBound: numAttr(node, 'upperBound'), defaultValue: numAttr(node, 'defaultValue') ?? 0, entries };
}

export function readResponseDeclaration(ctx: ReadContext, node: QtiNode): ResponseDeclaration {
  const d: ResponseDeclaration = readDeclBase(ctx, node);
  const cr = child(node, 'correctResponse');
  if (cr) {
    d.correctResponse = readValueOf(ctx, d, cr, 'correctResponse');
    if (cr.attrs.interpretation) d.correctInterpretation = cr.attrs.interpretation;
  }
  const m = child(node, 'mapping');
  if (m) d.mapping = readMapping(ctx, m, d.baseType);
  const am = child(node, 'areaMapping');
  if (am) d.areaMapping = readAreaMapping(ctx, am);
  return d;
}

export function readOutcomeDeclaration(ctx: ReadContext, node: QtiNode): OutcomeDeclaration {
  const b = readDeclBase(ctx, node);
  const a = node.attrs;
  const d: OutcomeDeclaration = {
    identifier: b.identifier,
    cardinality: b.cardinality,
    baseType: b.baseType,
    defaultValue: b.defaultValue,
    defaultInterpretation: b.defaultInterpretation,
    line: b.line,
    column: b.column,
    interpretation: a.interpretation,
    longInterpretation: a.longInterpretation,
    normalMaximum: a.normalMaximum === undefined ? undefined : numAttr(node, 'normalMaximum'),
    normalMinimum: a.normalMinimum === undefined ? undefined : numAttr(node, 'normalMinimum'),
    masteryValue: a.masteryValue === undefined ? undefined : numAttr(node, 'masteryValue'),
    externalScored: a.externalScored,
    views: a.view ? a.view.split(/\s+/).filter(Boolean) : undefined,
    lookupTable: undefined,
  };
  if (node.children.length === 0) return d;
  const target = { identifier: d.identifier, cardinality: 'single' as Cardinality, baseType: d.baseType };
  const mt = child(node, 'matchTable');
  if (mt) {
    const t: MatchTable = { kind: 'matchTable', entries: [] };
    if (mt.attrs.defaultValue !== undefined) t.defaultValue = valueFromRaw(target, [{ text: mt.attrs.defaultValue }]).value;
    for (const e of childrenNamed(mt, 'matchTableEntry')) {
      t.entries.push({ sourceValue: Number(e.attrs.sourceValue), targetValue: valueFromRaw(target, [{ text: e.attrs.targetValue ?? '' }]).value });
    }
    d.lookupTable = t;
  }
  const it = child(node, 'interpolationTable');
  if (it) {
    const t: InterpolationTable = { kind: 'interpolationTable', entries: [] };
    if (it.attrs.defaultValue !== undefined) t.defaultValue = valueFromRaw(target, [{ text: it.attrs.defaultValue }]).value;
    for (const e of childrenNamed(it, 'interpolationTableEntry')) {
      t.entries.push({
        sourceValue: Number(e.attrs.sourceValue),
        includeBoundary: boolAttr(e, 'includeBoundary', true),
        targetValue: valueFromRaw(target, [{ text: e.attrs.targetValue ?? '' }]).value,
      });
    }
    d.lookupTable = t;
  }
  return d;
}

export function readTemplateDeclaration(ctx: ReadContext, node: QtiNode): TemplateDeclaration {
  return { ...readDeclBase(ctx, node), paramVariable: boolAttr(node, 'paramVariable', false), mathVariable: boolAttr(node, 'mathVariable', false) };
}

/** Expression element -> Expr (generic; the compiler checks operator names and arity). */
export function readExpr(node: QtiNode): Expr {
  const e: Expr = { op: node.name, attrs: node.attrs, args: elements(node).map(readExpr), line: node.line, column: node.column };
  if (node.name === 'baseValue') e.text = textOf(node);
  return e;
}

const CONDITION_PARTS: Record<string, [string, string, string]> = {
  responseCondition: ['responseIf', 'responseElseIf', 'responseElse'],
  outcomeCondition: ['outcomeIf', 'outcomeElseIf', 'outcomeElse'],
  templateCondition: ['templateIf', 'templateElseIf', 'templateElse'],
};

/** Processing rules (response, outcome and template processing). Unknown elements are reported. */
export function readRules(ctx: ReadContext, parent: QtiNode): Rule[] {
  const rules: Rule[] = [];
  for (const n of elements(parent)) {
    const pos = { line: n.line, column: n.column };
    const parts = CONDITION_PARTS[n.name];
    if (parts) {
      const branches: Rule & { kind: 'condition' } = { kind: 'condition', branches: [], ...pos };
      for (const b of elements(n)) {
        if (b.name === parts[0] || b.name === parts[1]) {
          const kids = elements(b);
          if (!kids.length) {
            ctx.add('error', 'rules.condition', `<${b.name}> has no condition expression`, b);
            continue;
          }
          branches.branches.push({ cond: readExpr(kids[0]), rules: readRules(ctx, { ...b, children: kids.slice(1) }) });
        } else if (b.name === parts[2]) {
          branches.branches.push({ rules: readRules(ctx, b) });
        } else ctx.add('error', 'rules.unknown', `unexpected <${b.name}> inside <${n.name}>`, b);
      }
      rules.push(branches);
      continue;
    }
    switch (n.name) {
      case 'setOutcomeValue':
      case 'setTemplateValue':
      case 'setCorrectResponse':
      case 'setDefaultValue':
      case 'lookupOutcomeValue': {
        const kids = elements(n);
        if (kids.length !== 1) {
          ctx.add('error', 'rules.arity', `<${n.name} identifier="${n.attrs.identifier ?? ''}"> needs exactly one expression`, n);
          continue;
        }
        rules.push({ kind: n.name, identifier: n.attrs.identifier ?? '', expr: readExpr(kids[0]), ...pos });
        break;
      }
      case 'exitResponse':
      case 'exitTest':
      case 'exitTemplate':
        rules.push({ kind: n.name, ...pos });
        break;
      case 'responseProcessingFragment':
      case 'outcomeProcessingFragment':
        rules.push({ kind: 'fragment', rules: readRules(ctx, n), ...pos });
        break;
      case 'templateConstraint': {
        const kids = elements(n);
        if (kids.length !== 1) {
          ctx.add('error', 'rules.arity', '<templateConstraint> needs exactly one expression', n);
          continue;
        }
        rules.push({ kind: 'templateConstraint', expr: readExpr(kids[0]), ...pos });
        break;
      }
      default:
        ctx.add('error', 'rules.unknown', `unknown processing rule <${n.name}>`, n);
    }
  }
  return rules;
}

export function readStylesheets(root: QtiNode): Stylesheet[] {
  return childrenNamed(root, 'stylesheet').map((s) => ({ href: s.attrs.href ?? '', type: s.attrs.type, media: s.attrs.media, title: s.attrs.title }));
}

export function readTimeLimits(node: QtiNode | undefined): TimeLimits | undefined {
  if (!node) return undefined;
  const dur = (k: string) => (node.attrs[k] !== undefined ? parseDuration(node.attrs[k]) : undefined);
  return { minTime: dur('minTime'), maxTime: dur('maxTime'), allowLateSubmission: boolAttr(node, 'allowLateSubmission', false) };
}

export function readItemSessionControl(node: QtiNode | undefined): ItemSessionControl | undefined {
  if (!node) return undefined;
  const b = (k: string) => (node.attrs[k] !== undefined ? boolAttr(node, k, false) : undefined);
  return {
    maxAttempts: numAttr(node, 'maxAttempts'),
    showFeedback: b('showFeedback'),
    allowReview: b('allowReview'),
    showSolution: b('showSolution'),
    allowComment: b('allowComment'),
    allowSkipping: b('allowSkipping'),
    validateResponses: b('validateResponses'),
  };
}

export function readPreConditions(node: QtiNode): Expr[] {
  return childrenNamed(node, 'preCondition').map((p) => elements(p)[0]).filter(Boolean).map(readExpr);
}

export function readBranchRules(node: QtiNode): BranchRule[] {
  return childrenNamed(node, 'branchRule')
    .filter((b) => elements(b).length > 0)
    .map((b) => ({ target: b.attrs.target ?? '', expr: readExpr(elements(b)[0]) }));
}
