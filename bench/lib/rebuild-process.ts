/**
 * Rebuilds every read model (`registerProjections`, one after another, as `rebuildProjections` does) in a
 * process of its own, so that its peak RSS is the rebuild's alone; times each projection.
 *
 *   node dist/bench/lib/rebuild-process.js <DATABASE_URL>
 * Prints `RESULT {seconds, eventsReplayed, peakRssMiB}`.
 */
import { PostgresEventStore } from '#eventstore';
import { createReadModelDataSource, rebuildProjection, registerEntities, registerMigrations, registerProjections } from '#projections';
import { memoryOf } from './harness.js';

async function main(): Promise<void> {
  const [url] = process.argv.slice(2);
  const store = new PostgresEventStore({ connectionString: url!, poolSize: 2 });
  const dataSource = createReadModelDataSource({ url: url!, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
  await dataSource.initialize();
  try {
    const started = performance.now();
    const results = [];
    const perProjection: Record<string, number> = {};
    for (const projection of registerProjections) {
      const t0 = performance.now();
      results.push(await rebuildProjection({ store, dataSource, projection }));
      perProjection[projection.name] = Math.round(performance.now() - t0) / 1000;
    }
    const seconds = (performance.now() - started) / 1000;
    const mem = memoryOf(process.pid);
    process.stdout.write(
      `RESULT ${JSON.stringify({ seconds, eventsReplayed: results.map((r) => ({ projection: r.projection, events: r.eventsReplayed, applied: r.eventsApplied })), peakRssMiB: mem?.peakRssMiB ?? null, perProjection })}\n`,
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
