import { CliFailure, CliUsageError, COMMANDS, commandHelp, EXIT, usage, type CliCommand } from './commands/index.js';
import { wantsHelp } from './commands/command.js';

const HELP = ['help', '--help', '-h'];

/** Runs one command line (without `node main.js`) and resolves to the process's exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return EXIT.usage;
  }
  if (HELP.includes(name)) {
    const about = args[0] === undefined ? undefined : COMMANDS.find((c) => c.name === args[0]);
    if (args[0] !== undefined && !about) return unknownCommand(args[0]);
    process.stdout.write(about ? commandHelp(about) : usage());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return unknownCommand(name);
  if (wantsHelp(args)) {
    process.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  if (!command.handlesSignals) exitOnInterrupt();
  try {
    return await command.run(args);
  } catch (error) {
    return report(command, error);
  }
}

function unknownCommand(name: string): number {
  process.stderr.write(`Unknown command ${JSON.stringify(name)}.\n\n${usage()}`);
  return EXIT.usage;
}

async function report(command: CliCommand, error: unknown): Promise<number> {
  if (error instanceof CliUsageError) {
    process.stderr.write(`${command.name}: ${error.message}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  if (error instanceof CliFailure) {
    process.stderr.write(`${command.name}: ${error.message}\n`);
    return EXIT.failed;
  }
  const { describeFailure } = await import('#platform');
  process.stderr.write(`${describeFailure(command.name, error)}\n`);
  return EXIT.failed;
}

/**
 * Commands that do not stop by themselves end at once on Ctrl+C, with the shell's codes; an embedded
 * cluster the command started is asked to shut down as the process exits.
 */
function exitOnInterrupt(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nInterrupted (${signal}).\n`);
    process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
