/**
 * /api/auth/*: staff login, candidate login, logout, me.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { setCookie, deleteCookie } from 'hono/cookie';
import type { RouteModule } from '../http/deps.ts';
import type { AppEnv } from '../http/context.ts';
import { defineRoute } from '../http/route.ts';
import { clientIp, isTls } from '../http/client.ts';
import { principalOf } from './guard.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from './middleware.ts';
import type { LoginResult } from './service.ts';

export const PrincipalSchema = z
  .object({
    kind: z.enum(['staff', 'candidate']),
    role: z.enum(['candidate', 'proctor', 'author', 'counsellor', 'admin']),
    userId: z.string().optional(),
    username: z.string().optional(),
    displayName: z.string().nullable().optional(),
    candidateId: z.string().optional(),
    schoolIds: z.array(z.string()),
    eventId: z.string().optional(),
    rosterId: z.string().optional(),
    ticketCode: z.string().optional(),
  })
  .openapi('Principal');

const LoginResponse = z
  .object({
    principal: PrincipalSchema,
    csrfToken: z.string().openapi({ description: 'Send as X-CSRF-Token on cookie-authenticated writes' }),
    expiresAt: z.number().int().openapi({ description: 'Epoch milliseconds' }),
    token: z.string().optional().openapi({ description: 'Session token for Authorization: Bearer (only when the request asked with bearer: true)' }),
  })
  .openapi('LoginResponse');

const bearerFlag = z.boolean().optional().openapi({ description: 'Return the session token in the body (API clients, load tests)' });

const staffLogin = defineRoute('public', {
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Staff login (username + password)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(256), bearer: bearerFlag }).openapi('StaffLogin'),
        },
      },
    },
  },
  responses: {
    200: { description: 'Logged in; sets the session and CSRF cookies', content: { 'application/json': { schema: LoginResponse } } },
  },
});

const candidateLogin = defineRoute('public', {
  method: 'post',
  path: '/api/auth/candidate-login',
  tags: ['auth'],
  summary: 'Candidate login (ticket code + PIN from the exam slip)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ ticketCode: z.string().min(1).max(64), pin: z.string().min(1).max(64), bearer: bearerFlag }).openapi('CandidateLogin'),
        },
      },
    },
  },
  responses: {
    200: { description: 'Logged in', content: { 'application/json': { schema: LoginResponse } } },
  },
});

const logout = defineRoute('authenticated', {
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'End the current session',
  responses: { 200: { description: 'Logged out', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
});

const me = defineRoute('authenticated', {
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'The current principal',
  responses: {
    200: { description: 'Who you are', content: { 'application/json': { schema: z.object({ principal: PrincipalSchema, csrfToken: z.string() }) } } },
  },
});

export const authRoutes: RouteModule = (app, deps) => {
  const { config } = deps;
  const issue = (c: Context<AppEnv>, r: LoginResult, wantsBearer: boolean | undefined) => {
    const secure = isTls(c, config.trustProxy);
    const maxAge = Math.max(1, Math.floor((r.expiresAt - Date.now()) / 1000));
    setCookie(c, SESSION_COOKIE, r.token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge });
    // Readable by the page's script (double-submit); useless to another site.
    setCookie(c, CSRF_COOKIE, r.csrfToken, { httpOnly: false, sameSite: 'Strict', secure, path: '/', maxAge });
    return { principal: r.principal, csrfToken: r.csrfToken, expiresAt: r.expiresAt, ...(wantsBearer ? { token: r.token } : {}) };
  };

  app.openapi(staffLogin, async (c) => {
    const body = c.req.valid('json');
    const r = await deps.auth.loginStaff(body.username, body.password, clientIp(c, config.trustProxy));
    return c.json(issue(c, r, body.bearer) as never, 200);
  });

  app.openapi(candidateLogin, async (c) => {
    const body = c.req.valid('json');
    const r = await deps.auth.loginCandidate(body.ticketCode, body.pin, clientIp(c, config.trustProxy));
    return c.json(issue(c, r, body.bearer) as never, 200);
  });

  app.openapi(logout, async (c) => {
    const auth = c.get('auth')!;
    await deps.auth.logout(auth);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    deleteCookie(c, CSRF_COOKIE, { path: '/' });
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(me, (c) => {
    const principal = principalOf(c);
    return c.json({ principal, csrfToken: c.get('auth')!.csrfToken } as never, 200);
  });
};
