#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli.js';

/** `node dist/apps/cli/src/main.js <command> [options]`, or `npm run cli -- <command> [options]`. */
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
