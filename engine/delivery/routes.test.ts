/**
 * The delivery and proctor HTTP API end to end in process (real app, real store, demo seed):
 * candidate flow, roles, staff event management, roster import, exports, proctor SSE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeTestApp, type TestApp } from '../http/testing.ts';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

const dialects = [
  { name: 'sqlite', url: async () => `sqlite:${join(tempDir('assay-deliv-'), 'a.db')}`, drop: async (_: string) => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_delivery'), drop: dropTestDatabase },
];

describe.each(dialects)('delivery API on $name', ({ url: makeUrl, drop }) => {
  let h: TestApp;
  let url: string;
  let cand: string;
  let author: string;
  let proctor: string;

  beforeAll(async () => {
    url = await makeUrl();
    h = await makeTestApp(url);
    [cand, author, proctor] = await Promise.all([h.bearer('candidate', 0), h.bearer('author'), h.bearer('proctor')]);
  });
  afterAll(async () => {
    await h?.close();
    await drop(url);
  });

  it('candidate: session, start, item view without keys, answers, batch, navigate, heartbeat, submit, result', async () => {
    let r = await h.call('GET', '/api/delivery/session', { token: cand });
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('scheduled');
    r = await h.call('POST', '/api/delivery/session/start', { token: cand });
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('in_progress');
    expect(r.json.remainingMs).toBeGreaterThan(29 * 60_000);
    const items = r.json.items as { key: string }[];
    expect(items.length).toBe(4);
    const geo = 'demo-geo-capital';

    r = await h.call('GET', `/api/delivery/session/items/${geo}`, { token: cand });
    expect(r.status).toBe(200);
    const text = JSON.stringify(r.json);
    expect(text).not.toMatch(/correctResponse|responseProcessing|"HN"\s*\]/);
    expect(r.json.view.interactions[0].choices.length).toBe(4);

    r = await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: geo, value: 'HN', clientSeq: 1 } });
    expect(r.status).toBe(200);
    expect(r.json.ack.status).toBe('stored');
    r = await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: geo, value: 'HN', clientSeq: 1 } });
    expect(r.json.ack.status).toBe('duplicate');
    r = await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: geo, value: ['HN', 'DN'], clientSeq: 2 } });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('invalid_response');
    expect(r.json.error.message).toMatch(/single/);
    r = await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: 'no-such-item', value: 'A', clientSeq: 1 } });
    expect(r.status).toBe(422);
    r = await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: geo, value: 'HN' } });
    expect(r.status).toBe(400);

    r = await h.call('POST', '/api/delivery/session/answers/batch', { token: cand, body: { answers: [{ itemId: geo, value: 'DN', clientSeq: 3 }, { itemId: geo, value: 5, clientSeq: 4 }] } });
    expect(r.status).toBe(200);
    expect(r.json.acks.map((a: { status: string }) => a.status)).toEqual(['stored', 'rejected']);
    // the saved response comes back with the item (resume on another device)
    r = await h.call('GET', `/api/delivery/session/items/${geo}`, { token: cand });
    expect(r.json.responses).toEqual({ RESPONSE: 'DN' });
    expect(r.json.clientSeq).toBe(3);
    await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: geo, value: 'HN', clientSeq: 5 } });

    r = await h.call('POST', '/api/delivery/session/navigate', { token: cand, body: { to: items[2]!.key } });
    expect(r.status).toBe(200);
    expect(r.json.current.itemId).toBe(items[2]!.key);
    expect(r.json.items.find((x: { key: string }) => x.key === geo).answered).toBe(true);

    r = await h.call('POST', '/api/delivery/session/heartbeat', { token: cand, body: { incidents: [{ kind: 'focus_lost' }], messagesSince: 0 } });
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('in_progress');

    r = await h.call('GET', '/api/delivery/session/result', { token: cand });
    expect(r.status).toBe(404);
    r = await h.call('POST', '/api/delivery/session/submit', { token: cand });
    expect(r.status).toBe(200);
    expect(['submitted', 'scored']).toContain(r.json.state);
    r = await h.call('POST', '/api/delivery/session/answers', { token: cand, body: { itemId: geo, value: 'HCM', clientSeq: 9 } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('session_closed');
    r = await h.call('GET', '/api/delivery/session/result', { token: cand });
    expect(r.status).toBe(200);
    expect(r.json.score).toBeGreaterThanOrEqual(1);
    expect(r.json.items).toBeUndefined();
  });

  it('roles: staff cannot answer, candidates cannot manage events or watch rooms', async () => {
    expect((await h.call('POST', '/api/delivery/session/answers', { token: author, body: { itemId: 'x', value: 'A', clientSeq: 1 } })).status).toBe(403);
    expect((await h.call('GET', '/api/exam-events', { token: cand })).status).toBe(403);
    expect((await h.call('GET', '/api/exam-events/x/room', { token: cand })).status).toBe(404);
    expect((await h.call('POST', '/api/exam-events', { token: proctor, body: { code: 'X1', title: 'x' } })).status).toBe(403);
    expect((await h.call('GET', '/api/delivery/session')).status).toBe(401);
  });

  it('author: create, roster import (bad rows reported, nothing stored), publish, exports, rescore', async () => {
    const events = (await h.call('GET', '/api/exam-events', { token: author })).json.events as { id: string; code: string; testId: string }[];
    const demo = events.find((e) => e.code === 'DEMO-2026')!;
    let r = await h.call('POST', '/api/exam-events', { token: author, body: { code: 'MOCK-1', title: 'Mock 1', testId: demo.testId, opensAt: Date.now() - 1000, closesAt: Date.now() + 3600_000, settings: { examType: 'subject', showResults: 'full' } } });
    expect(r.status).toBe(201);
    const ev = r.json;
    expect((await h.call('POST', '/api/exam-events', { token: author, body: { code: 'MOCK-1', title: 'again' } })).status).toBe(409);
    expect((await h.call('POST', '/api/exam-events', { token: author, body: { code: 'MOCK-2', title: 't', opensAt: 10, closesAt: 5 } })).status).toBe(422);

    const bad = 'candidate_id,room,extra_minutes\nC-1,R1,\n,R1,\nC-3,R1,lots\n';
    r = await h.call('POST', `/api/exam-events/${ev.id}/roster`, { token: author, raw: bad, headers: { 'content-type': 'text/csv' } });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('roster_invalid');
    expect(r.json.error.details.problems.map((p: { line: number }) => p.line)).toEqual([3, 4]);
    expect((await h.call('GET', `/api/exam-events/${ev.id}/roster`, { token: author })).json.roster).toHaveLength(0);

    r = await h.call('POST', `/api/exam-events/${ev.id}/roster`, { token: author, body: { csv: 'candidate_id,room,extra_percent\nC-1,R1,25\nC-2,R2,\n' } });
    expect(r.status).toBe(200);
    expect(r.json.imported).toBe(2);
    const tickets = r.json.tickets as { ticketCode: string; pin: string }[];
    expect(tickets[0]!.pin).toMatch(/^[A-Z0-9]{8}$/);
    const roster = (await h.call('GET', `/api/exam-events/${ev.id}/roster`, { token: author })).json.roster;
    expect(roster).toHaveLength(2);
    expect(JSON.stringify(roster)).not.toContain('pinHash');

    r = await h.call('POST', `/api/exam-events/${ev.id}/publish`, { token: author });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('published');
    expect(Object.keys(r.json.settings.pinnedItems)).toHaveLength(4);
    expect((await h.call('POST', `/api/exam-events/${ev.id}/publish`, { token: author })).status).toBe(409);
    expect((await h.call('PATCH', `/api/exam-events/${ev.id}`, { token: author, body: { testId: demo.testId } })).status).toBe(409);

    // a candidate of the new event sits it with 25% extra time
    const login = await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: tickets[0]!.ticketCode, pin: tickets[0]!.pin, bearer: true } });
    expect(login.status).toBe(200);
    const t = login.json.token;
    const s = (await h.call('POST', '/api/delivery/session/start', { token: t })).json;
    expect(s.remainingMs).toBeGreaterThan(37 * 60_000); // 30 min + 25 %
    await h.call('POST', '/api/delivery/session/answers', { token: t, body: { itemId: 'demo-geo-capital', value: 'HN', clientSeq: 1 } });
    const sub = (await h.call('POST', '/api/delivery/session/submit', { token: t })).json;
    expect(sub.state).toBe('scored');
    const own = (await h.call('GET', '/api/delivery/session/result', { token: t })).json;
    expect(own.items['demo-geo-capital'].SCORE).toBe(1);

    r = await h.call('GET', `/api/exam-events/${ev.id}/results.csv`, { token: author });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(r.json).trim().split(/\r\n/);
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('C-1,')).join()).toContain(',scored,');
    expect(lines.filter((l) => l.startsWith('C-2,')).join()).toContain(',not_started,');

    r = await h.call('GET', `/api/exam-sessions/${sub.sessionId}/result.xml`, { token: author });
    expect(r.status).toBe(200);
    // structure and types are checked in results-export.test.ts
    expect(String(r.json)).toContain('<assessmentResult xmlns="http://www.imsglobal.org/xsd/imsqti_result_v2p2" ');
    expect(String(r.json)).toContain('<itemResult identifier="demo-geo-capital"');

    r = await h.call('POST', `/api/exam-events/${ev.id}/rescore`, { token: author, body: { reason: 'key of item 3 corrected' } });
    expect(r.status).toBe(200);
    expect(r.json.rescored).toBe(1);
    const all = (await h.call('GET', `/api/exam-sessions/${sub.sessionId}/results`, { token: author })).json.results;
    expect(all.map((x: { version: number; reason: string | null }) => [x.version, x.reason])).toEqual([[1, null], [2, 'key of item 3 corrected']]);
    // A proctor watches rooms where others still sit the exam: a finished candidate's item
    // outcomes and responses would tell them the keys. Results are for authors and admins.
    for (const path of [`/api/exam-sessions/${sub.sessionId}/results`, `/api/exam-sessions/${sub.sessionId}/result.xml`, `/api/exam-events/${ev.id}/results.csv`]) {
      expect((await h.call('GET', path, { token: proctor })).status, path).toBe(403);
    }
  });

  it('proctor: room snapshot, SSE stream with live events, actions audited, scope enforced', async () => {
    const events = (await h.call('GET', '/api/exam-events', { token: proctor })).json.events as { id: string; code: string }[];
    const demo = events.find((e) => e.code === 'DEMO-2026')!;
    const c2 = await h.bearer('candidate', 1);
    const s2 = (await h.call('GET', '/api/delivery/session', { token: c2 })).json;
    let r = await h.call('GET', `/api/proctor/events/${demo.id}/room`, { token: proctor });
    expect(r.status).toBe(200);
    const row = r.json.candidates.find((x: { sessionId: string | null }) => x.sessionId === s2.sessionId);
    expect(row.state).toBe('scheduled');
    expect(r.json.candidates.some((x: { incidents: { kind: string }[] }) => x.incidents.some((i) => i.kind === 'focus_lost'))).toBe(true);

    const res = await h.app.request(`http://localhost/api/proctor/events/${demo.id}/stream`, { headers: { authorization: `Bearer ${proctor}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    const until = async (re: RegExp) => {
      const t0 = Date.now();
      while (!re.test(buf)) {
        if (Date.now() - t0 > 5000) throw new Error(`no ${re} in SSE: ${buf.slice(0, 500)}`);
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value);
      }
    };
    await until(/event: snapshot/);
    r = await h.call('POST', '/api/delivery/session/start', { token: c2 });
    expect(r.status).toBe(200);
    r = await h.call('POST', `/api/proctor/sessions/${s2.sessionId}/pause`, { token: proctor, body: { reason: 'noise' } });
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('paused');
    await until(/"to":"paused"/);
    // the snapshot gives a paused session's frozen time left (no running deadline)
    const pausedRow = (await h.call('GET', `/api/proctor/events/${demo.id}/room`, { token: proctor })).json.candidates.find((x: { sessionId: string }) => x.sessionId === s2.sessionId);
    expect(pausedRow).toMatchObject({ state: 'paused', deadline: null });
    expect(pausedRow.remainingMs).toBeGreaterThan(29 * 60_000);
    r = await h.call('POST', `/api/proctor/sessions/${s2.sessionId}/extend`, { token: proctor, body: { minutes: 5, reason: 'noise' } });
    expect(r.status).toBe(200);
    await until(/event: time.extended/);
    r = await h.call('POST', `/api/proctor/sessions/${s2.sessionId}/message`, { token: proctor, body: { text: 'Xin giữ trật tự' } });
    expect(r.status).toBe(200);
    await until(/Xin giữ trật tự/);
    await reader.cancel();
    r = await h.call('POST', '/api/delivery/session/heartbeat', { token: c2, body: { messagesSince: 0 } });
    expect(r.json.messages.map((m: { text: string }) => m.text)).toContain('Xin giữ trật tự');
    expect(r.json.state).toBe('paused');
    r = await h.call('POST', `/api/proctor/sessions/${s2.sessionId}/resume`, { token: proctor });
    expect(r.json.state).toBe('in_progress');
    expect((await h.call('POST', `/api/proctor/sessions/${s2.sessionId}/resume`, { token: proctor })).status).toBe(409);
    r = await h.call('POST', `/api/proctor/sessions/${s2.sessionId}/void`, { token: proctor, body: { reason: 'phone in use' } });
    expect(r.json.state).toBe('voided');
    const audit = await h.store.audit.list({ target: `session:${s2.sessionId}` });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['session.pause', 'session.extend', 'session.resume', 'session.void', 'proctor.action']));

    // admitting a rostered candidate who has not opened the exam yet
    const snap = (await h.call('GET', `/api/proctor/events/${demo.id}/room`, { token: proctor })).json.candidates as { candidateId: string; sessionId: string | null }[];
    const absent = snap.find((x) => x.sessionId === null)!;
    expect(absent).toBeDefined();
    r = await h.call('POST', `/api/proctor/events/${demo.id}/candidates/${absent.candidateId}/admit`, { token: proctor });
    expect(r.status).toBe(200);
    expect(r.json.state).toBe('admitted');
    const after = (await h.call('GET', `/api/proctor/events/${demo.id}/room`, { token: proctor })).json.candidates.find((x: { candidateId: string }) => x.candidateId === absent.candidateId);
    expect(after).toMatchObject({ sessionId: r.json.id, state: 'admitted' });
    expect((await h.call('POST', `/api/proctor/events/${demo.id}/candidates/${absent.candidateId}/admit`, { token: proctor })).status).toBe(409);
    r = await h.call('POST', `/api/proctor/events/${demo.id}/candidates/not-on-roster/admit`, { token: proctor });
    expect(r.status).toBe(404);
    expect((await h.call('POST', `/api/proctor/events/${demo.id}/candidates/${absent.candidateId}/admit`, { token: c2 })).status).toBe(403);

    // a proctor outside the event's rooms is refused
    const other = await h.call('POST', '/api/exam-events', { token: author, body: { code: 'OTHER-1', title: 'o' } });
    expect((await h.call('GET', `/api/proctor/events/${other.json.id}/room`, { token: proctor })).status).toBe(403);
  });
});
