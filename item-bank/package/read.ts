/**
 * Reading a whole content package (zip bytes or a folder): safety checks, manifest, allowed
 * media, and every file the manifest names present. Pure: no file system, no database.
 */
import { readZip, type FileSet } from './zip.ts';
import { readFolder, type FolderSource } from './folder.ts';
import { DEFAULT_LIMITS, type PackageLimits } from './limits.ts';
import { checkMedia, DEFAULT_MEDIA, type MediaKind } from './media.ts';
import { MANIFEST_PATH, parseManifest, type Manifest } from './manifest.ts';
import { decodeUtf8 } from './xml.ts';
import { hasErrors, problem, type Problem } from './problem.ts';

export interface PackageFile {
  path: string;
  bytes: Uint8Array;
  mediaType: string;
}

export interface ContentPackage {
  manifest: Manifest;
  /** Allowed, checked files by package path (the manifest included). */
  files: Map<string, PackageFile>;
}

export interface ReadPackageResult {
  /** Absent when the package could not be read at all (unsafe zip, no manifest, ...). */
  package?: ContentPackage;
  problems: Problem[];
}

export interface ReadOptions {
  limits?: PackageLimits;
  media?: Record<string, MediaKind>;
  /** Name of the package in problems about it as a whole. */
  name?: string;
}

export type PackageInput = { zip: Uint8Array } | { folder: FolderSource } | { files: Map<string, Uint8Array> };

/** Reads a package from zip bytes, a folder source or an in-memory file map. Never throws. */
export function readPackage(input: PackageInput, options: ReadOptions = {}): ReadPackageResult {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const name = options.name ?? ('zip' in input ? 'package.zip' : '.');
  let set: FileSet;
  try {
    if ('zip' in input) set = readZip(input.zip, limits, name);
    else if ('folder' in input) set = readFolder(input.folder, limits, name);
    else set = { files: input.files, problems: [] };
    return fromFiles(set, limits, options.media ?? DEFAULT_MEDIA, name);
  } catch (e) {
    // A bug must not surface as a crash on an author's upload.
    return { problems: [problem(name, 'error', 'package.internal', `the package could not be read (${(e as Error).message})`)] };
  }
}

function fromFiles(set: FileSet, limits: PackageLimits, media: Record<string, MediaKind>, name: string): ReadPackageResult {
  const problems = [...set.problems];
  if (hasErrors(problems) && set.files.size === 0) return { problems };
  const manifestBytes = set.files.get(MANIFEST_PATH);
  if (!manifestBytes) {
    const nested = [...set.files.keys()].find((p) => p.endsWith('/' + MANIFEST_PATH));
    const hint = nested ? ` (found "${nested}": zip the folder's contents, not the folder itself)` : '';
    problems.push(problem(name, 'error', 'package.no-manifest', `the package has no imsmanifest.xml at its top level${hint}`));
    return { problems };
  }
  const text = decodeUtf8(manifestBytes);
  if (text === undefined) {
    problems.push(problem(MANIFEST_PATH, 'error', 'xml.encoding', 'imsmanifest.xml is not valid UTF-8; save it as UTF-8'));
    return { problems };
  }
  const manifest = parseManifest(text, limits, problems);
  if (!manifest) return { problems };

  const files = new Map<string, PackageFile>();
  for (const [path, bytes] of set.files) {
    const check = checkMedia(path, bytes, media);
    if (check.ok) {
      files.set(path, { path, bytes, mediaType: check.mediaType });
    } else {
      const binaryLie = check.reason.startsWith('named');
      problems.push(problem(path, binaryLie ? 'error' : 'warning', binaryLie ? 'media.content-mismatch' : 'media.not-allowed', `${check.reason}; the file is not stored`));
    }
  }
  for (const res of manifest.resources) {
    for (const f of res.files) {
      if (!files.has(f) && set.files.has(f)) continue; // already reported as not allowed
      if (!files.has(f)) {
        problems.push(problem(MANIFEST_PATH, 'error', 'package.missing-file', `resource "${res.identifier}" lists "${f}", which is not in the package; add the file or remove the reference`, res.line, res.column));
      }
    }
  }
  return { package: { manifest, files }, problems };
}
