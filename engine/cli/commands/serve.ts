/** `assay serve [--db URL] [--port N] [--host H] [--data-dir D] [--no-seed]` */
import { loadConfig, ConfigError } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { startServer, describeStartupError } from '../../server.ts';
import { formatDemoLogins } from '../../seed/demo.ts';
import { ensureUiBuilt } from '../../../proctor-ui/build.ts';


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
  try {
    await ensureUiBuilt({ outDir: config.uiDir });
  } catch (err) {
    logger.warn({ err }, 'could not build the UI; the API still runs');
  }
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
  const lines = [
    '',
    `Assay is running at ${running.url}  (database: ${running.deps.store.url})`,
    `API docs: ${running.url}/docs   OpenAPI: ${running.url}/openapi.json`,
  ];
  if (running.demo) lines.push(formatDemoLogins(running.url, running.demo));
  lines.push('Press Ctrl+C to stop.', '');
  process.stdout.write(lines.join('\n') + '\n');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      running.close().then(resolve, (err) => {
        logger.error({ err }, 'shutdown failed');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
