/**
 * Reading a QTI input from disk for the CLI: a zip package, a folder (with or without
 * imsmanifest.xml) or a single XML file. Symbolic links are not followed, so a folder cannot
 * smuggle in files from elsewhere.
 */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { PackageInput, FolderSource } from '../../item-bank/package/index.ts';
import { looksLikeZip, withGeneratedManifest, DEFAULT_LIMITS } from '../../item-bank/package/index.ts';

export interface DiskInput {
  input: PackageInput;
  /** How problems' file names are prefixed for display. */
  displayPrefix: string;
  /** A default bank code derived from the path. */
  defaultBank: string;
}

/** A folder as a FolderSource: regular files only, dot-files and __MACOSX skipped. */
export function folderSource(dir: string): FolderSource {
  return {
    list() {
      const out: { path: string; size: number }[] = [];
      const visit = (d: string) => {
        for (const name of readdirSync(d).sort()) {
          if (name.startsWith('.') || name === '__MACOSX') continue;
          const p = join(d, name);
          const st = lstatSync(p);
          if (st.isSymbolicLink()) continue;
          if (st.isDirectory()) visit(p);
          else if (st.isFile()) out.push({ path: relative(dir, p).split(sep).join('/'), size: st.size });
          if (out.length > DEFAULT_LIMITS.maxFiles) return;
        }
      };
      visit(dir);
      return out;
    },
    read: (path) => new Uint8Array(readFileSync(join(dir, ...path.split('/')))),
  };
}

function bankFrom(path: string): string {
  const b = basename(path).replace(/\.(zip|xml)$/i, '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return b.slice(0, 63) || 'default';
}

/** Reads PATH; throws an Error with a one-line message when it cannot be read at all. */
export function readDiskInput(path: string): DiskInput {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`cannot read '${path}': no such file or folder`);
  }
  if (st.isDirectory()) {
    const src = folderSource(path);
    let hasManifest = false;
    try {
      hasManifest = statSync(join(path, 'imsmanifest.xml')).isFile();
    } catch {
      hasManifest = false;
    }
    if (hasManifest) return { input: { folder: src }, displayPrefix: path.replace(/\/+$/, '') + '/', defaultBank: bankFrom(path) };
    const files = new Map<string, Uint8Array>();
    for (const f of src.list()) files.set(f.path, src.read(f.path));
    return { input: { files: withGeneratedManifest(files, bankFrom(path)) }, displayPrefix: path.replace(/\/+$/, '') + '/', defaultBank: bankFrom(path) };
  }
  if (st.size > DEFAULT_LIMITS.maxPackageBytes) throw new Error(`'${path}' is ${st.size} bytes, more than the package limit of ${DEFAULT_LIMITS.maxPackageBytes}`);
  const bytes = new Uint8Array(readFileSync(path));
  if (looksLikeZip(bytes)) return { input: { zip: bytes }, displayPrefix: path + '/', defaultBank: bankFrom(path) };
  const name = basename(path);
  const dir = path.slice(0, path.length - name.length);
  return { input: { files: withGeneratedManifest(new Map([[name, bytes]]), bankFrom(path)) }, displayPrefix: dir, defaultBank: bankFrom(path) };
}
