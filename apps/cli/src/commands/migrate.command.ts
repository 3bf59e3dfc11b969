import { createLogger, loadConfig, migrate, openInfrastructure } from '#platform';
import type { CliCommand } from './command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: "Bring the event store's schema and the read-model tables up to date.",
  usage: '',
  async run() {
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel, service: 'register-cli' });
    const infrastructure = await openInfrastructure(config, logger);
    try {
      const report = await migrate(infrastructure);
      process.stdout.write(
        `Event store schema ${report.eventStoreSchema}.\n` +
          (report.readModelMigrations.length
            ? `Read-model migrations applied: ${report.readModelMigrations.join(', ')}.\n`
            : 'Read-model tables already up to date.\n'),
      );
      return 0;
    } finally {
      await infrastructure.close();
    }
  },
};
