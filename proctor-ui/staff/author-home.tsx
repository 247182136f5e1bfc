/** Author home: the item banks. */
import { Alert, Layout } from '../shared/layout.tsx';
import { t } from '../shared/i18n.ts';
import type { HomeProps } from './common.ts';
import { useGet } from './use-api.ts';

interface Bank { id: string; code: string; name: string; subject: string | null; language: string | null }

export function AuthorHome(props: HomeProps) {
  const { data, error } = useGet<{ banks: Bank[] }>('/api/home/author');
  return (
    <Layout title={t('itemBanksTitle')} {...props}>
      <section data-home="author">
        {error && <Alert>{error}</Alert>}
        {!data && !error && <p role="status">{t('loading')}</p>}
        {data && data.banks.length === 0 && <p>{t('empty')}</p>}
        {data && data.banks.length > 0 && (
          <table>
            <caption class="muted">{t('itemBanksTitle')}</caption>
            <thead><tr><th scope="col">{t('code')}</th><th scope="col">{t('name')}</th><th scope="col">{t('subject')}</th></tr></thead>
            <tbody>{data.banks.map((b) => <tr key={b.id}><td>{b.code}</td><td>{b.name}</td><td>{b.subject ?? ''}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
