/**
 * The Emmett peer (`@event-driven-io/emmett-postgresql`), in a process of its own: creating an Emmett store
 * changes the global `pg` type parsers, which must not leak into the project's measurements.
 *
 *   node dist/bench/peers/emmett.js <connection string> '<job json>'
 *   job: { mode: 'append', writers: [1, 8], seconds, rounds }   one event per append, expected version
 *        { mode: 'batch', batch: 100, seconds, rounds }         100 events per append, one writer
 *        { mode: 'read', events: 1000, seconds, rounds }        readStream of a 1,000-event stream
 * Prints `RESULT <json>`: per mode and round, events/s and p50/p99 ms.
 */
import { randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { quantile } from '../lib/stats.js';
import { sampleData, timed } from '../lib/sample.js';

interface Job {
  readonly mode: 'append' | 'batch' | 'read';
  readonly writers?: number[];
  readonly batch?: number;
  readonly events?: number;
  readonly seconds: number;
  readonly rounds: number;
}

interface Measured {
  readonly writers: number;
  readonly round: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

type DuesPaid = { type: 'DuesPaid'; data: Record<string, unknown> };

const [url, jobJson] = process.argv.slice(2);

async function main(): Promise<void> {
  const job = JSON.parse(jobJson!) as Job;
  const store = getPostgreSQLEventStore(url!, { schema: { autoMigration: 'CreateOrUpdate' } });
  const out: Measured[] = [];
  const event = (writer: number, n: number): DuesPaid => ({ type: 'DuesPaid', data: sampleData(writer, n) });
  try {
    // Warm up (and create the schema) before timing anything.
    await store.appendToStream(`warmup-${randomUUID()}`, [event(0, 0)]);
    for (let round = 1; round <= job.rounds; round++) {
      if (job.mode === 'append') {
        for (const writers of job.writers ?? [1, 8]) {
          const versions = new Map<number, bigint>();
          const streams = Array.from({ length: writers }, () => `member-${randomUUID()}`);
          const r = await timed(writers, job.seconds, async (w, n) => {
            const result = await store.appendToStream(streams[w]!, [event(w, n)], {
              expectedStreamVersion: versions.get(w) ?? STREAM_DOES_NOT_EXIST,
            });
            versions.set(w, result.nextExpectedStreamVersion);
            return 1;
          });
          out.push({ writers, round, eventsPerSecond: r.eventsPerSecond, p50Ms: quantile(r.latenciesMs, 0.5), p99Ms: quantile(r.latenciesMs, 0.99) });
        }
      } else if (job.mode === 'batch') {
        const size = job.batch ?? 100;
        const r = await timed(1, job.seconds, async (w, n) => {
          const events = Array.from({ length: size }, (_, i) => event(w, n * size + i));
          await store.appendToStream(`batch-${randomUUID()}`, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
          return size;
        });
        out.push({ writers: 1, round, eventsPerSecond: r.eventsPerSecond, p50Ms: quantile(r.latenciesMs, 0.5), p99Ms: quantile(r.latenciesMs, 0.99) });
      } else {
        const size = job.events ?? 1000;
        if (round === 1) {
          for (let i = 0; i < size; i += 100) {
            await store.appendToStream('read-stream', Array.from({ length: Math.min(100, size - i) }, (_, j) => event(0, i + j)));
          }
        }
        const r = await timed(1, job.seconds, async () => {
          const read = await store.readStream('read-stream');
          if (read.events.length !== size) throw new Error(`read ${read.events.length} events, expected ${size}`);
          return size;
        });
        out.push({ writers: 1, round, eventsPerSecond: r.eventsPerSecond, p50Ms: quantile(r.latenciesMs, 0.5), p99Ms: quantile(r.latenciesMs, 0.99) });
      }
    }
  } finally {
    await store.close();
  }
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
