/**
 * The answer fast path: the hottest candidate routes (one answer, heartbeat) served straight
 * from node:http, in front of hono. Why: on the 2-core reference machine a bare hono app on
 * @hono/node-server answers about 10,800 trivial JSON POSTs/s and a bare node:http handler
 * about 36,000/s (docs/delivery.md, "Answer path"), so the answer goal (10,000 durable
 * answers/s plus heartbeats, with real work per answer) cannot be met inside hono at all.
 *
 * WHAT IT MUST KEEP IN STEP WITH (docs/architecture.md): a fast route is registered from the
 * SAME `defineRoute` declaration as its hono route (path, method, roles, body schema) and runs
 * the SAME handler; every rule is the same function the hono middleware calls:
 *   request id, security headers, body limit, error shape -> engine/http/rules.ts
 *   metrics -> Metrics.record; session -> authenticate, CSRF -> checkCsrf (engine/auth/middleware.ts);
 *   roles -> checkRoles (engine/auth/guard.ts); validation -> the route's zod schema + validationFailed.
 * Anything it does not handle exactly (another method or path, a query string, a body that is
 * not declared JSON) goes to hono untouched. The hono route stays registered: it documents the
 * operation in /openapi.json and serves `app.request` (in-process callers).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from '@hono/zod-openapi';
import type { Logger } from '../logger.ts';
import type { AuthService } from '../auth/service.ts';
import { authenticate, checkCsrf } from '../auth/middleware.ts';
import { checkRoles, type RouteRoles } from '../auth/guard.ts';
import type { AuthState } from './context.ts';
import type { Metrics } from './metrics.ts';
import { TooLarge } from './errors.ts';
import { REQUEST_ID_HEADER, SECURITY_HEADERS, bodyLimitOf, errorReply, isJsonContentType, lazyRequestLog, logRequest, malformedJson, requestIds, validationFailed } from './rules.ts';
import { rolesOf } from './route.ts';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

interface FastRoute {
  path: string;
  roles: RouteRoles;
  schema: z.ZodType;
  plain?: (body: unknown) => boolean;
  handle: (auth: AuthState, body: never) => Promise<unknown>;
}

/** A route declared with defineRoute whose body is JSON. */
interface DeclaredRoute {
  method: string;
  path: string;
  request?: { body?: { content?: Record<string, { schema?: unknown }> } };
}

export interface FastPathDeps {
  auth: AuthService;
  metrics: Metrics;
  logger: Logger;
  config: { bodyLimit: number; uploadLimit: number };
}

export class FastPath {
  /** The request id generator of the WHOLE app (hono's middleware uses it too: one counter). */
  readonly requestId = requestIds();
  private readonly routes = new Map<string, FastRoute>();
  /** Requests this path served (tests check that the fast path really answered). */
  served = 0;

  /**
   * Serves a POST route declared with defineRoute (and registered on hono as usual) here too,
   * with the same handler. `handle` gets the checked session and the validated body.
   * `plain` (optional) is a cheap check that the body is already exactly what the schema would
   * return (every field valid, no unknown keys): then zod is skipped. It may say false for any
   * body; zod then decides, so error messages are zod's (naming the field) either way.
   */
  add<R extends DeclaredRoute>(
    route: R,
    handle: (auth: AuthState, body: z.infer<NonNullable<NonNullable<R['request']>['body']>['content'] extends Record<string, { schema: infer S extends z.ZodType }> ? S : never>) => Promise<unknown>,
    opts: { plain?: (body: unknown) => boolean } = {},
  ): void {
    const schema = route.request?.body?.content?.['application/json']?.schema as z.ZodType | undefined;
    const roles = rolesOf(route);
    if (route.method !== 'post' || !schema || !roles || route.path.includes('{')) throw new Error(`fast path: ${route.method} ${route.path} is not a POST route with a JSON body declared by defineRoute`);
    this.routes.set(route.path, { path: route.path, roles, schema, plain: opts.plain, handle: handle as FastRoute['handle'] });
  }

  get paths(): string[] {
    return [...this.routes.keys()];
  }

  /** A node:http listener: fast routes here, everything else to `fallback` (hono). */
  listener(deps: FastPathDeps, fallback: Listener): Listener {
    return (req, res) => {
      const route = req.method === 'POST' ? this.routes.get(req.url ?? '') : undefined;
      if (!route || !isJsonContentType(req.headers['content-type'])) return fallback(req, res);
      void this.serve(deps, route, req, res);
    };
  }

  private async serve(deps: FastPathDeps, route: FastRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    this.served++;
    const h = req.headers;
    const reqId = this.requestId(one(h['x-request-id']));
    const log = lazyRequestLog(deps.logger, reqId);
    let status = 200;
    let json: string;
    let extra: Record<string, string> | undefined;
    let bodyRead = false;
    try {
      // The order of the hono chain: body limit, session, CSRF, roles, body, validation, handler.
      const limit = bodyLimitOf('POST', h['content-type'], h['content-length'], one(h['transfer-encoding']), deps.config);
      let auth = authenticate(deps.auth, h.authorization, h.cookie);
      if (auth instanceof Promise) auth = await auth;
      checkCsrf('POST', auth, (name) => one(h[name]), () => h.host ?? '');
      checkRoles(route.roles, auth, 'POST', route.path);
      const raw = await readBody(req, limit);
      bodyRead = true;
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw malformedJson();
      }
      if (!route.plain?.(body)) {
        const parsed = route.schema.safeParse(body);
        if (!parsed.success) throw validationFailed('json', parsed.error.issues);
        body = parsed.data;
      }
      json = JSON.stringify(await route.handle(auth!, body as never));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const r = errorReply(err, reqId);
      if (r.unexpected) log().error({ err }, 'unhandled error');
      status = r.status;
      extra = r.headers;
      json = JSON.stringify(r.body);
      // An unread body: read and drop it so the keep-alive connection stays usable (a body
      // over the limit closes the connection instead, as node-server does).
      if (!bodyRead) {
        if (err instanceof TooLarge) res.shouldKeepAlive = false;
        req.resume();
      }
    }
    if (!res.destroyed) {
      const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), [REQUEST_ID_HEADER]: reqId, ...SECURITY_HEADERS };
      if (extra) Object.assign(headers, extra);
      res.writeHead(status, headers);
      res.end(json);
    }
    deps.metrics.record('POST', route.path, status, (performance.now() - start) / 1000);
    logRequest(deps.logger, log, 'POST', route.path, status, start);
  }
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The request body as text; 413 once more than `limit` bytes arrived (chunked bodies). */
function readBody(req: IncomingMessage, limit: number | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (d: Buffer) => {
      n += d.length;
      if (limit !== undefined && n > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge(limit));
      } else chunks.push(d);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
