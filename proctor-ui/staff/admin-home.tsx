/** Admin home: the user list, a form to add a user, role changes. */
import { useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.ts';
import { Alert, Layout } from '../shared/layout.tsx';
import { t } from '../shared/i18n.ts';
import type { HomeProps } from './common.ts';
import { useGet } from './use-api.ts';

const ROLES = ['admin', 'author', 'proctor', 'counsellor'] as const;
type Role = (typeof ROLES)[number];
interface User { id: string; username: string; role: Role; displayName: string | null; active: boolean }

export function AdminHome(props: HomeProps) {
  const { data, error, reload } = useGet<{ users: User[] }>('/api/admin/users');
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const form = useRef<HTMLFormElement>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(form.current!);
    try {
      await api('POST', '/api/admin/users', { username: f.get('username'), password: f.get('password'), role: f.get('role'), displayName: f.get('displayName') || null });
      setMsg({ kind: 'ok', text: t('created') });
      form.current!.reset();
      reload();
    } catch (err) {
      setMsg({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  };
  const changeRole = async (u: User, role: Role) => {
    try {
      await api('PATCH', `/api/admin/users/${encodeURIComponent(u.id)}`, { role });
      reload();
    } catch (err) {
      setMsg({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  };

  return (
    <Layout title={t('usersTitle')} {...props}>
      <section data-home="admin" aria-labelledby="users-h">
        <h2 id="users-h">{t('usersTitle')}</h2>
        {error && <Alert>{error}</Alert>}
        {!data && !error && <p role="status">{t('loading')}</p>}
        {data && (
          <table>
            <thead>
              <tr><th scope="col">{t('username')}</th><th scope="col">{t('displayName')}</th><th scope="col">{t('role')}</th><th scope="col">{t('active')}</th></tr>
            </thead>
            <tbody>
              {data.users.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.displayName ?? ''}</td>
                  <td>
                    <select aria-label={`${t('role')}: ${u.username}`} value={u.role} onChange={(e) => changeRole(u, (e.target as HTMLSelectElement).value as Role)}>
                      {ROLES.map((r) => <option value={r}>{t(`role_${r}`)}</option>)}
                    </select>
                  </td>
                  <td>{u.active ? '✓' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2 id="new-user-h">{t('newUser')}</h2>
        <form ref={form} onSubmit={create} aria-labelledby="new-user-h" class="inline">
          <div><label for="nu-username">{t('username')}</label><input id="nu-username" name="username" required minLength={2} /></div>
          <div><label for="nu-name">{t('displayName')}</label><input id="nu-name" name="displayName" /></div>
          <div><label for="nu-password">{t('password')}</label><input id="nu-password" name="password" type="password" required minLength={10} autoComplete="new-password" /></div>
          <div>
            <label for="nu-role">{t('role')}</label>
            <select id="nu-role" name="role">{ROLES.map((r) => <option value={r}>{t(`role_${r}`)}</option>)}</select>
          </div>
          <div><button type="submit">{t('create')}</button></div>
        </form>
        {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      </section>
    </Layout>
  );
}
