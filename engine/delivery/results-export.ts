/**
 * Results export: QTI Results Reporting (assessmentResult, v2.2 namespace) per candidate and
 * a CSV per exam event. Exports carry the pseudonymous candidate id only, never personal data,
 * and never answer keys (no correctResponse): docs/delivery.md "Results export".
 *
 * A variable's cardinality and baseType come from its declaration (the item version the result
 * was scored with, the test's outcome declarations), never from the shape of the stored JSON:
 * ["A", "B"] is a multiple identifier response or a pair, "B1" an identifier or a string, only
 * the declaration tells. Values go through item-bank's checkResponse into their QTI form and
 * out in the text form of their baseType.
 *
 * QTI's built-in session variables (numAttempts, completionStatus, choiceSequence, the test's
 * duration) come from what the engine records of the session (sessionRecord); what it does not
 * record (the time spent per item) is left out, never guessed.
 */
import {
  candidateView, checkResponse, primitiveToText, shufflesChoices, type AssessmentItem, type BaseType, type Json, type OutcomeDeclaration,
  type Primitive, type QtiValue, type VariableDeclarationBase,
} from '../../item-bank/index.ts';
import type { ExamEvent, ExamSession, Response, Result, RosterEntry } from '../store/types.ts';
import type { ContentCache } from './content.ts';
import { totalPausedMs } from './deadline.ts';
import { itemSeed, scorerFor, type StoredOutcomes } from './scoring.ts';
import { settingsOf } from './settings.ts';
import type { DeliveryPlan, NavState } from './walker.ts';

const RESULT_NS = 'http://www.imsglobal.org/xsd/imsqti_result_v2p2';
const RESULT_XSD = 'http://www.imsglobal.org/xsd/qti/qtiv2p2/imsqti_result_v2p2.xsd';

/** Declarations an export takes cardinality and baseType from. */
export interface ItemDeclarations {
  responses: readonly VariableDeclarationBase[];
  outcomes: readonly OutcomeDeclaration[];
  templates: readonly VariableDeclarationBase[];
  /** The template values the item was scored with (cloned items), by identifier. */
  templateValues?: Record<string, QtiValue>;
  /** adaptive="true": the item's own response processing decides when it is complete. */
  adaptive?: boolean;
}

export interface ResultDeclarations {
  testIdentifier: string;
  testOutcomes: readonly OutcomeDeclaration[];
  /** By item key (as in the result's itemVersions): the declarations of the version scored. */
  items: ReadonlyMap<string, ItemDeclarations>;
}

/**
 * What the engine recorded of one item session, for QTI's built-in item variables
 * (docs/delivery.md "Results export" says how each is derived and what is not recorded).
 */
export interface ItemSessionRecord {
  /**
   * Shown to the candidate: navigated to (the session's visited list) or answered (any stored
   * save); null when the session row holds no navigation record.
   */
  presented: boolean | null;
  /** QTI numAttempts; null when the engine's record does not tell. */
  numAttempts: number | null;
  /** By response identifier: choice identifiers in the order this candidate was shown them (shuffled interactions only). */
  choiceSequences: Record<string, string[]>;
}

export interface SessionRecord {
  /** Seconds from start to submission (or time-out), pauses excluded; null when not recorded. */
  testDuration: number | null;
  /** By item key. */
  items: ReadonlyMap<string, ItemSessionRecord>;
}

/**
 * Assay's own test-level outcomes (no QTI declaration), with their fixed cardinality/baseType.
 * A test that declares an outcome of the same identifier keeps its own; Assay's is left out.
 */
const ASSAY_OUTCOMES = [
  { identifier: 'THETA', baseType: 'float', of: (r: Result) => r.theta },
  { identifier: 'THETA_SE', baseType: 'float', of: (r: Result) => r.se },
  { identifier: 'SCALED_SCORE', baseType: 'float', of: (r: Result) => r.scaledScore },
  { identifier: 'LEVEL', baseType: 'string', of: (r: Result) => r.level },
] as const;

// ------------------------------------------------------------------ XML text

// Characters XML 1.0 cannot carry, not even as character references: lone surrogates, most C0
// controls, U+FFFE/U+FFFF. A candidate's text can hold them (pasted); they become U+FFFD.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Element text. CR is written as a reference: a parser would turn a raw CR into LF. */
const xmlText = (s: string) => s.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
/** Attribute value (tab and newline as references: attribute normalisation would make them spaces). */
const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
/** Comment text: no "--" and no trailing "-". */
const xmlComment = (s: string) => s.replace(NOT_XML, '\uFFFD').replace(/-(?=-|$)/g, '- ');

// XML 1.0 (5th edition) name characters, without ':' (NCName).
const NC_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NC_CHAR = `${NC_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
const NCNAME = new RegExp(`^[${NC_START}][${NC_CHAR}]*$`, 'u');
const NC_CHAR_ONE = new RegExp(`^[${NC_CHAR}]$`, 'u');

/**
 * An id as an NCName (context sourcedId, record field identifiers must be NCNames): unchanged
 * when it is one; else each character an NCName cannot hold becomes `_xHHHH_` (its code point)
 * and a leading `_` is added when the first character cannot start one (UUIDs starting with a
 * digit: `_0c5e…`; "SBD 042" -> `SBD_x0020_042`).
 */
export function toNcName(id: string): string {
  if (NCNAME.test(id)) return id;
  let out = '';
  for (const ch of id) out += NC_CHAR_ONE.test(ch) ? ch : `_x${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}_`;
  return NCNAME.test(out) ? out : `_${out}`;
}

// ------------------------------------------------------------------ values

/** The results schema has no intOrIdentifier: such values are reported as strings (lossless). */
const resultBaseType = (bt: BaseType | undefined) => (bt === 'intOrIdentifier' ? 'string' : bt);

const MIME = /^[\w.+-]+\/[\w.+-]+$/;

/** Text form of one value; a file is a data: URI (RFC 2397) keeping its media type and name. */
function valueText(baseType: BaseType, p: Primitive): string {
  if (baseType === 'file' && typeof p === 'object' && !Array.isArray(p)) {
    const mime = MIME.test(p.mimeType) ? p.mimeType : 'application/octet-stream';
    return `data:${mime};name=${encodeURIComponent(p.name)};base64,${p.contentBase64}`;
  }
  return primitiveToText(baseType, p);
}

/** `<value>` elements of a QTI value (none for NULL). */
function valueLines(v: QtiValue, indent: string): string[] {
  if (v === null) return [];
  if (v.cardinality === 'single') return [`${indent}<value>${xmlText(valueText(v.baseType, v.value))}</value>`];
  if (v.cardinality === 'record') {
    const out: string[] = [];
    for (const [field, f] of Object.entries(v.fields)) {
      // QTI record fields are single values; a NULL field is left out
      if (f === null || f.cardinality !== 'single') continue;
      out.push(`${indent}<value fieldIdentifier="${xmlAttr(toNcName(field))}" baseType="${resultBaseType(f.baseType)}">${xmlText(valueText(f.baseType, f.value))}</value>`);
    }
    return out;
  }
  return v.values.map((p) => `${indent}<value>${xmlText(valueText(v.baseType, p))}</value>`);
}

/** The stored JSON value as a QTI value of its declaration, or why it does not fit. */
function typed(decl: VariableDeclarationBase, j: Json): QtiValue | { error: string } {
  try {
    return checkResponse(decl, j, decl.identifier);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
const isError = (v: QtiValue | { error: string }): v is { error: string } => v !== null && 'error' in v;

type Kind = 'responseVariable' | 'outcomeVariable' | 'templateVariable';

function variableXml(kind: Kind, decl: VariableDeclarationBase, value: QtiValue, indent: string, choiceSequence?: readonly string[]): string {
  const bt = resultBaseType(decl.baseType);
  let attrs = `identifier="${xmlAttr(decl.identifier)}" cardinality="${decl.cardinality}"${decl.cardinality !== 'record' && bt ? ` baseType="${bt}"` : ''}`;
  if (kind === 'responseVariable' && choiceSequence?.length) attrs += ` choiceSequence="${xmlAttr(choiceSequence.join(' '))}"`;
  if (kind === 'outcomeVariable') {
    // the schema asks for the declared views to be copied; interpretation and bounds go along
    const o = decl as OutcomeDeclaration;
    if (o.views?.length) attrs += ` view="${xmlAttr(o.views.join(' '))}"`;
    if (o.interpretation !== undefined) attrs += ` interpretation="${xmlAttr(o.interpretation)}"`;
    if (o.longInterpretation !== undefined) attrs += ` longInterpretation="${xmlAttr(o.longInterpretation)}"`;
    for (const k of ['normalMaximum', 'normalMinimum', 'masteryValue'] as const) if (Number.isFinite(o[k])) attrs += ` ${k}="${o[k]}"`;
  }
  const inner = indent + '  ';
  if (kind === 'responseVariable') {
    const vals = valueLines(value, inner + '  ');
    const cand = vals.length ? `${inner}<candidateResponse>\n${vals.join('\n')}\n${inner}</candidateResponse>` : `${inner}<candidateResponse/>`;
    return `${indent}<responseVariable ${attrs}>\n${cand}\n${indent}</responseVariable>`;
  }
  const vals = valueLines(value, inner);
  return vals.length ? `${indent}<${kind} ${attrs}>\n${vals.join('\n')}\n${indent}</${kind}>` : `${indent}<${kind} ${attrs}/>`;
}

/**
 * Variables of one scope, in declaration order. `all`: every declaration is reported, a value
 * missing from `values` being NULL (responses: unanswered); else only those with a value.
 * A stored value that does not fit its declaration (a rescore with changed declarations) is
 * not exported; a comment says so.
 */
function variablesXml(
  kind: Kind, decls: readonly VariableDeclarationBase[], values: Record<string, Json> | Record<string, QtiValue>, indent: string,
  opts: { all: boolean; qti?: boolean; owner: string; choiceSequences?: Record<string, string[]> },
): string[] {
  const out: string[] = [];
  const declared = new Set<string>();
  for (const d of decls) {
    declared.add(d.identifier);
    const has = Object.hasOwn(values, d.identifier);
    if (!opts.all && !has) continue;
    const raw = has ? values[d.identifier] : null;
    const v = opts.qti ? ((raw ?? null) as QtiValue) : typed(d, raw as Json);
    if (isError(v)) out.push(`${indent}<!-- ${xmlComment(`${kind} ${d.identifier} not exported: ${v.error}`)} -->`);
    else out.push(variableXml(kind, d, v, indent, opts.choiceSequences?.[d.identifier]));
  }
  for (const k of Object.keys(values)) if (!declared.has(k)) out.push(`${indent}<!-- ${xmlComment(`${kind} ${k} not exported: ${opts.owner} does not declare it`)} -->`);
  return out;
}

/**
 * The declarations of what a result was scored with: the event's test version and, per item
 * key, the scored item version (ContentCache.scoredItems), with the template values scoring drew.
 */
export async function resultDeclarations(content: ContentCache, event: ExamEvent, session: ExamSession, result: Result): Promise<ResultDeclarations> {
  const test = event.testId ? (await content.testModel(event.testId)).model : null;
  const items = new Map<string, ItemDeclarations>();
  for (const [key, li] of await content.scoredItems(result)) {
    const { responseDeclarations, outcomeDeclarations, templateDeclarations } = li.item;
    // Template processing is seeded per session and item key, exactly as scoring ran it.
    let templateValues: Record<string, QtiValue> | undefined;
    try {
      if (templateDeclarations.length) templateValues = scorerFor(li).runTemplate(itemSeed(session, key)).values;
    } catch {
      // scoring then fell back to default outcomes (the result says why); no template values to report
    }
    items.set(key, { responses: responseDeclarations, outcomes: outcomeDeclarations, templates: templateDeclarations, adaptive: li.item.adaptive, ...(templateValues ? { templateValues } : {}) });
  }
  return { testIdentifier: test?.identifier ?? 'test', testOutcomes: test?.outcomeDeclarations ?? [], items };
}

// ------------------------------------------------------------------ the session's record

/**
 * The choices of each shuffled interaction in the order candidateView delivers them for this
 * seed: the same function and seed the candidate's item view used, so the same order.
 */
export function choiceSequences(item: AssessmentItem, seed: number): Record<string, string[]> {
  const shuffled = item.interactions.filter(shufflesChoices);
  if (!shuffled.length) return {};
  const out: Record<string, string[]> = {};
  for (const ci of candidateView(item, { seed }).interactions) {
    if (out[ci.responseIdentifier] || !shuffled.some((i) => i.responseIdentifier === ci.responseIdentifier && i.kind === ci.kind)) continue;
    out[ci.responseIdentifier] = ci.choices.map((c) => c.identifier);
  }
  return out;
}

/**
 * numAttempts, presentation and the test's duration from what the engine stores: the session
 * row (start, submission, pauses, navigation state) and the answer history. `delivered` are the
 * item versions the candidate was shown, by key (for choiceSequence). Pure.
 */
export function sessionRecord(session: ExamSession, plan: DeliveryPlan, history: readonly Response[], delivered: ReadonlyMap<string, AssessmentItem> = new Map()): SessionRecord {
  const nav = (session.position ?? null) as NavState | null;
  // The item's latest save (highest clientSeq): what the engine's navigation calls answered.
  const latest = new Map<string, Response>();
  for (const r of history) {
    const l = latest.get(r.itemIdentifier);
    if (!l || l.clientSeq < r.clientSeq) latest.set(r.itemIdentifier, r);
  }
  const answered = (key: string) => latest.has(key) && latest.get(key)!.value !== null;
  const planned = new Map(plan.items.map((x) => [x.key, x]));
  const parts = new Map(plan.parts.map((p) => [p.identifier, p]));
  // Where the candidate was when the test ended: that item's attempt ended with the test.
  const lastKey = nav && nav.position >= 0 ? plan.items[nav.position]?.key : undefined;
  const keys = (session.itemOrder as string[] | null) ?? plan.items.map((x) => x.key);
  const items = new Map<string, ItemSessionRecord>();
  for (const key of keys) {
    const presented = nav ? nav.visited.includes(key) || latest.has(key) : latest.has(key) ? true : null;
    const part = parts.get(planned.get(key)?.part ?? '');
    let numAttempts: number | null = null;
    if (presented === false) numAttempts = 0;
    else if (presented && nav && part) {
      // simultaneous: one attempt, ended by the submission. individual: each time the candidate
      // left the item answered (what maxAttempts limits), the test's end included; at least one.
      numAttempts = part.submissionMode === 'simultaneous' ? 1 : Math.max(1, (nav.attempts[key] ?? 0) + (key === lastKey && answered(key) ? 1 : 0));
    }
    const item = presented ? delivered.get(key) : undefined;
    items.set(key, { presented, numAttempts, choiceSequences: item ? choiceSequences(item, itemSeed(session, key)) : {} });
  }
  let testDuration: number | null = null;
  if (session.startedAt != null && session.submittedAt != null) {
    // The session row holds the clock fields (SessionClock) itself.
    testDuration = Math.max(0, session.submittedAt - session.startedAt - totalPausedMs(session, session.submittedAt)) / 1000;
  }
  return { testDuration, items };
}

/**
 * sessionRecord with the item versions the candidate was shown: those the event pinned when it
 * was published (a rescore may score with a newer version; the candidate saw the pinned one).
 */
export async function loadSessionRecord(content: ContentCache, event: ExamEvent, session: ExamSession, plan: DeliveryPlan, history: readonly Response[]): Promise<SessionRecord> {
  const pinned = settingsOf(event).pinnedItems ?? {};
  const delivered = new Map<string, AssessmentItem>();
  // the session's items only: an adaptive session's plan is the whole pool
  const order = new Set((session.itemOrder as string[] | null) ?? plan.items.map((x) => x.key));
  for (const x of plan.items) {
    const versionId = order.has(x.key) ? pinned[x.identifier] : undefined;
    if (versionId) delivered.set(x.key, (await content.itemVersion(versionId, x.key)).item);
  }
  return sessionRecord(session, plan, history, delivered);
}

const value1 = (baseType: BaseType, value: Primitive): QtiValue => ({ cardinality: 'single', baseType, value });

/**
 * QTI's completionStatus as far as the engine knows it: never shown -> not_attempted; shown ->
 * completed, as the attempt ended with the submission and response processing ran on it; an
 * adaptive item decides that itself (its own completionStatus is not kept) -> unknown.
 */
function completionStatus(rec: ItemSessionRecord, adaptive: boolean | undefined): string {
  if (rec.presented === false) return 'not_attempted';
  if (rec.presented === null || adaptive) return 'unknown';
  return 'completed';
}

/**
 * assessmentResult XML for one scored session (staff only: see the route). With `record`, the
 * built-in session variables (numAttempts, completionStatus, choiceSequence, the test's duration)
 * are reported too.
 */
export function assessmentResultXml(event: ExamEvent, session: ExamSession, result: Result, decls: ResultDeclarations, record?: SessionRecord): string {
  const o = result.outcomes as unknown as StoredOutcomes;
  // "when this result was recorded": a rescore is a new result with its own time
  const at = new Date(result.createdAt).toISOString();
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<assessmentResult xmlns="${RESULT_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RESULT_NS} ${RESULT_XSD}">`,
    `  <context sourcedId="${xmlAttr(toNcName(session.candidateId))}">`,
    `    <sessionIdentifier sourceID="assay:exam-event" identifier="${xmlAttr(event.code)}"/>`,
    `    <sessionIdentifier sourceID="assay:session" identifier="${xmlAttr(session.id)}"/>`,
    `    <sessionIdentifier sourceID="assay:result-version" identifier="${result.version}"/>`,
    '  </context>',
    `  <testResult identifier="${xmlAttr(decls.testIdentifier)}" datestamp="${at}">`,
  ];
  const declaredAtTest = new Set(decls.testOutcomes.map((d) => d.identifier));
  if (record?.testDuration != null && !declaredAtTest.has('duration')) {
    lines.push(variableXml('responseVariable', { identifier: 'duration', cardinality: 'single', baseType: 'duration' }, value1('duration', record.testDuration), '    '));
  }
  if (o.test) lines.push(...variablesXml('outcomeVariable', decls.testOutcomes, o.test, '    ', { all: false, owner: 'the test' }));
  for (const a of ASSAY_OUTCOMES) {
    const v = a.of(result);
    if (v == null || declaredAtTest.has(a.identifier)) continue;
    lines.push(variableXml('outcomeVariable', { identifier: a.identifier, cardinality: 'single', baseType: a.baseType }, value1(a.baseType, v), '    '));
  }
  lines.push('  </testResult>');
  const order = (session.itemOrder as string[] | null) ?? Object.keys(o.items ?? {});
  if (record) lines.push(`  <!-- ${xmlComment('item duration not exported: Assay does not record when the candidate entered and left each item (docs/delivery.md, Results export)')} -->`);
  order.forEach((key, i) => {
    const it = o.items?.[key];
    if (!it) return;
    lines.push(`  <itemResult identifier="${xmlAttr(key)}" sequenceIndex="${i + 1}" datestamp="${at}" sessionStatus="final">`);
    const d = decls.items.get(key);
    const rec = record?.items.get(key);
    if (!d) lines.push(`    <!-- ${xmlComment('variables not exported: the result names no item version for this item')} -->`);
    else {
      const owner = 'the scored item version';
      // An item that declares a variable of a built-in's name keeps its own.
      const declared = new Set([...d.responses, ...d.outcomes, ...d.templates].map((x) => x.identifier));
      if (rec?.numAttempts != null && !declared.has('numAttempts')) {
        lines.push(variableXml('responseVariable', { identifier: 'numAttempts', cardinality: 'single', baseType: 'integer' }, value1('integer', rec.numAttempts), '    '));
      }
      lines.push(...variablesXml('responseVariable', d.responses, it.responses ?? {}, '    ', { all: true, owner, choiceSequences: rec?.choiceSequences }));
      if (d.templateValues) lines.push(...variablesXml('templateVariable', d.templates, d.templateValues, '    ', { all: true, qti: true, owner }));
      if (rec && !declared.has('completionStatus')) {
        lines.push(variableXml('outcomeVariable', { identifier: 'completionStatus', cardinality: 'single', baseType: 'identifier' }, value1('identifier', completionStatus(rec, d.adaptive)), '    '));
      }
      lines.push(...variablesXml('outcomeVariable', d.outcomes, it.outcomes ?? {}, '    ', { all: false, owner }));
    }
    lines.push('  </itemResult>');
  });
  lines.push('</assessmentResult>', '');
  return lines.join('\n');
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Also neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One row per roster entry: session state and the latest result. */
export function eventResultsCsv(roster: RosterEntry[], sessions: ExamSession[], results: Result[], roomNames: Map<string, string>): string {
  const byCandidate = new Map(sessions.map((s) => [s.candidateId, s]));
  const bySession = new Map(results.map((r) => [r.sessionId, r]));
  const header = ['candidate_id', 'ticket_code', 'room', 'state', 'started_at', 'submitted_at', 'score', 'max_score', 'scaled_score', 'level', 'theta', 'se', 'result_version', 'rescore_reason'];
  const rows = [header.join(',')];
  for (const e of roster) {
    const s = byCandidate.get(e.candidateId);
    const r = s ? bySession.get(s.id) : undefined;
    const o = (r?.outcomes ?? {}) as StoredOutcomes;
    rows.push(
      [
        e.candidateId, e.ticketCode, e.roomId ? roomNames.get(e.roomId) ?? e.roomId : '', s?.state ?? 'not_started',
        s?.startedAt ? new Date(s.startedAt).toISOString() : '', s?.submittedAt ? new Date(s.submittedAt).toISOString() : '',
        o.score ?? '', o.maxScore ?? '', r?.scaledScore ?? '', r?.level ?? '', r?.theta ?? '', r?.se ?? '', r?.version ?? '', r?.reason ?? '',
      ].map(csvCell).join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}
