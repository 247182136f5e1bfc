/**
 * The counsellor app (served at /counsellor/): students of the counsellor's schools, each
 * student's career report (rendered by the server, shown sandboxed), its PDF, and the class
 * view. Talks to the engine over HTTP only.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import '../shared/styles.css';
import { api, ApiError, setCsrfToken } from '../shared/api.ts';
import { Alert, Layout } from '../shared/layout.tsx';
import { currentLang, setLang } from '../shared/i18n.ts';
import type { Principal } from '../../engine/auth/principal.ts';

interface Student { candidateId: string; name: string | null; classId: string | null; className: string | null; grade: number | null; consent: boolean }
interface StudentList { students: Student[]; classes: { id: string; name: string }[] }

const TEXT = {
  title: { vi: 'Định hướng nghề nghiệp', en: 'Career orientation' },
  login: { vi: 'Vui lòng đăng nhập bằng tài khoản tư vấn.', en: 'Please log in with a counsellor account.' },
  loginLink: { vi: 'Đến trang đăng nhập', en: 'Go to the login page' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
  students: { vi: 'Học sinh', en: 'Students' },
  class: { vi: 'Lớp', en: 'Class' },
  allClasses: { vi: 'Tất cả các lớp', en: 'All classes' },
  consent: { vi: 'Đồng ý phần AI', en: 'AI consent' },
  yes: { vi: 'có', en: 'yes' },
  no: { vi: 'chưa', en: 'no' },
  open: { vi: 'Xem báo cáo', en: 'Open report' },
  pdf: { vi: 'Tải PDF', en: 'Download PDF' },
  classView: { vi: 'Xem tổng quan lớp', en: 'Class overview' },
  back: { vi: 'Quay lại danh sách', en: 'Back to the list' },
  reportFrame: { vi: 'Báo cáo định hướng nghề nghiệp', en: 'Career orientation report' },
  guidance: { vi: 'Chỉ để tham khảo khi tư vấn — không dùng để tuyển chọn học sinh.', en: 'Guidance only — never for selecting students.' },
} as const;
const tx = (k: keyof typeof TEXT) => TEXT[k][currentLang() === 'en' ? 'en' : 'vi'];

async function fetchHtml(path: string): Promise<string> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
  if (!res.ok) {
    let msg = `HTTP ${res.status}`;
    try { msg = (await res.json()).error.message; } catch { /* not JSON */ }
    throw new ApiError(res.status, 'http_error', msg);
  }
  return res.text();
}

function ReportFrame({ html, label }: { html: string; label: string }) {
  // Sandboxed, no scripts: the report is static HTML with inline SVG.
  return <iframe data-report-frame title={label} sandbox="" srcdoc={html} style="width:100%;height:80vh;border:1px solid #ccd" />;
}

function App() {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);
  const [list, setList] = useState<StudentList | null>(null);
  const [classId, setClassId] = useState('');
  const [open, setOpen] = useState<{ kind: 'student' | 'class'; id: string; html: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, rerender] = useState(0);
  const lang = currentLang() === 'en' ? 'en' : 'vi';

  useEffect(() => {
    setLang(currentLang());
    api<{ principal: Principal; csrfToken: string }>('GET', '/api/auth/me').then(
      (r) => { setCsrfToken(r.csrfToken); setPrincipal(r.principal); },
      () => setPrincipal(null),
    );
  }, []);

  useEffect(() => {
    if (!principal) return;
    api<StudentList>('GET', `/api/career/students${classId ? `?classId=${encodeURIComponent(classId)}` : ''}`).then(setList, (e: unknown) => setError((e as Error).message));
  }, [principal, classId]);

  useEffect(() => {
    if (!open || open.html !== null) return;
    const path = open.kind === 'student'
      ? `/api/career/students/${encodeURIComponent(open.id)}/report.html?lang=${lang}`
      : `/api/career/classes/${encodeURIComponent(open.id)}/view.html?lang=${lang}`;
    fetchHtml(path).then((html) => setOpen({ ...open, html }), (e: unknown) => { setError((e as Error).message); setOpen(null); });
  }, [open, lang]);

  const onLang = () => { rerender((n) => n + 1); if (open) setOpen({ ...open, html: null }); };

  if (principal === undefined) return <Layout title={tx('title')}><p role="status">{tx('loading')}</p></Layout>;
  if (principal === null || principal.kind !== 'staff') {
    return <Layout title={tx('title')} onLangChange={onLang}><p>{tx('login')}</p><p><a href="/">{tx('loginLink')}</a></p></Layout>;
  }

  return (
    <Layout title={tx('title')} who={principal.displayName ?? principal.username} onLangChange={onLang}>
      <section data-app="counsellor">
        <p><strong>{tx('guidance')}</strong></p>
        {error && <Alert>{error}</Alert>}
        {open ? (
          <div data-open={open.kind}>
            <p>
              <button type="button" class="secondary" onClick={() => setOpen(null)}>{tx('back')}</button>{' '}
              {open.kind === 'student' && (
                <a data-pdf class="button" href={`/api/career/students/${encodeURIComponent(open.id)}/report.pdf?lang=${lang}`} download>{tx('pdf')}</a>
              )}
            </p>
            {open.html === null ? <p role="status">{tx('loading')}</p> : <ReportFrame html={open.html} label={tx('reportFrame')} />}
          </div>
        ) : (
          <div>
            {list && (
              <p>
                <label>{tx('class')}{' '}
                  <select value={classId} onChange={(e) => setClassId((e.target as HTMLSelectElement).value)}>
                    <option value="">{tx('allClasses')}</option>
                    {list.classes.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
                  </select>
                </label>{' '}
                {classId && <button type="button" data-class-view onClick={() => setOpen({ kind: 'class', id: classId, html: null })}>{tx('classView')}</button>}
              </p>
            )}
            {!list && !error && <p role="status">{tx('loading')}</p>}
            {list && (
              <table>
                <thead><tr><th scope="col">{tx('students')}</th><th scope="col">{tx('class')}</th><th scope="col">{tx('consent')}</th><th scope="col"></th></tr></thead>
                <tbody>
                  {list.students.map((s) => (
                    <tr key={s.candidateId} data-student-row={s.candidateId}>
                      <td>{s.name ?? s.candidateId}</td>
                      <td>{s.className ?? ''}</td>
                      <td>{s.consent ? tx('yes') : tx('no')}</td>
                      <td><button type="button" data-open-report={s.candidateId} onClick={() => setOpen({ kind: 'student', id: s.candidateId, html: null })}>{tx('open')}</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        )}
      </section>
    </Layout>
  );
}

render(<App />, document.getElementById('app')!);
