import type { CliCommand } from './command.js';
import { copyEventsCommand } from './copy-events.command.js';
import { exportAuditCommand } from './export-audit.command.js';
import { exportPersonCommand } from './export-person.command.js';
import { issueTokenCommand } from './issue-token.command.js';
import { migrateCommand } from './migrate.command.js';
import { rebuildProjectionsCommand } from './rebuild-projections.command.js';
import { sealCommand } from './seal.command.js';
import { verifyChainCommand } from './verify-chain.command.js';
import { verifyDecisionsCommand } from './verify-decisions.command.js';
import { verifySealsCommand } from './verify-seals.command.js';

export { CliFailure, CliUsageError, commandHelp, EXIT, type CliCommand } from './command.js';

export const COMMANDS: readonly CliCommand[] = [
  migrateCommand,
  rebuildProjectionsCommand,
  verifyChainCommand,
  verifyDecisionsCommand,
  sealCommand,
  verifySealsCommand,
  exportAuditCommand,
  issueTokenCommand,
  exportPersonCommand,
  copyEventsCommand,
];

/** What `npm run cli -- --help` prints. */
export function usage(): string {
  const lines = ['Usage: npm run cli -- <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name} ${c.usage}`.trimEnd(), `      ${c.summary}`);
  lines.push(
    '',
    'Run `npm run cli -- <command> --help` for its options. Every command reads the settings `npm start` reads',
    '(environment variables, README "Configuration"): run it from the same folder, with the same DATA_DIR.',
    'The service itself runs with `npm start`; `npm run schema:print` prints the GraphQL schema.',
    '',
    'Exit codes: 0 done, 1 failed (no database, refused), 2 and 3 see verify-chain, 64 bad command line.',
  );
  return `${lines.join('\n')}\n`;
}
