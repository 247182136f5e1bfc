/** Minimal candidate page ("your exam"); the PLAYER app under proctor-ui/candidate/ replaces it. */
import { Alert, Layout } from '../shared/layout.tsx';
import { formatTime, t } from '../shared/i18n.ts';
import type { HomeProps } from './common.ts';
import { useGet } from './use-api.ts';

interface Home { event: { code: string; title: string; opensAt: number | null; closesAt: number | null }; ticketCode: string; session: { id: string; state: string } | null }

export function CandidateHome(props: HomeProps) {
  const { data, error } = useGet<Home>('/api/home/candidate');
  return (
    <Layout title={t('yourExam')} {...props}>
      <section data-home="candidate">
        {error && <Alert>{error}</Alert>}
        {!data && !error && <p role="status">{t('loading')}</p>}
        {data && (
          <dl>
            <dt>{t('examTitle')}</dt><dd>{data.event.title} ({data.event.code})</dd>
            <dt>{t('ticketCode')}</dt><dd>{data.ticketCode}</dd>
            <dt>{t('opens')} / {t('closes')}</dt><dd>{formatTime(data.event.opensAt)} – {formatTime(data.event.closesAt)}</dd>
            <dt>{t('sessionState')}</dt><dd>{data.session?.state ?? t('notStarted')}</dd>
          </dl>
        )}
      </section>
    </Layout>
  );
}
