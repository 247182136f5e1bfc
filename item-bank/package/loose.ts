/**
 * Loose QTI files (a single item, or a folder of items without imsmanifest.xml) turned into a
 * package by writing the manifest they lack: every XML file whose root is an assessmentItem or
 * assessmentTest becomes a resource, everything else web content. Lets `validate` and `import`
 * treat all inputs alike.
 */
import { MANIFEST_PATH } from './manifest.ts';
import { escapeAttr } from './escape.ts';

const ROOT = /<(?:[\w-]+:)?(assessmentItem|assessmentTest|qti-assessment-item|qti-assessment-test)[\s>/]/;

/** Item unless the root says test: an unreadable XML file is then reported by the item parser. */
function kindOf(bytes: Uint8Array): { kind: 'item' | 'test'; v3: boolean } {
  const head = new TextDecoder().decode(bytes.subarray(0, 8192));
  const m = ROOT.exec(head);
  if (!m) return { kind: 'item', v3: true };
  return { kind: /test/i.test(m[1]) ? 'test' : 'item', v3: m[1].startsWith('qti-') };
}

/** Adds a generated imsmanifest.xml to a file map that has none (returns the map unchanged otherwise). */
export function withGeneratedManifest(files: Map<string, Uint8Array>, identifier = 'loose-files'): Map<string, Uint8Array> {
  if (files.has(MANIFEST_PATH)) return files;
  const res: string[] = [];
  const web: string[] = [];
  let n = 0;
  for (const [path, bytes] of files) {
    const k = path.toLowerCase().endsWith('.xml') ? kindOf(bytes) : undefined;
    if (!k) {
      web.push(`<file href="${escapeAttr(encodeURI(path))}"/>`);
      continue;
    }
    n++;
    const type = `imsqti_${k.kind}_xmlv${k.v3 ? '3p0' : '2p1'}`;
    res.push(`<resource identifier="R${n}" type="${type}" href="${escapeAttr(encodeURI(path))}"><file href="${escapeAttr(encodeURI(path))}"/></resource>`);
  }
  if (web.length) res.push(`<resource identifier="WEB" type="webcontent">${web.join('')}</resource>`);
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="${escapeAttr(identifier)}"><resources>${res.join('')}</resources></manifest>\n`;
  const out = new Map(files);
  out.set(MANIFEST_PATH, new TextEncoder().encode(manifest));
  return out;
}
