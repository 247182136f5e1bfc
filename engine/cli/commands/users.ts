/**
 * `assay users add USERNAME --role ROLE [--password P] [--name "Full Name"] [--school CODE]...`
 * `assay users list`
 * `assay users set-role USERNAME ROLE`
 * (each also takes --db URL). Without --password a random one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { withCliStore, splitConfigArgs } from '../../server.ts';
import { createAuditService } from '../../audit/service.ts';
import { createStaffUser, updateStaffUser } from '../../auth/users.ts';
import { STAFF_ROLES, type StaffRole } from '../../auth/principal.ts';
import { AppError } from '../../http/errors.ts';

export const summary = 'manage staff accounts: users add NAME --role R [--password P], users list, users set-role NAME R';

const USAGE = 'usage: assay users add USERNAME --role admin|author|proctor|counsellor [--password P] [--name N] [--school CODE] | users list | users set-role USERNAME ROLE';

function isRole(r: string | undefined): r is StaffRole {
  return !!r && (STAFF_ROLES as readonly string[]).includes(r);
}

export async function run(args: string[]): Promise<number> {
  const { configArgs, rest } = splitConfigArgs(args);
  const [sub, ...more] = rest;
  if (sub !== 'add' && sub !== 'list' && sub !== 'set-role') {
    console.error(`assay users: ${sub ? `unknown subcommand '${sub}'` : 'missing subcommand'} (${USAGE})`);
    return 2;
  }
  const opts: Record<string, string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < more.length; i++) {
    const a = more[i];
    if (a.startsWith('--')) {
      const v = more[i + 1];
      if (v === undefined || v.startsWith('--')) {
        console.error(`assay users: option ${a} needs a value (${USAGE})`);
        return 2;
      }
      (opts[a.slice(2)] ??= []).push(v);
      i++;
    } else positional.push(a);
  }
  for (const k of Object.keys(opts)) {
    if (!['role', 'password', 'name', 'school'].includes(k)) {
      console.error(`assay users: unknown option --${k} (${USAGE})`);
      return 2;
    }
  }
  return withCliStore('users', configArgs, async (store) => {
    const audit = createAuditService(store.audit);
    try {
      if (sub === 'list') {
        for (const u of await store.users.list()) console.log(`${u.username.padEnd(20)} ${u.role.padEnd(11)} ${u.active ? 'active' : 'inactive'}  ${u.displayName ?? ''}`);
        return 0;
      }
      if (sub === 'set-role') {
        const [username, role] = positional;
        if (!username || !isRole(role)) {
          console.error(`assay users set-role: need USERNAME and a role of ${STAFF_ROLES.join(', ')} (got '${role ?? ''}')`);
          return 2;
        }
        const u = await store.users.getByUsername(username.toLowerCase());
        if (!u) {
          console.error(`assay users set-role: no user '${username}'`);
          return 1;
        }
        await updateStaffUser(store, audit, u.id, { role }, 'cli');
        console.log(`${u.username}: ${u.role} -> ${role}`);
        return 0;
      }
      const [username] = positional;
      const role = opts.role?.[0];
      if (!username || !isRole(role)) {
        console.error(`assay users add: need USERNAME and --role ${STAFF_ROLES.join('|')} (got '${role ?? ''}')`);
        return 2;
      }
      const generated = !opts.password;
      const password = opts.password?.[0] ?? randomBytes(12).toString('base64url');
      const schoolIds: string[] = [];
      for (const code of opts.school ?? []) {
        const s = await store.schools.getByCode(code);
        if (!s) {
          console.error(`assay users add: no school with code '${code}'`);
          return 1;
        }
        schoolIds.push(s.id);
      }
      const u = await createStaffUser(store, audit, { username, password, role, displayName: opts.name?.[0] ?? null, schoolIds }, 'cli');
      console.log(`created ${u.username} (${u.role})${generated ? ` with password ${password}` : ''}`);
      return 0;
    } catch (err) {
      if (err instanceof AppError) {
        console.error(`assay users ${sub}: ${err.message}`);
        return 1;
      }
      throw err;
    } finally {
      await audit.flush();
    }
  });
}
