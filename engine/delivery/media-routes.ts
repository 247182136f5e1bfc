/**
 * Candidate media: GET /api/delivery/session/items/{itemId}/media?src=<as written in the item>
 * serves a package file (picture, audio, video) of the item bank ONLY when an item of the
 * caller's own session references it: `src` is resolved against the item's path in its package
 * and must equal one of the item's own media references (img/audio/video/source/object). Anything
 * else (other items, other banks, `..` escapes, unknown files) is a 404 JSON error, so a
 * candidate cannot probe the bank.
 */
import { z } from '@hono/zod-openapi';
import { dirOf, isExternalHref, resolveHref } from '../../item-bank/package/paths.ts';
import { walk, type AssessmentItem } from '../../item-bank/index.ts';
import type { RouteModule } from '../http/deps.ts';
import { AppError } from '../http/errors.ts';
import { defineRoute } from '../http/route.ts';
import { ownItem } from './candidate-item.ts';
import { deliveryRuntime } from './runtime.ts';

const EXT_TYPES: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp',
  mp3: 'audio/mpeg', wav: 'audio/wav', ogg: 'audio/ogg', oga: 'audio/ogg', m4a: 'audio/mp4', mp4: 'video/mp4', webm: 'video/webm', vtt: 'text/vtt',
};

/** A media reference is package-relative: no scheme, not protocol-relative, not absolute, not a fragment. */
export function isPackageRelative(src: string): boolean {
  return src.length > 0 && !isExternalHref(src) && !/^[/#]/.test(src);
}

/**
 * The package path of `src` as referenced from an item at `itemPath` (both package-relative),
 * resolved exactly as the package importer resolves it; undefined when it leaves the package
 * or is not a relative reference.
 */
export function resolveMediaPath(itemPath: string, src: string): string | undefined {
  if (!isPackageRelative(src.trim()) || /[\u0000-\u001f\u007f]/.test(src)) return undefined;
  const r = resolveHref(dirOf(itemPath), src);
  return r.ok ? r.path : undefined;
}

/**
 * Every package-relative file reference of an item, as written: the same attributes the package
 * validator collects (src, data, poster on any element; stylesheet href), anywhere in the item.
 */
export function mediaReferences(item: AssessmentItem): Set<string> {
  const out = new Set<string>();
  walk(item.source, (n) => {
    for (const attr of ['src', 'data', 'poster']) {
      const v = n.attrs[attr];
      if (v && isPackageRelative(v)) out.add(v);
    }
    if ((n.name === 'stylesheet' || n.name.endsWith('include')) && n.attrs.href && isPackageRelative(n.attrs.href)) out.add(n.attrs.href);
    return true;
  });
  return out;
}

/**
 * One `bytes=` range of a Range header as [first, last] (inclusive), null to send the whole file
 * (no header, several ranges, or a form we do not serve), 'unsatisfiable' when it starts past the end.
 */
export function byteRange(header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Math.min(Number(m[2]), size);
    return n === 0 ? 'unsatisfiable' : [size - n, size - 1];
  }
  const first = Number(m[1]);
  if (first >= size) return 'unsatisfiable';
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return last < first ? null : [first, last];
}

const notFound = (src: string) => new AppError(404, 'media_not_found', `no media '${src}' is referenced by this item of your exam`);

const getMedia = defineRoute(['candidate'], {
  method: 'get', path: '/api/delivery/session/items/{itemId}/media', tags: ['delivery'],
  summary: 'A media file (picture, audio, video) referenced by an item of your own session',
  request: {
    params: z.object({ itemId: z.string().min(1).max(200) }),
    query: z.object({ src: z.string().min(1).max(1000).openapi({ description: "The reference as written in the item (e.g. 'images/map.png')" }) }),
  },
  responses: {
    206: { description: 'A byte range of the file (Range header)', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    200: { description: 'The file, with its Content-Type', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
    404: { description: 'media_not_found: not referenced by this item of your session', content: { 'application/json': { schema: z.unknown() } } },
  },
});

export const deliveryMediaRoutes: RouteModule = (app, deps) => {
  const svc = deliveryRuntime(deps).service;
  // Item path in its package and the set of resolved references, per item version (immutable).
  const refsByVersion = new Map<string, Set<string>>();

  app.openapi(getMedia, async (c) => {
    const { itemId } = c.req.valid('param');
    const { src } = c.req.valid('query');
    const own = await ownItem(c, svc, itemId).catch((e: unknown) => {
      // Whatever the reason (not in the session, not visible yet), a media probe learns nothing.
      if (e instanceof AppError && e.status < 500) throw notFound(src);
      throw e;
    });
    const { loaded, planned, event } = own;
    const testRow = event.testId ? await deps.store.tests.get(event.testId) : undefined;
    if (!testRow?.bankId) throw notFound(src);
    const version = await deps.store.itemBanks.getVersion(loaded.versionId);
    const md = (version?.metadata ?? {}) as { packagePath?: string };
    const testModel = (testRow.model ?? {}) as { path?: string; itemPaths?: Record<string, string> };
    // The item's own package path when imported; else where the test's href puts it.
    const itemPath = md.packagePath ?? testModel.itemPaths?.[planned.identifier] ?? (resolveMediaPath(testModel.path ?? 'test.xml', planned.href) ?? planned.href);
    const cacheKey = `${loaded.versionId}|${itemPath}`;
    let allowed = refsByVersion.get(cacheKey);
    if (!allowed) {
      allowed = new Set([...mediaReferences(loaded.item)].map((r) => resolveMediaPath(itemPath, r)).filter((p): p is string => !!p));
      if (refsByVersion.size > 10_000) refsByVersion.clear();
      refsByVersion.set(cacheKey, allowed);
    }
    const path = resolveMediaPath(itemPath, src);
    if (!path || !allowed.has(path)) throw notFound(src);
    const row = await deps.store.itemBanks.getMedia(testRow.bankId, path);
    if (!row) throw notFound(src);
    const ext = path.replace(/^.*\./, '').toLowerCase();
    const type = row.mime && row.mime !== 'application/octet-stream' ? row.mime : (EXT_TYPES[ext] ?? 'application/octet-stream');
    const all = new Uint8Array(row.bytes as Uint8Array);
    // Byte ranges: browsers seek in (and read the duration of) longer audio and video this way.
    const range = byteRange(c.req.header('range'), all.byteLength);
    if (range === 'unsatisfiable') {
      return c.json({ error: { code: 'range_not_satisfiable', message: `range '${c.req.header('range')}' is outside the file (${all.byteLength} bytes)` } }, 416, { 'Content-Range': `bytes */${all.byteLength}` }) as never;
    }
    const bytes = range ? all.subarray(range[0], range[1] + 1) : all;
    return c.body(bytes as never, range ? 206 : 200, {
      ...(range ? { 'Content-Range': `bytes ${range[0]}-${range[1]}/${all.byteLength}` } : {}),
      'Accept-Ranges': 'bytes',
      'Content-Type': type,
      'Content-Length': String(bytes.byteLength),
      // Per candidate (cookie-bound): never in a shared cache.
      'Cache-Control': 'private, max-age=3600',
      // An SVG opened directly must not run scripts in the app's origin.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'Content-Disposition': 'inline',
    }) as never;
  });
};
