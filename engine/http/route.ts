/**
 * `defineRoute`: createRoute from @hono/zod-openapi plus the roles the route allows.
 * The roles become a `requireRoles` middleware AND the `x-assay-roles` field of the operation
 * in /openapi.json, so the route-role matrix is visible to clients and checked by tests
 * (tests/http: every /api operation must declare roles).
 */
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRoles, type RouteRoles } from '../auth/guard.ts';
import { errorResponses } from './schemas.ts';

/** The roles each defineRoute declaration allows (read by the fast path, engine/http/fast-path.ts). */
const declaredRoles = new WeakMap<object, RouteRoles>();
export const rolesOf = (route: object): RouteRoles | undefined => declaredRoles.get(route);

export function defineRoute<R extends Omit<RouteConfig, 'middleware'> & { middleware?: MiddlewareHandler[] }>(roles: RouteRoles, config: R) {
  const guard = requireRoles(roles);
  const route = createRoute({
    ...config,
    middleware: [guard, ...(config.middleware ?? [])] as MiddlewareHandler[],
    security: roles === 'public' ? [] : [{ session: [] }, { bearer: [] }],
    'x-assay-roles': roles === 'public' ? ['public'] : roles === 'authenticated' ? ['authenticated'] : [...roles],
    responses: { ...errorResponses, ...config.responses },
  } as R & { middleware: MiddlewareHandler[] });
  declaredRoles.set(route, roles);
  return route;
}
