/**
 * XML for package files (the manifest; the validator's extra looks at items): parsed by
 * item-bank/xml's strict reader — no DOCTYPE or entity declarations (so no XXE, no entity
 * bombs), undefined entities refused, size and depth limits, line and column on every element —
 * and given here as elements with their local name, so manifest code can ignore prefixes.
 */
import { readXml, type QtiNode } from '../xml/parse.ts';

export interface XmlElement {
  /** Name as written, minus a prefix bound to a QTI namespace (`imsmd:lom`, `resource`). */
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

function toElement(n: QtiNode): XmlElement {
  const colon = n.name.indexOf(':');
  const children: XmlNode[] = new Array(n.children.length);
  for (let i = 0; i < n.children.length; i++) {
    const c = n.children[i];
    children[i] = typeof c === 'string' ? c : toElement(c);
  }
  return { name: n.name, local: colon >= 0 ? n.name.slice(colon + 1) : n.name, attrs: n.attrs, children, line: n.line ?? 0, column: n.column ?? 0 };
}

/** Parses XML text into an element tree. Never throws; refuses DOCTYPE, oversize and over-deep input. */
export function parseXml(text: string, limits: XmlLimits): XmlResult {
  const r = readXml(text, { maxBytes: limits.maxXmlBytes, maxDepth: limits.maxXmlDepth });
  const err = r.problems.find((p) => p.severity === 'error');
  if (!r.root || err) {
    const p = err ?? { code: 'xml.empty', message: 'the file has no root element', line: 1, column: 1 };
    return { ok: false, line: p.line ?? 1, column: p.column ?? 1, code: p.code, message: p.message };
  }
  return { ok: true, root: toElement(r.root) };
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
