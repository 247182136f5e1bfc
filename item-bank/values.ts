/**
 * QTI values: text form (as written in XML), JSON form (DESIGN.md: responses in, outcomes out)
 * and the internal QtiValue form, for every baseType and cardinality.
 */
import type {
  BaseType, Cardinality, ContainerValue, FileValue, Primitive, QtiValue, RawValue, RecordValue, SingleValue,
  VariableDeclarationBase,
} from './model/types.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A response that does not fit its declaration (or names no declared response). */
export class QtiResponseError extends Error {
  readonly code: 'unknown_identifier' | 'wrong_cardinality' | 'wrong_base_type' | 'bad_value';
  readonly identifier: string;
  constructor(code: QtiResponseError['code'], identifier: string, message: string) {
    super(message);
    this.name = 'QtiResponseError';
    this.code = code;
    this.identifier = identifier;
  }
}

export const single = (baseType: BaseType, value: Primitive): SingleValue => ({ cardinality: 'single', baseType, value });
export const container = (cardinality: 'multiple' | 'ordered', baseType: BaseType, values: Primitive[]): ContainerValue | null =>
  values.length === 0 ? null : { cardinality, baseType, values };

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const IDENT_ASCII = /^[A-Za-z_][\w.\-]*$/;
const IDENT_UNICODE = /^[\p{L}_][\p{L}\p{N}_.\-]*$/u;
const IDENT = { test: (s: string) => IDENT_ASCII.test(s) || IDENT_UNICODE.test(s) };

/** Parses an ISO 8601 duration (PnYnMnDTnHnMnS; years=365d, months=30d) or plain seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (NUMERIC.test(t)) return Number(t);
  const m = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(t);
  if (!m || t === 'P' || t.endsWith('T')) return undefined;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const s = n(2) * 31536000 + n(3) * 2592000 + n(4) * 604800 + n(5) * 86400 + n(6) * 3600 + n(7) * 60 + n(8);
  return m[1] ? -s : s;
}

/** Parses one single value from its QTI text form; undefined when the text does not fit. */
export function parsePrimitive(baseType: BaseType, text: string): Primitive | undefined {
  const t = baseType === 'string' ? text : text.trim();
  switch (baseType) {
    case 'identifier':
      return t.length > 0 && !/\s/.test(t) ? t : undefined;
    case 'string':
    case 'uri':
      return t;
    case 'intOrIdentifier':
      return INTEGER.test(t) ? t : t.length > 0 && !/\s/.test(t) ? t : undefined;
    case 'boolean':
      return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : undefined;
    case 'integer':
      return INTEGER.test(t) ? parseInt(t, 10) : undefined;
    case 'float':
      if (NUMERIC.test(t)) return Number(t);
      if (t === 'INF') return Infinity;
      if (t === '-INF') return -Infinity;
      if (t === 'NaN') return NaN;
      return undefined;
    case 'duration':
      return parseDuration(t);
    case 'point': {
      const p = t.split(/\s+/);
      if (p.length !== 2 || !NUMERIC.test(p[0]) || !NUMERIC.test(p[1])) return undefined;
      return [Number(p[0]), Number(p[1])];
    }
    case 'pair':
    case 'directedPair': {
      const p = t.split(/\s+/);
      if (p.length !== 2 || !p[0] || !p[1]) return undefined;
      return [p[0], p[1]];
    }
    case 'file':
      return undefined;
  }
}

/** QTI text form of a single value (for XML output). */
export function primitiveToText(baseType: BaseType, v: Primitive): string {
  if (Array.isArray(v)) return `${v[0]} ${v[1]}`;
  if (typeof v === 'object') return v.name;
  if (typeof v === 'number') {
    if (v === Infinity) return 'INF';
    if (v === -Infinity) return '-INF';
    return String(v);
  }
  return String(v);
}

/**
 * Builds a value from `<value>` elements of a declaration (defaultValue, correctResponse,
 * baseValue). Returns an error message when a text does not fit.
 */
export function valueFromRaw(decl: { cardinality: Cardinality; baseType?: BaseType }, raws: RawValue[]): { value: QtiValue; error?: string } {
  if (decl.cardinality === 'record') {
    const fields: Record<string, QtiValue> = {};
    for (const r of raws) {
      if (!r.fieldIdentifier || !r.baseType) return { value: null, error: 'record values need fieldIdentifier and baseType' };
      const p = parsePrimitive(r.baseType, r.text);
      if (p === undefined) return { value: null, error: `'${r.text}' is not a valid ${r.baseType}` };
      fields[r.fieldIdentifier] = single(r.baseType, p);
    }
    return { value: raws.length ? { cardinality: 'record', fields } : null };
  }
  const bt = decl.baseType;
  if (!bt) return { value: null, error: 'missing baseType' };
  const prims: Primitive[] = [];
  for (const r of raws) {
    const p = parsePrimitive(bt, r.text);
    if (p === undefined) return { value: null, error: `'${r.text}' is not a valid ${bt}` };
    prims.push(p);
  }
  if (decl.cardinality === 'single') {
    if (prims.length > 1) return { value: single(bt, prims[0]), error: 'single cardinality takes one value' };
    return { value: prims.length ? single(bt, prims[0]) : null };
  }
  return { value: container(decl.cardinality, bt, prims) };
}

function primitiveToJson(baseType: BaseType, v: Primitive): Json {
  if (Array.isArray(v)) return [v[0], v[1]] as Json;
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
  if (typeof v === 'object') return { name: v.name, mimeType: v.mimeType, contentBase64: v.contentBase64 };
  if (baseType === 'intOrIdentifier' && typeof v === 'string' && INTEGER.test(v)) return parseInt(v, 10);
  return v;
}

/** QtiValue -> DESIGN.md JSON form. */
export function toJson(v: QtiValue): Json {
  if (v === null) return null;
  if (v.cardinality === 'single') return primitiveToJson(v.baseType, v.value);
  if (v.cardinality === 'record') {
    const o: Record<string, Json> = {};
    for (const k in v.fields) o[k] = toJson(v.fields[k]);
    return o;
  }
  return v.values.map((p) => primitiveToJson(v.baseType, p));
}

/** A JSON value that is not of the expected base type (module level: under tsx a closure per call also defines its name). */
const bad = (what: string, j: Json): JsonError => ({ error: `expected ${what}, got ${JSON.stringify(j)}` });

/** Parses one JSON single value for a base type; returns an error message when it does not fit. */
export function primitiveFromJson(baseType: BaseType, j: Json): Primitive | JsonError {
  switch (baseType) {
    case 'identifier':
      return typeof j === 'string' && IDENT.test(j) ? j : bad('an identifier string', j);
    case 'string':
      return typeof j === 'string' ? j : typeof j === 'number' ? String(j) : bad('a string', j);
    case 'uri':
      return typeof j === 'string' ? j : bad('a URI string', j);
    case 'intOrIdentifier':
      if (typeof j === 'number' && Number.isInteger(j)) return String(j);
      return typeof j === 'string' && j.length > 0 ? j : bad('an integer or identifier', j);
    case 'boolean':
      return typeof j === 'boolean' ? j : bad('true or false', j);
    case 'integer':
      if (typeof j === 'number' && Number.isInteger(j)) return j;
      if (typeof j === 'string' && INTEGER.test(j.trim())) return parseInt(j, 10);
      return bad('an integer', j);
    case 'float':
      if (typeof j === 'number' && Number.isFinite(j)) return j;
      if (typeof j === 'string' && NUMERIC.test(j.trim())) return Number(j);
      return bad('a number', j);
    case 'duration':
      if (typeof j === 'number' && Number.isFinite(j) && j >= 0) return j;
      if (typeof j === 'string') {
        const d = parseDuration(j);
        if (d !== undefined) return d;
      }
      return bad('a duration in seconds', j);
    case 'point':
      if (Array.isArray(j) && j.length === 2 && typeof j[0] === 'number' && typeof j[1] === 'number') return [j[0], j[1]];
      if (typeof j === 'string') {
        const p = parsePrimitive('point', j);
        if (p) return p;
      }
      return bad('a point [x, y]', j);
    case 'pair':
    case 'directedPair':
      if (Array.isArray(j) && j.length === 2 && typeof j[0] === 'string' && typeof j[1] === 'string' && IDENT.test(j[0]) && IDENT.test(j[1])) return [j[0], j[1]];
      if (typeof j === 'string') {
        const p = parsePrimitive(baseType, j) as [string, string] | undefined;
        if (p && IDENT.test(p[0]) && IDENT.test(p[1])) return p;
      }
      return bad(`a ${baseType} ["A", "B"]`, j);
    case 'file':
      if (j && typeof j === 'object' && !Array.isArray(j) && typeof j.name === 'string' && typeof j.contentBase64 === 'string') {
        return { name: j.name, mimeType: typeof j.mimeType === 'string' ? j.mimeType : 'application/octet-stream', contentBase64: j.contentBase64 } as FileValue;
      }
      return bad('a file {"name", "mimeType", "contentBase64"}', j);
  }
}

/**
 * Checks a JSON response against its declaration and converts it. Throws QtiResponseError
 * naming what is wrong (cardinality, base type) — such a response is refused, never scored.
 * `decl` undefined means the identifier is not a declared response.
 */
export function checkResponse(decl: VariableDeclarationBase | undefined, json: Json, identifier = decl?.identifier ?? '?'): QtiValue {
  if (!decl) throw new QtiResponseError('unknown_identifier', identifier, `'${identifier}' is not a declared response variable of this item`);
  const id = decl.identifier;
  // no answer: null, or an empty string (QTI treats empty strings as NULL) from a player's cleared field
  if (json === null || json === undefined || json === '') return null;
  if (decl.cardinality === 'record') {
    if (typeof json !== 'object' || Array.isArray(json)) {
      throw new QtiResponseError('wrong_cardinality', id, `response '${id}' has record cardinality: expected an object of field -> value, got ${JSON.stringify(json)}`);
    }
    const fields: Record<string, QtiValue> = {};
    for (const [k, v] of Object.entries(json)) {
      if (v === null) fields[k] = null;
      else if (typeof v === 'number') fields[k] = single(Number.isInteger(v) ? 'integer' : 'float', v);
      else if (typeof v === 'boolean') fields[k] = single('boolean', v);
      else if (typeof v === 'string') fields[k] = single('string', v);
      else throw new QtiResponseError('wrong_base_type', id, `response '${id}' field '${k}' must be a number, string or boolean`);
    }
    return { cardinality: 'record', fields } as RecordValue;
  }
  const bt = decl.baseType!;
  const isPairLike = bt === 'point' || bt === 'pair' || bt === 'directedPair';
  if (decl.cardinality === 'single') {
    // a flat array is the value itself for point/pair types ([x, y], ["A", "B"]); nested arrays are a list
    if (Array.isArray(json) && !(isPairLike && json.length > 0 && !Array.isArray(json[0]))) {
      throw new QtiResponseError('wrong_cardinality', id, `response '${id}' has single cardinality: expected one ${bt} value, got a list`);
    }
    const p = primitiveFromJson(bt, json);
    if (isErr(p)) throw new QtiResponseError('wrong_base_type', id, `response '${id}' (${bt}): ${p.error}`);
    return single(bt, p);
  }
  if (!Array.isArray(json)) {
    throw new QtiResponseError('wrong_cardinality', id, `response '${id}' has ${decl.cardinality} cardinality: expected a list of ${bt} values, got ${JSON.stringify(json)}`);
  }
  const prims: Primitive[] = [];
  for (const j of json) {
    if (Array.isArray(j) && !isPairLike) throw new QtiResponseError('wrong_cardinality', id, `response '${id}': nested lists are not allowed`);
    const p = primitiveFromJson(bt, j);
    if (isErr(p)) throw new QtiResponseError('wrong_base_type', id, `response '${id}' (${decl.cardinality} ${bt}): ${p.error}`);
    prims.push(p);
  }
  return container(decl.cardinality, bt, prims);
}

export interface JsonError {
  error: string;
}

function isErr(p: Primitive | JsonError): p is JsonError {
  return typeof p === 'object' && p !== null && !Array.isArray(p) && 'error' in p;
}
