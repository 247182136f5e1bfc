/** Proctor home: exam events and the rooms the proctor watches. */
import { Alert, Layout } from '../shared/layout.tsx';
import { formatTime, t } from '../shared/i18n.ts';
import type { HomeProps } from './common.ts';
import { useGet } from './use-api.ts';

interface Ev { id: string; code: string; title: string; status: string; opensAt: number | null; closesAt: number | null; rooms: Array<{ id: string; name: string; capacity: number | null }> }

/** Hash route of the live room (main.tsx reads it); no room = every room the caller may watch. */
export function roomHref(eventId: string, roomId?: string): string {
  return `#/room/${encodeURIComponent(eventId)}${roomId ? `/${encodeURIComponent(roomId)}` : ''}`;
}

export function ProctorHome(props: HomeProps) {
  const { data, error } = useGet<{ events: Ev[] }>('/api/home/proctor');
  return (
    <Layout title={t('eventsTitle')} {...props}>
      <section data-home="proctor">
        {error && <Alert>{error}</Alert>}
        {!data && !error && <p role="status">{t('loading')}</p>}
        {data && data.events.length === 0 && <p>{t('empty')}</p>}
        {data?.events.map((e) => (
          <article key={e.id} aria-labelledby={`ev-${e.id}`}>
            <h2 id={`ev-${e.id}`}>{e.title} <span class="muted">({e.code})</span></h2>
            <p>{t('status')}: {e.status} · {t('opens')}: {formatTime(e.opensAt)} · {t('closes')}: {formatTime(e.closesAt)}</p>
            <table>
              <thead><tr><th scope="col">{t('rooms')}</th><th scope="col">#</th><th scope="col">{t('watchLive')}</th></tr></thead>
              <tbody>
                {e.rooms.map((r) => (
                  <tr key={r.id}>
                    <td>{r.name}</td>
                    <td>{r.capacity ?? ''}</td>
                    <td><a href={roomHref(e.id, r.id)} aria-label={t('watchRoom', { room: r.name })}>{t('watchLive')}</a></td>
                  </tr>
                ))}
              </tbody>
            </table>
            {e.rooms.length > 1 && (
              <p><a href={roomHref(e.id)} aria-label={t('watchAllRooms', { event: e.code })}>{t('allMyRooms')}</a></p>
            )}
          </article>
        ))}
      </section>
    </Layout>
  );
}
