/**
 * Round-trip helpers shared by the tests and the benchmark: a model normal form (positions,
 * source paths and the version tag removed) and response sets that exercise an item.
 */
import type { AssessmentItem, AssessmentTest, Json } from '../index.ts';
import { toJson } from '../index.ts';

const DROP = new Set(['line', 'column', 'path', 'qtiVersion', 'source', 'template', 'templateLocation']);

/** A JSON-comparable copy of a model without what legitimately changes on export. */
export function normalForm(model: AssessmentItem | AssessmentTest): unknown {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, key?: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (seen.has(v as object)) return '[cycle]';
    seen.add(v as object);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      if (DROP.has(k)) continue;
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined) continue;
      // xmlns declarations and schema locations belong to the version's binding.
      if (key === 'attrs' && (k.startsWith('xmlns') || k.startsWith('xsi:'))) continue;
      out[k] = walk(x, k);
    }
    return out;
  };
  return walk(model);
}

/**
 * Response sets for an item: all NULL, the correct responses, and for choice-like interactions
 * the first choice (or pairs of the first choices), so both right and wrong answers are scored.
 */
export function sampleResponses(item: AssessmentItem): Record<string, Json>[] {
  const sets: Record<string, Json>[] = [{}];
  const correct: Record<string, Json> = {};
  const other: Record<string, Json> = {};
  for (const d of item.responseDeclarations) {
    if (d.correctResponse !== undefined && d.correctResponse !== null) correct[d.identifier] = toJson(d.correctResponse);
    const it = item.interactions.find((i) => i.responseIdentifier === d.identifier);
    const ids = it?.choices.map((c) => c.identifier).filter(Boolean) ?? [];
    let v: Json | undefined;
    if (d.baseType === 'identifier' && ids.length) v = ids[0];
    else if ((d.baseType === 'pair' || d.baseType === 'directedPair') && ids.length >= 2) v = [ids[0], ids[ids.length - 1]];
    else if (d.baseType === 'string') v = 'x';
    else if (d.baseType === 'integer') v = 1;
    else if (d.baseType === 'float') v = 1.5;
    else if (d.baseType === 'boolean') v = true;
    else if (d.baseType === 'point') v = [1, 1];
    if (v === undefined) continue;
    other[d.identifier] = d.cardinality === 'single' ? v : d.cardinality === 'record' ? null : [v];
  }
  if (Object.keys(correct).length) sets.push(correct);
  if (Object.keys(other).length) sets.push(other);
  return sets;
}
