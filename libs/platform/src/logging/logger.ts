import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { serializeError } from './error-serializer.js';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach the logs: credentials in request headers, tokens and secrets however
 * they are nested in a logged object. (Text inside a log message cannot be redacted: log objects, not
 * interpolated strings.)
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  'token',
  'accessToken',
  'refreshToken',
  'bearer',
  'jwt',
  'password',
  'secret',
  'jwtSecret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.jwt',
  '*.password',
  '*.secret',
  '*.jwtSecret',
  '*.*.jwtSecret',
  // Keys of personal data, and the one personal field a log object could plausibly carry by name (docs/privacy.md).
  'masterKey',
  'identitySecret',
  '*.masterKey',
  '*.identitySecret',
  '*.*.masterKey',
  '*.*.identitySecret',
  'identityCardNumber',
  '*.identityCardNumber',
  '*.*.identityCardNumber',
];

export interface CreateLoggerOptions {
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  readonly level: string;
  /** Written as `service` on every line, e.g. `api`, `projector`, `cli`. */
  readonly service?: string;
  /** Where lines go; stdout by default. Tests pass an in-memory stream. */
  readonly destination?: DestinationStream;
  /** Extra paths to redact on top of `REDACTED_PATHS`. */
  readonly redact?: readonly string[];
}

/**
 * A pino logger writing one JSON object per line: ISO time, level label, message, context fields. Errors logged
 * under `err` or `error` go through `serializeError`: what they carry besides their message and codes (a pg
 * client, SQL parameters) never reaches the line.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: options.service === undefined ? { pid: process.pid } : { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: [...REDACTED_PATHS, ...(options.redact ?? [])], censor: '[redacted]' },
  };
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
