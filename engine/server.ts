/**
 * Starting and stopping the service: open + migrate the store, seed the demo into an empty
 * database, build the app, listen, and shut down gracefully (stop accepting, finish requests,
 * flush the audit log, close the store).
 */
import { createServer } from 'node:http';
import { getRequestListener, type ServerType } from '@hono/node-server';
import { ensureSecret, loadConfig, ConfigError, type Config } from './config.ts';
import type { Logger } from './logger.ts';
import { openStore, StoreUrlError } from './store/index.ts';
import type { Store } from './store/types.ts';
// The HTTP stack and the seed are imported lazily, so the small CLI commands that share this
// file (migrate, users, audit) start fast.
import type { AppDeps } from './http/deps.ts';
import type { DemoLogins } from './seed/demo.ts';

export interface RunningServer {
  url: string;
  port: number;
  deps: AppDeps;
  /** Logins of the demo, when it was seeded now or its file is still in the data dir. */
  demo?: DemoLogins;
  seededNow: boolean;
  close(): Promise<void>;
}

/** Opens and migrates the store named by the config. */
export async function openMigratedStore(config: Config): Promise<Store> {
  const store = await openStore(config.db.url);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const [{ buildDeps }, { createApp }, { needsSeed, seedDemo, readDemoLogins }] = await Promise.all([
    import('./http/deps.ts'),
    import('./http/app.ts'),
    import('./seed/demo.ts'),
  ]);
  const secret = ensureSecret(config);
  const store = await openMigratedStore(config);
  const deps = buildDeps(config, logger, store, secret);
  let demo: DemoLogins | undefined;
  let seededNow = false;
  if (config.seedDemo && (await needsSeed(store))) {
    demo = await seedDemo(store, deps.audit, secret, config.dataDir);
    seededNow = true;
    logger.info({ event: demo.event.code }, 'seeded the demo data');
  } else if (config.seedDemo) {
    demo = readDemoLogins(config.dataDir);
  }
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve, reject) => {
    // The answer fast path (engine/http/fast-path.ts) in front of hono's node adapter.
    const s = createServer(deps.fast.listener(deps, getRequestListener(app.fetch)));
    // A candidate's browser beats every 5 s, which is Node's default keep-alive timeout: each
    // beat would race the close (a reset, a new connection). 65 s also outlasts the usual load
    // balancer idle timeout (60 s), so the balancer, not the engine, ends idle connections.
    s.keepAliveTimeout = 65_000;
    s.headersTimeout = 66_000;
    s.once('error', reject);
    s.listen(config.port, config.host, () => resolve(s));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${shownHost}:${port}`;
  // Expired login sessions and ended rate-limit windows are swept hourly (both are ignored
  // anyway once expired).
  const sweep = setInterval(() => {
    store.appSessions.deleteExpired(Date.now()).catch((err) => logger.warn({ err }, 'session sweep failed'));
    store.loginFailures.deleteExpired(Date.now()).catch((err) => logger.warn({ err }, 'login failure sweep failed'));
  }, 3600_000);
  sweep.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(sweep);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; end idle ones now, busy ones after 10 s.
        (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        setTimeout(() => (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(), 10_000).unref();
      });
      await deps.auth.flush().catch(() => {});
      await deps.audit.flush().catch(() => {});
      // A Chromium started for PDF reports would outlive the server as an orphan.
      await (await import('./career/pdf.ts')).closePdfBrowser().catch(() => {});
      await store.close();
    })());
  return { url, port, deps, demo, seededNow, close };
}

// ---- helpers for the PLATFORM CLI commands (serve, migrate, seed, users, audit) ----

/** One line for errors an operator can fix (bad URL, unreachable database, port in use). */
export function describeStartupError(err: unknown, config?: Config): string | undefined {
  if (err instanceof ConfigError || err instanceof StoreUrlError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') return `port ${config?.port} is already in use: choose another with --port N or PORT=N`;
  if (e?.code === 'EACCES' && config) return `not allowed to listen on port ${config.port}: choose a port above 1023`;
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || /password authentication|does not exist|ECONNREFUSED/.test(String(e?.message))) {
    return `cannot reach the database ${config ? maskUrl(config.db.url) : ''}: ${e.message}`;
  }
  if (e?.code === 'SQLITE_CANTOPEN' || e?.code === 'SQLITE_NOTADB') return `cannot open the SQLite file ${config?.db.file}: ${e.message}`;
  return undefined;
}

function maskUrl(u: string): string {
  return u.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Loads config for a command; prints the ConfigError and returns undefined (exit 2). */
export function configOrExit(argv: string[], command: string): Config | undefined {
  try {
    return loadConfig({ argv });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`assay ${command}: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

/** Splits `--db URL` style options understood by the config from the rest of the arguments. */
export function splitConfigArgs(args: string[]): { configArgs: string[]; rest: string[] } {
  const known = new Set(['--db', '--data-dir', '--log-level']);
  const configArgs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const flag = a.split('=')[0];
    if (known.has(flag)) {
      configArgs.push(a);
      if (!a.includes('=') && i + 1 < args.length) configArgs.push(args[++i]);
    } else rest.push(a);
  }
  return { configArgs, rest };
}

/**
 * Runs `fn` with a migrated store opened from the command's config flags; prints operator
 * errors as one line (exit 2) and always closes the store.
 */
export async function withCliStore(command: string, configArgs: string[], fn: (store: Store, config: Config) => Promise<number>): Promise<number> {
  const config = configOrExit(configArgs, command);
  if (!config) return 2;
  let store: Store;
  try {
    store = await openMigratedStore(config);
  } catch (err) {
    const line = describeStartupError(err, config);
    if (line) {
      console.error(`assay ${command}: ${line}`);
      return 2;
    }
    throw err;
  }
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}
