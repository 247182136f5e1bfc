/**
 * Safe XML reading for QTI: fast-xml-parser with order preserved (mixed content), no DTD and
 * no entity expansion (a DOCTYPE or ENTITY declaration is refused outright, so XXE and entity
 * bombs cannot happen), size and depth limits, and source line/column for every element.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { canonicalAttrName, canonicalElementName } from './names.ts';

/** A generic XML element. Element names are canonical (QTI 2.x camelCase for QTI elements). */
export interface QtiNode {
  name: string;
  attrs: Record<string, string>;
  children: (QtiNode | string)[];
  line?: number;
  column?: number;
}

export interface XmlProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  line?: number;
  column?: number;
}

export interface XmlReadOptions {
  /** Largest accepted document in bytes (UTF-16 code units, close enough). Default 8 MiB. */
  maxBytes?: number;
  /** Deepest accepted element nesting. Default 256. */
  maxDepth?: number;
}

export interface XmlReadResult {
  root?: QtiNode;
  /** Namespace declarations found on the root element: prefix ('' for default) -> URI. */
  namespaces: Record<string, string>;
  /** The root element used QTI 3.0 `qti-` names. */
  qti3: boolean;
  problems: XmlProblem[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  allowBooleanAttributes: true,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  // our own maxDepth check (readXml options) decides; this only guards the parser itself
  maxNestedTags: 1000,
} as ConstructorParameters<typeof XMLParser>[0]);

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric character references (no DTD needed). */
export function decodeXmlText(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][\w.-]*);/g, (m, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return PREDEFINED[ref] ?? m;
  });
}

/** Start positions (line, column; 1-based) of every element start tag, in document order. */
function elementPositions(xml: string): Int32Array {
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!\w[^>]*>|<([A-Za-z_][^\s/>]*)/g;
  const out: number[] = [];
  let line = 1;
  let lastNl = -1;
  let scanned = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    if (m[1] === undefined) continue;
    for (let i = scanned; i < m.index; i++) {
      if (xml.charCodeAt(i) === 10) {
        line++;
        lastNl = i;
      }
    }
    scanned = m.index;
    out.push(line, m.index - lastNl);
  }
  return Int32Array.from(out);
}

/** Finds line/column of a character offset (for messages about declarations). */
function positionOf(xml: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < offset; i++) if (xml.charCodeAt(i) === 10) { line++; lastNl = i; }
  return { line, column: offset - lastNl };
}

/**
 * Reads an XML document into a QtiNode tree. Never throws: problems are returned.
 * Namespace prefixes bound to QTI namespaces are dropped from element names; other prefixes
 * (e.g. `m:math`) are kept as written.
 */
export function readXml(xml: string, opts: XmlReadOptions = {}): XmlReadResult {
  const problems: XmlProblem[] = [];
  const namespaces: Record<string, string> = {};
  const maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
  const maxDepth = opts.maxDepth ?? 256;
  if (typeof xml !== 'string') {
    return { namespaces, qti3: false, problems: [{ severity: 'error', code: 'xml.notText', message: 'XML input is not text' }] };
  }
  if (xml.length > maxBytes) {
    problems.push({ severity: 'error', code: 'xml.tooLarge', message: `XML document is ${xml.length} bytes; the limit is ${maxBytes}` });
    return { namespaces, qti3: false, problems };
  }
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  const dtd = /<!(DOCTYPE|ENTITY)/i.exec(xml);
  if (dtd) {
    const pos = positionOf(xml, dtd.index);
    problems.push({
      severity: 'error',
      code: 'xml.dtdRefused',
      message: `XML contains a <!${dtd[1].toUpperCase()}> declaration; DTDs and entity declarations are refused for safety (remove it)`,
      ...pos,
    });
    return { namespaces, qti3: false, problems };
  }
  let valid: true | { err: { code: string; msg: string; line: number; col: number } };
  try {
    valid = XMLValidator.validate(xml, { allowBooleanAttributes: true }) as typeof valid;
  } catch (e) {
    valid = { err: { code: 'InvalidXml', msg: (e as Error).message, line: 0, col: 0 } };
  }
  if (valid !== true && /nested tags/i.test(valid.err.msg)) {
    problems.push({ severity: 'error', code: 'xml.tooDeep', message: `XML nesting is too deep (${valid.err.msg})` });
    return { namespaces, qti3: false, problems };
  }
  if (valid !== true) {
    problems.push({
      severity: 'error',
      code: 'xml.malformed',
      message: `XML is not well-formed: ${valid.err.msg}`,
      line: valid.err.line || undefined,
      column: valid.err.col || undefined,
    });
    return { namespaces, qti3: false, problems };
  }
  let raw: unknown[];
  try {
    raw = parser.parse(xml) as unknown[];
  } catch (e) {
    const msg = (e as Error).message;
    if (/nested tags/i.test(msg)) problems.push({ severity: 'error', code: 'xml.tooDeep', message: `XML nesting is too deep (${msg})` });
    else problems.push({ severity: 'error', code: 'xml.malformed', message: `XML is not well-formed: ${msg}` });
    return { namespaces, qti3: false, problems };
  }
  const positions = elementPositions(xml);
  let posIndex = 0;
  const qtiPrefixes = new Set<string>();
  let tooDeep = false;

  const convert = (entry: Record<string, unknown>, depth: number, is30: boolean): QtiNode | string | null => {
    let tag: string | undefined;
    for (const k in entry) if (k !== ':@') { tag = k; break; }
    if (tag === undefined) return null;
    if (tag === '#text') return decodeXmlText(String(entry[tag]));
    if (tag === '#comment') return null;
    if (tag === '#cdata') {
      const parts = entry[tag] as Record<string, unknown>[];
      return parts.map((p) => String(p['#text'] ?? '')).join('');
    }
    if (tag[0] === '?') return null;
    const pi = posIndex * 2;
    posIndex++;
    let name = tag;
    const colon = name.indexOf(':');
    if (colon > 0 && qtiPrefixes.has(name.slice(0, colon))) name = name.slice(colon + 1);
    const was30 = name.startsWith('qti-');
    name = canonicalElementName(name);
    const rawAttrs = (entry[':@'] ?? {}) as Record<string, unknown>;
    const attrs: Record<string, string> = {};
    for (const k in rawAttrs) {
      const v = rawAttrs[k];
      attrs[was30 ? canonicalAttrName(k) : k] = v === true ? '' : decodeXmlText(String(v));
    }
    const node: QtiNode = { name, attrs, children: [] };
    if (pi + 1 < positions.length) {
      node.line = positions[pi];
      node.column = positions[pi + 1];
    }
    if (depth > maxDepth) {
      tooDeep = true;
      return node;
    }
    const kids = entry[tag] as Record<string, unknown>[];
    if (Array.isArray(kids)) {
      for (const k of kids) {
        const c = convert(k, depth + 1, is30 || was30);
        if (c === null) continue;
        const last = node.children[node.children.length - 1];
        if (typeof c === 'string' && typeof last === 'string') node.children[node.children.length - 1] = last + c;
        else node.children.push(c);
      }
    }
    return node;
  };

  let root: QtiNode | undefined;
  let qti3 = false;
  for (const entry of raw as Record<string, unknown>[]) {
    const tag = Object.keys(entry).find((k) => k !== ':@');
    if (!tag || tag[0] === '?' || tag[0] === '#') continue;
    const rawAttrs = (entry[':@'] ?? {}) as Record<string, string>;
    for (const k in rawAttrs) {
      if (k === 'xmlns') namespaces[''] = String(rawAttrs[k]);
      else if (k.startsWith('xmlns:')) {
        const prefix = k.slice(6);
        namespaces[prefix] = String(rawAttrs[k]);
        if (/imsqti|imsglobal\.org\/xsd\/qti|imsglobal\.org\/spec\/qti/i.test(String(rawAttrs[k]))) qtiPrefixes.add(prefix);
      }
    }
    qti3 = tag.replace(/^[^:]*:/, '').startsWith('qti-');
    const c = convert(entry, 1, false);
    if (c && typeof c !== 'string') {
      root = c;
      break;
    }
  }
  if (tooDeep) {
    problems.push({ severity: 'error', code: 'xml.tooDeep', message: `XML nesting is deeper than ${maxDepth} elements` });
    return { namespaces, qti3: false, problems };
  }
  if (!root) problems.push({ severity: 'error', code: 'xml.empty', message: 'XML document has no root element' });
  return { root, namespaces, qti3, problems };
}

/** Child elements of a node (text dropped). */
export function elements(node: QtiNode): QtiNode[] {
  const out: QtiNode[] = [];
  for (const c of node.children) if (typeof c !== 'string') out.push(c);
  return out;
}

/** First child element with the given canonical name. */
export function child(node: QtiNode, name: string): QtiNode | undefined {
  for (const c of node.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

/** All child elements with the given canonical name. */
export function childrenNamed(node: QtiNode, name: string): QtiNode[] {
  const out: QtiNode[] = [];
  for (const c of node.children) if (typeof c !== 'string' && c.name === name) out.push(c);
  return out;
}

/** Concatenated text content of a node and its descendants. */
export function textOf(node: QtiNode): string {
  let s = '';
  for (const c of node.children) s += typeof c === 'string' ? c : textOf(c);
  return s;
}

/** Depth-first walk over elements. Return false from the visitor to skip a subtree. */
export function walk(node: QtiNode, visit: (n: QtiNode, parent?: QtiNode) => boolean | void, parent?: QtiNode): void {
  if (visit(node, parent) === false) return;
  for (const c of node.children) if (typeof c !== 'string') walk(c, visit, node);
}
