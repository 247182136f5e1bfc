/** Counsellor home: students of the counsellor's schools. (CAREER adds the reports app.) */
import { Alert, Layout } from '../shared/layout.tsx';
import { t } from '../shared/i18n.ts';
import type { HomeProps } from './common.ts';
import { useGet } from './use-api.ts';

interface Student { candidateId: string; fullName: string | null; grade: number | null }

export function CounsellorHome(props: HomeProps) {
  const { data, error } = useGet<{ students: Student[] }>('/api/home/counsellor');
  return (
    <Layout title={t('studentsTitle')} {...props}>
      <section data-home="counsellor">
        <p>
          <a href="/counsellor/">{t('careerReports')}</a>
        </p>
        {error && <Alert>{error}</Alert>}
        {!data && !error && <p role="status">{t('loading')}</p>}
        {data && data.students.length === 0 && <p>{t('empty')}</p>}
        {data && data.students.length > 0 && (
          <table>
            <thead><tr><th scope="col">{t('student')}</th><th scope="col">{t('grade')}</th></tr></thead>
            <tbody>{data.students.map((s) => <tr key={s.candidateId}><td>{s.fullName ?? s.candidateId}</td><td>{s.grade ?? ''}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
