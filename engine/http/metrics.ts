/**
 * Prometheus metrics: request counts and latency histograms per route pattern (not per raw
 * path, so ids never explode the label set), plus Node process metrics.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from './context.ts';

export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route' | 'status'>;
  /** Counters other modules may add (logins by kind and outcome). */
  logins: Counter<'kind' | 'outcome'>;
  /** Counts one HTTP request (see requestRecorder). */
  record: RequestRecorder;
  /**
   * What `/metrics` serves when not this process's registry: a cluster worker serves the
   * whole cluster's (engine/http/cluster-metrics.ts).
   */
  exposition?: () => Promise<string>;
}

/** A fresh registry per app (tests create many apps in one process). */
export function createMetrics(collectProcess = true): Metrics {
  const registry = new Registry();
  if (collectProcess) collectDefaultMetrics({ register: registry, prefix: 'assay_' });
  const m: Omit<Metrics, 'record'> = {
    registry,
    requests: new Counter({ name: 'assay_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    latency: new Histogram({
      name: 'assay_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    logins: new Counter({ name: 'assay_logins_total', help: 'Login attempts by kind (staff, candidate) and outcome', labelNames: ['kind', 'outcome'], registers: [registry] }),
  };
  return { ...m, record: requestRecorder(m) };
}

/** Records one request: (method, route pattern or undefined, status, seconds). */
export type RequestRecorder = (method: string, route: string | undefined, status: number, seconds: number) => void;

/**
 * The one place requests are counted (the hono middleware below and the answer fast path).
 * One labelled child per (method, route, status), looked up by a string key: prom-client
 * otherwise hashes the label object on every observation. Routes are patterns, so the number
 * of children stays small.
 */
export function requestRecorder(m: Pick<Metrics, 'requests' | 'latency'>): RequestRecorder {
  const children = new Map<string, { requests: { inc: () => void }; latency: { observe: (v: number) => void } }>();
  return (method, matched, status, seconds) => {
    const route = matched && !matched.endsWith('*') ? matched : 'other';
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      children.set(key, (child = { requests: m.requests.labels(labels), latency: m.latency.labels(labels) }));
    }
    child.requests.inc();
    child.latency.observe(seconds);
  };
}

/** Middleware recording every request. */
export function metricsMiddleware(record: RequestRecorder): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      // routePath after next(): the handler that responded.
      record(c.req.method, routePath(c), c.res.status, (performance.now() - start) / 1000);
    }
  };
}
