/**
 * `assay serve --workers 2` as a real process tree on SQLite: requests spread over both
 * workers, a proctor stream held by one worker sees what the other worker did (the cluster
 * bus), a killed worker is replaced, and SIGTERM to the primary stops everything cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { request } from 'node:http';
import { loginToken, startAssayServer, type StartedServer } from '../tests/support/server.ts';
import { until } from '../tests/support/until.ts';

let server: StartedServer;

/** The worker pids of the primary (its children running `assay.mjs serve`). */
function workerPids(primary: number): number[] {
  try {
    // Only the engine workers: tsx's esbuild service is a child of the primary too.
    return execFileSync('pgrep', ['-P', String(primary), '-f', 'assay.mjs serve'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A fresh connection per request (no keep-alive agent), so the primary hands requests to the workers in turn. */
function call<T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: T }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      server.baseUrl + path,
      {
        method,
        agent: false,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data === undefined ? {} : { 'content-type': 'application/json' }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as T }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

beforeAll(async () => {
  server = await startAssayServer({ args: ['--workers', '2'] });
  // /readyz answers once worker 1 listens; the banner comes once every worker does.
  await until('both workers', () => server.output().includes('2 engine processes'), 20_000);
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

describe('assay serve --workers 2 (SQLite)', () => {
  it('runs two workers, and a proctor stream on one worker sees sessions started through the other', async () => {
    expect(workerPids(server.pid)).toHaveLength(2);
    const proctor = await loginToken(server.baseUrl, server.demo, 'proctor');
    const tokens = await Promise.all(server.demo.candidates.map((_, i) => loginToken(server.baseUrl, server.demo, 'candidate', i)));
    const views = [];
    for (const t of tokens) {
      const r = await call<{ sessionId: string; eventId: string; state: string }>('GET', '/api/delivery/session', t);
      expect(r.status).toBe(200);
      views.push(r.json);
    }
    const eventId = views[0].eventId;

    // One stream, held by whichever worker took its connection.
    const ac = new AbortController();
    const res = await fetch(`${server.baseUrl}/api/proctor/events/${eventId}/stream`, { headers: { authorization: `Bearer ${proctor}` }, signal: ac.signal });
    expect(res.status).toBe(200);
    let buf = '';
    const reading = (async () => {
      const dec = new TextDecoder();
      const reader = res.body!.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += dec.decode(value);
        }
      } catch {
        /* aborted */
      }
    })();
    await until('the snapshot', () => buf.includes('event: snapshot'));

    // Five starts on fresh connections: the workers take them in turn, so some run on the
    // worker that does not hold the stream.
    for (const t of tokens) expect((await call('POST', '/api/delivery/session/start', t)).status).toBe(200);
    for (const v of views) await until(`the start of ${v.sessionId} on the stream`, () => new RegExp(`"sessionId":"${v.sessionId}"[^\\n]*"to":"in_progress"|"to":"in_progress"[^\\n]*"sessionId":"${v.sessionId}"`).test(buf));
    ac.abort();
    await reading;
  }, 60_000);

  it('serves the whole cluster\'s metrics from whichever worker the scrape lands on', async () => {
    const admin = await loginToken(server.baseUrl, server.demo, 'admin');
    const healthz = async () => {
      const r = await new Promise<string>((resolve, reject) => {
        const req = request(server.baseUrl + '/metrics', { agent: false, headers: { authorization: `Bearer ${admin}` } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`metrics ${res.statusCode}: ${text}`))));
        });
        req.on('error', reject);
        req.end();
      });
      const m = /^assay_http_requests_total\{[^}]*route="\/healthz"[^}]*\} (\d+)$/m.exec(r);
      return m ? Number(m[1]) : 0;
    };
    const before = await healthz();
    // Fresh connections: the primary hands them to the two workers in turn.
    for (let i = 0; i < 10; i++) expect((await call('GET', '/healthz')).status).toBe(200);
    // Two scrapes, so both workers answer one: each must count all ten.
    const scrapes = [await healthz(), await healthz()];
    expect(scrapes).toEqual([before + 10, before + 10]);
  });

  it('keeps an idle keep-alive connection open past the player heartbeat interval (5 s)', async () => {
    const sock = connect(server.port, '127.0.0.1');
    let got = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => (got += d));
    let closed = false;
    sock.on('close', () => (closed = true));
    const ask = async () => {
      got = '';
      sock.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
      await until('a response', () => /\r\n\r\n\{"status":"ok"\}/.test(got), 5000);
    };
    await ask();
    await new Promise((r) => setTimeout(r, 6500));
    expect(closed).toBe(false);
    await ask();
    sock.destroy();
  }, 30_000);

  it('replaces a worker that dies, and keeps serving', async () => {
    const before = workerPids(server.pid);
    expect(before).toHaveLength(2);
    process.kill(before[0], 'SIGKILL');
    const after = await until('a replacement worker', () => {
      const now = workerPids(server.pid);
      return now.length === 2 && !now.includes(before[0]) && now;
    }, 20_000);
    expect(after).toContain(before[1]);
    expect(server.output()).toMatch(/engine worker died; starting a new one/);
    // Both workers answer (fresh connections go to each in turn).
    for (let i = 0; i < 4; i++) expect((await call('GET', '/healthz')).status).toBe(200);
  }, 60_000);

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const workers = workerPids(server.pid);
    expect(await server.stop()).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});

describe('assay serve --workers 2: a crash loop', () => {
  it('stops the service with exit 1 when workers keep dying (more than 5 within a minute)', async () => {
    const s = await startAssayServer({ args: ['--workers', '2'] });
    try {
      await until('both workers', () => s.output().includes('2 engine processes'), 20_000);
      const alive = () => {
        try {
          process.kill(s.pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      let kills = 0;
      while (alive() && kills < 10) {
        const [victim] = workerPids(s.pid);
        if (victim) {
          process.kill(victim, 'SIGKILL');
          kills++;
        }
        // The replacement, or the primary giving up.
        await until('a replacement or the end', () => {
          const now = workerPids(s.pid);
          return !alive() || (now.length === 2 && !now.includes(victim!));
        }, 30_000);
      }
      expect(kills).toBe(6);
      expect(s.output()).toMatch(/engine workers keep dying; stopping the service/);
    } finally {
      expect(await s.stop()).toBe(1);
    }
  }, 120_000);
});
