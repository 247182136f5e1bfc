/**
 * The Hono environment shared by every route module: what middleware puts on the context.
 */
import type { Logger } from '../logger.ts';
import type { Principal } from '../auth/principal.ts';

export interface AuthState {
  principal: Principal;
  /** How the caller authenticated: cookie writes need a CSRF token, bearer writes do not. */
  via: 'cookie' | 'bearer';
  /** sha256 of the session token (the app_sessions key). */
  sessionIdHash: string;
  csrfToken: string;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    auth?: AuthState;
  };
}
