import type { CliCommand } from './command.js';
import { issueTokenCommand } from './issue-token.command.js';
import { migrateCommand } from './migrate.command.js';
import { printSchemaCommand } from './print-schema.command.js';
import { rebuildProjectionsCommand } from './rebuild-projections.command.js';
import { startCommand } from './start.command.js';
import { verifyChainCommand } from './verify-chain.command.js';

export const COMMANDS: readonly CliCommand[] = [
  startCommand,
  migrateCommand,
  rebuildProjectionsCommand,
  verifyChainCommand,
  issueTokenCommand,
  printSchemaCommand,
];

export function usage(): string {
  const lines = ['Usage: npm run cli -- <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name} ${c.usage}`.trimEnd(), `      ${c.summary}`);
  return `${lines.join('\n')}\n`;
}
