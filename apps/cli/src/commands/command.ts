/** Exit codes of every command (shared with the service's entry points). */
export { EXIT } from '#platform';

export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage after the command name, e.g. `[--stream ID] [--json]`. */
  readonly usage: string;
  /** The options `--help` lists: the option as typed, and what it does. */
  readonly options?: readonly (readonly [string, string])[];
  /** Paragraphs `--help` prints after the options (exit codes, notes). */
  readonly notes?: readonly string[];
  /** Long-running commands stop on SIGINT/SIGTERM themselves; the others end at once with 130/143. */
  readonly handlesSignals?: boolean;
  /** Resolves to the exit code; long-running commands resolve when they stop. */
  run(args: string[]): Promise<number>;
}

/** A mistake in the command line: printed with the command's usage (on stderr), exit code 64, no stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** A failure the operator can act on (could not connect, refused): printed as is, exit code 1, no stack trace. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

const PROGRAM = 'npm run cli --';

export function commandUsageLine(command: CliCommand): string {
  return `${PROGRAM} ${command.name} ${command.usage}`.trimEnd();
}

/** What `<command> --help` prints. */
export function commandHelp(command: CliCommand): string {
  const lines = [`Usage: ${commandUsageLine(command)}`, '', command.summary];
  const options: (readonly [string, string])[] = [...(command.options ?? []), ['-h, --help', 'Print this help.']];
  const width = Math.max(...options.map(([flag]) => flag.length));
  lines.push('', 'Options:', ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  for (const note of command.notes ?? []) lines.push('', note);
  return `${lines.join('\n')}\n`;
}

/** True when the arguments ask for help (`-h` or `--help` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const head = end < 0 ? args : args.slice(0, end);
  return head.includes('--help') || head.includes('-h');
}

/** Runs node:util's parseArgs, turning its errors (unknown option, missing value, stray argument) into usage errors. */
export function parseOrUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const message = (error as Error).message;
      // Node's unknown-option text goes on about positional arguments starting with a dash; the first sentence says it.
      throw new CliUsageError(code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? message.replace(/\. To specify a positional.*$/s, '.') : message);
    }
    throw error;
  }
}
