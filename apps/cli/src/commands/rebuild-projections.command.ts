import { parseArgs } from 'node:util';
import { type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseLine, openCliInfrastructure } from './database.js';

export const rebuildProjectionsCommand: CliCommand = {
  name: 'rebuild-projections',
  summary: 'Replay the event store into fresh read-model tables and swap them in (all projections, or those named).',
  usage: '[NAME ...] [--batch-size N] [--list]',
  options: [
    ['NAME ...', 'Rebuild only these projections (see --list); default all.'],
    ['--batch-size N', 'Events read per page of the log (a positive integer).'],
    ['--list', 'List the projections, their versions and tables, and stop.'],
  ],
  notes: ['Ctrl+C stops the replay; the next run resumes it. A second Ctrl+C ends the command at once (exit code 130).'],
  handlesSignals: true,
  async run(args) {
    const { values, positionals } = parseOrUsage(() =>
      parseArgs({ args, allowPositionals: true, options: { 'batch-size': { type: 'string' }, list: { type: 'boolean' } } }),
    );
    // Default: the library's (events per page, read once for every projection being rebuilt).
    const batchText = values['batch-size'];
    const batchSize = batchText === undefined ? undefined : /^\d+$/.test(batchText) ? Number(batchText) : NaN;
    if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) {
      throw new CliUsageError(`--batch-size must be a positive integer (got ${JSON.stringify(batchText)}).`);
    }
    const { createProgressRenderer, rebuildProjections, registerProjections } = await import('#projections');
    if (values.list) {
      for (const p of registerProjections) process.stdout.write(`${p.name}\tversion ${p.version}\ttables ${p.tables.join(', ')}\n`);
      return EXIT.ok;
    }
    const known = registerProjections.map((p) => p.name);
    const unknown = positionals.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new CliUsageError(`No projection named ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the projections are ${known.join(', ')}.`);
    }

    const abort = new AbortController();
    let interruptedAt = 0;
    const interrupt = (signal: NodeJS.Signals) => {
      if (!abort.signal.aborted) {
        interruptedAt = Date.now();
        abort.abort();
      } else if (Date.now() - interruptedAt >= 1_000) {
        // (One right after the first is the same Ctrl+C passed on by npm, not a second one.)
        process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
      }
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
    try {
      const { loadConfig, migrate } = await import('#platform');
      const infrastructure = await openCliInfrastructure(loadConfig());
      const progress = createProgressRenderer();
      try {
        process.stdout.write(`${databaseLine(infrastructure)}\n`);
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
        return EXIT.ok;
      } catch (error) {
        progress.finish();
        if (abort.signal.aborted) {
          process.stderr.write('Interrupted: the rebuild stopped; run the command again to resume it.\n');
          return EXIT.interrupted;
        }
        throw error;
      } finally {
        await infrastructure.close();
      }
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
  },
};
