/**
 * Results export: QTI Results Reporting (assessmentResult, v2.2 namespace) per candidate and
 * a CSV per exam event. Exports carry the pseudonymous candidate id only, never personal data.
 */
import type { Json } from '../../item-bank/index.ts';
import type { ExamEvent, ExamSession, Result, RosterEntry } from '../store/types.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function baseTypeOf(v: Json): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float';
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return 'point';
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string')) return 'pair';
  return 'identifier';
}

function valueXml(v: Json, indent: string): { cardinality: string; baseType?: string; xml: string } {
  if (v === null) return { cardinality: 'single', xml: '' };
  const one = (x: Json) => (Array.isArray(x) ? x.join(' ') : typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x));
  if (Array.isArray(v) && !(v.length === 2 && v.every((x) => !Array.isArray(x)) && baseTypeOf(v) !== 'identifier')) {
    const bt = v.length ? baseTypeOf(v[0] as Json) : 'identifier';
    return { cardinality: 'multiple', baseType: bt, xml: v.map((x) => `${indent}<value>${esc(one(x as Json))}</value>`).join('\n') };
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    return {
      cardinality: 'record',
      xml: Object.entries(v)
        .map(([k, x]) => `${indent}<value fieldIdentifier="${esc(k)}" baseType="${baseTypeOf(x)}">${esc(one(x))}</value>`)
        .join('\n'),
    };
  }
  return { cardinality: 'single', baseType: baseTypeOf(v), xml: `${indent}<value>${esc(one(v))}</value>` };
}

function variable(kind: 'outcomeVariable' | 'responseVariable', id: string, v: Json, indent: string): string {
  const { cardinality, baseType, xml } = valueXml(v, indent + '    ');
  const attrs = `identifier="${esc(id)}" cardinality="${cardinality}"${baseType ? ` baseType="${baseType}"` : ''}`;
  if (kind === 'responseVariable') {
    return `${indent}<responseVariable ${attrs}>\n${indent}  <candidateResponse>${xml ? `\n${xml}\n${indent}  ` : ''}</candidateResponse>\n${indent}</responseVariable>`;
  }
  return `${indent}<outcomeVariable ${attrs}>${xml ? `\n${xml.replace(new RegExp(`^${indent}    `, 'gm'), indent + '  ')}\n${indent}` : ''}</outcomeVariable>`;
}

interface StoredOutcomes {
  test?: Record<string, Json>;
  items?: Record<string, { outcomes: Record<string, Json>; responses: Record<string, Json> }>;
}

/** assessmentResult XML for one scored session. */
export function assessmentResultXml(event: ExamEvent, session: ExamSession, result: Result, testIdentifier: string): string {
  const o = result.outcomes as unknown as StoredOutcomes;
  const at = new Date(session.submittedAt ?? result.createdAt).toISOString();
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<assessmentResult xmlns="http://www.imsglobal.org/xsd/imsqti_result_v2p2">',
    `  <context sourcedId="${esc(session.candidateId)}">`,
    `    <sessionIdentifier sourceID="assay:exam-event" identifier="${esc(event.code)}"/>`,
    `    <sessionIdentifier sourceID="assay:session" identifier="${esc(session.id)}"/>`,
    `    <sessionIdentifier sourceID="assay:result-version" identifier="${result.version}"/>`,
    '  </context>',
    `  <testResult identifier="${esc(testIdentifier)}" datestamp="${at}">`,
  ];
  for (const [k, v] of Object.entries(o.test ?? {})) lines.push(variable('outcomeVariable', k, v, '    '));
  if (result.theta != null) lines.push(variable('outcomeVariable', 'THETA', result.theta, '    '));
  if (result.se != null) lines.push(variable('outcomeVariable', 'THETA_SE', result.se, '    '));
  if (result.scaledScore != null) lines.push(variable('outcomeVariable', 'SCALED_SCORE', result.scaledScore, '    '));
  if (result.level != null) lines.push(variable('outcomeVariable', 'LEVEL', result.level, '    '));
  lines.push('  </testResult>');
  const order = (session.itemOrder as string[] | null) ?? Object.keys(o.items ?? {});
  order.forEach((key, i) => {
    const it = o.items?.[key];
    if (!it) return;
    lines.push(`  <itemResult identifier="${esc(key)}" sequenceIndex="${i + 1}" datestamp="${at}" sessionStatus="final">`);
    for (const [k, v] of Object.entries(it.responses ?? {})) lines.push(variable('responseVariable', k, v, '    '));
    for (const [k, v] of Object.entries(it.outcomes ?? {})) lines.push(variable('outcomeVariable', k, v, '    '));
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
    const o = (r?.outcomes ?? {}) as { score?: number; maxScore?: number };
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
