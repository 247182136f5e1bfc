/**
 * What route modules receive: configuration, logger, store and the shared services.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/types.ts';
import { AuthService } from '../auth/service.ts';
import { LoginRateLimiter } from '../auth/rate-limit.ts';
import { createAuditService, type AuditService } from '../audit/service.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { AppEnv } from './context.ts';
import { FastPath } from './fast-path.ts';

export interface AppDeps {
  config: Config;
  logger: Logger;
  store: Store;
  /** Server secret (PIN hashes). */
  secret: Buffer;
  auth: AuthService;
  audit: AuditService;
  metrics: Metrics;
  /** Routes also served in front of hono (engine/http/fast-path.ts), and the app's request ids. */
  fast: FastPath;
}

/** A route module registers its routes on the app. */
export type RouteModule = (app: OpenAPIHono<AppEnv>, deps: AppDeps) => void;

/** Wires the shared services from config + store. */
export function buildDeps(config: Config, logger: Logger, store: Store, secret: Buffer, opts: { collectProcessMetrics?: boolean } = {}): AppDeps {
  const metrics = createMetrics(opts.collectProcessMetrics ?? true);
  const audit = createAuditService(store.audit, logger);
  const limiter = new LoginRateLimiter({
    failures: store.loginFailures,
    maxPerAccount: config.loginMaxFailuresPerAccount,
    maxPerIp: config.loginMaxFailuresPerIp,
    windowMs: config.loginWindow * 1000,
  });
  const auth = new AuthService({ store, secret, sessionTtlSeconds: config.sessionTtl, audit, limiter, metrics });
  return { config, logger, store, secret, auth, audit, metrics, fast: new FastPath() };
}
