/**
 * Paths inside a package. Entry names from a zip and hrefs from a manifest or item are
 * untrusted: anything that could land outside the package folder (`../`, absolute paths,
 * drive letters, backslashes that Windows treats as separators, NUL) is refused.
 */
export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks a zip entry name or listed file path and returns its normal form (`a/b.png`). */
export function checkEntryPath(name: string, maxLength = 512): PathCheck {
  if (name.length === 0) return { ok: false, reason: 'empty path' };
  if (name.length > maxLength) return { ok: false, reason: `path longer than ${maxLength} characters` };
  if (CONTROL.test(name)) return { ok: false, reason: 'path contains a control character' };
  if (name.includes('\\')) return { ok: false, reason: 'path contains a backslash (use / between folders)' };
  if (name.startsWith('/')) return { ok: false, reason: 'absolute path (starts with /)' };
  if (/^[A-Za-z]:/.test(name)) return { ok: false, reason: 'absolute path (drive letter)' };
  const out: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') return { ok: false, reason: 'path climbs out of the package (..)' };
    out.push(seg);
  }
  if (out.length === 0) return { ok: false, reason: 'path names no file' };
  return { ok: true, path: out.join('/') };
}

/** True for a URI with a scheme (http:, data:, ...) or a protocol-relative one: not a package file. */
export function isExternalHref(href: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(href) || href.startsWith('//');
}

/** Folder part of a package path (`items/q1.xml` -> `items/`, `q1.xml` -> ``). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

/**
 * Resolves a relative href (from a manifest or an item) against the folder of the file that
 * contains it. Fragment and query are dropped and %-escapes decoded. `..` is allowed while it
 * stays inside the package; an href that climbs out is refused.
 */
export function resolveHref(baseDir: string, href: string): PathCheck {
  let h = href.trim();
  const cut = h.search(/[?#]/);
  if (cut >= 0) h = h.slice(0, cut);
  if (h === '') return { ok: false, reason: 'empty reference' };
  if (isExternalHref(h)) return { ok: false, reason: 'external reference' };
  try {
    h = decodeURIComponent(h);
  } catch {
    return { ok: false, reason: `malformed %-escape in "${href}"` };
  }
  if (h.includes('\\')) return { ok: false, reason: 'reference contains a backslash (use /)' };
  if (h.startsWith('/')) return { ok: false, reason: 'absolute reference (starts with /)' };
  const out: string[] = [];
  for (const seg of (baseDir + h).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return { ok: false, reason: 'reference climbs out of the package (..)' };
      out.pop();
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0) return { ok: false, reason: 'reference names no file' };
  return { ok: true, path: out.join('/') };
}

/** Relative href from the folder `fromDir` to package path `to` (for export). */
export function relativeHref(fromDir: string, to: string): string {
  const a = fromDir.split('/').filter(Boolean);
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  return [...up, ...b.slice(i)].map((s) => (s === '..' ? s : encodeURIComponent(s))).join('/');
}
