/**
 * Logins and sessions. Staff log in with username + password (argon2id); candidates with
 * ticket code + PIN (keyed hash, see secrets.ts). A session is a random token: the cookie (or
 * `Authorization: Bearer`) carries the token, the app_sessions table only its sha256, together
 * with a snapshot of the principal so that each request costs one primary-key read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditInput, ExamEvent, NewAppSession, Store, StoreTx } from '../store/types.ts';
import { GroupCommit } from './group-commit.ts';
import type { AuditService } from '../audit/service.ts';
import type { Metrics } from '../http/metrics.ts';
import { Forbidden, Unauthorized } from '../http/errors.ts';
import type { AuthState } from '../http/context.ts';
import { verifyPassword } from './password.ts';
import { normaliseCode, verifyPin } from './secrets.ts';
import type { CandidatePrincipal, Principal, StaffPrincipal } from './principal.ts';
import type { LoginAttempt, LoginRateLimiter } from './rate-limit.ts';
import { ReadCache } from '../read-cache.ts';

export interface LoginResult {
  token: string;
  csrfToken: string;
  principal: Principal;
  expiresAt: number;
}

export interface AuthServiceDeps {
  store: Store;
  secret: Buffer;
  sessionTtlSeconds: number;
  audit: AuditService;
  limiter: LoginRateLimiter;
  metrics?: Metrics;
  now?: () => number;
  /**
   * How long a resolved staff session may be served from memory (ms, default 5000; 0 = read
   * every time). Logout and role changes in THIS process forget it at once; another process
   * (a second server, the `assay users` CLI) is seen after at most this long (docs/security.md).
   */
  sessionCacheMs?: number;
  /**
   * The same for candidate sessions (default 30 000). Longer than the player's heartbeat
   * (every 5 s): with 5 s nearly every heartbeat of every candidate read its session row, 20,000
   * reads/s for 100,000 candidates. A candidate session has no role to lose; another process's
   * logout of it is honoured here after at most this long.
   */
  candidateSessionCacheMs?: number;
}

/** Upper bound on cached sessions (a whole exam day's candidates fit; oldest go first). */
const SESSION_CACHE_MAX = 100_000;

/** A resolved session in memory, with the AuthState objects handed out for it. */
interface CachedSession {
  principal: Principal;
  csrfToken: string;
  expiresAt: number;
  idHash: string;
  until: number;
  bearer?: AuthState;
  cookie?: AuthState;
}

/** sha256 of a session token, the key under which the session is stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class AuthService {
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly candidateCacheMs: number;
  /**
   * Resolved sessions by RAW token: every API request resolves its session, and a primary-key
   * read per request was a large share of the answer path's cost, then the sha256 of the token
   * per request (the hash is computed only on a miss now). Only known sessions are cached (an
   * unknown token always reads, so junk tokens cannot fill memory). `byHash` maps the stored
   * key back to the token, for logout. A hit returns the same AuthState object each time
   * (one per way of sending the token), so a request allocates nothing here.
   */
  private readonly sessions = new Map<string, CachedSession>();
  private readonly byHash = new Map<string, string>();
  /**
   * Session rows and their login audit entries, written together with group commit; with them
   * the rate limit's clearing of the logins' accounts (their reservations), so that a successful
   * login costs no commit of its own for it.
   */
  private readonly writer: GroupCommit<{ session: NewAppSession; audit?: AuditInput; attempt?: LoginAttempt }, void>;
  constructor(private readonly d: AuthServiceDeps) {
    this.now = d.now ?? Date.now;
    this.cacheMs = d.sessionCacheMs ?? 5000;
    this.candidateCacheMs = d.candidateSessionCacheMs ?? 30_000;
    this.events = new ReadCache((id: string) => d.store.events.get(id), { ttlMs: 5000, now: this.now, usable: (e) => e?.status === 'published', max: 1000 });
    this.writer = new GroupCommit(async (batch) => {
      await d.store.transaction(async (tx) => {
        if (tx.dialect === 'postgres' && batch.length > 1) await insertSessionsPg(tx, batch.map((b) => b.session));
        else for (const b of batch) await tx.appSessions.create(b.session);
        const audits = batch.flatMap((b) => (b.audit ? [b.audit] : []));
        if (audits.length) await tx.audit.appendMany(audits);
        // After the audit entries: on PostgreSQL their lock is held now (one batch at a time), so
        // two batches never wait for each other's login_failures rows.
        const attempts = batch.flatMap((b) => (b.attempt ? [b.attempt] : []));
        if (attempts.length) await d.limiter.succeed(attempts, tx.loginFailures);
      });
      return batch.map((): void => undefined);
    });
  }

  /** Waits for queued session writes (shutdown). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Staff login. Throws 429 when rate limited, 401 on a wrong username or password. */
  async loginStaff(username: string, password: string, ip: string): Promise<LoginResult> {
    const account = username.trim().toLowerCase();
    // The attempt is counted (shared through the store) alongside the user read; a 429 is
    // thrown before the password is verified, so a blocked guesser learns nothing.
    const [attempt, user] = await this.reserveWith(ip, `staff:${account}`, this.d.store.users.getByUsername(account));
    const ok = await verifyPassword(user?.passwordHash, password);
    if (!user || !ok || !user.active) {
      this.d.metrics?.logins.inc({ kind: 'staff', outcome: 'failed' });
      await Promise.all([
        this.d.limiter.fail(attempt),
        this.d.audit.record({ action: 'auth.login_failed', actor: `ip:${ip}`, target: user ? `user:${user.id}` : null, details: { username: account } }),
      ]);
      throw new Unauthorized('username or password is wrong', 'login_failed');
    }
    const result = await this.afterVerified(attempt, async () => {
      const principal: StaffPrincipal = {
        kind: 'staff',
        userId: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        schoolIds: await this.d.store.users.schoolsOf(user.id),
      };
      return this.openSession(principal, { action: 'auth.login', actor: `user:${user.id}`, details: { role: user.role, ip } }, attempt);
    });
    this.d.metrics?.logins.inc({ kind: 'staff', outcome: 'ok' });
    return result;
  }

  /** Candidate login with the ticket code and PIN printed on their exam slip. */
  async loginCandidate(ticketCodeRaw: string, pin: string, ip: string): Promise<LoginResult> {
    const ticketCode = normaliseCode(ticketCodeRaw);
    // The attempt is counted alongside the roster read (PostgreSQL: two round trips at once, not
    // in turn); a 429 is thrown before the PIN is verified.
    const [attempt, entry] = await this.reserveWith(ip, `ticket:${ticketCode}`, this.d.store.events.getRosterByTicket(ticketCode));
    if (!entry || !verifyPin(this.d.secret, ticketCode, pin, entry.pinHash)) {
      this.d.metrics?.logins.inc({ kind: 'candidate', outcome: 'failed' });
      await Promise.all([
        this.d.limiter.fail(attempt),
        this.d.audit.record({ action: 'auth.candidate_login_failed', actor: `ip:${ip}`, target: entry ? `roster:${entry.id}` : null, details: { ticketCode } }),
      ]);
      throw new Unauthorized('ticket code or PIN is wrong', 'login_failed');
    }
    const result = await this.afterVerified(attempt, async () => {
      // Two reads after the roster (the event is usually cached); the exam session is looked up
      // by DELIVERY from (eventId, candidateId) when needed, not at login.
      const [event, candidate] = await Promise.all([this.events.get(entry.eventId), this.d.store.candidates.get(entry.candidateId)]);
      if (!event || event.status !== 'published') {
        throw new Forbidden(`exam event ${event?.code ?? entry.eventId} is not open for candidates (status: ${event?.status ?? 'missing'})`, undefined, 'event_not_open');
      }
      const principal: CandidatePrincipal = {
        kind: 'candidate',
        candidateId: entry.candidateId,
        role: 'candidate',
        schoolIds: candidate?.schoolId ? [candidate.schoolId] : [],
        eventId: entry.eventId,
        rosterId: entry.id,
        ticketCode,
      };
      return this.openSession(principal, { action: 'auth.candidate_login', actor: `candidate:${entry.candidateId}`, target: `event:${entry.eventId}`, details: { ticketCode, ip } }, attempt);
    });
    this.d.metrics?.logins.inc({ kind: 'candidate', outcome: 'ok' });
    return result;
  }

  /**
   * Reserves the login attempt (rate limit) while `read` (the user or roster entry the
   * verification needs) runs. A 429 wins; when the read fails, nothing was verified and the
   * attempt is given back rather than left counted as a failure (a database hiccup at the start
   * bell must not lock candidates out).
   */
  private async reserveWith<T>(ip: string, account: string, read: Promise<T>): Promise<[LoginAttempt, T]> {
    const [attempt, row] = await Promise.allSettled([this.d.limiter.reserve(ip, account), read]);
    if (attempt.status === 'rejected') throw attempt.reason;
    if (row.status === 'rejected') {
      await this.d.limiter.giveBack(attempt.value).catch(() => {});
      throw row.reason;
    }
    return [attempt.value, row.value];
  }

  /**
   * The rest of a login whose secret was right. `open` ends with openSession(…, attempt), whose
   * transaction clears the account's failures (the reservation included); when it throws
   * before (an event not open, a failed read or write), they are cleared on their own.
   */
  private async afterVerified(attempt: LoginAttempt, open: () => Promise<LoginResult>): Promise<LoginResult> {
    try {
      return await open();
    } catch (err) {
      await this.d.limiter.succeed([attempt]).catch(() => {});
      throw err;
    }
  }

  /**
   * Exam events, cached for a few seconds: at the start bell thousands of logins ask for the
   * same event. Only an open (published) event is served from the cache, so publication reaches
   * logins at once; closing an event may take up to 5 s to reach them, which is harmless.
   */
  private readonly events: ReadCache<string, ExamEvent | undefined>;

  /**
   * Creates a session for an already authenticated principal; `audit` is written in the same
   * transaction, and the rate limit's `attempt` (a login's) is ended there as a success.
   */
  async openSession(principal: Principal, audit?: Omit<AuditInput, 'at'>, attempt?: LoginAttempt): Promise<LoginResult> {
    const token = `as_${randomBytes(32).toString('base64url')}`;
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = now + this.d.sessionTtlSeconds * 1000;
    const session: NewAppSession = {
      idHash: tokenHash(token),
      userId: principal.kind === 'staff' ? principal.userId : null,
      candidateId: principal.kind === 'candidate' ? principal.candidateId : null,
      role: principal.role,
      csrfToken,
      data: principal as unknown as Record<string, never>,
      createdAt: now,
      expiresAt,
    };
    await this.writer.submit({ session, audit: audit ? { ...audit, at: now } : undefined, attempt });
    return { token, csrfToken, principal, expiresAt };
  }

  /**
   * Looks a token up; undefined when unknown or expired. A cache hit answers synchronously
   * (no promise, no hash); a miss reads the store.
   */
  resolve(token: string, via: AuthState['via']): AuthState | undefined | Promise<AuthState | undefined> {
    if (!token.startsWith('as_') || token.length > 100) return undefined;
    const now = this.now();
    const hit = this.sessions.get(token);
    if (hit) {
      if (hit.until > now && hit.expiresAt > now) {
        return via === 'bearer'
          ? (hit.bearer ??= { principal: hit.principal, via, sessionIdHash: hit.idHash, csrfToken: hit.csrfToken })
          : (hit.cookie ??= { principal: hit.principal, via, sessionIdHash: hit.idHash, csrfToken: hit.csrfToken });
      }
      this.forget(hit.idHash);
    }
    return this.read(token, via);
  }

  private async read(token: string, via: AuthState['via']): Promise<AuthState | undefined> {
    const idHash = tokenHash(token);
    const row = await this.d.store.appSessions.get(idHash);
    if (!row) return undefined;
    const now = this.now();
    if (row.expiresAt <= now) {
      await this.d.store.appSessions.delete(idHash);
      return undefined;
    }
    const principal = row.data as unknown as Principal;
    const state: AuthState = { principal, via, sessionIdHash: idHash, csrfToken: row.csrfToken };
    const ttl = principal.kind === 'candidate' ? this.candidateCacheMs : this.cacheMs;
    if (ttl > 0) {
      if (this.sessions.size >= SESSION_CACHE_MAX) this.forget(this.sessions.values().next().value!.idHash);
      this.forget(idHash);
      this.sessions.set(token, { principal, csrfToken: row.csrfToken, expiresAt: row.expiresAt, idHash, until: now + ttl, [via]: state });
      this.byHash.set(idHash, token);
    }
    return state;
  }

  /** Drops one cached session by its stored key (the token hash). */
  private forget(idHash: string): void {
    const token = this.byHash.get(idHash);
    if (token === undefined) return;
    this.byHash.delete(idHash);
    this.sessions.delete(token);
  }

  /**
   * Forgets the cached sessions of a staff user (role change, deactivation, new password):
   * call after their session rows were deleted, so the next request reads and finds none.
   */
  forgetUser(userId: string): void {
    for (const v of [...this.sessions.values()]) {
      if (v.principal.kind === 'staff' && v.principal.userId === userId) this.forget(v.idHash);
    }
  }

  /** Ends one session. */
  async logout(auth: AuthState): Promise<void> {
    this.forget(auth.sessionIdHash);
    await this.d.store.appSessions.delete(auth.sessionIdHash);
    // A request that read the row before the delete may have cached it again meanwhile.
    this.forget(auth.sessionIdHash);
    const p = auth.principal;
    await this.d.audit.record({ action: 'auth.logout', actor: p.kind === 'staff' ? `user:${p.userId}` : `candidate:${p.candidateId}` });
  }
}

/**
 * One multi-row INSERT for a batch of sessions on PostgreSQL: one round trip instead of one per
 * login (SQLite inserts in-process and needs no such thing). Columns as in the store's schema
 * (engine/store/schema.pg.ts, table app_sessions).
 */
async function insertSessionsPg(tx: StoreTx, rows: NewAppSession[]): Promise<void> {
  const cols = ['id_hash', 'user_id', 'candidate_id', 'exam_session_id', 'role', 'csrf_token', 'data', 'created_at', 'expires_at'];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const params: unknown[] = [];
    for (const r of chunk) {
      params.push(r.idHash, r.userId ?? null, r.candidateId ?? null, r.examSessionId ?? null, r.role, r.csrfToken, r.data === undefined ? null : JSON.stringify(r.data), r.createdAt ?? Date.now(), r.expiresAt);
    }
    const values = chunk.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ');
    await tx.raw.query(`INSERT INTO app_sessions (${cols.join(', ')}) VALUES ${values}`, params);
  }
}
