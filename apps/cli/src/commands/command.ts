export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage line(s) after the command name. */
  readonly usage: string;
  /** Resolves to the exit code; long-running commands resolve when they stop. */
  run(args: string[]): Promise<number>;
}
