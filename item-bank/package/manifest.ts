/**
 * The IMS content-package manifest (imsmanifest.xml) of QTI 2.1, 2.2 and 3.0 packages:
 * resources with their type, href, files, dependencies and metadata.
 */
import type { ItemMetadata } from '../model/types.ts';
import { child, elements, parseXml, textOf, type XmlLimits } from './xml.ts';
import { readMetadata } from './metadata.ts';
import { resolveHref, isExternalHref } from './paths.ts';
import { problem, type Problem } from './problem.ts';

export const MANIFEST_PATH = 'imsmanifest.xml';

export type ResourceKind = 'item' | 'test' | 'section' | 'stimulus' | 'responseProcessing' | 'media' | 'other';

export interface ManifestResource {
  identifier: string;
  /** The `type` attribute as written, e.g. `imsqti_item_xmlv3p0`. */
  type: string;
  kind: ResourceKind;
  /** QTI version implied by the type, when it names one. */
  qtiVersion?: '2.1' | '2.2' | '3.0';
  /** Package path of the resource's main file. */
  href?: string;
  /** Package paths of the files listed for the resource. */
  files: string[];
  /** Identifiers of resources this one depends on. */
  dependencies: string[];
  metadata: ItemMetadata;
  line: number;
  column: number;
}

export interface Manifest {
  identifier: string;
  /** Package-level metadata (LOM, Assay). */
  metadata: ItemMetadata;
  /** `schemaversion`, e.g. `3.0.0` or `2.2`. */
  schemaVersion?: string;
  resources: ManifestResource[];
}

/** Resource type -> kind and QTI version. */
export function classifyResourceType(type: string): { kind: ResourceKind; qtiVersion?: '2.1' | '2.2' | '3.0' } {
  const t = type.trim().toLowerCase();
  const m = /^imsqti_(item|test|section|stimulus|responseprocessing|assessment)_xmlv(\d)p(\d)/.exec(t);
  if (m) {
    const v = `${m[2]}.${m[3]}`;
    const qtiVersion = v === '2.1' || v === '2.2' || v === '3.0' ? v : v === '2.0' ? '2.1' : undefined;
    const kind: ResourceKind = m[1] === 'item' ? 'item' : m[1] === 'test' || m[1] === 'assessment' ? 'test' : m[1] === 'section' ? 'section' : m[1] === 'stimulus' ? 'stimulus' : 'responseProcessing';
    return { kind, qtiVersion };
  }
  if (t === 'webcontent' || t.startsWith('associatedcontent/') || t === 'controlfile/other') return { kind: 'media' };
  return { kind: 'other' };
}

/**
 * Parses the manifest text. Problems about the manifest itself (not well-formed, missing
 * identifiers, unsafe hrefs, unknown dependencies) are appended to `problems`; missing files are
 * checked by the package reader, which knows the file set.
 */
export function parseManifest(text: string, limits: XmlLimits, problems: Problem[], file = MANIFEST_PATH): Manifest | undefined {
  const parsed = parseXml(text, limits);
  if (!parsed.ok) {
    problems.push(problem(file, 'error', parsed.code, parsed.message, parsed.line, parsed.column));
    return undefined;
  }
  const root = parsed.root;
  if (root.local !== 'manifest') {
    problems.push(problem(file, 'error', 'manifest.root', `the root element is <${root.name}>, expected <manifest> (an IMS content package manifest)`, root.line, root.column));
    return undefined;
  }
  const pkgMeta = child(root, 'metadata');
  const schemaVersion = pkgMeta && child(pkgMeta, 'schemaversion') ? textOf(child(pkgMeta, 'schemaversion')!).trim() : undefined;
  const manifest: Manifest = {
    identifier: root.attrs.identifier ?? '',
    metadata: readMetadata(pkgMeta, file, problems),
    schemaVersion,
    resources: [],
  };
  if (!manifest.identifier) {
    problems.push(problem(file, 'warning', 'manifest.no-identifier', '<manifest> has no identifier attribute; one will be needed when the package is exported again', root.line, root.column));
  }
  const resourcesEl = child(root, 'resources');
  if (!resourcesEl) {
    problems.push(problem(file, 'error', 'manifest.no-resources', '<manifest> has no <resources> element, so the package lists no items', root.line, root.column));
    return manifest;
  }
  const ids = new Set<string>();
  for (const r of elements(resourcesEl, 'resource')) {
    const identifier = r.attrs.identifier ?? '';
    if (!identifier) {
      problems.push(problem(file, 'error', 'manifest.resource-no-identifier', '<resource> has no identifier attribute; give every resource a unique identifier', r.line, r.column));
    } else if (ids.has(identifier)) {
      problems.push(problem(file, 'error', 'manifest.duplicate-identifier', `resource identifier "${identifier}" is used more than once; identifiers must be unique`, r.line, r.column));
    }
    ids.add(identifier);
    const type = r.attrs.type ?? '';
    const { kind, qtiVersion } = classifyResourceType(type);
    const base = r.attrs['xml:base'] ?? '';
    const res: ManifestResource = { identifier, type, kind, qtiVersion, files: [], dependencies: [], metadata: readMetadata(child(r, 'metadata'), file, problems), line: r.line, column: r.column };
    if (r.attrs.href !== undefined && !isExternalHref(r.attrs.href)) {
      const h = resolveHref(base, r.attrs.href);
      if (h.ok) res.href = h.path;
      else problems.push(problem(file, 'error', 'manifest.href-unsafe', `resource "${identifier}" href="${r.attrs.href}" is refused: ${h.reason}`, r.line, r.column));
    }
    for (const f of elements(r, 'file')) {
      const href = f.attrs.href ?? '';
      if (isExternalHref(href)) continue;
      const h = resolveHref(base, href);
      if (h.ok) {
        if (!res.files.includes(h.path)) res.files.push(h.path);
      } else problems.push(problem(file, 'error', 'manifest.href-unsafe', `<file href="${href}"> in resource "${identifier}" is refused: ${h.reason}`, f.line, f.column));
    }
    if (res.href && !res.files.includes(res.href)) res.files.unshift(res.href);
    for (const d of elements(r, 'dependency')) {
      const ref = d.attrs.identifierref ?? '';
      if (ref) res.dependencies.push(ref);
      else problems.push(problem(file, 'error', 'manifest.dependency-no-ref', `<dependency> in resource "${identifier}" has no identifierref`, d.line, d.column));
    }
    if (kind === 'other') {
      problems.push(problem(file, 'warning', 'manifest.resource-type', `resource "${identifier}" has type "${type}", which Assay does not import (expected imsqti_item_xmlv2p1/v2p2/v3p0, imsqti_test_..., webcontent)`, r.line, r.column));
    }
    if ((kind === 'item' || kind === 'test') && !res.href) {
      problems.push(problem(file, 'error', 'manifest.resource-no-href', `${kind} resource "${identifier}" has no href naming its QTI file`, r.line, r.column));
    }
    manifest.resources.push(res);
  }
  for (const res of manifest.resources) {
    for (const dep of res.dependencies) {
      if (!ids.has(dep)) {
        problems.push(problem(file, 'error', 'manifest.unknown-dependency', `resource "${res.identifier}" depends on "${dep}", which is not a resource in this manifest`, res.line, res.column));
      }
    }
  }
  return manifest;
}
