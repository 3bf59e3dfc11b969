/**
 * Scenario 6, projection rebuild (and the rebuild half of scenario 8, memory): N realistic events across
 * every context (a template written through the product, cloned with valid hash chains; bench/lib/dataset.ts),
 * then `rebuildProjections` over every read model in a process of its own, timed, with its peak RSS; vs a
 * server-side COPY of the same number of event rows into an event-shaped table with the store's indexes.
 * Then N more events and the same again at 2N.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCluster } from '../lib/cluster.js';
import { cloneTemplate, writeTemplate } from '../lib/dataset.js';
import { figure, log, runNode, target, type Row, type ScenarioOptions, type ScenarioResult } from '../lib/harness.js';

interface RebuildRun {
  readonly seconds: number;
  readonly eventsReplayed: { projection: string; events: number; applied: number }[];
  readonly peakRssMiB: number | null;
  /** Seconds in each projection's apply (the rest: reading the log, checkpoints, the swaps). */
  readonly perProjection: Record<string, number>;
  /** CPU seconds of the rebuild process and of the Postgres server (null when not measurable). */
  readonly cpu: { nodeSeconds: number; postgresSeconds: number | null };
}

const COLUMNS = 'stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at';

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const n = options.rebuildEvents;
  return withCluster('rebuild', async (cluster, admin, settings) => {
    const dir = await mkdtemp(join(tmpdir(), 'register-bench-copy-'));
    await chmod(dir, 0o777); // the server process (its own user) writes and reads the COPY file here
    const measured: Record<'N' | '2N', { rebuild: RebuildRun[]; copySeconds: number[] }> = { N: { rebuild: [], copySeconds: [] }, '2N': { rebuild: [], copySeconds: [] } };
    try {
      log('rebuild: writing the template through the product');
      const template = await writeTemplate(cluster.url, options.smoke ? 3 : 20);
      log(`rebuild: template of ${template.length} events; cloning to ${n}`);
      let clone = 1;
      const total = async () => Number((await admin.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0]!.n);
      const generateTo = async (size: number) => {
        const started = performance.now();
        const missing = size - (await total());
        if (missing > 0) clone = await cloneTemplate(cluster.url, template, missing, clone);
        await admin.query('VACUUM ANALYZE es_events');
        log(`  ${await total()} events in the store (${((performance.now() - started) / 1000).toFixed(1)} s to generate)`);
      };
      await admin.query(`CREATE TABLE bench_copy (LIKE es_events INCLUDING ALL)`);
      for (const label of ['N', '2N'] as const) {
        await generateTo(label === 'N' ? n : 2 * n);
        const file = join(dir, 'events.copy');
        await admin.query(`COPY (SELECT ${COLUMNS} FROM es_events) TO '${file}'`);
        for (let round = 1; round <= options.rounds; round++) {
          await admin.query('CHECKPOINT');
          const r = await runNode<RebuildRun>('lib/rebuild-process.js', [cluster.url, String(cluster.postmasterPid ?? '')]);
          measured[label].rebuild.push(r);
          await admin.query('TRUNCATE bench_copy');
          await admin.query('CHECKPOINT');
          const t0 = performance.now();
          await admin.query(`COPY bench_copy (${COLUMNS}) FROM '${file}'`);
          const copySeconds = (performance.now() - t0) / 1000;
          measured[label].copySeconds.push(copySeconds);
          log(
            `  ${label} round ${round}: rebuild ${r.seconds.toFixed(1)} s (peak RSS ${r.peakRssMiB} MiB, CPU node ${r.cpu.nodeSeconds.toFixed(1)} s + postgres ${r.cpu.postgresSeconds?.toFixed(1) ?? '?'} s), COPY ${copySeconds.toFixed(2)} s`,
          );
        }
        await rm(file, { force: true });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const events = { N: n, '2N': 2 * n };
    const rows: Row[] = [];
    for (const label of ['N', '2N'] as const) {
      const count = events[label];
      const rebuildRate = figure(measured[label].rebuild.map((r) => count / r.seconds));
      const copyRate = figure(measured[label].copySeconds.map((s) => count / s));
      rows.push(
        { scenario: 'rebuild', kind: `COPY ${count} event rows (${label})`, metric: 'throughput', unit: 'events/s', value: copyRate, extra: { seconds: figure(measured[label].copySeconds).median } },
        {
          scenario: 'rebuild',
          kind: `rebuild every read model, ${count} events (${label})`,
          metric: 'throughput',
          unit: 'events/s',
          value: rebuildRate,
          ratio: rebuildRate.median / copyRate.median,
          ratioTo: 'COPY',
          extra: { seconds: figure(measured[label].rebuild.map((r) => r.seconds)).median, projections: measured[label].rebuild[0]?.eventsReplayed.length ?? 0 },
        },
        { scenario: 'rebuild', kind: `rebuild peak RSS (${label})`, metric: 'peak RSS', unit: 'MiB', value: figure(measured[label].rebuild.map((r) => r.peakRssMiB ?? Number.NaN)) },
      );
    }
    const t1 = figure(measured.N.rebuild.map((r) => r.seconds)).median;
    const t2 = figure(measured['2N'].rebuild.map((r) => r.seconds)).median;
    const ratioN = rows[1]!.ratio ?? Number.NaN;
    const cpuPerEvent = (label: 'N' | '2N', kind: 'nodeSeconds' | 'postgresSeconds') =>
      (figure(measured[label].rebuild.map((r) => r.cpu[kind] ?? Number.NaN)).median / events[label]) * 1e6;
    const split = Object.keys(measured.N.rebuild[0]?.perProjection ?? {})
      .map((name) => `${name} ${figure(measured.N.rebuild.map((r) => r.perProjection[name] ?? Number.NaN)).median.toFixed(1)} s`)
      .join(', ');
    return {
      scenario: 'rebuild',
      rows,
      targets: [
        target('rebuild', '≥ 0.4x COPY (events/s, at N)', ratioN, 0.4, true),
        target('rebuild', 'time at 2N ≤ 2.2x time at N', t2 / t1, 2.2, false),
      ],
      notes: [
        `N = ${n} events (--rebuild-events; the issue asks for 1,000,000 and 2,000,000: run with --rebuild-events 1000000 for the record)`,
        `seconds in each projection's apply at N (median): ${split}`,
        `CPU per event at N: rebuild process ${cpuPerEvent('N', 'nodeSeconds').toFixed(1)} µs, Postgres ${cpuPerEvent('N', 'postgresSeconds').toFixed(1)} µs; at 2N: ${cpuPerEvent('2N', 'nodeSeconds').toFixed(1)} µs, ${cpuPerEvent('2N', 'postgresSeconds').toFixed(1)} µs`,
        'one read of the log feeds every projection (each into its own shadow tables, then one swap each); COPY writes each event row once',
      ],
      postgres: settings,
      details: measured,
    };
  });
}
