import { parseArgs } from 'node:util';
import { createProgressRenderer, rebuildProjections, registerProjections } from '#projections';
import { createLogger, loadConfig, migrate, openInfrastructure } from '#platform';
import { type CliCommand, CliUsageError } from './command.js';

export const rebuildProjectionsCommand: CliCommand = {
  name: 'rebuild-projections',
  summary:
    'Replay the event store into fresh read-model tables and swap them in (all projections, or those named; one read of the log feeds them all).',
  usage: '[name ...] [--batch-size N] [--list]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'batch-size': { type: 'string' }, list: { type: 'boolean' } },
    });
    if (values.list) {
      for (const p of registerProjections) process.stdout.write(`${p.name}\tversion ${p.version}\ttables ${p.tables.join(', ')}\n`);
      return 0;
    }
    // Default: the library's (events per page, read once for every projection being rebuilt).
    const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
    if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
      throw new CliUsageError('--batch-size must be a positive integer');
    }
    const config = loadConfig();
    const logger = createLogger({ level: 'warn', service: 'register-cli' });
    const infrastructure = await openInfrastructure(config, logger);
    const progress = createProgressRenderer();
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    try {
      await migrate(infrastructure);
      const results = await rebuildProjections({
        store: infrastructure.store,
        dataSource: infrastructure.dataSource,
        eventLog: infrastructure.eventLog,
        projections: registerProjections,
        names: positionals.length ? positionals : undefined,
        batchSize,
        onProgress: progress.update,
        signal: abort.signal,
      });
      for (const r of results) {
        process.stdout.write(
          `${r.projection}: version ${r.previousVersion} -> ${r.version}, ${r.eventsReplayed} events replayed, ${r.eventsApplied} applied${r.resumed ? ' (resumed)' : ''}.\n`,
        );
      }
      return 0;
    } catch (error) {
      progress.finish();
      throw error;
    } finally {
      await infrastructure.close();
    }
  },
};
