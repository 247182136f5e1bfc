/**
 * The proctor's live room (#/room/{eventId}[/{roomId}]): one table row per rostered
 * candidate, updated live from the SSE stream, with the actions the session's state allows.
 * It assists the proctor; it locks nothing on the candidate's side.
 */
import { memo } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.ts';
import { Alert, Layout } from '../shared/layout.tsx';
import { currentLang, t, type MessageKey } from '../shared/i18n.ts';
import type { HomeProps } from './common.ts';
import { actionsFor, connection, FINAL_STATES, formatDuration, needsAttention, serverNow, timeLeft, type Action, type Row } from './room-model.ts';
import { useRoomStream } from './room-stream.ts';
import './room.css';

/** A string of the dictionary, or `fallback` for a key it does not have (an engine state or kind added later). */
function tr(key: string, fallback: string): string {
  try {
    return t(key as MessageKey);
  } catch {
    return fallback;
  }
}
const stateLabel = (s: string) => tr(`state_${s}`, s);
const kindLabel = (k: string) => tr(`inc_${k}`, k);
const actionLabel = (a: Action) => t(`act_${a}` as MessageKey);
const clock = (ms: number) => new Date(ms).toLocaleTimeString(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN');

interface EventInfo { code: string; title: string; requireAdmission: boolean }

export function ProctorRoom(props: HomeProps & { eventId: string; roomId?: string }) {
  const { eventId, roomId } = props;
  const { room, link, error, notices, refresh } = useRoomStream(eventId, roomId);
  const [info, setInfo] = useState<EventInfo | undefined>();
  const [clientNow, setClientNow] = useState(Date.now());
  const [filter, setFilter] = useState('');
  const [attention, setAttention] = useState(false);
  const [open, setOpen] = useState<{ row: Row; action: Action; opener: HTMLElement | null } | undefined>();
  const [flash, setFlash] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const [busy, setBusy] = useState<string | undefined>();

  useEffect(() => {
    api<{ event: { code: string; title: string; settings: { requireAdmission?: boolean } | null } }>('GET', `/api/exam-events/${encodeURIComponent(eventId)}`).then(
      (r) => setInfo({ code: r.event.code, title: r.event.title, requireAdmission: !!r.event.settings?.requireAdmission }),
      () => setInfo({ code: '', title: '', requireAdmission: false }),
    );
  }, [eventId]);
  useEffect(() => {
    const id = setInterval(() => setClientNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [eventId, roomId]);

  /** Runs one action; the stream brings the new state, the snapshot re-read makes sure. */
  const run = useCallback(
    async (row: Row, action: Action, body?: Record<string, unknown>): Promise<string | undefined> => {
      const who = row.ticketCode;
      const path =
        action === 'admit' && !row.sessionId
          ? `/api/proctor/events/${encodeURIComponent(eventId)}/candidates/${encodeURIComponent(row.candidateId)}/admit`
          : `/api/proctor/sessions/${encodeURIComponent(row.sessionId ?? '')}/${action}`;
      setBusy(`${row.candidateId}:${action}`);
      try {
        await api('POST', path, body);
        setFlash({ kind: 'ok', text: t('actionDone', { action: actionLabel(action), who }) });
        refresh();
        return undefined;
      } catch (e) {
        const msg = e instanceof ApiError ? e.message : String(e);
        const text = t('actionFailed', { action: actionLabel(action), who, msg });
        setFlash({ kind: 'error', text });
        return text;
      } finally {
        setBusy(undefined);
      }
    },
    [eventId, refresh],
  );

  const onAction = useCallback(
    (row: Row, action: Action, opener: HTMLElement | null) => {
      if (action === 'admit' || action === 'resume') void run(row, action);
      else setOpen({ row, action, opener });
    },
    [run],
  );

  const now = room ? serverNow(room, clientNow) : clientNow;
  const nowSec = Math.floor(now / 1000);
  const roomNames = useMemo(() => new Map((room?.rooms ?? []).map((r) => [r.id, r.name])), [room?.rooms]);
  const rows = room?.rows ?? [];
  const q = filter.trim().toLowerCase();
  const shown = rows.filter((r) => (!q || r.ticketCode.toLowerCase().includes(q)) && (!attention || needsAttention(r, now)));
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const roomName = roomId ? roomNames.get(roomId) ?? roomId : t('allMyRooms');
  const showRoom = !roomId && (room?.rooms.length ?? 0) !== 1;

  return (
    <Layout title={`${t('roomLiveTitle')}: ${roomName}`} {...props}>
      <section data-page="proctor-room" aria-label={t('roomLiveTitle')}>
        <p class="room-top">
          <a href="#/">{t('backToEvents')}</a>
          {info?.code && <span class="muted">{info.title} ({info.code})</span>}
          <span role="status" class={`link-state link-${link}`} data-link={link}>
            <span aria-hidden="true" class="dot" /> {t(`link_${link}`)}
          </span>
        </p>
        {error && <Alert>{t('error')}: {error}</Alert>}
        {flash && <Alert kind={flash.kind}>{flash.text}</Alert>}

        {room && (
          <>
            <p class="summary">
              {[...counts].map(([s, n]) => (
                <span key={s} class={`st st-${s}`}>{stateLabel(s)}: {n}</span>
              ))}
            </p>
            <div class="room-filters inline">
              <div>
                <label for="room-filter">{t('filterTicket')}</label>
                <input id="room-filter" type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
              </div>
              <div class="check">
                <input id="room-attention" type="checkbox" checked={attention} onChange={(e) => setAttention((e.target as HTMLInputElement).checked)} />
                <label for="room-attention">{t('attentionOnly')}</label>
              </div>
            </div>
            <div class="table-wrap">
              <table class="room-table" aria-describedby="conn-help">
                <caption>
                  {t('candidatesCaption', { n: rows.length })}
                  {shown.length !== rows.length && <span class="muted"> · {t('shownOf', { n: shown.length, total: rows.length })}</span>}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="c-ticket">{t('colTicket')}</th>
                    {showRoom && <th scope="col" class="c-room">{t('colRoom')}</th>}
                    <th scope="col" class="c-state">{t('colState')}</th>
                    <th scope="col" class="c-progress">{t('colProgress')}</th>
                    <th scope="col" class="c-time">{t('colTimeLeft')}</th>
                    <th scope="col" class="c-conn">{t('colConnection')}</th>
                    <th scope="col" class="c-inc">{t('colIncidents')}</th>
                    <th scope="col" class="c-actions">{t('colActions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <RoomRow
                      key={r.candidateId}
                      row={r}
                      // Only rows whose clock or connection can change need the ticking second.
                      nowSec={r.state === 'not_started' || FINAL_STATES.has(r.state) ? 0 : nowSec}
                      skewMs={room.skewMs}
                      roomName={showRoom ? roomNames.get(r.roomId ?? '') ?? '' : undefined}
                      requireAdmission={info?.requireAdmission ?? false}
                      busy={busy?.startsWith(`${r.candidateId}:`) ?? false}
                      onAction={onAction}
                      lang={currentLang()}
                    />
                  ))}
                </tbody>
              </table>
            </div>
            <p id="conn-help" class="muted small">{t('connHelp')}</p>
          </>
        )}
        {!room && !error && <p role="status">{t('loading')}</p>}

        <div class="room-side">
          <section aria-labelledby="inc-h">
            <h2 id="inc-h">{t('recentIncidents')}</h2>
            <div role="log" aria-live="polite" aria-labelledby="inc-h" data-incident-log>
            <ul class="incident-log">
              {notices.map((n) => (
                <li key={n.id}>
                  <time>{clock(n.at)}</time> <strong>{n.ticketCode}</strong>: {kindLabel(n.kind)}
                  {n.note ? ` – ${n.note}` : ''}
                </li>
              ))}
            </ul>
            </div>
            {!notices.length && <p class="muted">{t('noIncidents')}</p>}
          </section>
          <RoomMessage eventId={eventId} roomId={roomId} />
        </div>

        {open && (
          <ActionDialog
            key={`${open.row.candidateId}:${open.action}`}
            row={open.row}
            action={open.action}
            run={run}
            onClose={() => {
              const { opener, row } = open;
              setOpen(undefined);
              // Back to the button that opened the dialog, or (it went away with the state change) to the row's first action,
              // but only when focus went away with the dialog: by the time this runs the proctor may already be elsewhere
              // (typing the room message), and taking focus there sends their keystrokes to a row button (a space clicks it).
              setTimeout(() => {
                const a = document.activeElement;
                if (a && a !== document.body) return;
                const target = opener?.isConnected ? opener : document.querySelector<HTMLElement>(`[data-row="${CSS.escape(row.candidateId)}"] button`);
                target?.focus();
              }, 0);
            }}
          />
        )}
      </section>
    </Layout>
  );
}

interface RowProps {
  row: Row;
  nowSec: number;
  skewMs: number;
  roomName?: string;
  requireAdmission: boolean;
  busy: boolean;
  onAction: (row: Row, action: Action, opener: HTMLElement | null) => void;
  /** Only here so that a language switch re-renders the memoised rows. */
  lang: string;
}

const RoomRow = memo(function RoomRow({ row: r, nowSec, skewMs, roomName, requireAdmission, busy, onAction, lang }: RowProps) {
  const now = nowSec ? nowSec * 1000 : Date.now() + skewMs;
  const left = timeLeft(r, now);
  const conn = connection(r, now);
  const ago = r.lastSeenAt != null ? Math.max(0, Math.round((now - r.lastSeenAt) / 1000)) : null;
  return (
    <tr data-row={r.candidateId} data-ticket={r.ticketCode} data-state={r.state}>
      <th scope="row">{r.ticketCode}</th>
      {roomName !== undefined && <td>{roomName}</td>}
      <td><span class={`st st-${r.state}`}>{stateLabel(r.state)}</span></td>
      <td class="num" data-progress>{r.sessionId && r.total ? `${r.answered}/${r.total}` : '—'}</td>
      <td class="num" data-time-left>
        <span class="tick">{left != null ? formatDuration(left) : r.state === 'in_progress' ? t('noTimeLimit') : '—'}</span>
        {r.state === 'paused' && <span class="muted"> {t('clockStopped')}</span>}
      </td>
      <td data-connection={conn}>
        {conn === 'none' ? '—' : (
          <>
            <span class={`net net-${conn}`}>{t(`net_${conn}` as MessageKey)}</span>
            {ago != null && <span class="tick muted small">{ago < 120 ? t('secondsAgo', { s: ago }) : t('minutesAgo', { m: Math.floor(ago / 60) })}</span>}
          </>
        )}
      </td>
      <Incidents incidents={r.incidents} lang={lang} />
      <RowActions row={r} requireAdmission={requireAdmission} busy={busy} onAction={onAction} lang={lang} />
    </tr>
  );
});

// The cells below change only with the row, not with the ticking clock: memoised apart so a
// second's tick re-renders two small cells per row, not the buttons and the incident list.

const Incidents = memo(function Incidents({ incidents }: { incidents: Row['incidents']; lang: string }) {
  return (
    <td data-incidents={incidents.length}>
      {incidents.length ? (
        <>
          <strong>{incidents.length}</strong>
          <ul class="incidents">
            {incidents.slice(0, 2).map((i) => (
              <li key={`${i.at}${i.kind}`}><time>{clock(i.at)}</time> {kindLabel(i.kind)}{i.note ? `: ${i.note}` : ''}</li>
            ))}
          </ul>
        </>
      ) : '0'}
    </td>
  );
});

const RowActions = memo(function RowActions({ row: r, requireAdmission, busy, onAction }: Pick<RowProps, 'row' | 'requireAdmission' | 'busy' | 'onAction' | 'lang'>) {
  const who = r.ticketCode;
  return (
    <td>
      <div class="row-actions">
        {actionsFor(r, requireAdmission).map((a) => (
          <button
            // Pause and Resume share one slot (one DOM button), so focus stays on it across the change.
            key={a === 'resume' ? 'pause' : a}
            type="button"
            class={a === 'void' ? 'danger' : a === 'admit' || a === 'resume' || a === 'pause' ? '' : 'secondary'}
            data-action={a}
            disabled={busy}
            aria-label={`${actionLabel(a)} ${who}`}
            onClick={(e) => onAction(r, a, e.currentTarget as HTMLElement)}
          >
            {actionLabel(a)}
          </button>
        ))}
      </div>
    </td>
  );
});

/** Modal form for the actions that need words: pause, extend, message, incident, void. */
function ActionDialog({ row, action, run, onClose }: { row: Row; action: Action; run: (row: Row, a: Action, body?: Record<string, unknown>) => Promise<string | undefined>; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // onClose once per dialog: after a successful submit the unmount's d.close() fires the
  // dialog's close event again, on the detached element, later.
  const closed = useRef(false);
  const close = () => {
    if (closed.current) return;
    closed.current = true;
    onClose();
  };
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    return () => d.open && d.close();
  }, []);
  const who = row.ticketCode;
  const id = (s: string) => `dlg-${s}`;

  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, unknown> =
      action === 'pause' ? (s('reason') ? { reason: s('reason') } : {})
      : action === 'extend' ? { minutes: Number(s('minutes')), ...(s('reason') ? { reason: s('reason') } : {}) }
      : action === 'message' ? { text: s('text') }
      : action === 'incident' ? { note: s('note'), kind: 'note' }
      : { reason: s('reason') };
    setBusy(true);
    const err = await run(row, action, body);
    setBusy(false);
    if (err) setError(err);
    else close();
  };

  return (
    <dialog ref={ref} class="action-dialog" aria-labelledby={id('h')} onClose={close} data-dialog={action}>
      <form onSubmit={submit}>
        <h2 id={id('h')}>{t('actionFor', { action: actionLabel(action), who })}</h2>
        {action === 'pause' && (
          <>
            <label for={id('reason')}>{t('reasonOptional')}</label>
            <input id={id('reason')} name="reason" maxLength={500} autoFocus />
          </>
        )}
        {action === 'extend' && (
          <>
            <label for={id('minutes')}>{t('minutes')}</label>
            <input id={id('minutes')} name="minutes" type="number" min={-600} max={600} step={1} defaultValue="5" required autoFocus />
            <label for={id('reason')}>{t('reasonOptional')}</label>
            <input id={id('reason')} name="reason" maxLength={500} />
          </>
        )}
        {action === 'message' && (
          <>
            <label for={id('text')}>{t('messageText')}</label>
            <textarea id={id('text')} name="text" required maxLength={1000} rows={3} autoFocus />
          </>
        )}
        {action === 'incident' && (
          <>
            <label for={id('note')}>{t('note')}</label>
            <textarea id={id('note')} name="note" required maxLength={2000} rows={3} autoFocus />
          </>
        )}
        {action === 'void' && (
          <>
            <p class="alert error">{t('voidWarning')}</p>
            <label for={id('reason')}>{t('reason')}</label>
            <input id={id('reason')} name="reason" required minLength={3} maxLength={500} autoFocus />
            <div class="check">
              <input id={id('confirm')} name="confirm" type="checkbox" required />
              <label for={id('confirm')}>{t('voidConfirm', { who })}</label>
            </div>
          </>
        )}
        {error && <Alert>{error}</Alert>}
        <div class="actions">
          <button type="submit" class={action === 'void' ? 'danger' : ''} disabled={busy}>{actionLabel(action)}</button>
          <button type="button" class="secondary" onClick={() => ref.current?.close()}>{t('close')}</button>
        </div>
      </form>
    </dialog>
  );
}

/** Room-wide message box (one room, or every room of the view). */
function RoomMessage({ eventId, roomId }: { eventId: string; roomId?: string }) {
  const [msg, setMsg] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    // Uncontrolled field: the page re-renders every second, the text is read once, here.
    const form = e.target as HTMLFormElement;
    const text = String(new FormData(form).get('text') ?? '').trim();
    if (!text) return;
    setBusy(true);
    try {
      const r = await api<{ sent: number }>('POST', `/api/proctor/events/${encodeURIComponent(eventId)}/message`, { text, ...(roomId ? { roomId } : {}) });
      setMsg({ kind: 'ok', text: t('messageSent', { n: r.sent }) });
      form.reset();
    } catch (err) {
      setMsg({ kind: 'error', text: t('actionFailed', { action: t('roomMessage'), who: roomId ?? t('allMyRooms'), msg: err instanceof ApiError ? err.message : String(err) }) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="room-msg-h">
      <h2 id="room-msg-h">{t('roomMessage')}</h2>
      <form onSubmit={send} data-room-message>
        <label for="room-msg">{t('messageText')}</label>
        <textarea id="room-msg" name="text" rows={2} maxLength={1000} required aria-describedby="room-msg-help" />
        <p id="room-msg-help" class="muted small">{t('roomMessageHelp')}</p>
        <button type="submit" disabled={busy}>{t('send')}</button>
      </form>
      <div data-room-message-status>{msg && <Alert kind={msg.kind}>{msg.text}</Alert>}</div>
    </section>
  );
}
