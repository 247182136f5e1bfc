/**
 * Staff accounts: creation, role changes, (de)activation. Shared by the admin API, the
 * `assay users` CLI and the demo seed, so every path audits the same way.
 */
import type { Store, User } from '../store/types.ts';
import type { AuditService } from '../audit/service.ts';
import { BadRequest, Conflict, NotFound } from '../http/errors.ts';
import { hashPassword, passwordProblem } from './password.ts';
import type { StaffRole } from './principal.ts';

export interface NewStaffUser {
  username: string;
  password: string;
  role: StaffRole;
  displayName?: string | null;
  schoolIds?: string[];
}

/** The public view of a user: never the password hash. */
export interface UserView {
  id: string;
  username: string;
  role: StaffRole;
  displayName: string | null;
  active: boolean;
  schoolIds: string[];
  createdAt: number;
}

export async function userView(store: Store, u: User): Promise<UserView> {
  return { id: u.id, username: u.username, role: u.role, displayName: u.displayName ?? null, active: u.active, schoolIds: await store.users.schoolsOf(u.id), createdAt: u.createdAt };
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/** Creates a staff user (409 when the username is taken, 400 for a weak password). */
export async function createStaffUser(store: Store, audit: AuditService, input: NewStaffUser, actor: string): Promise<UserView> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME.test(username)) throw new BadRequest(`username '${input.username}' must be 2-63 characters of a-z, 0-9, '.', '_' or '-'`, { field: 'username' });
  const problem = passwordProblem(input.password);
  if (problem) throw new BadRequest(problem, { field: 'password' });
  if (await store.users.getByUsername(username)) throw new Conflict(`username '${username}' is already taken`, { field: 'username' });
  for (const id of input.schoolIds ?? []) if (!(await store.schools.get(id))) throw new NotFound('school', id);
  const passwordHash = await hashPassword(input.password);
  const user = await store.transaction(async (tx) => {
    const u = await tx.users.create({ username, passwordHash, role: input.role, displayName: input.displayName ?? null });
    for (const id of input.schoolIds ?? []) await tx.users.addSchool(u.id, id);
    return u;
  });
  await audit.record({ action: 'user.created', actor, target: `user:${user.id}`, details: { username, role: user.role } });
  return userView(store, user);
}

/** Changes role and/or active flag; ends the user's sessions so the change applies at once. */
export async function updateStaffUser(
  store: Store,
  audit: AuditService,
  id: string,
  patch: { role?: StaffRole; active?: boolean; displayName?: string | null; password?: string },
  actor: string,
): Promise<UserView> {
  const before = await store.users.get(id);
  if (!before) throw new NotFound('user', id);
  const change: Parameters<Store['users']['update']>[1] = {};
  if (patch.role !== undefined) change.role = patch.role;
  if (patch.active !== undefined) change.active = patch.active;
  if (patch.displayName !== undefined) change.displayName = patch.displayName;
  if (patch.password !== undefined) {
    const problem = passwordProblem(patch.password);
    if (problem) throw new BadRequest(problem, { field: 'password' });
    change.passwordHash = await hashPassword(patch.password);
  }
  const after = (await store.users.update(id, change))!;
  const security = (patch.role !== undefined && patch.role !== before.role) || patch.active === false || patch.password !== undefined;
  if (security) await store.appSessions.deleteForUser(id);
  if (patch.role !== undefined && patch.role !== before.role) {
    await audit.record({ action: 'user.role_changed', actor, target: `user:${id}`, details: { from: before.role, to: patch.role } });
  }
  if (patch.active !== undefined || patch.displayName !== undefined || patch.password !== undefined) {
    await audit.record({ action: 'user.updated', actor, target: `user:${id}`, details: { active: patch.active ?? null, displayName: patch.displayName ?? null, passwordChanged: patch.password !== undefined } });
  }
  return userView(store, after);
}
