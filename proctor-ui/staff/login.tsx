/** Login page: staff (username + password) and candidate (ticket code + PIN) tabs. */
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from '../shared/api.ts';
import { Alert, Layout } from '../shared/layout.tsx';
import { t } from '../shared/i18n.ts';
import type { Principal } from '../../engine/auth/principal.ts';

type Tab = 'staff' | 'candidate';

export function LoginPage({ onLoggedIn, onLangChange }: { onLoggedIn: (p: Principal) => void; onLangChange: () => void }) {
  const [tab, setTab] = useState<Tab>(location.pathname.startsWith('/candidate') ? 'candidate' : 'staff');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const a = useRef<HTMLInputElement>(null);
  const b = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r =
        tab === 'staff'
          ? await api<{ principal: Principal; csrfToken: string }>('POST', '/api/auth/login', { username: a.current!.value, password: b.current!.value })
          : await api<{ principal: Principal; csrfToken: string }>('POST', '/api/auth/candidate-login', { ticketCode: a.current!.value, pin: b.current!.value });
      setCsrfToken(r.csrfToken);
      onLoggedIn(r.principal);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        setError(t('tooMany', { s: (err.details as { retryAfter?: number } | undefined)?.retryAfter ?? 60 }));
      } else {
        setError(`${t('loginFailed')}: ${err instanceof Error ? err.message : String(err)}`);
      }
      setBusy(false);
    }
  };

  const tabButton = (id: Tab, label: string) => (
    <button
      type="button"
      role="tab"
      id={`tab-${id}`}
      aria-selected={tab === id}
      aria-controls="login-panel"
      onClick={() => {
        setTab(id);
        setError(undefined);
      }}
    >
      {label}
    </button>
  );

  return (
    <Layout title={`${t('login')} · ${t('tagline')}`} onLangChange={onLangChange}>
      <div class="card" data-page="login">
        <div class="tabs" role="tablist" aria-label={t('login')}>
          {tabButton('staff', t('staff'))}
          {tabButton('candidate', t('candidate'))}
        </div>
        <div id="login-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <form onSubmit={submit} key={tab}>
          <label for="login-a">{tab === 'staff' ? t('username') : t('ticketCode')}</label>
          <input id="login-a" name={tab === 'staff' ? 'username' : 'ticketCode'} ref={a} required autoComplete={tab === 'staff' ? 'username' : 'off'} autoFocus />
          <label for="login-b">{tab === 'staff' ? t('password') : t('pin')}</label>
          <input id="login-b" name={tab === 'staff' ? 'password' : 'pin'} ref={b} type="password" required autoComplete={tab === 'staff' ? 'current-password' : 'off'} />
          {error && <Alert>{error}</Alert>}
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? t('loggingIn') : t('login')}
            </button>
          </div>
        </form>
        </div>
      </div>
    </Layout>
  );
}
