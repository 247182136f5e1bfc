/**
 * /api/admin/users: the admin's user management (list, create, change role / deactivate).
 */
import { z } from '@hono/zod-openapi';
import type { RouteModule } from '../http/deps.ts';
import { defineRoute } from '../http/route.ts';
import { staffOf } from './guard.ts';
import { STAFF_ROLES } from './principal.ts';
import { createStaffUser, updateStaffUser, userView } from './users.ts';

const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(STAFF_ROLES),
    displayName: z.string().nullable(),
    active: z.boolean(),
    schoolIds: z.array(z.string()),
    createdAt: z.number().int(),
  })
  .openapi('User');

const list = defineRoute(['admin'], {
  method: 'get',
  path: '/api/admin/users',
  tags: ['admin'],
  summary: 'List staff users',
  request: { query: z.object({ role: z.enum(STAFF_ROLES).optional() }) },
  responses: { 200: { description: 'Users', content: { 'application/json': { schema: z.object({ users: z.array(UserSchema) }) } } } },
});

const create = defineRoute(['admin'], {
  method: 'post',
  path: '/api/admin/users',
  tags: ['admin'],
  summary: 'Create a staff user',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              username: z.string().min(2).max(63),
              password: z.string().min(10).max(256),
              role: z.enum(STAFF_ROLES),
              displayName: z.string().max(200).nullable().optional(),
              schoolIds: z.array(z.string()).optional(),
            })
            .openapi('NewUser'),
        },
      },
    },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: z.object({ user: UserSchema }) } } },
  },
});

const update = defineRoute(['admin'], {
  method: 'patch',
  path: '/api/admin/users/{id}',
  tags: ['admin'],
  summary: 'Change a user\'s role, name, password or active flag (ends their sessions on role/active/password change)',
  request: {
    params: z.object({ id: z.string().min(1) }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              role: z.enum(STAFF_ROLES).optional(),
              active: z.boolean().optional(),
              displayName: z.string().max(200).nullable().optional(),
              password: z.string().min(10).max(256).optional(),
            })
            .openapi('UserPatch'),
        },
      },
    },
  },
  responses: { 200: { description: 'Updated', content: { 'application/json': { schema: z.object({ user: UserSchema }) } } } },
});

export const adminUserRoutes: RouteModule = (app, deps) => {
  app.openapi(list, async (c) => {
    const { role } = c.req.valid('query');
    const users = await deps.store.users.list(role ? { role } : undefined);
    return c.json({ users: await Promise.all(users.map((u) => userView(deps.store, u))) }, 200);
  });
  app.openapi(create, async (c) => {
    const me = staffOf(c);
    const user = await createStaffUser(deps.store, deps.audit, c.req.valid('json'), `user:${me.userId}`);
    return c.json({ user }, 201);
  });
  app.openapi(update, async (c) => {
    const me = staffOf(c);
    const id = c.req.valid('param').id;
    const user = await updateStaffUser(deps.store, deps.audit, id, c.req.valid('json'), `user:${me.userId}`);
    // Cached login sessions of this user must not outlive the rows updateStaffUser deleted.
    deps.auth.forgetUser(id);
    return c.json({ user }, 200);
  });
};
