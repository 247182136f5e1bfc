/**
 * Role checks. Every route declares its roles (see engine/http/route.ts); `requireRoles`
 * turns that declaration into a middleware: no session -> 401, role not listed -> 403.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, AuthState } from '../http/context.ts';
import { Forbidden, Unauthorized } from '../http/errors.ts';
import type { CandidatePrincipal, Principal, Role, StaffPrincipal } from './principal.ts';

/** Who may call a route: listed roles, any logged-in principal, or everyone. */
export type RouteRoles = readonly Role[] | 'authenticated' | 'public';

/** A route's role rule for one request: no session -> 401, role not listed -> 403. */
export function checkRoles(roles: RouteRoles, auth: AuthState | undefined, method: string, routePath: string): void {
  if (roles === 'public') return;
  if (!auth) throw new Unauthorized();
  if (roles !== 'authenticated' && !roles.includes(auth.principal.role)) {
    throw new Forbidden(`role '${auth.principal.role}' may not ${method} ${routePath}; allowed: ${roles.join(', ')}`, {
      role: auth.principal.role,
      allowed: roles,
    });
  }
}

/** Middleware enforcing a route's roles. */
export function requireRoles(roles: RouteRoles): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkRoles(roles, c.get('auth'), c.req.method, c.req.routePath);
    await next();
  };
}

/** The caller's principal; throws 401 when the route was reached without a session. */
export function principalOf(c: Context<AppEnv>): Principal {
  const auth = c.get('auth');
  if (!auth) throw new Unauthorized();
  return auth.principal;
}

/** The caller as staff; 403 for candidates. */
export function staffOf(c: Context<AppEnv>): StaffPrincipal {
  const p = principalOf(c);
  if (p.kind !== 'staff') throw new Forbidden('staff only');
  return p;
}

/** The caller as candidate; 403 for staff. */
export function candidateOf(c: Context<AppEnv>): CandidatePrincipal {
  return asCandidate(principalOf(c));
}

/** A principal as candidate; 403 for staff. */
export function asCandidate(p: Principal): CandidatePrincipal {
  if (p.kind !== 'candidate') throw new Forbidden('candidates only');
  return p;
}

/**
 * A candidate may only ever reach their own exam session. Staff pass (their route roles and
 * school scope decide). Throws 403 `not_your_session` otherwise.
 */
export function assertOwnSession(principal: Principal, session: { candidateId: string; eventId?: string }): void {
  if (principal.kind === 'staff') return;
  if (session.candidateId !== principal.candidateId || (session.eventId !== undefined && session.eventId !== principal.eventId)) {
    throw new Forbidden('this exam session belongs to another candidate', undefined, 'not_your_session');
  }
}

/**
 * Staff scoped to schools (counsellor, proctor) may only see those schools; admin and author
 * see all. Throws 403 `outside_school_scope`.
 */
export function assertSchoolScope(principal: Principal, schoolId: string | null | undefined): void {
  if (principal.kind === 'staff' && (principal.role === 'admin' || principal.role === 'author')) return;
  if (!schoolId || !principal.schoolIds.includes(schoolId)) {
    throw new Forbidden('this record belongs to a school outside your scope', undefined, 'outside_school_scope');
  }
}
