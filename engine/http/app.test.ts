/**
 * The HTTP spine on both dialects: role matrix, 401/403/400/413 errors in the one error shape,
 * CSRF, login rate limit, sessions, admin user management, metrics, health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { z } from '@hono/zod-openapi';
import { createTestDatabase, dropTestDatabase } from '../../tests/support/postgres.ts';
import { makeTestApp, type TestApp } from './testing.ts';
import type { RouteModule } from './deps.ts';
import { defineRoute } from './route.ts';
import { NotFound } from './errors.ts';
import { assertOwnSession, principalOf } from '../auth/guard.ts';
import { ROLES, type Role } from '../auth/principal.ts';
import { tempDir } from '../../tests/support/temp-dir.ts';

/** A route like DELIVERY's: a candidate may read only their own exam session. */
const ownSessionProbe: RouteModule = (app, deps) => {
  app.openapi(
    defineRoute(['candidate', 'proctor'], {
      method: 'get',
      path: '/api/test-probe/sessions/{id}',
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: { description: 'ok', content: { 'application/json': { schema: z.object({ id: z.string() }) } } } },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const s = await deps.store.sessions.get(id);
      if (!s) throw new NotFound('exam session', id);
      assertOwnSession(principalOf(c), s);
      return c.json({ id: s.id }, 200);
    },
  );
};

const dialects = [
  { name: 'sqlite', url: async () => `sqlite:${join(tempDir('assay-http-'), 'a.db')}`, drop: async (_: string) => {} },
  { name: 'postgres', url: () => createTestDatabase('assay_http'), drop: dropTestDatabase },
];

describe.each(dialects)('HTTP spine on $name', ({ url: makeUrl, drop }) => {
  let h: TestApp;
  let url: string;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    url = await makeUrl();
    h = await makeTestApp(url, { env: { ASSAY_BODY_LIMIT: '4096', ASSAY_METRICS_TOKEN: 'metrics-token-1234567890' }, extraModules: [ownSessionProbe] });
    for (const r of ROLES) tokens[r] = await h.bearer(r);
  });
  afterAll(async () => {
    await h?.close();
    await drop(url);
  });

  it('declares roles on every /api operation in /openapi.json', async () => {
    const r = await h.call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    const ops = Object.entries(r.json.paths as Record<string, Record<string, { 'x-assay-roles'?: string[] }>>).flatMap(([p, m]) => Object.entries(m).map(([verb, op]) => ({ p, verb, roles: op['x-assay-roles'] })));
    expect(ops.length).toBeGreaterThan(5);
    for (const op of ops.filter((o) => o.p.startsWith('/api/'))) expect(op.roles, `${op.verb} ${op.p}`).toBeDefined();
  });

  it('enforces the route-role matrix: allowed roles pass, others 403, no session 401', async () => {
    const matrix: Array<[string, string, Role[]]> = [
      ['GET', '/api/admin/users', ['admin']],
      ['GET', '/api/home/author', ['author', 'admin']],
      ['GET', '/api/home/proctor', ['proctor', 'admin']],
      ['GET', '/api/home/counsellor', ['counsellor', 'admin']],
      ['GET', '/api/home/candidate', ['candidate']],
      ['GET', '/api/auth/me', [...ROLES]],
    ];
    for (const [method, path, allowed] of matrix) {
      const anon = await h.call(method, path);
      expect(anon.status, `${method} ${path} anonymous`).toBe(401);
      expect(anon.json.error.code).toBe('unauthorized');
      for (const role of ROLES) {
        const r = await h.call(method, path, { token: tokens[role] });
        if (allowed.includes(role)) expect(r.status, `${method} ${path} as ${role}`).toBe(200);
        else {
          expect(r.status, `${method} ${path} as ${role}`).toBe(403);
          expect(r.json.error).toMatchObject({ code: 'forbidden' });
          expect(r.json.error.message).toContain(role);
        }
      }
    }
  });

  it('wrong role gets 403 with the error shape', async () => {
    const r = await h.call('POST', '/api/admin/users', { token: tokens.author, body: { username: 'x1', password: 'long-enough-pw', role: 'author' } });
    expect(r.status).toBe(403);
    expect(Object.keys(r.json)).toEqual(['error']);
    expect(r.json.error.details).toEqual({ role: 'author', allowed: ['admin'] });
  });

  it('a candidate reaches only their own exam session (403 for another candidate\'s)', async () => {
    const event = (await h.store.events.list())[0];
    const roster = await h.store.events.listRoster(event.id);
    const byTicket = new Map(roster.map((r) => [r.ticketCode, r]));
    const mine = byTicket.get(h.demo.candidates[0].ticketCode)!;
    const theirs = byTicket.get(h.demo.candidates[1].ticketCode)!;
    const s1 = await h.store.sessions.create({ eventId: event.id, candidateId: mine.candidateId, state: 'admitted', seed: '1' });
    const s2 = await h.store.sessions.create({ eventId: event.id, candidateId: theirs.candidateId, state: 'admitted', seed: '2' });
    expect((await h.call('GET', `/api/test-probe/sessions/${s1.id}`, { token: tokens.candidate })).status).toBe(200);
    const other = await h.call('GET', `/api/test-probe/sessions/${s2.id}`, { token: tokens.candidate });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe('not_your_session');
    expect((await h.call('GET', `/api/test-probe/sessions/${s2.id}`, { token: tokens.proctor })).status).toBe(200);
    expect((await h.call('GET', `/api/test-probe/sessions/${s2.id}`)).status).toBe(401);
  });

  it('missing or unknown session gets 401', async () => {
    const r = await h.call('GET', '/api/auth/me', { token: 'as_not-a-real-token' });
    expect(r.status).toBe(401);
    expect(r.json.error.message).toMatch(/log in/);
  });

  it('malformed JSON gets 400 malformed_json; a bad field is named', async () => {
    const bad = await h.call('POST', '/api/auth/login', { raw: '{"username": "admin",', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('malformed_json');
    const field = await h.call('POST', '/api/auth/login', { body: { username: 'admin', password: 42 } });
    expect(field.status).toBe(400);
    expect(field.json.error.code).toBe('validation_failed');
    expect(field.json.error.message).toContain('body.password');
    expect(field.json.error.details.issues[0].path).toBe('body.password');
  });

  it('oversized body gets 413 with the limit, nothing stored', async () => {
    const before = (await h.store.users.list()).length;
    const r = await h.call('POST', '/api/admin/users', { token: tokens.admin, body: { username: 'big', password: 'x'.repeat(10), role: 'author', displayName: 'y'.repeat(5000) } });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatchObject({ code: 'payload_too_large', details: { limit: 4096 } });
    expect((await h.store.users.list()).length).toBe(before);
  });

  it('routes with hono\'s RegExpRouter (no silent fallback to the TrieRouter); UI app paths still answer', async () => {
    // A root parameter route (`/:app/*`) made SmartRouter fall back to the TrieRouter for every request.
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    expect((h.app.router as unknown as { activeRouter: { name: string } }).activeRouter.name).toBe('RegExpRouter');
    const page = await h.app.request('http://localhost/candidate/exam/1');
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy') ?? (await page.text())).toBeTruthy();
    const bare = await h.app.request('http://localhost/candidate');
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/candidate/');
    expect((await h.call('POST', '/candidate/x')).status).toBe(404);
  });

  it('unknown routes get a JSON 404', async () => {
    const r = await h.call('GET', '/api/nope');
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('not_found');
  });

  it('CSRF: cookie-authenticated writes need X-CSRF-Token; bearer writes do not; cross-site logins are refused', async () => {
    const { cookie, csrf } = await h.cookieLogin('admin');
    expect((await h.call('GET', '/api/auth/me', { cookie })).status).toBe(200);
    const body = { username: 'csrf-user', password: 'long-enough-pw', role: 'author' };
    const noToken = await h.call('POST', '/api/admin/users', { cookie, body });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.code).toBe('csrf_failed');
    const wrong = await h.call('POST', '/api/admin/users', { cookie, csrf: 'x'.repeat(csrf.length), body });
    expect(wrong.status).toBe(403);
    const ok = await h.call('POST', '/api/admin/users', { cookie, csrf, body });
    expect(ok.status).toBe(201);
    const viaBearer = await h.call('POST', '/api/admin/users', { token: tokens.admin, body: { ...body, username: 'csrf-user2' } });
    expect(viaBearer.status).toBe(201);
    const admin = h.demo.staff.find((s) => s.role === 'admin')!;
    const cross = await h.call('POST', '/api/auth/login', { body: { username: admin.username, password: admin.password }, headers: { origin: 'https://evil.example' } });
    expect(cross.status).toBe(403);
    expect(cross.json.error.code).toBe('csrf_failed');
  });

  it('session cookie is httpOnly and SameSite; logout ends the session', async () => {
    const admin = h.demo.staff.find((s) => s.role === 'admin')!;
    const r = await h.call('POST', '/api/auth/login', { body: { username: admin.username, password: admin.password } });
    const sc = r.headers.getSetCookie().find((c) => c.startsWith('assay_session='))!;
    expect(sc).toMatch(/HttpOnly/i);
    expect(sc).toMatch(/SameSite=Lax/i);
    expect(r.json.token).toBeUndefined();
    const token = await h.bearer('author');
    expect((await h.call('POST', '/api/auth/logout', { token })).status).toBe(200);
    expect((await h.call('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('rate-limits failed logins per account with 429 and Retry-After; audits the failures', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: h.demo.candidates[2].ticketCode, pin: 'WRONGPIN' } });
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('login_failed');
    }
    const limited = await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: h.demo.candidates[2].ticketCode, pin: h.demo.candidates[2].pin } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json.error.code).toBe('rate_limited');
    // Other accounts are unaffected.
    expect((await h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: h.demo.candidates[3].ticketCode, pin: h.demo.candidates[3].pin } })).status).toBe(200);
    await h.deps.audit.flush();
    expect((await h.store.audit.list({ action: 'auth.candidate_login_failed', limit: 100 })).length).toBeGreaterThanOrEqual(5);
  });

  it('admin creates a user and changes a role: audited, old sessions end', async () => {
    const created = await h.call('POST', '/api/admin/users', { token: tokens.admin, body: { username: 'Giao.Vien', password: 'long-enough-pw', role: 'author', displayName: 'Giáo viên' } });
    expect(created.status).toBe(201);
    expect(created.json.user).toMatchObject({ username: 'giao.vien', role: 'author', active: true });
    expect(created.json.user.passwordHash).toBeUndefined();
    const dup = await h.call('POST', '/api/admin/users', { token: tokens.admin, body: { username: 'giao.vien', password: 'long-enough-pw', role: 'author' } });
    expect(dup.status).toBe(409);
    const login = await h.call('POST', '/api/auth/login', { body: { username: 'giao.vien', password: 'long-enough-pw', bearer: true } });
    const t = login.json.token as string;
    expect((await h.call('GET', '/api/home/author', { token: t })).status).toBe(200);
    const patched = await h.call('PATCH', `/api/admin/users/${created.json.user.id}`, { token: tokens.admin, body: { role: 'proctor' } });
    expect(patched.status).toBe(200);
    expect(patched.json.user.role).toBe('proctor');
    expect((await h.call('GET', '/api/home/author', { token: t })).status).toBe(401);
    const missing = await h.call('PATCH', '/api/admin/users/no-such-id', { token: tokens.admin, body: { role: 'proctor' } });
    expect(missing.status).toBe(404);
    await h.deps.audit.flush();
    const changes = await h.store.audit.list({ action: 'user.role_changed', limit: 10 });
    expect(changes.some((e) => e.target === `user:${created.json.user.id}` && (e.details as { to?: string }).to === 'proctor')).toBe(true);
    expect((await h.store.audit.verifyAuditChain()).ok).toBe(true);
  });

  it('concurrent candidate logins (one group-committed batch) each get a working session and an audit entry', async () => {
    await h.deps.audit.flush();
    const before = (await h.store.audit.list({ action: 'auth.candidate_login', limit: 1000 })).length;
    const logins = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const c = h.demo.candidates[i % 2];
        return h.call('POST', '/api/auth/candidate-login', { body: { ticketCode: c.ticketCode, pin: c.pin, bearer: true } });
      }),
    );
    expect(logins.map((r) => r.status)).toEqual(Array(30).fill(200));
    const mes = await Promise.all(logins.map((r) => h.call('GET', '/api/auth/me', { token: r.json.token })));
    mes.forEach((m, i) => {
      expect(m.status).toBe(200);
      expect(m.json.principal).toMatchObject({ kind: 'candidate', ticketCode: h.demo.candidates[i % 2].ticketCode });
    });
    expect((await h.store.audit.list({ action: 'auth.candidate_login', limit: 1000 })).length).toBe(before + 30);
  });

  it('home pages return each role\'s data', async () => {
    expect((await h.call('GET', '/api/home/author', { token: tokens.author })).json.banks[0].code).toBe('DEMO');
    const ev = (await h.call('GET', '/api/home/proctor', { token: tokens.proctor })).json.events;
    expect(ev[0].rooms.length).toBe(1);
    expect((await h.call('GET', '/api/home/counsellor', { token: tokens.counsellor })).json.students.length).toBe(5);
    expect((await h.call('GET', '/api/home/candidate', { token: tokens.candidate })).json.event.code).toBe('DEMO-2026');
  });

  it('/metrics: 401 anonymous, 403 non-admin, 200 admin or metrics token; /healthz and /readyz', async () => {
    expect((await h.call('GET', '/metrics')).status).toBe(401);
    expect((await h.call('GET', '/metrics', { token: tokens.author })).status).toBe(403);
    const m = await h.call('GET', '/metrics', { token: 'metrics-token-1234567890' });
    expect(m.status).toBe(200);
    expect(m.json).toContain('assay_http_requests_total');
    expect(m.json).toContain('assay_http_request_duration_seconds_bucket');
    expect((await h.call('GET', '/metrics', { token: tokens.admin })).status).toBe(200);
    expect((await h.call('GET', '/healthz')).json).toEqual({ status: 'ok' });
    expect((await h.call('GET', '/readyz')).status).toBe(200);
    const r = await h.call('GET', '/healthz');
    expect(r.headers.get('x-request-id')).toBeTruthy();
  });
});
