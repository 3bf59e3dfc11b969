import type { LoggerService, LogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const NEST_TO_PINO: Readonly<Record<LogLevel, Level>> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};
const PINO_ORDER: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * Routes Nest's own logging (`new Logger(Context).log(...)`, bootstrap and exception logs) through pino:
 * `NestFactory.create(AppModule, { bufferLogs: true })` then `app.useLogger(new NestPinoLogger(logger))`.
 * Nest's trailing context argument becomes the `context` field; a stack trace becomes `stack`.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes the levels it wants; pino gets the most verbose of them (or silence for none). */
  setLogLevels(levels: LogLevel[]): void {
    const wanted = levels.map((l) => NEST_TO_PINO[l]).filter((l): l is Level => l !== undefined);
    this.logger.level = wanted.length === 0 ? 'silent' : PINO_ORDER.find((l) => wanted.includes(l))!;
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};

    // Nest's convention: the last string argument is the context (Logger instances append it).
    const last = rest.at(-1);
    if (typeof last === 'string' && !(level === 'error' && rest.length === 1 && looksLikeStack(last))) {
      fields['context'] = last;
      rest.pop();
    }
    for (const param of rest) {
      if (typeof param === 'string' && looksLikeStack(param)) fields['stack'] = param;
      else if (param instanceof Error) fields['err'] = param;
      else if (param !== undefined) ((fields['details'] ??= []) as unknown[]).push(param);
    }

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

function looksLikeStack(text: string): boolean {
  return /\n\s+at /.test(text);
}
