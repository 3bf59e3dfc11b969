import { parseArgs } from 'node:util';
import { type CliCommand, EXIT, parseOrUsage } from './command.js';
import { databaseLine, openCliInfrastructure } from './database.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: "Bring the event store's schema and the read-model tables up to date (what `start` does first).",
  usage: '',
  async run(args) {
    parseOrUsage(() => parseArgs({ args, options: {} }));
    const { loadConfig, migrate } = await import('#platform');
    const infrastructure = await openCliInfrastructure(loadConfig());
    try {
      process.stdout.write(`${databaseLine(infrastructure)}\n`);
      const report = await migrate(infrastructure);
      process.stdout.write(
        `Event store schema ${report.eventStoreSchema}.\n` +
          (report.readModelMigrations.length
            ? `Read-model migrations applied: ${report.readModelMigrations.join(', ')}.\n`
            : 'Read-model tables already up to date.\n'),
      );
      return EXIT.ok;
    } finally {
      await infrastructure.close();
    }
  },
};
