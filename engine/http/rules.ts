/**
 * The request rules every response follows, free of any framework: request ids, security
 * headers, the declared-length body limit, the error shape, the request log line. The hono
 * middleware of app.ts AND the answer fast path of fast-path.ts call these same functions,
 * so the two cannot drift apart (docs/architecture.md, "The answer fast path").
 */
import { HTTPException } from 'hono/http-exception';
import type { Logger } from '../logger.ts';
import { AppError, TooLarge, ValidationFailed, zodIssues, type ErrorBody } from './errors.ts';

/** Headers on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Request ids: the client's `X-Request-Id` when it is a sane token (as hono's requestId
 * middleware accepted it), else a process-unique id from a boot prefix and a counter (no
 * random UUID per request).
 */
export function requestIds(): (sent: string | undefined) => string {
  const boot = Date.now().toString(36);
  let seq = 0;
  return (sent) => (sent && sent.length <= 255 && !/[^\w\-=]/.test(sent) ? sent : `${boot}-${(++seq).toString(36)}`);
}

/** Uploads (QTI packages) get their own, larger limit. */
const UPLOAD_TYPES = /^(application\/(zip|octet-stream|x-zip-compressed)|multipart\/form-data)/i;

/**
 * The body limit of a request from its headers alone. Returns the limit that still has to be
 * counted while reading (a chunked body), or undefined when nothing is left to check (no body
 * expected, or a declared length within the limit). Throws 413 for a declared length over it.
 */
export function bodyLimitOf(
  method: string,
  contentType: string | undefined,
  contentLength: string | undefined,
  transferEncoding: string | undefined,
  limits: { bodyLimit: number; uploadLimit: number },
): number | undefined {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const limit = UPLOAD_TYPES.test(contentType ?? '') ? limits.uploadLimit : limits.bodyLimit;
  if (contentLength !== undefined && transferEncoding === undefined) {
    if (Number(contentLength) > limit) throw new TooLarge(limit);
    return undefined;
  }
  return limit;
}

/** JSON media types, as hono's validator recognises them. */
const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;
export const isJsonContentType = (contentType: string | undefined): boolean => !!contentType && JSON_MEDIA.test(contentType.split(';')[0]!.trim());

/** A response for an error: status, the one error shape, extra headers. */
export interface ErrorReply {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
  /** Not an expected error: log it with the request's logger. */
  unexpected?: boolean;
}

/** The ONE mapping from a thrown error to a response. */
export function errorReply(err: Error, requestId: string | undefined): ErrorReply {
  if (err instanceof AppError) return { status: err.status, body: err.toBody(), headers: err.headers };
  if (err instanceof HTTPException) {
    const status = err.status;
    const malformed = status === 400 && /json/i.test(err.message);
    const code = malformed ? 'malformed_json' : status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'http_error';
    const message = malformed ? 'request body is not valid JSON' : err.message || `HTTP ${status}`;
    return { status, body: { error: { code, message } } };
  }
  if (err.name === 'ZodError' && Array.isArray((err as unknown as { issues?: unknown }).issues)) {
    return { status: 400, body: new ValidationFailed(zodIssues((err as unknown as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues)).toBody() };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; the server log has the details', details: { requestId } } }, unexpected: true };
}

/** A failed validation of one part of the request (json, param, query): 400 naming each field. */
export function validationFailed(target: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): ValidationFailed {
  const prefix = target === 'json' ? 'body' : target === 'param' ? 'path' : target;
  return new ValidationFailed(zodIssues(issues, prefix));
}

/** The error a body that is not JSON raises (the same as hono's validator raises). */
export const malformedJson = (): HTTPException => new HTTPException(400, { message: 'Malformed JSON in request body' });

/**
 * The request's logger: a child carrying the request id, made only when something is logged
 * (a pino child per request was a visible share of a small request's cost).
 */
export function lazyRequestLog(logger: Logger, reqId: string): () => Logger {
  let log: Logger | undefined;
  return () => (log ??= logger.child({ reqId }));
}

/** The one line per request (level info; errors for 5xx). */
export function logRequest(logger: Logger, log: () => Logger, method: string, path: string, status: number, startMs: number): void {
  const level = status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const ms = Math.round((performance.now() - startMs) * 10) / 10;
  log()[level]({ method, path, status, ms }, 'request');
}
