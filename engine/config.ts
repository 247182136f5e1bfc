/**
 * Engine configuration: command-line flags over environment variables over defaults,
 * validated with zod once at start. This is the ONLY module that reads `process.env`;
 * everything else receives a `Config` (or the piece it needs) as an argument.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/** A configuration problem the operator must fix; printed as one line, exit code 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface DbTarget {
  dialect: 'sqlite' | 'postgres';
  /** The URL as given (normalised for sqlite to `sqlite:<path>`). */
  url: string;
  /** For sqlite: the file path (absolute) or ':memory:'. */
  file?: string;
}

export interface Config {
  db: DbTarget;
  port: number;
  host: string;
  /** Directory for the generated secret (and the SQLite file by default). */
  dataDir: string;
  /** Bearer token that may read /metrics without an admin session. */
  metricsToken?: string;
  /** Server secret (32+ bytes) for PIN hashes, session and CSRF tokens. */
  secret?: Buffer;
  logLevel: LogLevel;
  /** Largest JSON/form body in bytes. */
  bodyLimit: number;
  /** Largest upload (zip, octet-stream, multipart) in bytes. */
  uploadLimit: number;
  /** Seed the demo data when the database is empty. */
  seedDemo: boolean;
  /** Trust X-Forwarded-For / X-Forwarded-Proto (behind a load balancer). */
  trustProxy: boolean;
  /** Session lifetime in seconds. */
  sessionTtl: number;
  /** Failed logins allowed per account within the window before 429. */
  loginMaxFailuresPerAccount: number;
  /** Failed logins allowed per client IP within the window before 429. */
  loginMaxFailuresPerIp: number;
  /** Rate-limit window in seconds. */
  loginWindow: number;
  /** Directory of the built UI (served as static files). */
  uiDir: string;
  /** Engine processes of `assay serve` on this machine, sharing the port and the database (1 = no cluster). */
  workers: number;
  /** NODE_OPTIONS as this process got it (`assay serve` checks its node flags: engine/runtime-flags.ts). */
  nodeOptions: string;
}

const DEFAULT_DB = 'sqlite:./data/assay.db';

/** Parses an ASSAY_DB / --db value; throws ConfigError naming what is wrong. */
export function parseDbUrl(raw: string, cwd = process.cwd()): DbTarget {
  const v = raw.trim();
  if (v.startsWith('sqlite:')) {
    let rest = v.slice('sqlite:'.length);
    if (rest.startsWith('//')) rest = rest.slice(2); // sqlite:///abs/path or sqlite://./rel
    if (!rest) throw new ConfigError(`ASSAY_DB '${raw}' names no file: use sqlite:./data/assay.db or sqlite:/abs/path.db`);
    if (rest === ':memory:') return { dialect: 'sqlite', url: 'sqlite::memory:', file: ':memory:' };
    const file = isAbsolute(rest) ? rest : resolve(cwd, rest);
    return { dialect: 'sqlite', url: `sqlite:${file}`, file };
  }
  if (/^postgres(ql)?:\/\//.test(v)) {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ConfigError(`ASSAY_DB '${redact(raw)}' is not a valid PostgreSQL URL (expected postgres://user:pass@host:5432/db)`);
    }
    if (!u.hostname) throw new ConfigError(`ASSAY_DB '${redact(raw)}' names no host (expected postgres://user:pass@host:5432/db)`);
    return { dialect: 'postgres', url: v };
  }
  throw new ConfigError(
    `ASSAY_DB '${redact(raw)}' is not supported: use sqlite:<file> (for example ${DEFAULT_DB}) or postgres://user:pass@host:5432/db`,
  );
}

function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((s) => ['1', 'true', 'yes', 'on'].includes(s));

const intIn = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const schema = z.object({
  db: z.string().min(1),
  port: intIn('port', 0, 65535),
  host: z.string().min(1),
  dataDir: z.string().optional(),
  metricsToken: z.string().min(16, 'ASSAY_METRICS_TOKEN must be at least 16 characters').optional(),
  secret: z.string().min(32, 'ASSAY_SECRET must be at least 32 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  bodyLimit: intIn('ASSAY_BODY_LIMIT', 1024, 1024 * 1024 * 1024),
  uploadLimit: intIn('ASSAY_UPLOAD_LIMIT', 1024, 4 * 1024 * 1024 * 1024),
  seedDemo: boolish,
  trustProxy: boolish,
  sessionTtl: intIn('ASSAY_SESSION_TTL', 60, 30 * 24 * 3600),
  loginMaxFailuresPerAccount: intIn('ASSAY_LOGIN_MAX_FAILURES', 1, 1_000_000),
  loginMaxFailuresPerIp: intIn('ASSAY_LOGIN_MAX_FAILURES_PER_IP', 1, 1_000_000),
  loginWindow: intIn('ASSAY_LOGIN_WINDOW', 1, 24 * 3600),
  uiDir: z.string().min(1),
  workers: z
    .string()
    .regex(/^(auto|\d+)$/, 'ASSAY_WORKERS (--workers) must be a whole number or auto')
    .transform((v) => (v === 'auto' ? availableParallelism() : Number(v)))
    .refine((n) => n >= 1 && n <= 64, 'ASSAY_WORKERS (--workers) must be between 1 and 64'),
});

/** Flags understood on the command line; each maps to a config key. */
const FLAGS: Record<string, keyof z.input<typeof schema>> = {
  '--db': 'db',
  '--port': 'port',
  '--host': 'host',
  '--data-dir': 'dataDir',
  '--log-level': 'logLevel',
  '--no-seed': 'seedDemo',
  '--workers': 'workers',
};

export interface LoadOptions {
  argv?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * Builds the config from flags (`--db URL --port N --host H --data-dir D --log-level L --no-seed`)
 * and environment (ASSAY_DB, PORT or ASSAY_PORT, ASSAY_HOST, ASSAY_DATA_DIR, ASSAY_METRICS_TOKEN,
 * ASSAY_SECRET, ASSAY_LOG_LEVEL, ASSAY_BODY_LIMIT, ASSAY_UPLOAD_LIMIT, ASSAY_SEED_DEMO,
 * ASSAY_TRUST_PROXY, ASSAY_SESSION_TTL, ASSAY_LOGIN_MAX_FAILURES, ASSAY_LOGIN_MAX_FAILURES_PER_IP,
 * ASSAY_LOGIN_WINDOW, ASSAY_UI_DIR, ASSAY_WORKERS or --workers N|auto). Throws ConfigError with a one-line explanation.
 * Does not touch the disk: call `ensureSecret` for the generated secret.
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const argv = opts.argv ?? [];
  const raw: Record<string, string | undefined> = {
    db: env.ASSAY_DB || DEFAULT_DB,
    port: env.ASSAY_PORT ?? env.PORT ?? '3000',
    host: env.ASSAY_HOST ?? '0.0.0.0',
    dataDir: env.ASSAY_DATA_DIR,
    metricsToken: env.ASSAY_METRICS_TOKEN || undefined,
    secret: env.ASSAY_SECRET || undefined,
    logLevel: env.ASSAY_LOG_LEVEL ?? 'info',
    bodyLimit: env.ASSAY_BODY_LIMIT ?? String(1024 * 1024),
    uploadLimit: env.ASSAY_UPLOAD_LIMIT ?? String(100 * 1024 * 1024),
    seedDemo: env.ASSAY_SEED_DEMO ?? 'true',
    trustProxy: env.ASSAY_TRUST_PROXY ?? 'false',
    sessionTtl: env.ASSAY_SESSION_TTL ?? String(12 * 3600),
    loginMaxFailuresPerAccount: env.ASSAY_LOGIN_MAX_FAILURES ?? '5',
    loginMaxFailuresPerIp: env.ASSAY_LOGIN_MAX_FAILURES_PER_IP ?? '200',
    loginWindow: env.ASSAY_LOGIN_WINDOW ?? '900',
    uiDir: env.ASSAY_UI_DIR ?? 'proctor-ui/dist',
    workers: env.ASSAY_WORKERS ?? '1',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const key = FLAGS[flag];
    if (!key) throw new ConfigError(`unknown option '${a}' (known: ${Object.keys(FLAGS).join(', ')})`);
    if (flag === '--no-seed') {
      raw.seedDemo = 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ConfigError(`option ${flag} needs a value`);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? '');
    const shown = key === 'secret' || key === 'metricsToken' ? '' : ` (got '${raw[key]}')`;
    const name = key === 'port' ? 'port (PORT / --port)' : key;
    throw new ConfigError(`invalid ${name}: ${issue.message}${shown}`);
  }
  const c = parsed.data;
  const db = parseDbUrl(c.db, cwd);
  const dataDir = resolve(cwd, c.dataDir ?? (db.file && db.file !== ':memory:' ? dirname(db.file) : 'data'));
  return {
    db,
    port: c.port,
    host: c.host,
    dataDir,
    metricsToken: c.metricsToken,
    secret: c.secret ? Buffer.from(c.secret, 'utf8') : undefined,
    logLevel: c.logLevel,
    bodyLimit: c.bodyLimit,
    uploadLimit: c.uploadLimit,
    seedDemo: c.seedDemo,
    trustProxy: c.trustProxy,
    sessionTtl: c.sessionTtl,
    loginMaxFailuresPerAccount: c.loginMaxFailuresPerAccount,
    loginMaxFailuresPerIp: c.loginMaxFailuresPerIp,
    loginWindow: c.loginWindow,
    uiDir: resolve(cwd, c.uiDir),
    workers: c.workers,
    nodeOptions: env.NODE_OPTIONS ?? '',
  };
}

/**
 * Returns the server secret: ASSAY_SECRET when set, else `<dataDir>/secret.key`, created with
 * 32 random bytes (mode 0600) on first use. Several engine processes behind a load balancer
 * must share it (set ASSAY_SECRET), since PIN hashes and session tokens depend on it.
 */
export function ensureSecret(config: Config): Buffer {
  if (config.secret) return config.secret;
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64,}$/.test(hex)) throw new ConfigError(`${file} is not a secret written by Assay (expected 64+ hex digits)`);
    config.secret = Buffer.from(hex, 'hex');
    return config.secret;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32);
  try {
    writeFileSync(file, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return ensureSecret(config);
    throw err;
  }
  try {
    chmodSync(file, 0o600);
  } catch {
    /* best effort on filesystems without modes */
  }
  config.secret = secret;
  return secret;
}
