/**
 * The load generator's keep-alive pool (bench/load.ts). Regression: a connection the server
 * closed while it sat idle in the pool was reused, the write into the destroyed socket raised
 * no event, and the request never settled — bench:load on PostgreSQL hung in its submit phase
 * (the answer phase's tail left connections idle longer than the server's 5 s keep-alive).
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpPool, latencyBuckets, serverLatency } from '../../bench/load.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function listen(keepAliveTimeout: number, handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  server.keepAliveTimeout = keepAliveTimeout;
  return new Promise((r) => server!.listen(0, '127.0.0.1', () => r((server!.address() as { port: number }).port)));
}

describe('bench HttpPool', () => {
  it('replaces a connection the server closed while it was idle', async () => {
    let n = 0;
    let onClose!: () => void;
    const closed = new Promise<void>((r) => (onClose = r));
    const port = await listen(100, (_req, res) => res.end(String(++n)));
    server!.on('connection', (sock) => sock.on('close', onClose));
    const pool = new HttpPool('127.0.0.1', port, 1);
    await pool.open();
    expect((await pool.request('GET', '/')).body).toBe('1');
    // Wait until the server has ended the idle connection (keep-alive timeout, plus Node's buffer).
    await closed;
    await new Promise((r) => setTimeout(r, 50)); // the client has seen the close too
    const second = await Promise.race([pool.request('GET', '/'), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
    expect(second).toEqual({ status: 200, body: '2' });
    pool.close();
  });

  it('rejects a request the server never answers instead of waiting forever', async () => {
    const port = await listen(5000, () => undefined);
    const pool = new HttpPool('127.0.0.1', port, 1, 300);
    await pool.open();
    await expect(pool.request('GET', '/')).rejects.toThrow(/no answer within 300 ms/);
    pool.close();
    server!.closeAllConnections();
  });

  it('sends a request once more when a reused connection is closed under it, as browsers do; a fresh connection is not retried', async () => {
    const perSocket = new WeakMap<object, number>();
    let hits = 0;
    const port = await listen(5000, (req, res) => {
      hits++;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      // The second request on a connection meets a server that just closed it.
      if (n === 2 || req.url === '/always-close') return req.socket.destroy();
      res.end(`ok ${n}`);
    });
    const pool = new HttpPool('127.0.0.1', port, 1);
    await pool.open();
    expect((await pool.request('GET', '/')).body).toBe('ok 1');
    expect((await pool.request('GET', '/')).body).toBe('ok 1'); // answered on a new connection
    expect(hits).toBe(3);
    pool.close();

    const fresh = new HttpPool('127.0.0.1', port, 1);
    await fresh.open();
    hits = 0;
    await expect(fresh.request('GET', '/always-close')).rejects.toThrow();
    expect(hits).toBe(1);
    fresh.close();
  });
});

describe('bench server-side latency', () => {
  const scrape = (counts: number[], status = '200') =>
    [0.005, 0.05, 0.5, '+Inf']
      .map((le, i) => `assay_http_request_duration_seconds_bucket{method="POST",route="/api/delivery/session/answers",status="${status}",le="${le}"} ${counts[i]}`)
      .concat(['assay_http_request_duration_seconds_bucket{method="POST",route="/api/delivery/session/heartbeat",status="200",le="+Inf"} 999'])
      .join('\n');

  it('reads one route\'s buckets (over statuses) and takes the phase as the difference of two scrapes', () => {
    const before = latencyBuckets(scrape([10, 10, 10, 10]), 'POST', '/api/delivery/session/answers');
    const after = latencyBuckets(scrape([60, 105, 109, 110]) + '\n' + scrape([0, 0, 0, 0], '409'), 'POST', '/api/delivery/session/answers');
    expect(after.get(Infinity)).toBe(110);
    const s = serverLatency(before, after);
    expect(s.requests).toBe(100);
    expect(s.shareWithin).toBeCloseTo(0.95);
    expect(s.p50UpToS).toBe(0.005);
    expect(s.p99UpToS).toBe(0.5);
  });
});
