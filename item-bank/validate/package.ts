/**
 * Validation of a whole content package, or of a single QTI file: everything the package reader
 * finds (safety, manifest, media), what the QTI parser finds (XML, declarations), and the
 * semantic checks (bindings, identifiers, missing media, broken test references). Never throws.
 */
import { parseItem, parseTest, createItemScorer } from '../index.ts';
import type { AssessmentItem, AssessmentTest, Problem as QtiProblem, QtiNode } from '../model/types.ts';
import { readPackage, type ContentPackage, type PackageInput, type ReadOptions } from '../package/read.ts';
import type { ManifestResource } from '../package/manifest.ts';
import { mergeMetadata } from '../package/metadata.ts';
import { dirOf, isExternalHref, resolveHref } from '../package/paths.ts';
import { DEFAULT_LIMITS } from '../package/limits.ts';
import { decodeUtf8 } from '../package/xml.ts';
import { problem, type Problem } from '../package/problem.ts';
import { checkItem } from './item.ts';
import { checkTest } from './test.ts';

export interface ImportedItem {
  resource?: ManifestResource;
  /** Package path of the item file. */
  path: string;
  /** The item XML as found in the package. */
  xml: string;
  item: AssessmentItem;
  /** Package paths of the media and stylesheets the item references. */
  media: string[];
}

export interface ImportedTest {
  resource?: ManifestResource;
  path: string;
  xml: string;
  test: AssessmentTest;
  /** Item reference identifier -> package path of the item. */
  itemPaths: Record<string, string>;
}

export interface ValidationResult {
  package?: ContentPackage;
  items: ImportedItem[];
  tests: ImportedTest[];
  /** Every problem, sorted by file, line and column. */
  problems: Problem[];
}

const fromQti = (file: string, ps: QtiProblem[]): Problem[] =>
  ps.map((p) => problem(p.path ?? file, p.severity, p.code, p.message, p.line ?? 0, p.column ?? 0));

/** Attributes that point at a file the item needs. */
function referencedFiles(root: QtiNode): { href: string; node: QtiNode }[] {
  const out: { href: string; node: QtiNode }[] = [];
  const stack: QtiNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    for (const c of n.children) if (typeof c !== 'string') stack.push(c);
    for (const attr of ['src', 'data', 'poster']) if (n.attrs[attr]) out.push({ href: n.attrs[attr], node: n });
    if ((n.name === 'stylesheet' || n.name.endsWith('include')) && n.attrs.href) out.push({ href: n.attrs.href, node: n });
  }
  return out;
}

/** Validates a package given as zip bytes, a folder source or a file map. */
export function validatePackage(input: PackageInput, options: ReadOptions = {}): ValidationResult {
  try {
    return validate(input, options);
  } catch (e) {
    return { items: [], tests: [], problems: [problem(options.name ?? 'package', 'error', 'validate.internal', `validation stopped unexpectedly (${(e as Error).message}); please report this package to the Assay maintainers`)] };
  }
}

function validate(input: PackageInput, options: ReadOptions): ValidationResult {
  const read = readPackage(input, options);
  const problems = [...read.problems];
  const result: ValidationResult = { package: read.package, items: [], tests: [], problems };
  const pkg = read.package;
  if (!pkg) return finish(result);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const xmlOpts = { maxBytes: limits.maxXmlBytes, maxDepth: limits.maxXmlDepth };
  const textOf = (path: string): string | undefined => {
    const f = pkg.files.get(path);
    if (!f) return undefined;
    const t = decodeUtf8(f.bytes);
    if (t === undefined) problems.push(problem(path, 'error', 'xml.encoding', 'the file is not valid UTF-8; save it as UTF-8'));
    return t;
  };
  const byId = new Map(pkg.manifest.resources.map((r) => [r.identifier, r]));
  const itemsByPath = new Map<string, ImportedItem>();
  const itemIds = new Map<string, string>();

  for (const res of pkg.manifest.resources) {
    if (res.kind !== 'item' || !res.href) continue;
    const xml = textOf(res.href);
    if (xml === undefined) continue;
    const parsed = parseItem(xml, { ...xmlOpts, path: res.href });
    problems.push(...fromQti(res.href, parsed.problems));
    if (!parsed.item) continue;
    const item = parsed.item;
    item.metadata = mergeMetadata(item.metadata, res.metadata);
    const semantic = [...parsed.problems, ...checkItem(item)];
    problems.push(...fromQti(res.href, semantic.slice(parsed.problems.length)));
    problems.push(...compileCheck(item, res.href, semantic));
    if (res.qtiVersion && res.qtiVersion.split('.')[0] !== item.qtiVersion.split('.')[0]) {
      problems.push(problem('imsmanifest.xml', 'warning', 'manifest.version-mismatch', `resource "${res.identifier}" is typed as QTI ${res.qtiVersion} but ${res.href} is QTI ${item.qtiVersion}`, res.line, res.column));
    }
    const prev = itemIds.get(item.identifier);
    if (prev) problems.push(problem(res.href, 'error', 'package.duplicate-item', `item identifier "${item.identifier}" is also used by ${prev}; items in one package must have different identifiers`, item.source.line ?? 0, item.source.column ?? 0));
    itemIds.set(item.identifier, res.href);
    // Files the resource may use: its own and those of its dependencies.
    const listed = new Set([...res.files, ...res.dependencies.flatMap((d) => byId.get(d)?.files ?? [])]);
    const media: string[] = [];
    for (const ref of referencedFiles(item.source)) {
      const at = { line: ref.node.line ?? 0, column: ref.node.column ?? 0 };
      if (isExternalHref(ref.href)) {
        if (!/^data:/i.test(ref.href)) problems.push(problem(res.href, 'warning', 'media.external', `"${ref.href}" is outside the package: candidates may be offline or blocked from it during the exam; put the file in the package`, at.line, at.column));
        continue;
      }
      const r = resolveHref(dirOf(res.href), ref.href);
      if (!r.ok) {
        problems.push(problem(res.href, 'error', 'media.href-unsafe', `reference "${ref.href}" is refused: ${r.reason}`, at.line, at.column));
        continue;
      }
      if (!pkg.files.has(r.path)) {
        problems.push(problem(res.href, 'error', 'media.missing', `<${ref.node.name}> references "${ref.href}" (${r.path} in the package), which is not in the package; add the file or fix the path`, at.line, at.column));
        continue;
      }
      if (!listed.has(r.path)) problems.push(problem(res.href, 'warning', 'manifest.unlisted-file', `"${r.path}" is used by the item but not listed in resource "${res.identifier}" or its dependencies in imsmanifest.xml`, at.line, at.column));
      if (!media.includes(r.path)) media.push(r.path);
    }
    const imported: ImportedItem = { resource: res, path: res.href, xml, item, media };
    result.items.push(imported);
    itemsByPath.set(res.href, imported);
  }

  for (const res of pkg.manifest.resources) {
    if (res.kind !== 'test' || !res.href) continue;
    const xml = textOf(res.href);
    if (xml === undefined) continue;
    const parsed = parseTest(xml, { ...xmlOpts, path: res.href });
    problems.push(...fromQti(res.href, parsed.problems));
    if (!parsed.test) continue;
    const test = parsed.test;
    test.metadata = mergeMetadata(test.metadata, res.metadata);
    const itemPaths: Record<string, string> = {};
    problems.push(...fromQti(res.href, checkTest(test, (href, ref) => {
      const r = resolveHref(dirOf(res.href!), href);
      if (!r.ok) return { missing: `which is refused: ${r.reason}` };
      const it = itemsByPath.get(r.path);
      if (it) {
        itemPaths[ref.identifier] = r.path;
        return { item: it.item };
      }
      if (pkg.files.has(r.path)) return { missing: `(${r.path}), which is not an item resource in imsmanifest.xml or could not be read` };
      return { missing: `(${r.path} in the package), which is not in the package` };
    })));
    result.tests.push({ resource: res, path: res.href, xml, test, itemPaths });
  }
  return finish(result);
}

/**
 * Compiles the item's processing with the scorer, when the semantic checks found no error, so
 * anything the scorer cannot run is reported now rather than on exam day.
 */
function compileCheck(item: AssessmentItem, file: string, semantic: QtiProblem[]): Problem[] {
  if (semantic.some((p) => p.severity === 'error')) return [];
  try {
    createItemScorer(item);
    return [];
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'internal';
    return [problem(file, 'error', `processing.${code}`, `the item's processing cannot be run: ${(e as Error).message}`, item.source.line ?? 0, item.source.column ?? 0)];
  }
}

function finish(r: ValidationResult): ValidationResult {
  r.problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  return r;
}

/**
 * Validates one QTI file on its own (an item or a test, detected from its root element).
 * Media and item references are checked when `files` (the surrounding folder) is given.
 */
export function validateFile(name: string, bytes: Uint8Array, options: ReadOptions = {}): ValidationResult {
  try {
    const text = decodeUtf8(bytes);
    if (text === undefined) return { items: [], tests: [], problems: [problem(name, 'error', 'xml.encoding', 'the file is not valid UTF-8; save it as UTF-8')] };
    const limits = options.limits ?? DEFAULT_LIMITS;
    const xmlOpts = { maxBytes: limits.maxXmlBytes, maxDepth: limits.maxXmlDepth, path: name };
    const problems: Problem[] = [];
    const result: ValidationResult = { items: [], tests: [], problems };
    if (/<(?:[\w-]+:)?(?:qti-)?assessment-?test[\s>]/i.test(text.slice(0, 4096))) {
      const parsed = parseTest(text, xmlOpts);
      problems.push(...fromQti(name, parsed.problems));
      if (parsed.test) {
        problems.push(...fromQti(name, checkTest(parsed.test)));
        result.tests.push({ path: name, xml: text, test: parsed.test, itemPaths: {} });
      }
    } else {
      const parsed = parseItem(text, xmlOpts);
      problems.push(...fromQti(name, parsed.problems));
      if (parsed.item) {
        const semantic = checkItem(parsed.item);
        problems.push(...fromQti(name, semantic));
        problems.push(...compileCheck(parsed.item, name, [...parsed.problems, ...semantic]));
        result.items.push({ path: name, xml: text, item: parsed.item, media: [] });
      }
    }
    return finish(result);
  } catch (e) {
    return { items: [], tests: [], problems: [problem(name, 'error', 'validate.internal', `validation stopped unexpectedly (${(e as Error).message}); please report this file to the Assay maintainers`)] };
  }
}
