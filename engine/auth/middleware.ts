/**
 * Session and CSRF middleware for /api/*.
 * - session: `Authorization: Bearer <token>` or the `assay_session` cookie -> c.var.auth.
 *   Nothing is rejected here; requireRoles decides (401/403).
 * - CSRF: a write (POST/PUT/PATCH/DELETE) authenticated by COOKIE must carry the session's
 *   token in `X-CSRF-Token` (bearer clients are immune: browsers never add that header by
 *   themselves). Writes without a session (the login forms) are refused when the browser says
 *   they come from another site (Origin / Sec-Fetch-Site), which stops login CSRF.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../http/context.ts';
import { Forbidden } from '../http/errors.ts';
import type { AuthService } from './service.ts';

export const SESSION_COOKIE = 'assay_session';
export const CSRF_COOKIE = 'assay_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function sessionMiddleware(auth: AuthService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let state;
    if (header && /^bearer\s+/i.test(header)) {
      state = await auth.resolve(header.replace(/^bearer\s+/i, '').trim(), 'bearer');
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) state = await auth.resolve(cookie, 'cookie');
    }
    if (state) c.set('auth', state);
    await next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function csrfMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE.has(c.req.method)) {
      const auth = c.get('auth');
      if (auth?.via === 'cookie') {
        const sent = c.req.header(CSRF_HEADER);
        if (!sent || !same(sent, auth.csrfToken)) {
          throw new Forbidden(`missing or wrong ${CSRF_HEADER} header: send the csrfToken you received at login`, undefined, 'csrf_failed');
        }
      } else if (!auth) {
        const site = c.req.header('sec-fetch-site');
        const origin = c.req.header('origin');
        const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host;
        let crossOrigin = site === 'cross-site';
        if (origin && origin !== 'null' && host) {
          try {
            crossOrigin ||= new URL(origin).host !== host;
          } catch {
            crossOrigin = true;
          }
        }
        if (crossOrigin) throw new Forbidden('cross-site request refused', undefined, 'csrf_failed');
      }
    }
    await next();
  };
}
