/** Page frame shared by the apps: skip link, header with role and language switch, main. */
import type { ComponentChildren } from 'preact';
import { currentLang, setLang, t } from './i18n.ts';

export interface LayoutProps {
  title: string;
  who?: string;
  onLogout?: () => void;
  onLangChange?: () => void;
  children: ComponentChildren;
}

export function Layout({ title, who, onLogout, onLangChange, children }: LayoutProps) {
  const toggle = () => {
    setLang(currentLang() === 'vi' ? 'en' : 'vi');
    onLangChange?.();
  };
  return (
    <div class="page">
      <a class="skip" href="#main">{t('skip')}</a>
      <header class="bar">
        <span class="brand">{t('appName')}</span>
        <span class="who">{who}</span>
        <button type="button" class="link" onClick={toggle} lang={currentLang() === 'vi' ? 'en' : 'vi'}>
          {t('language')}
        </button>
        {onLogout && (
          <button type="button" class="secondary" onClick={onLogout}>
            {t('logout')}
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

/** An alert region that screen readers announce. */
export function Alert({ kind = 'error', children }: { kind?: 'error' | 'ok'; children: ComponentChildren }) {
  return (
    <p role={kind === 'error' ? 'alert' : 'status'} class={`alert ${kind}`}>
      {children}
    </p>
  );
}
