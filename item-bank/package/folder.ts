/**
 * Reading a package that is a folder (unpacked), through functions the caller supplies, so this
 * module stays free of file-system access. The same limits as for zips apply.
 */
import { checkEntryPath } from './paths.ts';
import { DEFAULT_LIMITS, type PackageLimits } from './limits.ts';
import { problem, type Problem } from './problem.ts';
import type { FileSet } from './zip.ts';

export interface FolderSource {
  /** Every regular file under the folder, as a path relative to it with `/` separators. */
  list(): { path: string; size: number }[];
  /** The bytes of one listed file. */
  read(path: string): Uint8Array;
}

/** Reads a folder package after checking paths, counts and sizes. Never throws. */
export function readFolder(source: FolderSource, limits: PackageLimits = DEFAULT_LIMITS, name = '.'): FileSet {
  const problems: Problem[] = [];
  let listed: { path: string; size: number }[];
  try {
    listed = source.list();
  } catch (e) {
    problems.push(problem(name, 'error', 'folder.unreadable', `the folder cannot be listed (${(e as Error).message})`));
    return { files: new Map(), problems };
  }
  if (listed.length > limits.maxFiles) {
    problems.push(problem(name, 'error', 'zip.too-many-files', `the folder has ${listed.length} files, more than the limit of ${limits.maxFiles}`));
    return { files: new Map(), problems };
  }
  let total = 0;
  const ok: string[] = [];
  for (const f of listed) {
    const check = checkEntryPath(f.path, limits.maxPathLength);
    if (!check.ok) {
      problems.push(problem(f.path, 'error', 'zip.path-unsafe', `file "${f.path}" is refused: ${check.reason}`));
      continue;
    }
    if (f.size > limits.maxFileBytes) {
      problems.push(problem(check.path, 'error', 'zip.file-too-large', `file is ${f.size} bytes, more than the per-file limit of ${limits.maxFileBytes}`));
      continue;
    }
    total += f.size;
    ok.push(check.path);
  }
  if (total > limits.maxTotalUncompressedBytes) {
    problems.push(problem(name, 'error', 'zip.total-too-large', `the folder holds ${total} bytes, more than the limit of ${limits.maxTotalUncompressedBytes}`));
    return { files: new Map(), problems };
  }
  const files = new Map<string, Uint8Array>();
  for (const p of ok) {
    try {
      files.set(p, source.read(p));
    } catch (e) {
      problems.push(problem(p, 'error', 'folder.unreadable', `file cannot be read (${(e as Error).message})`));
    }
  }
  return { files, problems };
}
