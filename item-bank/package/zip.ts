/**
 * Reading a zip package safely: the central directory is inspected first (sizes, counts,
 * ratios, paths) and nothing is decompressed unless every check passes.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { checkEntryPath } from './paths.ts';
import type { PackageLimits } from './limits.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { problem, type Problem } from './problem.ts';

export interface FileSet {
  /** Normalised package path -> bytes. */
  files: Map<string, Uint8Array>;
  problems: Problem[];
}

interface Entry extends UnzipFileInfo {
  path?: string;
}

const fmt = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`);

/** True when the bytes start like a zip archive (local header or empty-archive end record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/**
 * Unpacks a zip into memory after checking it against the limits. Any safety problem (path
 * escaping the package, too many files, too large, compression ratio of a zip bomb) refuses the
 * whole package: `files` is then empty. Never throws.
 * @param name how the package is called in problems (its file name)
 */
export function readZip(bytes: Uint8Array, limits: PackageLimits = DEFAULT_LIMITS, name = 'package.zip'): FileSet {
  const problems: Problem[] = [];
  const refuse = (code: string, message: string): FileSet => {
    problems.push(problem(name, 'error', code, message));
    return { files: new Map(), problems };
  };
  if (bytes.length > limits.maxPackageBytes) {
    return refuse('zip.too-large', `the package is ${fmt(bytes.length)}, more than the limit of ${fmt(limits.maxPackageBytes)}; split it into smaller packages`);
  }
  if (!looksLikeZip(bytes)) return refuse('zip.not-zip', 'this is not a zip archive (it does not start with the zip signature PK)');

  // Pass 1: the central directory only; the filter sees each entry before any inflation.
  const entries: Entry[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries.push({ ...f });
        if (entries.length > limits.maxFiles) throw new TooMany();
        return false;
      },
    });
  } catch (e) {
    if (e instanceof TooMany) return refuse('zip.too-many-files', `the package has more than ${limits.maxFiles} entries; split it into smaller packages`);
    return refuse('zip.unreadable', `the zip archive is damaged and cannot be read (${(e as Error).message})`);
  }

  let total = 0;
  const seen = new Set<string>();
  let fatal = false;
  for (const e of entries) {
    if (e.name.endsWith('/') && e.originalSize === 0) continue; // folder entry
    const check = checkEntryPath(e.name, limits.maxPathLength);
    if (!check.ok) {
      problems.push(problem(e.name, 'error', 'zip.path-unsafe', `zip entry "${e.name}" is refused: ${check.reason}; the whole package is refused because such entries could overwrite files outside it`));
      fatal = true;
      continue;
    }
    e.path = check.path;
    const key = check.path.toLowerCase();
    if (seen.has(key)) {
      problems.push(problem(check.path, 'error', 'zip.duplicate-entry', `the package contains "${check.path}" more than once (names differing only in case count as the same); keep one`));
      fatal = true;
    }
    seen.add(key);
    if (e.compression !== 0 && e.compression !== 8) {
      problems.push(problem(check.path, 'error', 'zip.compression', `zip entry uses compression method ${e.compression}; only stored (0) and deflate (8) are supported — re-create the zip with a standard tool`));
      fatal = true;
    }
    if (e.originalSize > limits.maxFileBytes) {
      problems.push(problem(check.path, 'error', 'zip.file-too-large', `file is ${fmt(e.originalSize)} uncompressed, more than the per-file limit of ${fmt(limits.maxFileBytes)}`));
      fatal = true;
    }
    if (e.compression === 8 && e.originalSize >= limits.ratioCheckMinBytes && e.originalSize > limits.maxCompressionRatio * Math.max(e.size, 1)) {
      problems.push(problem(check.path, 'error', 'zip.bomb-ratio', `file expands ${Math.round(e.originalSize / Math.max(e.size, 1))} times (${fmt(e.size)} -> ${fmt(e.originalSize)}), more than the allowed ratio ${limits.maxCompressionRatio}; this looks like a zip bomb and the package is refused`));
      fatal = true;
    }
    total += e.originalSize;
  }
  if (total > limits.maxTotalUncompressedBytes) {
    problems.push(problem(name, 'error', 'zip.total-too-large', `the package unpacks to ${fmt(total)}, more than the limit of ${fmt(limits.maxTotalUncompressedBytes)}`));
    fatal = true;
  }
  if (fatal) return { files: new Map(), problems };

  // Pass 2: inflate. fflate writes into a buffer of the declared size, so an entry that lies
  // about its size cannot grow beyond what was checked above.
  const wanted = new Map(entries.filter((e) => e.path).map((e) => [e.name, e]));
  let current = '';
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(bytes, {
      filter: (f) => {
        current = f.name;
        return wanted.has(f.name);
      },
    });
  } catch (e) {
    return refuse('zip.corrupt-entry', `zip entry "${current}" cannot be decompressed (${(e as Error).message}); re-create the package`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [n, data] of Object.entries(raw)) {
    const e = wanted.get(n);
    if (e?.path) files.set(e.path, data);
  }
  return { files, problems };
}

class TooMany extends Error {}
