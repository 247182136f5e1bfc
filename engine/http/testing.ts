/**
 * Test harness for route modules (used by tests of engine/http, engine/auth and by other
 * modules' route tests): a migrated, demo-seeded store on the given URL, the real app in
 * process behind a real socket on 127.0.0.1 (the server's own listener: the answer fast path,
 * then hono), and helpers to log in as each demo role.
 *
 *   const h = await makeTestApp('sqlite:/tmp/x.db');     // or a URL from createTestDatabase()
 *   const token = await h.bearer('author');
 *   const r = await h.call('GET', '/api/home/author', { token });
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { join } from 'node:path';
import { loadConfig, ensureSecret, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { seedDemo, type DemoLogins } from '../seed/demo.ts';
import { buildDeps, type AppDeps, type RouteModule } from './deps.ts';
import { createApp } from './app.ts';
import type { Role } from '../auth/principal.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

export interface CallOptions {
  body?: unknown;
  /** Raw body (sent as is). */
  raw?: string | Uint8Array;
  token?: string;
  cookie?: string;
  csrf?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  json: any;
  headers: Headers;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  store: Store;
  demo: DemoLogins;
  config: Config;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  /** Logs in as a demo role (candidate = the first demo candidate) and returns a bearer token. */
  bearer(role: Role, candidateIndex?: number): Promise<string>;
  /** Logs in through cookies: returns the Cookie header value and the CSRF token. */
  cookieLogin(role: Role, candidateIndex?: number): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

export async function makeTestApp(dbUrl: string, opts: { env?: Record<string, string>; extraModules?: RouteModule[] } = {}): Promise<TestApp> {
  const dataDir = tempDir('assay-app-');
  const config = loadConfig({ env: { ASSAY_DB: dbUrl, ASSAY_DATA_DIR: dataDir, ASSAY_LOG_LEVEL: 'silent', ...opts.env } });
  const secret = ensureSecret(config);
  const store = await openStore(dbUrl);
  await store.migrate();
  const deps = buildDeps(config, createLogger('silent'), store, secret, { collectProcessMetrics: false });
  const demo = await seedDemo(store, deps.audit, secret);
  const app = createApp(deps, { extraModules: opts.extraModules });
  // Calls go over a real socket through the server's own listener, so the answer fast path
  // (engine/http/fast-path.ts) answers its routes here exactly as in production.
  const server = createServer(deps.fast.listener(deps, getRequestListener(app.fetch)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    let body: BodyInit | undefined;
    if (o.raw !== undefined) body = o.raw as BodyInit;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie) headers.cookie = o.cookie;
    if (o.csrf) headers['x-csrf-token'] = o.csrf;
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  };

  const credentials = (role: Role, i = 0) => {
    if (role === 'candidate') {
      const c = demo.candidates[i];
      return { path: '/api/auth/candidate-login', body: { ticketCode: c.ticketCode, pin: c.pin } };
    }
    const s = demo.staff.find((x) => x.role === role)!;
    return { path: '/api/auth/login', body: { username: s.username, password: s.password } };
  };

  return {
    app,
    deps,
    store,
    demo,
    config,
    call,
    async bearer(role, i) {
      const c = credentials(role, i);
      const r = await call('POST', c.path, { body: { ...c.body, bearer: true } });
      if (r.status !== 200) throw new Error(`login as ${role} failed: ${r.status} ${JSON.stringify(r.json)}`);
      return r.json.token as string;
    },
    async cookieLogin(role, i) {
      const c = credentials(role, i);
      const r = await call('POST', c.path, { body: c.body });
      if (r.status !== 200) throw new Error(`login as ${role} failed: ${r.status} ${JSON.stringify(r.json)}`);
      const cookies = r.headers.getSetCookie().map((s) => s.split(';')[0]);
      return { cookie: cookies.join('; '), csrf: r.json.csrfToken as string };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.audit.flush();
      await store.close();
    },
  };
}
