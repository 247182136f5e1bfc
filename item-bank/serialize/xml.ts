/**
 * Writes QTI XML from the node tree in QTI 2.1, 2.2 or 3.0 form. Items and tests keep their
 * whole source tree, so writing is faithful (mixed content, MathML, objects) and a round trip
 * read -> write -> read gives the same model.
 */
import type { AssessmentItem, AssessmentTest, QtiVersion } from '../model/types.ts';
import type { QtiNode } from '../xml/parse.ts';
import { QTI_ELEMENTS, qti3AttrName, qti3ElementName } from '../xml/names.ts';
import { standardTemplateOf } from '../model/item.ts';

export const QTI_NAMESPACES: Record<QtiVersion, string> = {
  '2.1': 'http://www.imsglobal.org/xsd/imsqti_v2p1',
  '2.2': 'http://www.imsglobal.org/xsd/imsqti_v2p2',
  '3.0': 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0',
};

const SCHEMA_LOCATIONS: Record<QtiVersion, string> = {
  '2.1': 'http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd',
  '2.2': 'http://www.imsglobal.org/xsd/imsqti_v2p2 http://www.imsglobal.org/xsd/qti/qtiv2p2/imsqti_v2p2p4.xsd',
  '3.0': 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0 https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd',
};

/** Standard template URIs per version. */
export function templateUri(t: string, version: QtiVersion): string {
  if (version === '3.0') return `https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/${t}.xml`;
  return `http://www.imsglobal.org/question/qti_v2p${version === '2.1' ? '1' : '2'}/rptemplates/${t}`;
}

/** In 3.0 these elements hold their content in a qti-content-body. */
const CONTENT_BODY_PARENTS = new Set(['modalFeedback', 'rubricBlock', 'testFeedback']);

function escText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

export interface SerializeOptions {
  version: QtiVersion;
  /** Add the XML declaration (default true). */
  declaration?: boolean;
}

/** Converts a node tree to the element/attribute conventions of the target version. */
export function convertTree(node: QtiNode, version: QtiVersion, isRoot = true): QtiNode {
  const to3 = version === '3.0';
  const convert = (n: QtiNode, inMath: boolean): QtiNode => {
    const math = inMath || n.name === 'math' || n.name.endsWith(':math');
    const isQti = !math && QTI_ELEMENTS.has(n.name);
    let attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(n.attrs)) {
      if (k === 'xsi:schemaLocation') continue;
      attrs[isQti && to3 ? qti3AttrName(k) : k] = v;
    }
    if (n.name === 'responseProcessing' && n.attrs.template) {
      const std = standardTemplateOf(n.attrs.template);
      if (std) attrs.template = templateUri(std, version);
    }
    let children: (QtiNode | string)[] = [];
    const wraps = CONTENT_BODY_PARENTS.has(n.name);
    for (const c of n.children) {
      if (typeof c === 'string') children.push(c);
      else if (wraps && !to3 && c.name === 'contentBody') children.push(...c.children.map((g) => (typeof g === 'string' ? g : convert(g, math))));
      else children.push(convert(c, math));
    }
    if (wraps && to3 && !n.children.some((c) => typeof c !== 'string' && c.name === 'contentBody')) {
      children = [{ name: qti3ElementName('contentBody'), attrs: {}, children }];
    }
    const name = isQti && to3 ? qti3ElementName(n.name) : n.name;
    if (!to3 && n.name === 'contentBody') return { name: 'div', attrs, children };
    return { name, attrs, children };
  };
  const out = convert(node, false);
  if (isRoot) {
    const attrs: Record<string, string> = { xmlns: QTI_NAMESPACES[version], 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:schemaLocation': SCHEMA_LOCATIONS[version] };
    for (const [k, v] of Object.entries(out.attrs)) {
      // the source's own QTI namespace bindings (e.g. xmlns:qti) belong to its version
      if (k === 'xmlns' || k === 'xmlns:xsi' || (k.startsWith('xmlns:') && /imsqti|imsglobal\.org\/xsd\/qti|imsglobal\.org\/spec\/qti/i.test(v))) continue;
      attrs[k] = v;
    }
    out.attrs = attrs;
  }
  return out;
}

/** Node tree -> XML text (no conversion). */
export function nodeToXml(node: QtiNode): string {
  const parts: string[] = [];
  const write = (n: QtiNode) => {
    parts.push('<', n.name);
    for (const [k, v] of Object.entries(n.attrs)) parts.push(' ', k, '="', escAttr(v), '"');
    if (n.children.length === 0) {
      parts.push('/>');
      return;
    }
    parts.push('>');
    for (const c of n.children) {
      if (typeof c === 'string') parts.push(escText(c));
      else write(c);
    }
    parts.push('</', n.name, '>');
  };
  write(node);
  return parts.join('');
}

/** Writes an item as QTI XML of the given version. */
export function serializeItem(item: AssessmentItem, opts: SerializeOptions): string {
  const xml = nodeToXml(convertTree(item.source, opts.version));
  return opts.declaration === false ? xml : `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
}

/** Writes a test as QTI XML of the given version. */
export function serializeTest(test: AssessmentTest, opts: SerializeOptions): string {
  const xml = nodeToXml(convertTree(test.source, opts.version));
  return opts.declaration === false ? xml : `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
}
