export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage line(s) after the command name. */
  readonly usage: string;
  /** Resolves to the exit code; long-running commands resolve when they stop. */
  run(args: string[]): Promise<number>;
}

/** A mistake in the command line: printed as a message, without a stack trace. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
