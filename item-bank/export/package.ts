/**
 * Export of items, tests and whole banks as a QTI 3.0 content package (zip): items and tests
 * in QTI 3.0, every media file they use, and a manifest carrying their metadata.
 * Items keep the package paths they were imported with, so relative media references inside
 * them still resolve.
 */
import { zipSync, type Zippable } from 'fflate';
import { readXml } from '../xml/parse.ts';
import { convertTree, nodeToXml } from '../serialize/xml.ts';
import type { ItemMetadata } from '../model/types.ts';
import { checkEntryPath, dirOf, resolveHref } from '../package/paths.ts';
import { problem, type Problem } from '../package/problem.ts';
import { writeManifest, type ManifestResourceOut } from './manifest.ts';

export interface ExportItem {
  identifier: string;
  /** The item XML in any supported version (2.1, 2.2, 3.0). */
  xml: string;
  /** Package path to write it at (its import path); default `items/<identifier>.xml`. */
  path?: string;
  metadata?: ItemMetadata;
  /** Package paths of the media the item uses. */
  media?: string[];
}

export interface ExportTest {
  identifier: string;
  xml: string;
  path?: string;
  metadata?: ItemMetadata;
}

export interface ExportInput {
  /** Manifest identifier. */
  identifier: string;
  title?: string;
  items: ExportItem[];
  tests?: ExportTest[];
  /** Media by package path. */
  media?: Map<string, Uint8Array>;
}

export interface ExportResult {
  /** The zip; absent when an item could not be converted. */
  zip?: Uint8Array;
  /** Package path -> file text/bytes, as written into the zip. */
  files: Map<string, Uint8Array>;
  problems: Problem[];
}

const enc = new TextEncoder();

/** Converts one item or test document to QTI 3.0 text (unchanged when it already is 3.0). */
export function toQti3(xml: string, path: string, problems: Problem[]): string | undefined {
  const r = readXml(xml);
  if (!r.root) {
    for (const p of r.problems) problems.push(problem(path, p.severity, p.code, p.message, p.line ?? 0, p.column ?? 0));
    return undefined;
  }
  // QTI-CORE's writer: qti- names, 3.0 namespace, template URLs, qti-content-body wrapping.
  return r.qti3 ? xml : `<?xml version="1.0" encoding="UTF-8"?>\n${nodeToXml(convertTree(r.root, '3.0'))}\n`;
}

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_') || 'item';
}

/** Builds the QTI 3.0 package. Never throws; a problem names anything left out. */
export function exportPackage(input: ExportInput): ExportResult {
  const problems: Problem[] = [];
  const files = new Map<string, Uint8Array>();
  const resources: ManifestResourceOut[] = [];
  const usedPaths = new Set<string>(['imsmanifest.xml']);
  const claimPath = (wanted: string | undefined, fallback: string): string => {
    let p = wanted && checkEntryPath(wanted).ok ? (checkEntryPath(wanted) as { path: string }).path : fallback;
    if (usedPaths.has(p)) {
      const dot = p.lastIndexOf('.');
      let i = 2;
      while (usedPaths.has(`${p.slice(0, dot)}-${i}${p.slice(dot)}`)) i++;
      p = `${p.slice(0, dot)}-${i}${p.slice(dot)}`;
    }
    usedPaths.add(p);
    return p;
  };
  const mediaRes = new Map<string, string>();
  const mediaResource = (path: string): string | undefined => {
    const bytes = input.media?.get(path);
    if (!bytes) return undefined;
    let id = mediaRes.get(path);
    if (!id) {
      id = `MEDIA-${mediaRes.size + 1}`;
      mediaRes.set(path, id);
      files.set(path, bytes);
      usedPaths.add(path);
    }
    return id;
  };
  const itemPathById = new Map<string, string>();
  const itemResById = new Map<string, string>();
  for (const item of input.items) {
    const path = claimPath(item.path, `items/${safeName(item.identifier)}.xml`);
    const xml = toQti3(item.xml, path, problems);
    if (xml === undefined) continue;
    files.set(path, enc.encode(xml));
    const deps: string[] = [];
    for (const m of item.media ?? []) {
      const id = mediaResource(m);
      if (id) deps.push(id);
      else problems.push(problem(path, 'warning', 'export.media-missing', `media "${m}" used by item "${item.identifier}" is not in the bank; the package will lack it`));
    }
    const resId = `ITEM-${safeName(item.identifier)}`;
    itemPathById.set(item.identifier, path);
    itemResById.set(path, resId);
    resources.push({ identifier: resId, type: 'imsqti_item_xmlv3p0', href: path, files: [path], dependencies: deps, metadata: item.metadata });
  }
  for (const test of input.tests ?? []) {
    const path = claimPath(test.path, `tests/${safeName(test.identifier)}.xml`);
    const xml = toQti3(test.xml, path, problems);
    if (xml === undefined) continue;
    files.set(path, enc.encode(xml));
    // Dependencies: the items its hrefs reach.
    const deps = new Set<string>();
    for (const m of xml.matchAll(/href="([^"]+)"/g)) {
      const r = resolveHref(dirOf(path), m[1].replace(/&amp;/g, '&'));
      if (r.ok && itemResById.has(r.path)) deps.add(itemResById.get(r.path)!);
    }
    resources.push({ identifier: `TEST-${safeName(test.identifier)}`, type: 'imsqti_test_xmlv3p0', href: path, files: [path], dependencies: [...deps], metadata: test.metadata });
  }
  for (const [path, id] of mediaRes) resources.push({ identifier: id, type: 'webcontent', files: [path], dependencies: [] });
  files.set('imsmanifest.xml', enc.encode(writeManifest(input.identifier, input.title, resources)));
  const z: Zippable = {};
  for (const [p, b] of files) z[p] = [b, { level: p.endsWith('.xml') || p.endsWith('.css') || p.endsWith('.svg') ? 6 : 0 }];
  try {
    return { zip: zipSync(z), files, problems };
  } catch (e) {
    problems.push(problem('package.zip', 'error', 'export.zip', `the zip could not be written (${(e as Error).message})`));
    return { files, problems };
  }
}
