/** `assay serve [--db URL] [--port N] [--host H] [--data-dir D] [--no-seed] [--workers N|auto]` */
import cluster from 'node:cluster';
import { loadConfig, ConfigError, type Config } from '../../config.ts';
import { createLogger, type Logger } from '../../logger.ts';
import { startServer, describeStartupError } from '../../server.ts';
import { startCluster, reportWorkerReady } from '../../cluster.ts';
import { clusterExposition } from '../../http/cluster-metrics.ts';
import { formatDemoLogins } from '../../seed/demo.ts';
import { ensureUiBuilt } from '../../../proctor-ui/build.ts';
import { missingServeFlags } from '../../runtime-flags.ts';

export const summary = 'run the service (migrates, seeds the demo into an empty database, serves the UI)';

export async function run(args: string[]): Promise<number> {
  let config;
  try {
    config = loadConfig({ argv: args });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`assay serve: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const missing = missingServeFlags(process.execArgv, config.nodeOptions);
  if (missing.length && !cluster.isWorker) logger.warn({ missing }, `started without ${missing.join(' ')}: more time in garbage collection under exam-day load (npm start passes it, or set NODE_OPTIONS; see docs/deployment.md)`);
  // In a cluster the primary builds the UI once, before any worker serves it.
  if (!cluster.isWorker) {
    try {
      await ensureUiBuilt({ outDir: config.uiDir });
    } catch (err) {
      logger.warn({ err }, 'could not build the UI; the API still runs');
    }
  }
  return config.workers > 1 && cluster.isPrimary ? servePrimary(config, logger) : serveProcess(config, logger);
}

/** One engine process: the whole service, or one worker of a cluster. */
async function serveProcess(config: Config, logger: Logger): Promise<number> {
  let running;
  try {
    running = await startServer(config, logger);
  } catch (err) {
    const line = describeStartupError(err, config);
    if (line) {
      console.error(`assay serve: ${line}`);
      return 2;
    }
    throw err;
  }
  const banner = running.demo ? formatDemoLogins(running.url, running.demo) : undefined;
  if (cluster.isWorker) {
    running.deps.metrics.exposition = clusterExposition(running.deps.metrics.registry);
    reportWorkerReady({ url: running.url, dbUrl: running.deps.store.url, banner });
  }
  else printBanner(running.url, running.deps.store.url, banner);
  await untilSignal(logger, () => running.close());
  // A worker's IPC channel to the primary would keep this process alive after the close.
  if (cluster.isWorker) process.disconnect();
  return 0;
}

/** The cluster's primary: starts the workers, prints the banner once, stops them on a signal. */
async function servePrimary(config: Config, logger: Logger): Promise<number> {
  const h = await startCluster(config, logger).catch((err: { exitCode?: number }) => err.exitCode ?? 1); // the worker printed why
  if (typeof h === 'number') return h;
  printBanner(h.url, h.dbUrl, h.banner, config.workers);
  return Promise.race([untilSignal(logger, () => h.stop()).then(() => 0), h.done]);
}

function printBanner(url: string, dbUrl: string, demo: string | undefined, workers = 1): void {
  const lines = [
    '',
    `Assay is running at ${url}  (database: ${dbUrl}${workers > 1 ? `; ${workers} engine processes` : ''})`,
    `API docs: ${url}/docs   OpenAPI: ${url}/openapi.json`,
  ];
  if (demo) lines.push(demo);
  lines.push('Press Ctrl+C to stop.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

/** Waits for SIGTERM or SIGINT, then runs `stop` (errors are logged, not thrown). */
function untilSignal(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      stop().then(resolve, (err) => {
        logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  });
}
