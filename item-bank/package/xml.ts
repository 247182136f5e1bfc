/**
 * A small, safe XML reader for package files (manifests, and the checks the validator makes on
 * items): no DOCTYPE (so no entity expansion, no XXE), size and depth limits, and every element
 * carries its line and column. Namespace prefixes are kept in `name`; `local` drops them.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** Qualified name as written (`imsmd:lom`). */
  name: string;
  /** Local name (`lom`). */
  local: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  line: number;
  column: number;
}
export type XmlNode = XmlElement | string;

export type XmlResult =
  | { ok: true; root: XmlElement }
  | { ok: false; line: number; column: number; code: string; message: string };

export interface XmlLimits {
  maxXmlBytes: number;
  maxXmlDepth: number;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Entities are decoded here in one pass (decodeEntities): the parser's own pass leaves
  // numeric references alone, and a DOCTYPE never reaches it.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  allowBooleanAttributes: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
});
/**
 * Start offsets of every element start tag in document order (comments, CDATA, PIs and
 * declarations skipped): one regex pass, much cheaper than the parser's own metadata.
 */
function elementStarts(xml: string): number[] {
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Za-z][^>]*>|<[A-Za-z_]/g;
  const out: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) if (m[0].length === 2) out.push(m.index);
  return out;
}

/** Offsets of line starts, for turning a character index into line and column. */
export function lineIndex(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function positionAt(starts: number[], index: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: index - starts[lo] + 1 };
}

/** Finds a DOCTYPE in the prolog (before the root element); returns its index or -1. */
function findDoctype(text: string): number {
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return -1;
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt);
      if (end < 0) return -1;
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) return -1;
      i = end + 3;
    } else if (text.slice(lt, lt + 9).toUpperCase() === '<!DOCTYPE') {
      return lt;
    } else {
      return -1;
    }
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references; unknown ones stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g, (m, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref];
    const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 bytes (BOM dropped); undefined when not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** Parses XML text into an element tree. Never throws; refuses DOCTYPE, oversize and over-deep input. */
export function parseXml(text: string, limits: XmlLimits): XmlResult {
  if (text.length > limits.maxXmlBytes) {
    return { ok: false, line: 1, column: 1, code: 'xml.too-large', message: `the XML file is ${text.length} characters, more than the limit of ${limits.maxXmlBytes}` };
  }
  const starts = lineIndex(text);
  const dt = findDoctype(text);
  if (dt >= 0) {
    const p = positionAt(starts, dt);
    return { ok: false, ...p, code: 'xml.doctype', message: 'DOCTYPE declarations are not allowed (they can expand entities or fetch external files); remove the <!DOCTYPE ...> line' };
  }
  try {
    const v = XMLValidator.validate(text, { allowBooleanAttributes: false });
    if (v !== true) {
      return { ok: false, line: v.err.line ?? 1, column: v.err.col ?? 1, code: 'xml.not-well-formed', message: `XML is not well-formed: ${v.err.msg}` };
    }
    const doc = parser.parse(text) as unknown[];
    const cursor = { starts: elementStarts(text), next: 0 };
    let root: XmlElement | undefined;
    for (const n of doc) {
      const el = convert(n, starts, cursor, 1, limits.maxXmlDepth);
      if (el && typeof el !== 'string') {
        root = el;
        break;
      }
    }
    if (!root) return { ok: false, line: 1, column: 1, code: 'xml.no-root', message: 'the file has no root element' };
    return { ok: true, root };
  } catch (e) {
    if (e instanceof TooDeep) {
      return { ok: false, line: e.line, column: e.column, code: 'xml.too-deep', message: `elements are nested more than ${limits.maxXmlDepth} levels deep` };
    }
    return { ok: false, line: 1, column: 1, code: 'xml.not-well-formed', message: `XML cannot be read: ${(e as Error).message}` };
  }
}

class TooDeep extends Error {
  constructor(readonly line: number, readonly column: number) {
    super('too deep');
  }
}

function convert(node: unknown, starts: number[], cursor: { starts: number[]; next: number }, depth: number, maxDepth: number): XmlNode | undefined {
  const o = node as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key === ':@') continue;
    if (key === '#text') return decodeEntities(String(o[key]));
    if (key === '#comment' || key.startsWith('?')) return undefined;
    const pos = positionAt(starts, cursor.starts[cursor.next++] ?? 0);
    if (depth > maxDepth) throw new TooDeep(pos.line, pos.column);
    const attrs: Record<string, string> = {};
    const rawAttrs = o[':@'] as Record<string, unknown> | undefined;
    if (rawAttrs) for (const [k, v] of Object.entries(rawAttrs)) attrs[k] = decodeEntities(String(v));
    const children: XmlNode[] = [];
    const kids = o[key];
    if (Array.isArray(kids)) {
      for (const k of kids) {
        const kk = k as Record<string, unknown>;
        if ('#cdata' in kk && Array.isArray(kk['#cdata'])) {
          children.push((kk['#cdata'] as Record<string, unknown>[]).map((t) => String(t['#text'] ?? '')).join(''));
          continue;
        }
        const c = convert(k, starts, cursor, depth + 1, maxDepth);
        if (c !== undefined) children.push(c);
      }
    }
    const colon = key.indexOf(':');
    return { name: key, local: colon >= 0 ? key.slice(colon + 1) : key, attrs, children, ...pos };
  }
  return undefined;
}

/** Child elements, optionally only those with the given local name. */
export function elements(el: XmlElement, local?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && (local === undefined || c.local === local)) out.push(c);
  return out;
}

/** First child element with that local name. */
export function child(el: XmlElement, local: string): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.local === local) return c;
  return undefined;
}

/** Concatenated text content of an element and its descendants. */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? c : textOf(c);
  return s;
}

/** Every descendant element (depth first, document order), the element itself first. */
export function* walk(el: XmlElement): Generator<XmlElement> {
  const stack: XmlElement[] = [el];
  while (stack.length) {
    const e = stack.pop()!;
    yield e;
    for (let i = e.children.length - 1; i >= 0; i--) {
      const c = e.children[i];
      if (typeof c !== 'string') stack.push(c);
    }
  }
}
