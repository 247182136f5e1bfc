/**
 * The candidate exam player (served at /candidate/): login, lobby with device check, waiting
 * for admission, the exam one item at a time, review, submit, finished page. Answers go
 * through SaveQueue (offline-proof); the session, item views and flags are cached per session
 * in localStorage so a reload without network resumes where the candidate was.
 */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import '../shared/styles.css';
import './player.css';
import { api, ApiError, setCsrfToken } from '../shared/api.ts';
import { currentLang, setLang } from '../shared/i18n.ts';
import { LocalStore, SaveQueue } from './save-queue.ts';
import { prepareBody, renderNode } from './render.tsx';
import { PracticeFeedback, practiceAllowed } from './feedback.tsx';
import { s } from './strings.ts';
import type { DeliveredItem, Json, SessionView } from './types.ts';

type Page = 'loading' | 'login' | 'lobby' | 'waiting' | 'exam' | 'review' | 'finished';
const LAST = 'assay.player.last';
const FINAL = new Set(['submitted', 'timed_out', 'scored', 'voided']);

const isNetwork = (e: unknown) => e instanceof ApiError && e.status === 0;

/** Client-side exam state shared by the pages. */
class Exam {
  store: LocalStore;
  queue: SaveQueue;
  session: SessionView;
  items = new Map<string, DeliveredItem>();
  flags: Set<string>;
  current: string;
  /** performance.now() at which the server's deadline falls (null: no limit). */
  deadlineAt: number | null = null;
  incidents: { kind: string; at: number; details?: Record<string, Json> }[] = [];
  messages: { at: number; text: string }[] = [];
  messagesSince = 0;

  constructor(session: SessionView) {
    this.session = session;
    this.store = new LocalStore(`assay.player.${session.sessionId}.`);
    this.queue = new SaveQueue(this.store);
    this.flags = new Set(this.store.get<string[]>('flags') ?? []);
    this.current = this.store.get<string>('current') ?? session.current?.itemId ?? session.items[0]?.key ?? '';
    if (session.current?.itemId && !this.store.get('current')) this.current = session.current.itemId;
    this.incidents = this.store.get('incidents') ?? [];
    this.messagesSince = this.store.get<number>('messagesSince') ?? Date.now() - 3_600_000;
    for (const it of session.items) {
      const cached = this.store.get<DeliveredItem>(`item.${it.key}`);
      if (cached) this.items.set(it.key, cached);
    }
    this.sync(session.remainingMs);
    this.queue.onAcked = (p) => {
      // The acknowledged value is the server's now: keep it on the cached item.
      this.ackedSeq.set(p.itemId, Math.max(p.clientSeq, this.ackedSeq.get(p.itemId) ?? -1));
      const it = this.items.get(p.itemId);
      if (it && (it.clientSeq ?? -1) < p.clientSeq) {
        it.responses = { ...it.responses, [p.responseId]: p.value };
        this.store.set(`item.${p.itemId}`, it);
      }
    };
  }

  sync(remainingMs: number | null): void {
    this.deadlineAt = remainingMs == null ? null : performance.now() + remainingMs;
  }

  setSession(v: SessionView): void {
    this.session = v;
    this.store.set('session', v);
    this.sync(v.remainingMs);
  }

  /** Last local change per item (a counter), to keep a slow item refresh from undoing it. */
  private touched = new Map<string, number>();
  private ackedSeq = new Map<string, number>();
  private changes = 0;

  /** Fetches an item (fresh from the server when reachable; the cached copy otherwise). */
  async loadItem(key: string): Promise<DeliveredItem | undefined> {
    const before = this.changes;
    try {
      const it = await api<DeliveredItem>('GET', `/api/delivery/session/items/${encodeURIComponent(key)}`);
      const mine = this.items.get(key);
      // Changed here while the request was out: what the candidate just did wins.
      // So does an answer acknowledged after the server read this copy (its clientSeq is older).
      if (mine && ((this.touched.get(key) ?? 0) > before || (it.clientSeq ?? -1) < (this.ackedSeq.get(key) ?? -1))) it.responses = { ...it.responses, ...mine.responses };
      this.items.set(key, it);
      this.store.set(`item.${key}`, it);
      this.queue.seen(it.clientSeq);
      return it;
    } catch (e) {
      if (isNetwork(e)) this.queue.setOffline(true);
      else throw e;
      return this.items.get(key);
    }
  }

  /** The values shown for an item: server's saved responses, then anything still queued. */
  values(key: string): Record<string, Json> {
    const it = this.items.get(key);
    return { ...(it?.responses ?? {}), ...this.queue.overlay(key) };
  }

  answer(key: string, responseId: string, value: Json, typing: boolean): void {
    // The cached item holds the candidate's latest values (the queue holds what is unsent).
    const it = this.items.get(key);
    if (it) {
      it.responses = { ...it.responses, [responseId]: value };
      this.store.set(`item.${key}`, it);
    }
    this.touched.set(key, ++this.changes);
    this.queue.put(key, responseId, value, typing);
  }

  answered(key: string): boolean {
    const v = this.values(key);
    const has = Object.values(v).some((x) => x !== null && !(Array.isArray(x) && x.length === 0));
    return has || (!!this.session.items.find((i) => i.key === key)?.answered && !Object.keys(v).length);
  }

  toggleFlag(key: string): void {
    if (this.flags.has(key)) this.flags.delete(key);
    else this.flags.add(key);
    this.store.set('flags', [...this.flags]);
  }

  incident(kind: string, details?: Record<string, Json>): void {
    this.incidents.push({ kind, at: Date.now(), ...(details ? { details } : {}) });
    this.incidents = this.incidents.slice(-50);
    this.store.set('incidents', this.incidents);
  }
}

function fmt(ms: number): string {
  const t = Math.max(0, Math.ceil(ms / 1000));
  const hh = Math.floor(t / 3600), mm = Math.floor((t % 3600) / 60), ss = t % 60;
  return `${hh ? `${hh}:` : ''}${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
}

function Frame({ title, children, onLang, exam, extra }: { title: string; children: preact.ComponentChildren; onLang: () => void; exam?: Exam; extra?: preact.ComponentChildren }) {
  const [hc, setHc] = useState(() => localStorage.getItem('assay.player.hc') === '1');
  const [lf, setLf] = useState(() => localStorage.getItem('assay.player.lf') === '1' || !!exam?.session.accommodations?.largeFont);
  useEffect(() => {
    document.documentElement.classList.toggle('high-contrast', hc);
    document.documentElement.classList.toggle('large-font', lf);
    localStorage.setItem('assay.player.hc', hc ? '1' : '0');
    localStorage.setItem('assay.player.lf', lf ? '1' : '0');
  }, [hc, lf]);
  return (
    <div class="page player">
      <a class="skip" href="#main">{currentLang() === 'vi' ? 'Bỏ qua đến nội dung chính' : 'Skip to main content'}</a>
      <header class="bar">
        <span class="brand">Assay</span>
        <span class="who">{exam ? `${exam.session.event.title}` : ''}</span>
        {extra}
        <button type="button" class="link" aria-pressed={hc} onClick={() => setHc(!hc)}>{s('highContrast')}</button>
        <button type="button" class="link" aria-pressed={lf} onClick={() => setLf(!lf)}>{s('largeFont')}</button>
        <button type="button" class="link" lang={currentLang() === 'vi' ? 'en' : 'vi'} onClick={() => { setLang(currentLang() === 'vi' ? 'en' : 'vi'); onLang(); }}>{s('lang')}</button>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

function Login({ onDone, onLang }: { onDone: () => void; onLang: () => void }) {
  const [err, setErr] = useState<string>();
  const [busy, setBusy] = useState(false);
  const a = useRef<HTMLInputElement>(null), b = useRef<HTMLInputElement>(null);
  return (
    <Frame title={s('login')} onLang={onLang}>
      <form data-page="player-login" class="card" onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setErr(undefined);
        try {
          const r = await api<{ csrfToken: string }>('POST', '/api/auth/candidate-login', { ticketCode: a.current!.value.trim(), pin: b.current!.value.trim() });
          setCsrfToken(r.csrfToken);
          onDone();
        } catch (x) {
          setErr(x instanceof Error ? x.message : String(x));
          setBusy(false);
        }
      }}>
        <label for="ticket">{s('ticket')}</label>
        <input id="ticket" name="ticketCode" ref={a} required autoComplete="off" autoFocus />
        <label for="pin">{s('pin')}</label>
        <input id="pin" name="pin" ref={b} type="password" required autoComplete="off" />
        {err && <p role="alert" class="alert error">{err}</p>}
        <div class="actions"><button type="submit" disabled={busy}>{s('enter')}</button></div>
      </form>
    </Frame>
  );
}

function Lobby({ exam, onStart, onLang, error }: { exam: Exam; onStart: () => void; onLang: () => void; error?: string }) {
  const v = exam.session;
  const [audio, setAudio] = useState<boolean | null>(null);
  const [conn, setConn] = useState<boolean | null>(null);
  const screenOk = window.innerWidth >= 320 && window.innerHeight >= 400;
  const browserOk = typeof fetch === 'function' && typeof localStorage !== 'undefined' && 'noModule' in HTMLScriptElement.prototype;
  useEffect(() => {
    const t = performance.now();
    api('POST', '/api/delivery/session/heartbeat', {}).then(() => setConn(performance.now() - t < 3000), () => setConn(false));
  }, []);
  const beep = () => {
    try {
      const C = (window as unknown as { AudioContext: typeof AudioContext }).AudioContext;
      const ctx = new C();
      const o = ctx.createOscillator();
      o.connect(ctx.destination);
      o.start();
      o.stop(ctx.currentTime + 0.3);
      setAudio(true);
    } catch {
      setAudio(false);
    }
  };
  const mins = v.remainingMs != null ? Math.round(v.remainingMs / 60000) : null;
  const row = (label: string, ok: boolean | null) => <tr><th scope="row">{label}</th><td>{ok == null ? '…' : ok ? `✓ ${s('ok')}` : `✗ ${s('notOk')}`}</td></tr>;
  return (
    <Frame title={s('lobby')} onLang={onLang} exam={exam}>
      <section data-page="lobby">
        <h2>{v.event.title} ({v.event.code})</h2>
        {mins != null && <p>{s('duration')}: {s('minutes', { n: mins })}</p>}
        {v.event.closesAt != null && <p>{s('closes')}: {new Date(v.event.closesAt).toLocaleString(currentLang() === 'vi' ? 'vi-VN' : 'en-GB')}</p>}
        <p>{s('rules')}</p>
        <h2>{s('deviceCheck')}</h2>
        <table>
          <tbody>
            {row(s('browser'), browserOk)}
            {row(`${s('screen')} (${window.innerWidth}×${window.innerHeight})`, screenOk)}
            {row(s('audio'), audio)}
            {row(s('connection'), conn)}
          </tbody>
        </table>
        <button type="button" class="secondary" onClick={beep}>{s('playSound')}</button>
        {error && <p role="alert" class="alert error">{error}</p>}
        <div class="actions"><button type="button" id="start" onClick={onStart}>{s('start')}</button></div>
      </section>
    </Frame>
  );
}

function Timer({ exam, paused }: { exam: Exam; paused: boolean }) {
  const [, tick] = useState(0);
  const [warn, setWarn] = useState('');
  const frozen = useRef<number | null>(null);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(id);
  }, []);
  if (exam.deadlineAt == null) return null;
  let left = exam.deadlineAt - performance.now();
  if (paused) {
    frozen.current ??= left;
    left = frozen.current;
  } else frozen.current = null;
  const w = left <= 60_000 ? s('warn1') : left <= 300_000 ? s('warn5') : '';
  if (w !== warn) setTimeout(() => setWarn(w), 0);
  return (
    <span class={`timer${left <= 300_000 ? ' low' : ''}`} data-timer>
      <span class="timer-label">{s('timeLeft')}: </span>
      {fmt(left)}
      <span class="sr-only" role="status" aria-live="assertive">{warn}</span>
    </span>
  );
}

function ExamPage({ exam, onReview, onLang, rerender, paused }: { exam: Exam; onReview: () => void; onLang: () => void; rerender: () => void; paused: boolean }) {
  const v = exam.session;
  const key = exam.current;
  const item = exam.items.get(key);
  const pos = v.items.findIndex((i) => i.key === key);
  const linear = v.current?.navigationMode === 'linear';
  const [err, setErr] = useState<string>();
  const [dismissed, setDismissed] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // Cached copy first (instant, offline-proof), then the server's acknowledged answers.
    void exam.loadItem(key).then(rerender, (e) => setErr(String(e?.message ?? e)));
  }, [key]);

  const go = async (to: string) => {
    setErr(undefined);
    await exam.queue.flushNow();
    const target = to === 'next' ? v.items[pos + 1]?.key : to === 'previous' ? v.items[pos - 1]?.key : to;
    try {
      // 'next'/'previous' go to the server as such: in a linear part the server decides (branching, preconditions).
      const nv = await api<SessionView>('POST', '/api/delivery/session/navigate', { to });
      exam.setSession(nv);
      exam.current = nv.current?.itemId ?? target ?? key;
    } catch (e) {
      if (isNetwork(e) && !linear && target && exam.items.has(target)) {
        exam.queue.setOffline(true);
        exam.current = target; // nonlinear: move locally; the server hears of it on reconnect
      } else return setErr(e instanceof Error ? e.message : String(e));
    }
    exam.store.set('current', exam.current);
    rerender();
    setTimeout(() => heading.current?.focus(), 0);
  };

  const values = exam.values(key);
  const st = exam.queue.state(key);
  const ctx = useMemo(() => ({
    values,
    itemId: key,
    interactions: item?.view.interactions ?? [],
    decl: (id: string) => item?.view.responses.find((r) => r.identifier === id) ?? { cardinality: 'single' },
    set: (id: string, val: Json, typing?: boolean) => { exam.answer(key, id, val, !!typing); rerender(); },
  }), [item, key, JSON.stringify(values)]);
  const body = useMemo(() => (item?.view.body ? prepareBody(item.view.body) : null), [item]);
  const newMsgs = exam.messages.slice(dismissed);

  return (
    <Frame title={s('of', { n: pos + 1, total: v.items.length })} onLang={onLang} exam={exam} extra={<Timer exam={exam} paused={paused} />}>
      {exam.queue.offline && <p class="banner offline" role="status" data-offline>{s('offline')}</p>}
      {newMsgs.length > 0 && (
        <div class="banner message" role="alert" data-proctor-message>
          <strong>{s('proctorMsg')}:</strong> {newMsgs.map((m) => m.text).join(' · ')}
          <button type="button" class="secondary small" onClick={() => setDismissed(exam.messages.length)}>{s('dismiss')}</button>
        </div>
      )}
      <div class="exam-layout">
        <nav aria-label={s('nav')} class="qnav">
          <ol>
            {v.items.map((it, i) => {
              const a = exam.answered(it.key), f = exam.flags.has(it.key);
              const label = `${s('question', { n: i + 1 })}: ${a ? s('answered') : s('unanswered')}${f ? `, ${s('flagged')}` : ''}`;
              return (
                <li key={it.key}>
                  <button type="button" class={`q${a ? ' answered' : ''}${f ? ' flagged' : ''}`} aria-current={it.key === key ? 'step' : undefined} aria-label={label}
                    data-nav={it.key} disabled={linear && it.key !== key} onClick={() => go(it.key)}>{i + 1}{f ? '⚑' : ''}</button>
                </li>
              );
            })}
          </ol>
        </nav>
        <section class="item" data-item={key} aria-labelledby="qh">
          <h2 id="qh" tabIndex={-1} ref={heading}>{s('question', { n: pos + 1 })}</h2>
          <p class={`save-state ${st ?? 'saved'}`} data-save-state={st ?? 'saved'} role="status">
            {st === 'saving' ? s('saving') : st === 'offline' ? s('offlineKept') : st === 'error' ? s('notSaved', { r: exam.queue.errors.get(key) ?? '' }) : exam.answered(key) ? s('saved') : ''}
          </p>
          {paused ? <div class="cover" role="alert">{s('paused')}</div> : item && body ? <div lang={item.view.language}>{renderNode(body, ctx)}</div> : <p role="status">{s('loading')}</p>}
          {!paused && item && practiceAllowed(item.control) && <PracticeFeedback key={key} itemId={key} body={item.view.body} ctx={ctx} beforeCheck={() => exam.queue.flushNow()} />}
          {err && <p role="alert" class="alert error">{err}</p>}
          <div class="actions">
            <button type="button" class="secondary" disabled={linear || pos <= 0} onClick={() => go('previous')}>← {s('prev')}</button>
            <button type="button" class="secondary" aria-pressed={exam.flags.has(key)} data-flag onClick={() => { exam.toggleFlag(key); rerender(); }}>⚑ {exam.flags.has(key) ? s('unflag') : s('flag')}</button>
            {pos < v.items.length - 1 && <button type="button" onClick={() => go('next')}>{s('next')} →</button>}
            <button type="button" class="secondary" data-review onClick={onReview}>{s('review')}</button>
          </div>
        </section>
      </div>
    </Frame>
  );
}

function Review({ exam, onBack, onSubmitted, onLang, goTo }: { exam: Exam; onBack: () => void; onSubmitted: () => void; onLang: () => void; goTo: (k: string) => void }) {
  const v = exam.session;
  const [confirm, setConfirm] = useState(false);
  const [err, setErr] = useState<string>();
  const un = v.items.filter((i) => !exam.answered(i.key));
  const fl = v.items.filter((i) => exam.flags.has(i.key));
  const list = (xs: typeof un) => xs.length ? <ul>{xs.map((i) => <li key={i.key}><button type="button" class="link" onClick={() => goTo(i.key)}>{s('question', { n: i.index + 1 })}</button></li>)}</ul> : <p>{s('none')}</p>;
  const submit = async () => {
    setErr(undefined);
    await exam.queue.flushNow();
    if (exam.queue.pending().length) return setErr(s('pendingSubmit'));
    try {
      exam.setSession(await api<SessionView>('POST', '/api/delivery/session/submit'));
      onSubmitted();
    } catch (e) {
      setErr(isNetwork(e) ? s('pendingSubmit') : e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Frame title={s('reviewTitle')} onLang={onLang} exam={exam} extra={<Timer exam={exam} paused={false} />}>
      <section data-page="review">
        {exam.queue.offline && <p class="banner offline" role="status">{s('offline')}</p>}
        <h2>{s('unansweredList')} ({un.length})</h2>
        <div data-unanswered>{list(un)}</div>
        <h2>{s('flaggedList')} ({fl.length})</h2>
        <div data-flagged>{list(fl)}</div>
        {err && <p role="alert" class="alert error">{err}</p>}
        {!confirm ? (
          <div class="actions">
            <button type="button" class="secondary" onClick={onBack}>{s('back')}</button>
            <button type="button" data-submit onClick={() => setConfirm(true)}>{s('submit')}</button>
          </div>
        ) : (
          <div role="alertdialog" aria-modal="false" aria-labelledby="cf" class="confirm">
            <p id="cf">{s('confirm')}</p>
            <div class="actions">
              <button type="button" class="secondary" onClick={() => setConfirm(false)}>{s('cancel')}</button>
              <button type="button" data-confirm onClick={submit} autoFocus>{s('confirmYes')}</button>
            </div>
          </div>
        )}
      </section>
    </Frame>
  );
}

function Finished({ exam, onLang }: { exam: Exam; onLang: () => void }) {
  const [res, setRes] = useState<{ score: number | null; maxScore: number | null } | null>(null);
  useEffect(() => {
    if (exam.session.event.showResults !== 'none') api<{ score: number | null; maxScore: number | null }>('GET', '/api/delivery/session/result').then(setRes, () => {});
  }, []);
  return (
    <Frame title={s('finished')} onLang={onLang} exam={exam}>
      <section data-page="finished">
        {res && <p data-score>{s('score')}: <strong>{res.score ?? '—'}</strong>{res.maxScore != null ? ` / ${res.maxScore}` : ''}</p>}
        <p>{s('thanks')}</p>
      </section>
    </Frame>
  );
}

function App() {
  const [page, setPage] = useState<Page>('loading');
  const [, setN] = useState(0);
  const rerender = () => setN((n) => n + 1);
  const exam = useRef<Exam | null>(null);
  const [startErr, setStartErr] = useState<string>();
  const [paused, setPaused] = useState(false);

  const afterSession = (v: SessionView) => {
    const ex = (exam.current = new Exam(v));
    localStorage.setItem(LAST, v.sessionId);
    ex.store.set('session', v);
    if (!localStorage.getItem('assay.lang')) setLang(v.event.language === 'en' ? 'en' : 'vi');
    ex.queue.onChange = rerender;
    ex.queue.onServerTime = (_now, rem) => ex.sync(rem);
    ex.queue.onClosed = () => void refresh();
    if (FINAL.has(v.state)) return setPage('finished');
    if (v.startedAt != null) return enterExam();
    setPage('lobby');
  };

  const refresh = async () => {
    const ex = exam.current;
    if (!ex) return;
    try {
      ex.setSession(await api<SessionView>('GET', '/api/delivery/session'));
      if (FINAL.has(ex.session.state)) setPage('finished');
      rerender();
    } catch { /* next beat */ }
  };

  const enterExam = async () => {
    const ex = exam.current!;
    try {
      ex.setSession(await api<SessionView>('POST', '/api/delivery/session/start'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_admitted') return setPage('waiting');
      if (!isNetwork(e)) { setStartErr(e instanceof Error ? e.message : String(e)); return setPage('lobby'); }
      ex.queue.setOffline(true);
    }
    if (!ex.store.get('current') && ex.session.current) ex.current = ex.session.current.itemId;
    setPage('exam');
    await ex.loadItem(ex.current);
    rerender();
    // Prefetch the other items of a nonlinear part so the candidate can keep working offline.
    if (ex.session.current?.navigationMode === 'nonlinear') {
      for (const it of ex.session.items) if (it.part === ex.session.current.part && it.key !== ex.current) await ex.loadItem(it.key).catch(() => undefined);
    }
  };

  const boot = async () => {
    try {
      const me = await api<{ principal: { kind: string }; csrfToken: string }>('GET', '/api/auth/me');
      setCsrfToken(me.csrfToken);
      if (me.principal.kind !== 'candidate') return setPage('login');
      afterSession(await api<SessionView>('GET', '/api/delivery/session'));
    } catch (e) {
      // No network: carry on from this computer's copy of the session.
      const last = localStorage.getItem(LAST);
      const cached = last ? new LocalStore(`assay.player.${last}.`).get<SessionView>('session') : undefined;
      if (isNetwork(e) && cached) {
        const ex = (exam.current = new Exam({ ...cached, remainingMs: null }));
        const dl = new LocalStore(`assay.player.${last}.`).get<number>('deadlineEpoch');
        if (dl) ex.deadlineAt = performance.now() + (dl - Date.now());
        ex.queue.onChange = rerender;
        ex.queue.onServerTime = (_n, rem) => ex.sync(rem);
        ex.queue.setOffline(true);
        setPage(cached.startedAt != null ? 'exam' : 'lobby');
        return;
      }
      setPage('login');
    }
  };

  useEffect(() => { void boot(); }, []);

  // Heartbeat: server time, pause, proctor messages, incidents; also the reconnect probe.
  useEffect(() => {
    if (page !== 'exam' && page !== 'review' && page !== 'waiting') return;
    let stop = false;
    const beat = async () => {
      const ex = exam.current;
      if (!ex || stop) return;
      if (page === 'waiting') {
        try {
          ex.setSession(await api<SessionView>('POST', '/api/delivery/session/start'));
          void enterExam();
        } catch { /* still waiting */ }
        return;
      }
      const sent = ex.incidents;
      try {
        const r = await api<{ state: string; remainingMs: number | null; deadline: number | null; serverNow: number; messages: { at: number; text: string }[] }>('POST', '/api/delivery/session/heartbeat', { incidents: sent.length ? sent : undefined, messagesSince: ex.messagesSince });
        ex.incidents = ex.incidents.slice(sent.length);
        ex.store.set('incidents', ex.incidents);
        const wasOffline = ex.queue.offline;
        ex.queue.setOffline(false);
        if (wasOffline) void ex.queue.flushNow();
        // Tell the server where the candidate is now (moved locally while offline).
        if (ex.session.current && ex.session.current.navigationMode === 'nonlinear' && ex.session.current.itemId !== ex.current && r.state === 'in_progress') {
          await api<SessionView>('POST', '/api/delivery/session/navigate', { to: ex.current }).then((v) => ex.setSession(v), () => {});
        }
        if (r.remainingMs != null) ex.sync(r.remainingMs);
        if (r.deadline) ex.store.set('deadlineEpoch', Date.now() + (r.remainingMs ?? 0));
        if (r.messages.length) {
          ex.messages.push(...r.messages);
          ex.messagesSince = Math.max(...r.messages.map((m) => m.at)) + 1;
          ex.store.set('messagesSince', ex.messagesSince);
        }
        setPaused(r.state === 'paused');
        if (FINAL.has(r.state)) { await refresh(); setPage('finished'); }
        rerender();
      } catch (e) {
        if (isNetwork(e)) ex.queue.setOffline(true);
      }
    };
    void beat();
    const id = setInterval(beat, page === 'waiting' ? 3000 : 5000);
    const online = () => void beat();
    window.addEventListener('online', online);
    return () => { stop = true; clearInterval(id); window.removeEventListener('online', online); };
  }, [page]);

  // Incidents: a deterrent the proctor sees, not a lock.
  useEffect(() => {
    if (page !== 'exam') return;
    const vis = () => { if (document.visibilityState === 'hidden') exam.current?.incident('focus_lost', { how: 'hidden' }); };
    const blur = () => exam.current?.incident('focus_lost', { how: 'blur' });
    const fs = () => { if (!document.fullscreenElement) exam.current?.incident('fullscreen_left'); };
    const off = () => { exam.current?.incident('offline'); exam.current?.queue.setOffline(true); };
    document.addEventListener('visibilitychange', vis);
    window.addEventListener('blur', blur);
    document.addEventListener('fullscreenchange', fs);
    window.addEventListener('offline', off);
    return () => { document.removeEventListener('visibilitychange', vis); window.removeEventListener('blur', blur); document.removeEventListener('fullscreenchange', fs); window.removeEventListener('offline', off); };
  }, [page]);

  const ex = exam.current;
  switch (page) {
    case 'loading':
      return <Frame title={s('loading')} onLang={rerender}><p role="status">{s('loading')}</p></Frame>;
    case 'login':
      return <Login onLang={rerender} onDone={() => { setPage('loading'); void boot(); }} />;
    case 'lobby':
      return <Lobby exam={ex!} onLang={rerender} error={startErr} onStart={() => { setStartErr(undefined); void enterExam(); }} />;
    case 'waiting':
      return <Frame title={s('lobby')} onLang={rerender} exam={ex!}><p role="status" data-page="waiting">{s('waiting')}</p></Frame>;
    case 'exam':
      return <ExamPage exam={ex!} onLang={rerender} rerender={rerender} paused={paused} onReview={() => setPage('review')} />;
    case 'review':
      return <Review exam={ex!} onLang={rerender} onBack={() => setPage('exam')} onSubmitted={() => setPage('finished')} goTo={(k) => { ex!.current = k; ex!.store.set('current', k); setPage('exam'); }} />;
    case 'finished':
      return <Finished exam={ex!} onLang={rerender} />;
  }
}

setLang(currentLang());
render(<App />, document.getElementById('app')!);
