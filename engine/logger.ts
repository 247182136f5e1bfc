/**
 * Structured JSON logs (pino). One root logger per process; each request gets a child
 * logger carrying its request id, so every line of one request can be found together.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

/** Creates the root logger. `destination` lets tests capture lines. */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'assay' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Never log credentials even if a handler passes a whole body by mistake.
    redact: {
      paths: ['password', 'pin', '*.password', '*.pin', 'req.headers.authorization', 'req.headers.cookie', 'token', '*.token'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
