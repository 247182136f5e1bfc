/**
 * The Assay HTTP app: `createApp(deps)` builds a Hono app with OpenAPI, request ids, JSON
 * logs, metrics, body limits, sessions, CSRF, one error shape, and every route module.
 *
 * ADDING A ROUTE MODULE (other engine modules): write `export const xRoutes: RouteModule =
 * (app, deps) => { app.openapi(defineRoute([...roles], {...}), handler) }` in your folder,
 * then add ONE import line and ONE entry to `routeModules` below. Declare roles on every
 * route with `defineRoute` (engine/http/route.ts); throw the errors of engine/http/errors.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { bodyLimit } from 'hono/body-limit';
import { swaggerUI } from '@hono/swagger-ui';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type { AppEnv } from './context.ts';
import type { AppDeps, RouteModule } from './deps.ts';
import { AppError, TooLarge, Unavailable, Unauthorized, type ErrorBody } from './errors.ts';
import { REQUEST_ID_HEADER, SECURITY_HEADERS, bodyLimitOf, errorReply, logRequest, validationFailed } from './rules.ts';
import { metricsMiddleware } from './metrics.ts';
import { csrfMiddleware, sessionMiddleware } from '../auth/middleware.ts';
import { authRoutes } from '../auth/routes.ts';
import { adminUserRoutes } from '../auth/admin-routes.ts';
import { homeRoutes } from './routes/home.ts';
import { itembankRoutes } from '../itembank/routes.ts';
import { deliveryRoutes } from '../delivery/routes.ts';
import { careerRoutes } from '../career/routes.ts';
import { deliveryMediaRoutes } from '../delivery/media-routes.ts';
import { deliveryFeedbackRoutes } from '../delivery/feedback-routes.ts';

/**
 * Route modules, registered in this order. To add yours: one import above, one entry here.
 */
export const routeModules: RouteModule[] = [
  authRoutes,
  adminUserRoutes,
  homeRoutes,
  deliveryRoutes,
  itembankRoutes,
  careerRoutes,
  deliveryMediaRoutes,
  deliveryFeedbackRoutes,
];

const UI_CSP = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** Builds the app. Does not listen: see engine/server.ts. */
export function createApp(deps: AppDeps, opts: { extraModules?: RouteModule[] } = {}): OpenAPIHono<AppEnv> {
  const { config, logger } = deps;
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures of any route become one 400 naming each field.
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.target, result.error.issues);
    },
  });

  // The request rules of rules.ts, the same ones the answer fast path (fast-path.ts) follows.
  const nextRequestId = deps.fast.requestId;
  app.use('*', async (c, next) => {
    const reqId = nextRequestId(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', reqId);
    c.header(REQUEST_ID_HEADER, reqId);
    const log = logger.child({ reqId });
    c.set('log', log);
    const start = performance.now();
    await next();
    logRequest(logger, () => log, c.req.method, c.req.path, c.res.status, start);
  });
  app.use('*', metricsMiddleware(deps.metrics.record));
  app.use('*', async (c, next) => {
    for (const k in SECURITY_HEADERS) c.header(k, SECURITY_HEADERS[k]);
    await next();
  });
  // Uploads (QTI packages) get their own, larger limit; everything else the body limit.
  // Requests that declare their length are checked from the header alone: touching
  // `c.req.raw.body` (as hono's bodyLimit does first) makes @hono/node-server build a full
  // web Request with a body stream for every request, the largest single cost of a small
  // JSON answer. Only chunked bodies go through hono's counting bodyLimit.
  const limiters = new Map<number, ReturnType<typeof bodyLimit>>();
  const counting = (limit: number) => {
    let l = limiters.get(limit);
    if (!l) limiters.set(limit, (l = bodyLimit({ maxSize: limit, onError: () => { throw new TooLarge(limit); } })));
    return l;
  };
  app.use('*', async (c, next) => {
    const limit = bodyLimitOf(c.req.method, c.req.header('content-type'), c.req.header('content-length'), c.req.header('transfer-encoding'), config);
    return limit === undefined ? next() : counting(limit)(c, next);
  });
  app.use('/api/*', sessionMiddleware(deps.auth));
  app.use('/api/*', csrfMiddleware());
  app.use('/metrics', sessionMiddleware(deps.auth));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await deps.store.raw.query('SELECT 1');
    } catch (err) {
      c.get('log').warn({ err }, 'readiness: database unreachable');
      throw new Unavailable('database is not reachable');
    }
    return c.json({ status: 'ready', db: deps.store.dialect });
  });
  app.get('/metrics', async (c) => {
    const auth = c.get('auth');
    const bearer = c.req.header('authorization')?.replace(/^bearer\s+/i, '');
    const tokenOk = !!config.metricsToken && bearer === config.metricsToken;
    if (!tokenOk && auth?.principal.role !== 'admin') {
      throw auth ? new AppError(403, 'forbidden', 'metrics are for admins or the ASSAY_METRICS_TOKEN bearer') : new Unauthorized('send an admin session or Authorization: Bearer <ASSAY_METRICS_TOKEN>');
    }
    const text = deps.metrics.exposition ? await deps.metrics.exposition() : await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });

  for (const mod of [...routeModules, ...(opts.extraModules ?? [])]) mod(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'assay_session' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Assay API',
      version: '0.1.0',
      description: 'Online assessment engine. Errors: {"error": {"code", "message", "details"}}. Each operation lists its roles in x-assay-roles.',
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'Assay API', baseUrl: '/docs-assets' }));
  const swaggerDir = swaggerDist();
  if (swaggerDir) {
    app.use('/docs-assets/swagger-ui-dist/*', serveStatic({ root: relative(process.cwd(), swaggerDir), rewriteRequestPath: (p) => p.replace(/^\/docs-assets\/swagger-ui-dist/, '') }));
  }

  const noRoute = (c: Context<AppEnv>) => c.json<ErrorBody>({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
  // Unknown API paths are JSON 404s, never the UI page.
  app.all('/api/*', noRoute);
  mountUi(app, config.uiDir);
  app.notFound((c) => uiPage(c, config.uiDir) ?? noRoute(c));
  app.onError((err, c) => errorResponse(err, c));
  return app;
}

function swaggerDist(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Static UI: `/assets/*` and each app's index.html. `/` is the staff app; `/<app>/` serves
 * `<uiDir>/<app>/index.html` when that app was built (candidate, counsellor, ...), else the
 * staff app, which renders a minimal page for the role (see `uiPage`).
 */
function mountUi(app: OpenAPIHono<AppEnv>, uiDir: string): void {
  const root = relative(process.cwd(), uiDir) || '.';
  app.use('/assets/*', serveStatic({ root }));
  app.get('/', (c) => uiHtml(c, uiDir, join(uiDir, 'index.html')));
}

/** `/<app>` or `/<app>/...`: the UI apps' paths (the name of the app is group 1). */
const UI_APP_PATH = /^\/([a-z][a-z0-9-]*)(\/.*)?$/;

/**
 * The UI apps' pages, served from the not-found handler instead of a `/:app/*` route: a
 * parameter route at the root cannot live beside the other parameter routes in hono's
 * RegExpRouter (it throws UnsupportedPathError when the matcher is built), so SmartRouter
 * silently fell back to the slower TrieRouter for EVERY request. app.test.ts checks the router.
 */
function uiPage(c: Context<AppEnv>, uiDir: string): Response | undefined {
  const method = c.req.method;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const m = UI_APP_PATH.exec(c.req.path);
  if (!m) return undefined;
  if (m[2] === undefined) return c.redirect(`/${m[1]}/`);
  return uiHtml(c, uiDir, join(uiDir, m[1]!, 'index.html'));
}

function uiHtml(c: Context<AppEnv>, uiDir: string, file: string): Response {
  const page = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : undefined);
  const body = page(file) ?? page(join(uiDir, 'index.html'));
  if (!body) return c.text('The UI is not built: run `npm run build:ui` (npm start does it for you).', 503);
  c.header('Cache-Control', 'no-cache');
  // The apps are same-origin bundles: nothing inline, nothing from elsewhere.
  c.header('Content-Security-Policy', UI_CSP);
  return c.html(body);
}

/** Errors become responses with the ONE mapping of rules.ts (errorReply). */
export function errorResponse(err: Error, c: Context<AppEnv>): Response {
  const r = errorReply(err, c.get('requestId'));
  if (r.unexpected) (c.get('log') ?? console).error({ err }, 'unhandled error');
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) c.header(k, v);
  return c.json(r.body, r.status as ContentfulStatusCode);
}
