/**
 * The live room's I/O: the SSE stream (its first `snapshot` event, then live events), the
 * reconnects, and snapshot re-reads when the stream cannot carry a change (a new deadline).
 * Every (re)connect starts with a fresh snapshot from the server, so nothing missed while
 * disconnected stays wrong.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api.ts';
import { applyEvent, fromSnapshot, type RoomSnapshot, type RoomState, type StreamEvent } from './room-model.ts';

export type Link = 'connecting' | 'live' | 'reconnecting';

export interface IncidentNotice {
  id: number;
  ticketCode: string;
  kind: string;
  note: string | null;
  at: number;
}

/** No event at all (the server pings every 15 s) for this long means a dead connection. */
const STALE_MS = 40_000;
const EVENTS = ['session.state', 'session.progress', 'heartbeat', 'incident', 'message', 'time.extended'];

function query(roomId?: string): string {
  return roomId ? `?roomId=${encodeURIComponent(roomId)}` : '';
}

export function useRoomStream(eventId: string, roomId?: string) {
  const [room, setRoom] = useState<RoomState | undefined>();
  const [link, setLink] = useState<Link>('connecting');
  const [error, setError] = useState<string | undefined>();
  const [notices, setNotices] = useState<IncidentNotice[]>([]);
  const stateRef = useRef<RoomState | undefined>(undefined);
  const resyncRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let es: EventSource | null = null;
    let closed = false;
    let lastEvent = Date.now();
    let retryMs = 1000;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let resyncTimer: ReturnType<typeof setTimeout> | undefined;
    let lastResync = 0;
    let noticeId = 0;
    const base = `/api/proctor/events/${encodeURIComponent(eventId)}`;

    const commit = (st: RoomState) => {
      stateRef.current = st;
      setRoom(st);
    };

    // Re-read the snapshot: at most every 3 s, one second after the change that asked for it
    // (a room starting together sends its state changes within a second or two).
    const resync = () => {
      if (resyncTimer) return;
      const wait = Math.max(1000, lastResync + 3000 - Date.now());
      resyncTimer = setTimeout(async () => {
        resyncTimer = undefined;
        lastResync = Date.now();
        try {
          const snap = await api<RoomSnapshot>('GET', `${base}/room${query(roomId)}`);
          if (!closed) commit(fromSnapshot(snap, Date.now()));
        } catch {
          /* the stream's next (re)connect brings a snapshot anyway */
        }
      }, wait);
    };

    resyncRef.current = resync;

    const onEvent = (ev: MessageEvent<string>) => {
      lastEvent = Date.now();
      const cur = stateRef.current;
      if (!cur) return;
      let e: StreamEvent;
      try {
        e = JSON.parse(ev.data) as StreamEvent;
      } catch {
        return;
      }
      const r = applyEvent(cur, e);
      if (r.state !== cur) commit(r.state);
      if (r.resync) resync();
      if (r.incidents.length) {
        setNotices((n) => [...r.incidents.map((x) => ({ ...x, id: ++noticeId })), ...n].slice(0, 8));
      }
    };

    const connect = () => {
      if (closed) return;
      es = new EventSource(`${base}/stream${query(roomId)}`, { withCredentials: true });
      lastEvent = Date.now();
      es.addEventListener('snapshot', (ev) => {
        lastEvent = Date.now();
        retryMs = 1000;
        setError(undefined);
        try {
          commit(fromSnapshot(JSON.parse((ev as MessageEvent<string>).data) as RoomSnapshot, Date.now()));
          setLink('live');
        } catch {
          /* malformed snapshot: wait for the next one */
        }
      });
      for (const name of EVENTS) es.addEventListener(name, onEvent as EventListener);
      es.addEventListener('ping', () => (lastEvent = Date.now()));
      es.onerror = () => {
        if (closed || !es) return;
        setLink('reconnecting');
        // The browser retries network drops by itself; an HTTP error (401, 403, 404) closes
        // the source for good: find out why, show it, and try again later.
        if (es.readyState === EventSource.CLOSED) reopen(true);
      };
    };

    const reopen = (explain: boolean) => {
      es?.close();
      es = null;
      if (closed || retryTimer) return;
      if (explain) {
        api('GET', `${base}/room${query(roomId)}`).then(
          () => undefined,
          (e: unknown) => setError(e instanceof ApiError ? `${e.status} ${e.message}` : String(e)),
        );
      }
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        connect();
      }, retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    };

    const watchdog = setInterval(() => {
      if (es && Date.now() - lastEvent > STALE_MS) {
        setLink('reconnecting');
        reopen(false);
      }
    }, 5000);

    // The browser knows before the stream does (a dead Wi-Fi can leave the socket open for
    // minutes): say so at once, and reconnect as soon as the network is back.
    const offline = () => {
      setLink('reconnecting');
      es?.close();
      es = null;
      clearTimeout(retryTimer);
      retryTimer = undefined;
    };
    const online = () => {
      retryMs = 1000;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      es?.close();
      connect();
    };
    addEventListener('offline', offline);
    addEventListener('online', online);

    setLink('connecting');
    connect();
    return () => {
      closed = true;
      removeEventListener('offline', offline);
      removeEventListener('online', online);
      es?.close();
      clearInterval(watchdog);
      clearTimeout(retryTimer);
      clearTimeout(resyncTimer);
    };
  }, [eventId, roomId]);

  /** Re-read the snapshot soon (after an action, in case the stream is slow or down). */
  const refresh = useCallback(() => resyncRef.current(), []);
  return { room, link, error, notices, refresh };
}
