/**
 * Rebuilds every read model (`registerProjections`, with `rebuildProjections`: one read of the log feeds
 * every projection) in a process of its own, so that its peak RSS is the rebuild's alone; reports the time in
 * each projection's `apply` and the CPU time of this process and of the Postgres server.
 *
 *   node dist/bench/lib/rebuild-process.js <DATABASE_URL> [POSTMASTER_PID]
 * Prints `RESULT {seconds, eventsReplayed, peakRssMiB, perProjection, cpu}`.
 */
import { PostgresEventStore, postgresEventLog } from '#eventstore';
import { createReadModelDataSource, rebuildProjections, registerEntities, registerMigrations, registerProjections } from '#projections';
import { memoryOf } from './harness.js';
import { cpuSecondsBetween, processTreeCpu } from './machine.js';

async function main(): Promise<void> {
  const [url, postmaster] = process.argv.slice(2);
  const postmasterPid = postmaster ? Number(postmaster) : null;
  const store = new PostgresEventStore({ connectionString: url!, poolSize: 2 });
  const dataSource = createReadModelDataSource({ url: url!, entities: registerEntities, migrations: registerMigrations, poolSize: 8 });
  await dataSource.initialize();
  try {
    const serverBefore = processTreeCpu(postmasterPid);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const results = await rebuildProjections({ store, dataSource, eventLog: postgresEventLog, projections: registerProjections });
    const seconds = (performance.now() - started) / 1000;
    const cpuUsed = process.cpuUsage(cpuBefore);
    // Read before the pool closes: the backends' CPU goes with them when they exit.
    const serverSeconds = cpuSecondsBetween(serverBefore, processTreeCpu(postmasterPid));
    const perProjection = Object.fromEntries(results.map((r) => [r.projection, Math.round(r.applySeconds * 1000) / 1000]));
    const mem = memoryOf(process.pid);
    process.stdout.write(
      `RESULT ${JSON.stringify({
        seconds,
        eventsReplayed: results.map((r) => ({ projection: r.projection, events: r.eventsReplayed, applied: r.eventsApplied })),
        peakRssMiB: mem?.peakRssMiB ?? null,
        perProjection,
        cpu: { nodeSeconds: (cpuUsed.user + cpuUsed.system) / 1e6, postgresSeconds: Number.isNaN(serverSeconds) ? null : serverSeconds },
      })}\n`,
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
