/**
 * Typed application errors. Handlers and services throw these; `app.onError` maps them ONCE
 * to the single error shape `{"error": {"code", "message", "details"}}` with their status.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Base class: an error whose message is safe to show to the client. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details?: unknown;
  /** Extra response headers (for example Retry-After). */
  readonly headers?: Record<string, string>;
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown, headers?: Record<string, string>) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** 400: the request cannot be understood (malformed JSON, invalid field). */
export class BadRequest extends AppError {
  constructor(message: string, details?: unknown, code = 'bad_request') {
    super(400, code, message, details);
  }
}

/** 400 with the offending fields: `details.issues[] = {path, message}`. */
export class ValidationFailed extends AppError {
  constructor(issues: Array<{ path: string; message: string }>) {
    const first = issues[0];
    const message = first ? `invalid ${first.path || 'request'}: ${first.message}` : 'invalid request';
    super(400, 'validation_failed', message, { issues });
  }
}

/** 401: no valid session or token. */
export class Unauthorized extends AppError {
  constructor(message = 'log in first: no valid session cookie or bearer token', code = 'unauthorized') {
    super(401, code, message);
  }
}

/** 403: authenticated but not allowed (wrong role, another candidate's session, CSRF). */
export class Forbidden extends AppError {
  constructor(message = 'not allowed for your role', details?: unknown, code = 'forbidden') {
    super(403, code, message, details);
  }
}

/** 404: no such thing (or not visible to the caller). */
export class NotFound extends AppError {
  constructor(what = 'resource', id?: string) {
    super(404, 'not_found', id ? `${what} '${id}' not found` : `${what} not found`);
  }
}

/** 409: conflicts with the current state (duplicate username, session already submitted). */
export class Conflict extends AppError {
  constructor(message: string, details?: unknown, code = 'conflict') {
    super(409, code, message, details);
  }
}

/** 413: body larger than the configured limit. */
export class TooLarge extends AppError {
  constructor(limit: number) {
    super(413, 'payload_too_large', `request body is larger than the limit of ${limit} bytes`, { limit });
  }
}

/** 422: well-formed but semantically wrong (a response that does not fit its declaration). */
export class Unprocessable extends AppError {
  constructor(message: string, details?: unknown, code = 'unprocessable') {
    super(422, code, message, details);
  }
}

/** 429: too many attempts; the client should wait `retryAfter` seconds. */
export class TooManyRequests extends AppError {
  constructor(retryAfter: number, message = 'too many failed attempts; try again later') {
    super(429, 'rate_limited', message, { retryAfter }, { 'Retry-After': String(retryAfter) });
  }
}

/** 503: a dependency (the database) is not reachable. */
export class Unavailable extends AppError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}

/** Converts zod issues (v4) into `{path, message}` with dotted paths prefixed by the part (body, query, param). */
export function zodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix?: string): Array<{ path: string; message: string }> {
  return issues.map((i) => {
    const p = i.path.map(String).join('.');
    return { path: [prefix, p].filter(Boolean).join('.'), message: i.message };
  });
}
