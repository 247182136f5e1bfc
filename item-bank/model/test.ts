/** assessmentTest XML -> AssessmentTest model. */
import type { AssessmentItemRef, AssessmentSection, AssessmentTest, Problem, TestFeedback, TestPart } from './types.ts';
import { child, childrenNamed, elements, readXml, type QtiNode } from '../xml/parse.ts';
import {
  ReadContext, boolAttr, detectVersion, numAttr, readBranchRules, readExpr, readItemSessionControl, readOutcomeDeclaration,
  readPreConditions, readRules, readStylesheets, readTimeLimits,
} from './read-common.ts';
import type { ParseOptions } from './item.ts';

function readTestFeedback(n: QtiNode): TestFeedback {
  const f: TestFeedback = {
    access: n.attrs.access === 'during' ? 'during' : 'atEnd',
    outcomeIdentifier: n.attrs.outcomeIdentifier ?? '',
    identifier: n.attrs.identifier ?? '',
    showHide: n.attrs.showHide === 'hide' ? 'hide' : 'show',
    node: n,
  };
  if (n.attrs.title) f.title = n.attrs.title;
  return f;
}

function readItemRef(ctx: ReadContext, n: QtiNode): AssessmentItemRef {
  if (!n.attrs.href) ctx.add('error', 'test.href', `assessmentItemRef '${n.attrs.identifier ?? ''}' has no href`, n);
  return {
    kind: 'assessmentItemRef',
    identifier: n.attrs.identifier ?? '',
    href: n.attrs.href ?? '',
    required: boolAttr(n, 'required', false),
    fixed: boolAttr(n, 'fixed', false),
    categories: (n.attrs.category ?? '').split(/\s+/).filter(Boolean),
    weights: childrenNamed(n, 'weight').map((w) => ({ identifier: w.attrs.identifier ?? '', value: Number(w.attrs.value ?? '1') })),
    variableMappings: childrenNamed(n, 'variableMapping').map((v) => ({ sourceIdentifier: v.attrs.sourceIdentifier ?? '', targetIdentifier: v.attrs.targetIdentifier ?? '' })),
    templateDefaults: childrenNamed(n, 'templateDefault')
      .filter((t) => elements(t).length > 0)
      .map((t) => ({ templateIdentifier: t.attrs.templateIdentifier ?? '', expr: readExpr(elements(t)[0]) })),
    itemSessionControl: readItemSessionControl(child(n, 'itemSessionControl')),
    timeLimits: readTimeLimits(child(n, 'timeLimits')),
    preConditions: readPreConditions(n),
    branchRules: readBranchRules(n),
    line: n.line,
    column: n.column,
  };
}

function readSection(ctx: ReadContext, n: QtiNode): AssessmentSection {
  const sel = child(n, 'selection');
  const ord = child(n, 'ordering');
  const s: AssessmentSection = {
    kind: 'assessmentSection',
    identifier: n.attrs.identifier ?? '',
    title: n.attrs.title ?? '',
    visible: boolAttr(n, 'visible', true),
    keepTogether: boolAttr(n, 'keepTogether', true),
    required: boolAttr(n, 'required', false),
    fixed: boolAttr(n, 'fixed', false),
    itemSessionControl: readItemSessionControl(child(n, 'itemSessionControl')),
    timeLimits: readTimeLimits(child(n, 'timeLimits')),
    preConditions: readPreConditions(n),
    branchRules: readBranchRules(n),
    rubricBlocks: childrenNamed(n, 'rubricBlock'),
    parts: [],
    line: n.line,
    column: n.column,
  };
  if (sel) s.selection = { select: numAttr(sel, 'select') ?? 0, withReplacement: boolAttr(sel, 'withReplacement', false) };
  if (ord) s.ordering = { shuffle: boolAttr(ord, 'shuffle', false) };
  for (const c of elements(n)) {
    if (c.name === 'assessmentSection') s.parts.push(readSection(ctx, c));
    else if (c.name === 'assessmentItemRef') s.parts.push(readItemRef(ctx, c));
    else if (c.name === 'assessmentSectionRef') s.parts.push({ kind: 'assessmentSectionRef', identifier: c.attrs.identifier ?? '', href: c.attrs.href ?? '' });
  }
  return s;
}

/** Reads an assessmentTest from an already-read root node. */
export function testFromNode(root: QtiNode, version: AssessmentTest['qtiVersion'], ctx: ReadContext): AssessmentTest | undefined {
  if (root.name !== 'assessmentTest') {
    ctx.add('error', 'test.root', `root element is <${root.name}>, expected assessmentTest (or qti-assessment-test)`, root);
    return undefined;
  }
  if (!root.attrs.identifier) ctx.add('error', 'test.identifier', 'assessmentTest has no identifier', root);
  const parts: TestPart[] = childrenNamed(root, 'testPart').map((p) => ({
    identifier: p.attrs.identifier ?? '',
    navigationMode: p.attrs.navigationMode === 'nonlinear' ? 'nonlinear' : 'linear',
    submissionMode: p.attrs.submissionMode === 'simultaneous' ? 'simultaneous' : 'individual',
    itemSessionControl: readItemSessionControl(child(p, 'itemSessionControl')),
    timeLimits: readTimeLimits(child(p, 'timeLimits')),
    preConditions: readPreConditions(p),
    branchRules: readBranchRules(p),
    sections: childrenNamed(p, 'assessmentSection').map((s) => readSection(ctx, s)),
    testFeedback: childrenNamed(p, 'testFeedback').map(readTestFeedback),
  }));
  if (parts.length === 0) ctx.add('error', 'test.testPart', 'assessmentTest has no testPart', root);
  const test: AssessmentTest = {
    kind: 'assessmentTest',
    identifier: root.attrs.identifier ?? '',
    title: root.attrs.title ?? '',
    qtiVersion: version,
    toolName: root.attrs.toolName,
    toolVersion: root.attrs.toolVersion,
    outcomeDeclarations: childrenNamed(root, 'outcomeDeclaration').map((n) => readOutcomeDeclaration(ctx, n)),
    testParts: parts,
    timeLimits: readTimeLimits(child(root, 'timeLimits')),
    testFeedback: childrenNamed(root, 'testFeedback').map(readTestFeedback),
    stylesheets: readStylesheets(root),
    metadata: root.attrs.title ? { title: root.attrs.title } : {},
    source: root,
  };
  if (ctx.path) test.path = ctx.path;
  const op = child(root, 'outcomeProcessing');
  if (op) test.outcomeProcessing = { rules: readRules(ctx, op) };
  return test;
}

/** Parses a QTI 2.1/2.2/3.0 assessmentTest. Never throws on bad input. */
export function parseTest(xml: string, opts: ParseOptions = {}): { test?: AssessmentTest; problems: Problem[] } {
  const ctx = new ReadContext(opts.path);
  try {
    const r = readXml(xml, opts);
    for (const p of r.problems) ctx.problems.push({ ...p, path: opts.path });
    if (!r.root) return { problems: ctx.problems };
    return { test: testFromNode(r.root, detectVersion(r.namespaces, r.qti3), ctx), problems: ctx.problems };
  } catch (e) {
    ctx.add('error', 'test.internal', `could not read test: ${(e as Error).message}`);
    return { problems: ctx.problems };
  }
}
