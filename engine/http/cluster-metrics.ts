/**
 * `/metrics` under `assay serve --workers N`: whichever worker the scrape lands on answers for
 * the whole cluster. Each worker only counts its own requests, so a Prometheus scrape that the
 * primary hands to a random worker saw a random share of the traffic. prom-client's
 * AggregatorRegistry does the cluster part (the primary asks every worker for its registry
 * and sums them); this file carries the scrape from the worker to the primary and back.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

interface MetricsRequest {
  assayMetricsReq: number;
}
interface MetricsResponse {
  assayMetricsRes: number;
  text?: string;
  error?: string;
}

const isRequest = (m: unknown): m is MetricsRequest => typeof (m as MetricsRequest | null)?.assayMetricsReq === 'number';
const isResponse = (m: unknown): m is MetricsResponse => typeof (m as MetricsResponse | null)?.assayMetricsRes === 'number';

/** In the primary: answers the workers' scrapes with every worker's metrics summed. Returns the stop function. */
export function serveClusterMetrics(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (w: import('node:cluster').Worker, m: unknown) => {
    if (!isRequest(m)) return;
    aggregator.clusterMetrics().then(
      (text) => w.isConnected() && w.send({ assayMetricsRes: m.assayMetricsReq, text } satisfies MetricsResponse),
      (err: Error) => w.isConnected() && w.send({ assayMetricsRes: m.assayMetricsReq, error: err.message } satisfies MetricsResponse),
    );
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/**
 * In a worker: reports `registry` when the primary collects, and returns what `/metrics`
 * serves: the whole cluster's metrics, asked of the primary (rejects after `timeoutMs`).
 */
export function clusterExposition(registry: Registry, timeoutMs = 5000): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's answer to the primary's collection
  const waiting = new Map<number, { resolve: (t: string) => void; reject: (e: Error) => void }>();
  let next = 0;
  process.on('message', (m: unknown) => {
    if (!isResponse(m)) return;
    const w = waiting.get(m.assayMetricsRes);
    if (!w) return;
    waiting.delete(m.assayMetricsRes);
    if (m.error !== undefined) w.reject(new Error(`cluster metrics: ${m.error}`));
    else w.resolve(m.text ?? '');
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`cluster metrics: the primary did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, { resolve: (t) => (clearTimeout(timer), resolve(t)), reject: (e) => (clearTimeout(timer), reject(e)) });
      process.send!({ assayMetricsReq: id } satisfies MetricsRequest);
    });
}
