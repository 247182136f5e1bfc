/** Facts about the calling client: address and whether the connection is TLS. */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/** Client IP: the first X-Forwarded-For hop when behind a trusted proxy, else the socket. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for');
    if (xff) return xff.split(',')[0].trim();
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/** True when the client reached us over TLS (directly, or via a trusted proxy). */
export function isTls(c: Context, trustProxy: boolean): boolean {
  if (trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0].trim() === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}
