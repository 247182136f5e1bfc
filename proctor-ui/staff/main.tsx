/**
 * The staff app (served at /): login (staff and candidate tabs) and a home page per role.
 * Candidates are sent to /candidate/ (the PLAYER app when built, else the minimal page here).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../shared/styles.css';
import { api, ApiError, setCsrfToken } from '../shared/api.ts';
import { Layout } from '../shared/layout.tsx';
import { currentLang, setLang, t } from '../shared/i18n.ts';
import type { Principal } from '../../engine/auth/principal.ts';
import { LoginPage } from './login.tsx';
import { AdminHome } from './admin-home.tsx';
import { AuthorHome } from './author-home.tsx';
import { ProctorHome } from './proctor-home.tsx';
import { CounsellorHome } from './counsellor-home.tsx';
import { CandidateHome } from './candidate-home.tsx';
import { ProctorRoom } from './proctor-room.tsx';

/** The hash route (`#/room/{eventId}[/{roomId}]`), followed as it changes. */
function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const f = () => setHash(location.hash);
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return hash;
}

function App() {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);
  const [, rerender] = useState(0);
  const hash = useHash();

  useEffect(() => {
    setLang(currentLang());
    api<{ principal: Principal; csrfToken: string }>('GET', '/api/auth/me').then(
      (r) => {
        setCsrfToken(r.csrfToken);
        setPrincipal(r.principal);
      },
      (e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
        setPrincipal(null);
      },
    );
  }, []);

  const onLoggedIn = (p: Principal) => {
    if (p.kind === 'candidate' && !location.pathname.startsWith('/candidate/')) {
      location.assign('/candidate/');
      return;
    }
    setPrincipal(p);
  };
  const logout = async () => {
    await api('POST', '/api/auth/logout').catch(() => {});
    setCsrfToken(undefined);
    setPrincipal(null);
    if (location.pathname !== '/') location.assign('/');
  };
  const refresh = () => rerender((n) => n + 1);

  if (principal === undefined) {
    return (
      <Layout title={t('appName')} onLangChange={refresh}>
        <p role="status">{t('loading')}</p>
      </Layout>
    );
  }
  if (principal === null) return <LoginPage onLoggedIn={onLoggedIn} onLangChange={refresh} />;

  const who = principal.kind === 'staff' ? `${principal.displayName ?? principal.username} · ${t(`role_${principal.role}`)}` : `${t('candidate')} ${principal.ticketCode}`;
  const common = { who, onLogout: logout, onLangChange: refresh };
  const room = /^#\/room\/([^/]+)(?:\/([^/]+))?$/.exec(hash);
  if (room && (principal.role === 'proctor' || principal.role === 'admin' || principal.role === 'author')) {
    // Keyed by the route: another room is a fresh page (no stale alerts, filters or dialogs).
    return <ProctorRoom key={hash} {...common} eventId={decodeURIComponent(room[1])} roomId={room[2] ? decodeURIComponent(room[2]) : undefined} />;
  }
  switch (principal.role) {
    case 'admin':
      return <AdminHome {...common} />;
    case 'author':
      return <AuthorHome {...common} />;
    case 'proctor':
      return <ProctorHome {...common} />;
    case 'counsellor':
      return <CounsellorHome {...common} />;
    case 'candidate':
      return <CandidateHome {...common} />;
  }
}

render(<App />, document.getElementById('app')!);
