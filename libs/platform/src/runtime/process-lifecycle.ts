import { ConfigError } from '../config/index.js';
import { EmbeddedPostgresError } from '../database/embedded-postgres.js';
import { StoreFormatError } from './store-format.js';

/**
 * Exit codes of every entry point. 2 and 3 are verify-chain's; 64 is EX_USAGE from sysexits.h; 130 and 143 are
 * the shell's codes for an interrupt (SIGINT, SIGTERM) of a process that does not stop by itself.
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  broken: 2,
  empty: 3,
  usage: 64,
  interrupted: 130,
  terminated: 143,
} as const;

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A repeated stop signal within this time is the same request (delivered twice), not an impatient second one. */
const REPEAT_GRACE_MS = 1_000;

export interface StopRequest {
  /** The first stop signal received, or null while none has come. */
  readonly signal: NodeJS.Signals | null;
  /** Resolves when the first stop signal comes (at once if one already has). */
  readonly requested: Promise<NodeJS.Signals>;
  /** Stops listening (call when the process has stopped). */
  release(): void;
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP from the first moment, so a Ctrl+C while starting stops the service as soon
 * as it is up (nothing half-started is left behind). Another signal a while later ends the process at once (130);
 * one right after the first is the same request passed on by a wrapper (npm forwards the terminal's SIGINT).
 */
export function listenForStop(): StopRequest {
  let signal: NodeJS.Signals | null = null;
  let at = 0;
  let resolve: (signal: NodeJS.Signals) => void = () => undefined;
  const requested = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onSignal = (received: NodeJS.Signals) => {
    if (signal) {
      if (Date.now() - at < REPEAT_GRACE_MS) return;
      process.stderr.write(`\n${received} again: exiting without waiting for the shutdown.\n`);
      process.exit(EXIT.interrupted);
    }
    signal = received;
    at = Date.now();
    resolve(received);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return {
    get signal() {
      return signal;
    },
    requested,
    release: () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    },
  };
}

/** A connection or server error in one line: its code and message, nothing it carries. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  return code && !message.includes(code) ? `${message} (${code})` : message || code || 'unknown error';
}

/** Errors from Postgres (SQLSTATE) or the network (ECONNREFUSED, ...), as opposed to faults in this program. */
export function isServerError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^[0-9A-Z]{5}$/.test(code) || /^E[A-Z]+$/.test(code));
}

/**
 * How an entry point names a failure to start or run: a refusal the operator can act on (configuration, the
 * embedded database, an old data folder, the database server) as its message; anything else with its stack.
 */
export function describeFailure(what: string, error: unknown): string {
  if (error instanceof ConfigError || error instanceof EmbeddedPostgresError || error instanceof StoreFormatError) return `${what}: ${error.message}`;
  if (isServerError(error)) return `${what} failed: ${reasonOf(error)}`;
  return `${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
