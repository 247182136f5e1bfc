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
import { parse as parseCookie } from 'hono/utils/cookie';
import type { AppEnv, AuthState } from '../http/context.ts';
import { Forbidden } from '../http/errors.ts';
import type { AuthService } from './service.ts';

export const SESSION_COOKIE = 'assay_session';
export const CSRF_COOKIE = 'assay_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * The session of a request from its Authorization and Cookie headers (undefined = none).
 * Shared by the hono middleware below and the answer fast path (engine/http/fast-path.ts).
 */
export function authenticate(auth: AuthService, authorization: string | undefined, cookieHeader: string | undefined): AuthState | undefined | Promise<AuthState | undefined> {
  if (authorization && BEARER.test(authorization)) return auth.resolve(authorization.replace(BEARER, '').trim(), 'bearer');
  const cookie = cookieHeader ? parseCookie(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
  return cookie ? auth.resolve(cookie, 'cookie') : undefined;
}
const BEARER = /^bearer\s+/i;

export function sessionMiddleware(auth: AuthService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const state = await authenticate(auth, c.req.header('authorization'), c.req.header('cookie'));
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

/**
 * The CSRF rule for one request (throws 403 csrf_failed). `header` reads a request header by
 * lower-case name; `urlHost` is the host of the request URL (used when no Host header came).
 */
export function checkCsrf(method: string, auth: AuthState | undefined, header: (name: string) => string | undefined, urlHost: () => string): void {
  if (SAFE.has(method)) return;
  if (auth?.via === 'cookie') {
    const sent = header('x-csrf-token');
    if (!sent || !same(sent, auth.csrfToken)) {
      throw new Forbidden(`missing or wrong ${CSRF_HEADER} header: send the csrfToken you received at login`, undefined, 'csrf_failed');
    }
  } else if (!auth) {
    const site = header('sec-fetch-site');
    const origin = header('origin');
    const host = header('x-forwarded-host') ?? header('host') ?? urlHost();
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

export function csrfMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkCsrf(c.req.method, c.get('auth'), (name) => c.req.header(name), () => new URL(c.req.url).host);
    await next();
  };
}
