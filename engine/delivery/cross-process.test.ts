/**
 * Two engine processes on one database (simulated by two apps with their own store
 * connections, caches and answer writers). A process that holds the candidate's session row
 * cached must not acknowledge an answer after the other process has taken the submission:
 * such an answer would be stored but never scored. The store's guarded INSERT
 * (appendResponses whileInProgress) refuses it; the answer gets 409 session_closed and
 * is kept in the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { deliveryRuntime } from './runtime.ts';
import { createApp } from '../http/app.ts';
import { buildDeps } from '../http/deps.ts';
import { ensureSecret } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openStore, type Store } from '../store/index.ts';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const dialects = [
  { name: 'sqlite', url: async () => `sqlite:${join(tempDir('assay-xproc-'), 'a.db')}`, drop: async (_: string) => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_xproc'), drop: dropTestDatabase },
];

const GEO = 'demo-geo-capital';

describe.each(dialects)('two engine processes on $name', ({ url: makeUrl, drop }) => {
  let a: TestApp;
  let url: string;
  let storeB: Store;
  let callB: (method: string, path: string, token: string, body?: unknown) => Promise<{ status: number; json: any }>;

  beforeAll(async () => {
    url = await makeUrl();
    a = await makeTestApp(url);
    // On PostgreSQL the other process's NOTIFY drops A's cached row, but only when it arrives:
    // milliseconds later, or not at all when the LISTEN connection is being re-established.
    // Hold notifications back from A's cache so the test covers that window every time.
    deliveryRuntime(a.deps).bus.subscribe = async () => () => undefined;
    storeB = await openStore(url);
    const appB = createApp(buildDeps(a.config, createLogger('silent'), storeB, ensureSecret(a.config), { collectProcessMetrics: false }));
    callB = async (method, path, token, body) => {
      const res = await appB.request(`http://localhost${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    };
  });
  afterAll(async () => {
    await storeB?.close();
    await a?.close();
    await drop(url);
  });

  /** Candidate i starts and answers on A (A now caches the row as in progress), then submits on B. */
  async function submittedElsewhere(i: number) {
    const token = await a.bearer('candidate', i);
    expect((await a.call('POST', '/api/delivery/session/start', { token })).status).toBe(200);
    const r = await a.call('POST', '/api/delivery/session/answers', { token, body: { itemId: GEO, value: 'HN', clientSeq: 1 } });
    expect(r.json.ack.status).toBe('stored');
    const sessionId = (await a.call('GET', '/api/delivery/session', { token })).json.sessionId as string;
    const sub = await callB('POST', '/api/delivery/session/submit', token);
    expect(sub.status).toBe(200);
    expect(['submitted', 'scored']).toContain(sub.json.state);
    return { token, sessionId };
  }

  async function expectOnlyFirstAnswerStoredAndRefusalAudited(sessionId: string) {
    expect((await a.store.responses.history(sessionId)).map((x) => [x.clientSeq, x.value])).toEqual([[1, 'HN']]);
    await a.deps.audit.flush();
    const refused = await a.store.audit.list({ target: `session:${sessionId}`, action: 'answer.refused' });
    expect(refused.length).toBe(1);
  }

  it('refuses a single answer on one process after the other took the submission, though its cached row says in progress', async () => {
    const { token, sessionId } = await submittedElsewhere(0);
    const r = await a.call('POST', '/api/delivery/session/answers', { token, body: { itemId: GEO, value: 'DN', clientSeq: 2 } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('session_closed');
    await expectOnlyFirstAnswerStoredAndRefusalAudited(sessionId);
  });

  it('refuses each answer of a batch the same way; a retry of an answer acknowledged before stays a duplicate', async () => {
    const { token, sessionId } = await submittedElsewhere(1);
    const r = await a.call('POST', '/api/delivery/session/answers/batch', { token, body: { answers: [{ itemId: GEO, value: 'DN', clientSeq: 2 }, { itemId: GEO, value: 'HN', clientSeq: 1 }] } });
    expect(r.status).toBe(200);
    expect(r.json.acks.map((x: { status: string; error?: { code: string } }) => x.error?.code ?? x.status)).toEqual(['session_closed', 'duplicate']);
    await expectOnlyFirstAnswerStoredAndRefusalAudited(sessionId);
  });
});
