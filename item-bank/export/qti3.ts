/**
 * Writes a QtiNode tree (canonical 2.x names, as read by item-bank/xml) as QTI 3.0 XML:
 * QTI elements get their `qti-` kebab names and kebab attributes, XHTML/MathML stay as they
 * are, the root gets the 3.0 namespace, and the standard response-processing templates get
 * their 3.0 URLs.
 */
import { QTI_ELEMENTS, qti3AttrName, qti3ElementName } from '../xml/names.ts';
import { standardTemplateOf } from '../model/item.ts';
import type { QtiNode } from '../model/types.ts';

export const QTI3_NS = 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0';
export const QTI3_SCHEMA = 'https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd';

/** The 3.0 URL of a standard template. */
export function qti3TemplateUrl(name: string): string {
  return `https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/${name}.xml`;
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** Root attributes that belong to the source version's schema binding and are replaced. */
const DROP_ON_ROOT = (k: string) => k === 'xmlns' || k === 'xsi:schemaLocation' || (k.startsWith('xmlns:') && k !== 'xmlns:xsi' && k !== 'xmlns:m');

function writeNode(n: QtiNode, out: string[], root: boolean): void {
  const isQti = QTI_ELEMENTS.has(n.name);
  const name = isQti ? qti3ElementName(n.name) : n.name;
  out.push('<', name);
  if (root) out.push(` xmlns="${QTI3_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${QTI3_NS} ${QTI3_SCHEMA}"`);
  for (const [k, v0] of Object.entries(n.attrs)) {
    if (root && (DROP_ON_ROOT(k) || k === 'xmlns:xsi')) continue;
    let v = v0;
    // Standard templates: the 3.0 URL, whatever 2.x URI or local copy the source named.
    if (n.name === 'responseProcessing' && (k === 'template' || k === 'templateLocation')) {
      const std = standardTemplateOf(v);
      if (std) {
        if (k === 'templateLocation') continue;
        v = qti3TemplateUrl(std);
      }
    }
    out.push(' ', isQti ? qti3AttrName(k) : k, '="', escapeAttr(v), '"');
  }
  if (n.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const c of n.children) {
    if (typeof c === 'string') out.push(escapeText(c));
    else writeNode(c, out, false);
  }
  out.push('</', name, '>');
}

/** Serialises a root node (assessmentItem or assessmentTest) as a QTI 3.0 document. */
export function writeQti3(root: QtiNode): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  writeNode(root, out, true);
  out.push('\n');
  return out.join('');
}
