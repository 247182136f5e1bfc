/**
 * The counsellor's report as one self-contained HTML document (inline CSS and SVG charts, no
 * scripts, no external requests), used for the page and, unchanged, for the PDF.
 */
import { RIASEC, RIASEC_NAMES, SUBJECTS, type SubjectId } from '../../analytics/domain/index.ts';
import type { StudentGuidance, RankedResult, SubjectSummary } from '../../analytics/career/index.ts';
import { CLUSTER_VI, tr, type Lang } from './i18n.ts';

export interface StudentReportView {
  candidateId: string;
  name: string | null;
  className: string | null;
  schoolName: string | null;
  guidance: StudentGuidance;
  /** Whether consent for the AI part is recorded (when false guidance.model is null). */
  consent: boolean;
  modelVersion: string;
  synthetic: boolean;
  generatedAt: number;
}

const ONET_ATTRIBUTION = 'This product includes information from the O*NET 29.3 Database by the U.S. Department of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET® is a trademark of USDOL/ETA. The information was modified (subset, reshaped and aggregated); USDOL/ETA has not approved, endorsed or tested these modifications.';

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (p: number) => `${(p * 100).toFixed(0)}%`;
const subjectName = (s: string, lang: Lang) => (SUBJECTS[s as SubjectId] ? SUBJECTS[s as SubjectId][lang === 'vi' ? 'vi' : 'en'] : s);
const termLabel = (t: number) => `${10 + Math.floor(t / 2)}/${(t % 2) + 1}`;

/** Readable name of an explanation group. */
export function groupName(group: string, lang: Lang): string {
  if (group.startsWith('subject.')) return (lang === 'vi' ? 'Kết quả môn ' : 'Results in ') + subjectName(group.slice(8), lang);
  if (group.startsWith('interest.')) {
    const l = group.slice(9) as keyof typeof RIASEC_NAMES;
    return (lang === 'vi' ? 'Sở thích ' : 'Interest ') + (RIASEC_NAMES[l] ? RIASEC_NAMES[l][lang] : l);
  }
  const names: Record<string, [string, string]> = {
    electives: ['Các môn lựa chọn', 'Elective choice'],
    foreignLanguage: ['Trình độ ngoại ngữ (6 bậc)', 'Foreign-language level (6-level)'],
    itSkills: ['Mô-đun kỹ năng CNTT', 'IT-skills modules'],
    digital: ['Năng lực số', 'Digital competence'],
    formats: ['Độ chính xác theo dạng câu hỏi', 'Accuracy by question format'],
    interest: ['Phiếu sở thích', 'Interest Profiler'],
  };
  return names[group] ? names[group][lang === 'vi' ? 0 : 1] : group;
}

/** A small line chart of one subject's term averages (0–10), with the Đạt (5.0) line. */
export function trendChart(s: SubjectSummary, lang: Lang): string {
  const W = 220, H = 110, L = 26, R = 8, T = 16, B = 20;
  const x = (t: number) => L + (t * (W - L - R)) / 5;
  const y = (v: number) => T + ((10 - v) * (H - T - B)) / 10;
  const pts = s.terms.map((v, t) => (v === null ? null : { t, v }));
  const present = pts.filter((p): p is { t: number; v: number } => p !== null);
  const path = present.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const grid = [0, 5, 10].map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" class="${v === 5 ? 'target' : 'grid'}"/><text x="${L - 4}" y="${y(v) + 3}" text-anchor="end">${v}</text>`).join('');
  const xs = [0, 1, 2, 3, 4, 5].map((t) => `<text x="${x(t)}" y="${H - 6}" text-anchor="middle">${termLabel(t)}</text>`).join('');
  const dots = present.map((p) => `<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2.5"><title>${termLabel(p.t)}: ${p.v.toFixed(1)}</title></circle>`).join('');
  const title = `${subjectName(s.subject, lang)}${s.latestLevel ? ` — ${s.latestLevel}` : ''}`;
  const slope = s.slope === null ? '' : ` (${tr('slope', lang)} ${s.slope >= 0 ? '+' : ''}${s.slope.toFixed(2)} ${tr('perTerm', lang)})`;
  return `<figure class="trend"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title + slope)}">
<text x="${L}" y="11" class="t">${esc(title)}</text>${grid}${xs}<path d="${path}" class="line"/>${dots}</svg><figcaption>${esc(slope.trim())}</figcaption></figure>`;
}

/** Horizontal bar chart of six RIASEC scores (0–40). */
export function riasecChart(scores: readonly number[], lang: Lang): string {
  const W = 360, row = 22, H = row * 6 + 8, L = 130;
  const bars = RIASEC.map((l, k) => {
    const w = ((W - L - 40) * scores[k]) / 40;
    const yy = 4 + k * row;
    return `<text x="${L - 6}" y="${yy + 14}" text-anchor="end">${esc(RIASEC_NAMES[l][lang])}</text><rect x="${L}" y="${yy + 3}" width="${w.toFixed(1)}" height="14" class="bar r${k}"/><text x="${L + w + 4}" y="${yy + 14}">${scores[k]}</text>`;
  }).join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="RIASEC">${bars}</svg>`;
}

function probabilityBar(p: number): string {
  return `<svg viewBox="0 0 100 10" width="100" height="10" aria-hidden="true"><rect x="0" y="0" width="100" height="10" class="track"/><rect x="0" y="0" width="${(p * 100).toFixed(1)}" height="10" class="bar"/></svg>`;
}

function resultsTable(list: RankedResult[], kind: 'field' | 'cluster', lang: Lang): string {
  const rows = list.map((r) => {
    const name = kind === 'field' ? `${r.code} — ${lang === 'vi' ? r.vi : r.en}` : lang === 'vi' ? `${CLUSTER_VI[r.code] ?? r.code}` : r.code;
    const reasons = r.reasons.filter((c) => Math.abs(c.delta) >= 0.005).slice(0, 3)
      .map((c) => `<li class="${c.delta > 0 ? 'up' : 'down'}">${c.delta > 0 ? '▲' : '▼'} ${esc(groupName(c.group, lang))} (${c.delta > 0 ? '+' : ''}${(c.delta * 100).toFixed(1)})</li>`).join('');
    return `<tr><td>${esc(name)}</td><td class="num">${pct(r.probability)} ${probabilityBar(r.probability)}</td><td><ul class="reasons">${reasons}</ul></td></tr>`;
  }).join('');
  return `<table><thead><tr><th>${tr(kind === 'field' ? 'fields' : 'clusters', lang)}</th><th>${tr('probability', lang)}</th><th>${tr('reasons', lang)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const CSS = `
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;color:#1b1f24;margin:0;padding:24px;font-size:13px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 8px;border-bottom:2px solid #1f5f99;padding-bottom:2px;color:#1f5f99}
.meta{color:#444}.disclaimer{border:2px solid #b3261e;background:#fdecea;padding:8px 12px;margin:12px 0;font-weight:600}
.synthetic{border:1px dashed #8a6d00;background:#fff8e1;padding:6px 10px;margin:8px 0}
table{border-collapse:collapse;width:100%;margin:4px 0}th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f1f4f8}.num{white-space:nowrap}.trends{display:flex;flex-wrap:wrap;gap:6px}
figure.trend{margin:0;border:1px solid #e3e7ec;padding:2px}figure figcaption{font-size:10px;color:#555;padding:0 4px}
svg text{font-size:9px;fill:#333}svg .t{font-size:11px;font-weight:600}svg .grid{stroke:#e5e5e5}svg .target{stroke:#c77700;stroke-dasharray:3 2}
svg .line{fill:none;stroke:#1f5f99;stroke-width:2}svg circle{fill:#1f5f99}svg .bar{fill:#1f5f99}svg .track{fill:#e8edf3}
svg .r0{fill:#6d4c41}svg .r1{fill:#1565c0}svg .r2{fill:#8e24aa}svg .r3{fill:#2e7d32}svg .r4{fill:#ef6c00}svg .r5{fill:#546e7a}
ul.reasons{margin:0;padding-left:0;list-style:none}.up{color:#1b5e20}.down{color:#b3261e}
.status-gap{color:#b3261e;font-weight:600}.status-strength{color:#1b5e20;font-weight:600}.status-missing{color:#777}
.sources{font-size:10.5px;color:#444}.badge{display:inline-block;border:1px solid #999;border-radius:3px;padding:0 4px;font-size:10px;color:#555}
@media print{body{padding:0}h2{break-after:avoid}table,figure{break-inside:avoid}}
`;

/** The full student report (HTML document). */
export function renderStudentReport(v: StudentReportView, lang: Lang): string {
  const g = v.guidance, f = g.features;
  const sections: string[] = [];
  const when = new Date(v.generatedAt).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  sections.push(`<header><h1>${tr('title', lang)}</h1>
<p class="meta">${tr('student', lang)}: <strong data-student="${esc(v.candidateId)}">${esc(v.name ?? v.candidateId)}</strong>${v.className ? ` · ${tr('class', lang)} ${esc(v.className)}` : ''}${v.schoolName ? ` · ${tr('school', lang)}: ${esc(v.schoolName)}` : ''}<br>
${tr('generated', lang)}: ${when} · ${tr('model', lang)}: <span data-model-version>${esc(v.modelVersion)}</span></p>
<p class="disclaimer" data-disclaimer>${tr('disclaimer', lang)}</p>
${v.synthetic ? `<p class="synthetic" data-synthetic>${tr('synthetic', lang)}</p>` : ''}</header>`);

  const subjects = Object.values(f.subjects).filter((s) => s.count > 0);
  sections.push(`<section><h2>${tr('trends', lang)}</h2><div class="trends">${subjects.map((s) => trendChart(s, lang)).join('') || `<p>${tr('missing', lang)}</p>`}</div></section>`);

  const statusText = (s: string) => tr(s as 'met', lang);
  sections.push(`<section><h2>${tr('targets', lang)}</h2><table><thead><tr><th>${tr('target', lang)}</th><th>${tr('value', lang)}</th><th>${tr('status', lang)}</th></tr></thead><tbody>${
    g.targets.map((t) => `<tr><td>${esc(lang === 'vi' ? t.vi : t.en)}${t.verified ? '' : ` <span class="badge" title="${tr('unverified', lang)}">verify</span>`}</td><td>${esc(t.value ?? '—')}</td><td class="status-${t.status}">${statusText(t.status)}</td></tr>`).join('')
  }</tbody></table></section>`);

  sections.push(`<section><h2>${tr('interests', lang)}</h2>${f.riasec
    ? `<p>${tr('hollandCode', lang)}: <strong data-holland>${esc(f.riasec.hollandCode)}</strong></p>${riasecChart(f.riasec.scores, lang)}`
    : `<p>${tr('noInterests', lang)}</p>`}</section>`);

  if (g.model) {
    const m = g.model;
    const stab = m.stability
      ? `<p>${tr('stability', lang)}: ${m.stability.stableTopField ? tr('stable', lang) : tr('unstable', lang)} (${m.stability.upToTerms.map(termLabel).join(', ')}: ${m.stability.topFieldByTerm.join(' → ')}); top-3 ${pct(m.stability.top3Overlap)}</p>`
      : '';
    sections.push(`<section data-ai><h2>${tr('aiTitle', lang)}</h2>
<p>${tr('confidence', lang)}: <strong>${tr(m.confidence.level, lang)}</strong> (top-1 ${pct(m.confidence.top1)}, margin ${pct(m.confidence.margin)})</p>${stab}
${resultsTable(m.fields, 'field', lang)}${resultsTable(m.clusters, 'cluster', lang)}</section>`);
  } else {
    sections.push(`<section data-ai-hidden><h2>${tr('aiTitle', lang)}</h2><p>${v.consent ? '—' : tr('noConsent', lang)}</p></section>`);
  }

  sections.push(`<section><h2>${tr('occupations', lang)}</h2><table><thead><tr><th>${tr('occupation', lang)}</th><th>O*NET-SOC</th><th>${tr('jobZone', lang)}</th><th>Holland</th><th>${tr('match', lang)}</th></tr></thead><tbody>${
    g.occupations.map((o) => `<tr><td>${esc(o.title)}${o.supportingSubjects.length ? `<br><small>${o.supportingSubjects.map((s) => esc(subjectName(s, lang))).join(', ')}</small>` : ''}</td><td>${esc(o.code)}</td><td>${o.jobZone ?? ''}</td><td>${esc(o.hollandCode ?? '')}</td><td class="num">${o.score.toFixed(2)}</td></tr>`).join('')
  }</tbody></table></section>`);

  sections.push(`<section><h2>${tr('combinations', lang)} <span class="badge" title="${tr('unverified', lang)}">verify</span></h2><table><thead><tr><th>${tr('code', lang)}</th><th>${tr('subject', lang)}</th><th>${tr('total', lang)}</th><th>${tr('usualFields', lang)}</th></tr></thead><tbody>${
    g.combinations.map((c) => `<tr><td>${esc(c.code)}</td><td>${c.subjects.map((s) => esc(subjectName(s, lang))).join(' – ')}</td><td class="num">${c.total.toFixed(1)}</td><td>${c.fields.slice(0, 4).map((x) => `${esc(x.code)} ${esc(lang === 'vi' ? x.vi : x.en)} (${pct(x.share)})`).join('; ') || '—'}</td></tr>`).join('')
  }</tbody></table></section>`);

  sections.push(`<section data-warnings><h2>${tr('warnings', lang)}</h2>${g.earlyWarnings.length
    ? `<ul>${g.earlyWarnings.map((w) => `<li class="down">${esc(subjectName(w.subject, lang))}: ${tr('warningLine', lang)} ${Math.abs(w.drop).toFixed(1)} (${tr('slope', lang)} ${w.recentSlope.toFixed(2)} ${tr('perTerm', lang)}); ${w.latest.toFixed(1)}</li>`).join('')}</ul>`
    : `<p>${tr('noWarnings', lang)}</p>`}</section>`);

  sections.push(`<section data-gaps><h2>${tr('dataGaps', lang)}</h2>${f.missing.length ? `<ul>${f.missing.map((m) => `<li>${esc(groupName(m, lang))}</li>`).join('')}</ul>` : `<p>${tr('noGaps', lang)}</p>`}</section>`);

  sections.push(`<section class="sources"><h2>${tr('sources', lang)}</h2>
<p data-onet-attribution>${esc(ONET_ATTRIBUTION)}</p>
<p>Career clusters: National Career Clusters® Framework, Advance CTE (classic 16 clusters, via O*NET OnLine). ${esc(tr('ipNotice', lang))}</p>
<p>${lang === 'vi' ? 'Quy định: TT01/2014/TT-BGDĐT (khung 6 bậc), TT03/2014/TT-BTTTT (IU01–IU15), TT22/2021/TT-BGDĐT, TT02/2025/TT-BGDĐT. Tỉ lệ tổ hợp theo ngành là thống kê tổng hợp từ dữ liệu 2017–2019. Mục đánh dấu "verify" chưa được đối chiếu với văn bản chính thức.' : 'Regulations: TT01/2014/TT-BGDĐT (6-level framework), TT03/2014/TT-BTTTT (IU01–IU15), TT22/2021/TT-BGDĐT, TT02/2025/TT-BGDĐT. Combination shares by field are aggregate statistics derived from 2017–2019 data. Items marked "verify" have not been checked against the official text.'}</p></section>`);

  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${tr('title', lang)} — ${esc(v.name ?? v.candidateId)}</title><style>${CSS}</style></head><body data-report="student">${sections.join('\n')}</body></html>`;
}

export interface ClassView {
  classId: string;
  className: string;
  schoolName: string | null;
  modelVersion: string;
  synthetic: boolean;
  generatedAt: number;
  students: { candidateId: string; name: string | null; consent: boolean; topField: { code: string; vi: string; en: string; probability: number } | null; topCluster: string | null; warnings: { subject: string; drop: number }[] }[];
}

/** Class view: distribution of top suggestions and the early-warning list. */
export function renderClassView(v: ClassView, lang: Lang): string {
  const withAi = v.students.filter((s) => s.topField);
  const counts = new Map<string, { label: string; n: number }>();
  for (const s of withAi) {
    const key = s.topField!.code;
    const e = counts.get(key) ?? { label: `${key} ${lang === 'vi' ? s.topField!.vi : s.topField!.en}`, n: 0 };
    e.n++; counts.set(key, e);
  }
  const dist = [...counts.values()].sort((a, b) => b.n - a.n);
  const max = Math.max(1, ...dist.map((d) => d.n));
  const W = 420, row = 20, L = 220;
  const chart = `<svg viewBox="0 0 ${W} ${dist.length * row + 6}" width="${W}" height="${dist.length * row + 6}" role="img" aria-label="${tr('distribution', lang)}">${dist.map((d, i) => `<text x="${L - 6}" y="${i * row + 14}" text-anchor="end">${esc(d.label.slice(0, 40))}</text><rect x="${L}" y="${i * row + 4}" width="${((W - L - 30) * d.n) / max}" height="12" class="bar"/><text x="${L + ((W - L - 30) * d.n) / max + 4}" y="${i * row + 14}">${d.n}</text>`).join('')}</svg>`;
  const warnings = v.students.flatMap((s) => s.warnings.map((w) => ({ s, w })));
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${tr('classTitle', lang)} ${esc(v.className)}</title><style>${CSS}</style></head><body data-report="class">
<h1>${tr('classTitle', lang)} ${esc(v.className)}</h1><p class="meta">${esc(v.schoolName ?? '')} · ${tr('model', lang)}: ${esc(v.modelVersion)}</p>
<p class="disclaimer">${tr('disclaimer', lang)}</p>${v.synthetic ? `<p class="synthetic">${tr('synthetic', lang)}</p>` : ''}
<h2>${tr('distribution', lang)}</h2><p>${withAi.length} / ${v.students.length} ${tr('students', lang)}</p>${chart}
<h2>${tr('warnings', lang)}</h2>${warnings.length ? `<table data-warnings><thead><tr><th>${tr('student', lang)}</th><th>${tr('subject', lang)}</th><th>Δ</th></tr></thead><tbody>${warnings.map(({ s, w }) => `<tr><td>${esc(s.name ?? s.candidateId)}</td><td>${esc(subjectName(w.subject, lang))}</td><td class="down">${w.drop.toFixed(1)}</td></tr>`).join('')}</tbody></table>` : `<p>${tr('noWarnings', lang)}</p>`}
<h2>${tr('students', lang)}</h2><table><thead><tr><th>${tr('student', lang)}</th><th>${tr('fields', lang)}</th><th>${tr('clusters', lang)}</th></tr></thead><tbody>${v.students.map((s) => `<tr><td>${esc(s.name ?? s.candidateId)}</td><td>${s.topField ? `${esc(s.topField.code)} ${esc(lang === 'vi' ? s.topField.vi : s.topField.en)} (${pct(s.topField.probability)})` : s.consent ? '—' : esc(tr('noConsent', lang))}</td><td>${esc(s.topCluster ? (lang === 'vi' ? CLUSTER_VI[s.topCluster] ?? s.topCluster : s.topCluster) : '')}</td></tr>`).join('')}</tbody></table>
<p class="sources">${esc(ONET_ATTRIBUTION)}</p></body></html>`;
}
