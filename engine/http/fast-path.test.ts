/**
 * The answer fast path (fast-path.ts) against hono: the same requests sent over the socket
 * (fast path) and in process through hono (`app.request`) must get the same status, the same
 * error shape and the same rule headers: roles, CSRF, body limit, malformed JSON, validation,
 * request ids. And the fast path really serves its routes (the other route tests go through it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from './testing.ts';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { deliveryRuntime } from '../delivery/runtime.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const dialects = [
  { name: 'sqlite', url: async () => `sqlite:${join(tempDir('assay-fast-'), 'a.db')}`, drop: async (_: string) => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_fast'), drop: dropTestDatabase },
];

const ANSWERS = '/api/delivery/session/answers';
const BEAT = '/api/delivery/session/heartbeat';

describe.each(dialects)('answer fast path on $name', ({ url: makeUrl, drop }) => {
  let h: TestApp;
  let url: string;
  let cand: string;
  let cand2: string;
  let author: string;
  let item: string;

  beforeAll(async () => {
    url = await makeUrl();
    h = await makeTestApp(url, { env: { ASSAY_BODY_LIMIT: '2048' } });
    [cand, cand2, author] = await Promise.all([h.bearer('candidate', 0), h.bearer('candidate', 1), h.bearer('author')]);
    const s = await h.call('POST', '/api/delivery/session/start', { token: cand });
    expect(s.status).toBe(200);
    item = s.json.items[0].key;
    expect((await h.call('POST', '/api/delivery/session/start', { token: cand2 })).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await drop(url);
  });

  /** The same request through hono in process (no fast path). */
  const viaHono = async (path: string, headers: Record<string, string>, body?: string) => {
    const res = await h.app.request(`http://localhost${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  };

  it('serves the answer and heartbeat routes (and only those) in front of hono', async () => {
    expect(h.deps.fast.paths.sort()).toEqual([ANSWERS, BEAT]);
    const before = h.deps.fast.served;
    const r = await h.call('POST', ANSWERS, { token: cand, body: { itemId: item, value: null, clientSeq: 1 } });
    expect(r.status).toBe(200);
    expect(r.json.ack).toEqual({ itemId: item, clientSeq: 1, status: 'stored' });
    expect(r.headers.get('content-type')).toBe('application/json');
    const beat = await h.call('POST', BEAT, { token: cand, body: { messagesSince: 0 } });
    expect(beat.status).toBe(200);
    expect(beat.json).toMatchObject({ state: 'in_progress', messages: [] });
    expect(h.deps.fast.served).toBe(before + 2);
    // A query string, another method or a non-JSON body: hono, untouched.
    expect((await h.call('POST', `${ANSWERS}?x=1`, { token: cand, body: { itemId: item, value: null, clientSeq: 2 } })).status).toBe(200);
    expect((await h.call('GET', ANSWERS, { token: cand })).status).toBe(404);
    expect((await h.call('POST', ANSWERS, { token: cand, raw: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect(h.deps.fast.served).toBe(before + 2);
  });

  it('answers exactly as hono does: roles, CSRF, body limit, malformed JSON, validation, errors of the service', async () => {
    const { cookie, csrf } = await h.cookieLogin('candidate', 2);
    expect((await h.call('POST', '/api/delivery/session/start', { cookie, csrf })).status).toBe(200);
    const json = { 'content-type': 'application/json' };
    const cases: Array<{ name: string; path: string; headers: Record<string, string>; body: string; status: number; code?: string }> = [
      { name: 'no session', path: ANSWERS, headers: json, body: JSON.stringify({ itemId: item, value: null, clientSeq: 5 }), status: 401, code: 'unauthorized' },
      { name: 'unknown token', path: ANSWERS, headers: { ...json, authorization: 'Bearer as_nope' }, body: '{}', status: 401, code: 'unauthorized' },
      { name: 'staff role', path: ANSWERS, headers: { ...json, authorization: `Bearer ${author}` }, body: JSON.stringify({ itemId: item, value: null, clientSeq: 5 }), status: 403, code: 'forbidden' },
      { name: 'staff heartbeat', path: BEAT, headers: { ...json, authorization: `Bearer ${author}` }, body: '{}', status: 403, code: 'forbidden' },
      { name: 'cookie without CSRF', path: ANSWERS, headers: { ...json, cookie }, body: JSON.stringify({ itemId: item, value: null, clientSeq: 5 }), status: 403, code: 'csrf_failed' },
      { name: 'cookie with CSRF', path: BEAT, headers: { ...json, cookie, 'x-csrf-token': csrf }, body: '{}', status: 200 },
      { name: 'anonymous cross-site', path: ANSWERS, headers: { ...json, origin: 'https://evil.example' }, body: '{}', status: 403, code: 'csrf_failed' },
      { name: 'malformed JSON', path: ANSWERS, headers: { ...json, authorization: `Bearer ${cand}` }, body: '{"itemId": ', status: 400, code: 'malformed_json' },
      { name: 'bad field', path: ANSWERS, headers: { ...json, authorization: `Bearer ${cand}` }, body: JSON.stringify({ itemId: item, value: null, clientSeq: -1 }), status: 400, code: 'validation_failed' },
      { name: 'missing field', path: ANSWERS, headers: { ...json, authorization: `Bearer ${cand}` }, body: JSON.stringify({ value: null, clientSeq: 1 }), status: 400, code: 'validation_failed' },
      { name: 'bad incident', path: BEAT, headers: { ...json, authorization: `Bearer ${cand}` }, body: JSON.stringify({ incidents: [{ kind: 'nope' }] }), status: 400, code: 'validation_failed' },
      { name: 'too large', path: ANSWERS, headers: { ...json, authorization: `Bearer ${cand}` }, body: JSON.stringify({ itemId: item, value: 'x'.repeat(3000), clientSeq: 1 }), status: 413, code: 'payload_too_large' },
      { name: 'unknown item (service)', path: ANSWERS, headers: { ...json, authorization: `Bearer ${cand}` }, body: JSON.stringify({ itemId: 'no-such-item', value: null, clientSeq: 1 }), status: 422, code: 'unknown_item' },
    ];
    for (const c of cases) {
      const fast = await h.call('POST', c.path, { raw: c.body, headers: c.headers });
      const hono = await viaHono(c.path, c.headers, c.body);
      expect(fast.status, c.name).toBe(c.status);
      expect(hono.status, c.name).toBe(c.status);
      if (c.code) {
        expect(fast.json.error.code, c.name).toBe(c.code);
        expect(fast.json, c.name).toEqual(hono.json);
      }
      for (const k of ['x-content-type-options', 'referrer-policy', 'x-frame-options', 'content-type']) expect(fast.headers.get(k), `${c.name}: ${k}`).toBe(hono.headers.get(k));
      expect(fast.headers.get('x-request-id'), c.name).toMatch(/^[a-z0-9]+-[a-z0-9]+$/);
    }
    const bad = await h.call('POST', ANSWERS, { token: cand, body: { itemId: item, value: null, clientSeq: -1 } });
    expect(bad.json.error.message).toContain('body.clientSeq');
    expect(bad.json.error.details.issues[0].path).toBe('body.clientSeq');
  });

  it('a candidate answers only in their own session; a retry is a duplicate; a sane client request id is kept', async () => {
    const a = await h.call('POST', ANSWERS, { token: cand2, body: { itemId: item, value: null, clientSeq: 7 }, headers: { 'x-request-id': 'client-abc-1' } });
    expect(a.status).toBe(200);
    expect(a.headers.get('x-request-id')).toBe('client-abc-1');
    expect((await h.call('POST', ANSWERS, { token: cand2, body: { itemId: item, value: null, clientSeq: 7 } })).json.ack.status).toBe('duplicate');
    const s2 = await h.call('GET', '/api/delivery/session', { token: cand2 });
    const s1 = await h.call('GET', '/api/delivery/session', { token: cand });
    const rows = await h.store.responses.history(s2.json.sessionId);
    expect(rows.filter((r) => r.clientSeq === 7).length).toBe(1);
    expect((await h.store.responses.history(s1.json.sessionId)).some((r) => r.clientSeq === 7)).toBe(false);
  });

  it('heartbeats and answers served by the fast path record last-seen times', async () => {
    const svc = deliveryRuntime(h.deps).service;
    const before = Date.now();
    expect((await h.call('POST', BEAT, { token: cand, body: {} })).status).toBe(200);
    expect((await h.call('POST', ANSWERS, { token: cand2, body: { itemId: item, value: null, clientSeq: 9 } })).status).toBe(200);
    await svc.flushSeen();
    for (const t of [cand, cand2]) {
      const id = (await h.call('GET', '/api/delivery/session', { token: t })).json.sessionId as string;
      expect((await h.store.sessions.get(id))!.lastSeenAt).toBeGreaterThanOrEqual(before);
    }
  });

  it('counts fast-path requests in /metrics under the route pattern', async () => {
    const admin = await h.bearer('admin');
    const m = await h.call('GET', '/metrics', { token: admin });
    expect(m.json).toMatch(/assay_http_requests_total\{method="POST",route="\/api\/delivery\/session\/answers",status="200"\} \d+/);
    expect(m.json).toMatch(/assay_http_requests_total\{method="POST",route="\/api\/delivery\/session\/answers",status="403"\} \d+/);
  });
});
