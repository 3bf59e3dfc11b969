/**
 * Rebuilds every read model (`rebuildProjections` over `registerProjections`) in a process of its own, so
 * that its peak RSS is the rebuild's alone.
 *
 *   node dist/bench/lib/rebuild-process.js <DATABASE_URL>
 * Prints `RESULT {seconds, eventsReplayed, peakRssMiB}`.
 */
import { PostgresEventStore } from '#eventstore';
import { createReadModelDataSource, rebuildProjections, registerEntities, registerMigrations, registerProjections } from '#projections';
import { memoryOf } from './harness.js';

async function main(): Promise<void> {
  const [url] = process.argv.slice(2);
  const store = new PostgresEventStore({ connectionString: url!, poolSize: 2 });
  const dataSource = createReadModelDataSource({ url: url!, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
  await dataSource.initialize();
  try {
    const started = performance.now();
    const results = await rebuildProjections({ store, dataSource, projections: registerProjections });
    const seconds = (performance.now() - started) / 1000;
    const mem = memoryOf(process.pid);
    process.stdout.write(
      `RESULT ${JSON.stringify({ seconds, eventsReplayed: results.map((r) => ({ projection: r.projection, events: r.eventsReplayed, applied: r.eventsApplied })), peakRssMiB: mem?.peakRssMiB ?? null })}\n`,
    );
  } finally {
    await dataSource.destroy();
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
