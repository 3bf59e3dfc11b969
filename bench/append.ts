/**
 * Append throughput of the Postgres event store against the cheapest comparable write: one
 * single-row INSERT per transaction into a table of the same shape.
 *
 *   npm run build && node dist/bench/append.js [--seconds 10] [--rounds 3] [--writers 1,8] [--max-others 100]
 *                                              [--variants raw,store,store-no-notify,store-notify-in-tx]
 *
 * Each writer appends one event per append, with its expected revision, to a stream of its own. Kinds
 * run interleaved within each round (the order rotates between rounds), each for a fixed duration after
 * a CHECKPOINT, on an embedded Postgres with the server's default durability (fsync and
 * synchronous_commit on). A LISTEN connection is open throughout, as a projector's would be.
 * Reported: median of the rounds with min/max, p50/p99 append latency, ratio to raw at the same number
 * of writers, and CPU per event of the client (this process) and of the server (every Postgres process).
 * Results go to bench/results/<timestamp>.json.
 *
 * On a machine shared with other work, `--max-others 10` measures a round again (all kinds of that round
 * and writer count, so they stay side by side; up to 5 times) when other processes used more than 10% of
 * the machine during any of its runs; the results keep the discarded runs. The default, 100, never does.
 *
 * `store-notify-in-tx` sends pg_notify inside the append, which only the general append function
 * (es_append) does: it measures that path, not the one-event statement the other store kinds use.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresEventStore, type EventToAppend, type NotifyMode } from '#eventstore';
import { startCluster } from './lib/embedded-postgres.js';
import { busyPercent, cpuSecondsBetween, cpuTimes, machineInfo, postgresSettings, processTreeCpu } from './lib/machine.js';
import { quantile, summarise } from './lib/stats.js';
import { RAW_TABLE_SQL } from './lib/raw-table.js';
import { sampleEvents } from './lib/sample.js';
import { benchPool } from './lib/cluster.js';

type Variant = 'raw' | 'store' | 'store-notify-in-tx' | 'store-no-notify';

const VARIANTS: Record<Variant, { label: string; notify?: NotifyMode }> = {
  raw: { label: 'raw INSERT (1 row/tx)' },
  store: { label: 'event store (NOTIFY after commit)', notify: 'after_commit' },
  'store-notify-in-tx': { label: 'event store (es_append, pg_notify in tx)', notify: 'in_transaction' },
  'store-no-notify': { label: 'event store (no NOTIFY)', notify: 'none' },
};

interface Options {
  seconds: number;
  maxOthers: number;
  rounds: number;
  writers: number[];
  variants: Variant[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 10, maxOthers: 100, rounds: 3, writers: [1, 8], variants: ['raw', 'store'] };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--seconds':
        options.seconds = Number(value);
        i++;
        break;
      case '--max-others':
        options.maxOthers = Number(value);
        i++;
        break;
      case '--rounds':
        options.rounds = Number(value);
        i++;
        break;
      case '--writers':
        options.writers = String(value).split(',').map(Number);
        i++;
        break;
      case '--variants':
        options.variants = String(value).split(',') as Variant[];
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  for (const variant of options.variants) if (!(variant in VARIANTS)) throw new Error(`unknown variant ${variant}`);
  return options;
}

/** One realistic register event (a member's dues payment, about 0.5 KB of JSON), as the command handler builds it. */
function sampleEvent(streamId: string, writer: number, n: number): EventToAppend {
  return sampleEvents(streamId, writer, n, 1)[0]!;
}

const RAW_INSERT = `INSERT INTO bench_raw_events
  (stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10)`;

const HASH = 'a'.repeat(64);

/** Measurements of one round and writer count, at most, when other work disturbs them. */
const MAX_ATTEMPTS = 5;

interface RunResult {
  readonly variant: Variant;
  readonly writers: number;
  readonly round: number;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU the benchmark process itself used (client work: building events, hashing, the pg driver). */
  readonly clientCpuPercent: number;
  /** Client CPU per event, in microseconds. */
  readonly clientCpuUsPerEvent: number;
  /** CPU of every Postgres process (backends, WAL writer, checkpointer...) per event, in microseconds. */
  readonly serverCpuUsPerEvent: number;
  /** How busy the whole machine was (all cores; 100 = every core busy), client and server together. */
  readonly machineBusyPercent: number;
  /**
   * Share of the machine (all cores) used by anything but this process and Postgres: other work running
   * during the measurement, which makes it less trustworthy. Kernel threads doing our I/O count here too.
   */
  readonly otherBusyPercent: number;
}

type Append = (writer: number, n: number) => Promise<void>;

async function run(
  variant: Variant,
  writers: number,
  seconds: number,
  round: number,
  append: (w: number) => Append,
  postmasterPid: number | null,
) {
  const latencies: number[] = [];
  let events = 0;
  const cpuBefore = process.cpuUsage();
  const machineBefore = cpuTimes();
  const serverBefore = processTreeCpu(postmasterPid);
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const appendOne = append(writer);
      for (let n = 0; process.hrtime.bigint() < deadline; n++) {
        const t0 = process.hrtime.bigint();
        await appendOne(writer, n);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        events++;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cores = machineInfo().cpus;
  const cpu = process.cpuUsage(cpuBefore);
  const machineBusy = busyPercent(machineBefore, cpuTimes());
  const serverSeconds = cpuSecondsBetween(serverBefore, processTreeCpu(postmasterPid));
  const clientSeconds = (cpu.user + cpu.system) / 1e6;
  latencies.sort((a, b) => a - b);
  const result: RunResult = {
    variant,
    writers,
    round,
    events,
    seconds: elapsed,
    eventsPerSecond: events / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    clientCpuPercent: (clientSeconds / elapsed) * 100,
    clientCpuUsPerEvent: (clientSeconds / events) * 1e6,
    serverCpuUsPerEvent: (serverSeconds / events) * 1e6,
    machineBusyPercent: machineBusy,
    otherBusyPercent: machineBusy - ((clientSeconds + serverSeconds) / (elapsed * cores)) * 100,
  };
  process.stdout.write(
    `  round ${round} ${VARIANTS[variant].label.padEnd(42)} ${String(writers).padStart(2)} writer(s): ` +
      `${result.eventsPerSecond.toFixed(0).padStart(6)} events/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, ` +
      `client CPU ${result.clientCpuPercent.toFixed(0)}% of a core, CPU per event: client ${result.clientCpuUsPerEvent.toFixed(0)} µs, ` +
      `server ${result.serverCpuUsPerEvent.toFixed(0)} µs; machine ${result.machineBusyPercent.toFixed(0)}% busy ` +
      `(${result.otherBusyPercent.toFixed(0)}% by other processes)\n`,
  );
  return result;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  process.stdout.write(`Starting embedded Postgres...\n`);
  const cluster = await startCluster('bench');
  const admin = benchPool(cluster.url, 2);
  const listener = new pg.Client({ connectionString: cluster.url });
  const maxWriters = Math.max(...options.writers);
  const stores = new Map<Variant, PostgresEventStore>();
  const rawPool = benchPool(cluster.url, maxWriters);
  try {
    const settings = await postgresSettings(admin);
    await listener.connect();
    await listener.query('LISTEN es_events');
    let notifications = 0;
    listener.on('notification', () => notifications++);
    await admin.query(RAW_TABLE_SQL);
    for (const variant of options.variants) {
      const notify = VARIANTS[variant].notify;
      if (!notify) continue;
      const store = new PostgresEventStore({ connectionString: cluster.url, poolSize: maxWriters, notify });
      await store.ensureSchema();
      stores.set(variant, store);
    }

    process.stdout.write(
      `Postgres ${settings.server_version} (fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}, ` +
        `wal_sync_method=${settings.wal_sync_method}); ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ` +
        `${machine.os}, Node ${machine.node}\n` +
        `${options.rounds} rounds x ${options.writers.join('/')} writers x ${options.variants.length} kinds, ${options.seconds} s each\n`,
    );

    const appenders: Record<Variant, (writer: number) => Append> = {} as Record<Variant, (writer: number) => Append>;
    for (const variant of options.variants) {
      if (variant === 'raw') {
        appenders.raw = () => {
          const streamId = `raw-${randomUUID()}`;
          return async (writer, n) => {
            const event = sampleEvent(streamId, writer, n);
            await rawPool.query({
              name: 'bench_raw_insert',
              text: RAW_INSERT,
              values: [
                streamId,
                n,
                event.id,
                event.type,
                JSON.stringify(event.data),
                JSON.stringify(event.metadata),
                HASH,
                HASH,
                HASH,
                event.metadata.recordedAt,
              ],
            });
          };
        };
      } else {
        const store = stores.get(variant) as PostgresEventStore;
        appenders[variant] = () => {
          const streamId = `member-${randomUUID()}`;
          return async (writer, n) => {
            await store.append(streamId, [sampleEvent(streamId, writer, n)], {
              expectedRevision: n === 0 ? 'no_stream' : n - 1,
            });
          };
        };
      }
    }

    const runs: RunResult[] = [];
    const discarded: RunResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // Rotate the order each round so no kind always runs first (or right after a checkpoint's aftermath).
      const shift = (round - 1) % options.variants.length;
      const order = [...options.variants.slice(shift), ...options.variants.slice(0, shift)];
      for (const writers of options.writers) {
        for (let attempt = 1; ; attempt++) {
          const measured: RunResult[] = [];
          for (const variant of order) {
            await admin.query('CHECKPOINT');
            measured.push(await run(variant, writers, options.seconds, round, appenders[variant], cluster.postmasterPid));
          }
          const others = Math.max(...measured.map((r) => r.otherBusyPercent));
          if (!(others > options.maxOthers) || attempt === MAX_ATTEMPTS) {
            runs.push(...measured);
            break;
          }
          discarded.push(...measured);
          process.stdout.write(`  (other processes used up to ${others.toFixed(0)}% of the machine: measuring again)\n`);
        }
      }
    }

    const rows = [];
    for (const writers of options.writers) {
      const rawRate = options.variants.includes('raw')
        ? summarise(runs.filter((r) => r.variant === 'raw' && r.writers === writers).map((r) => r.eventsPerSecond)).median
        : Number.NaN;
      for (const variant of options.variants) {
        const mine = runs.filter((r) => r.variant === variant && r.writers === writers);
        const rate = summarise(mine.map((r) => r.eventsPerSecond));
        rows.push({
          variant,
          label: VARIANTS[variant].label,
          writers,
          eventsPerSecond: rate,
          p50Ms: summarise(mine.map((r) => r.p50Ms)).median,
          p99Ms: summarise(mine.map((r) => r.p99Ms)).median,
          clientCpuPercent: summarise(mine.map((r) => r.clientCpuPercent)).median,
          clientCpuUsPerEvent: summarise(mine.map((r) => r.clientCpuUsPerEvent)).median,
          serverCpuUsPerEvent: summarise(mine.map((r) => r.serverCpuUsPerEvent)).median,
          machineBusyPercent: summarise(mine.map((r) => r.machineBusyPercent)).median,
          otherBusyPercentMax: Math.max(...mine.map((r) => r.otherBusyPercent)),
          ratioToRaw: rate.median / rawRate,
        });
      }
    }

    const header = [
      'kind',
      'writers',
      'events/s (median)',
      'min–max',
      'p50 ms',
      'p99 ms',
      'vs raw',
      'client CPU',
      'client µs/event',
      'server µs/event',
      'machine busy',
      'others (max)',
    ];
    const table = rows.map((row) => [
      row.label,
      String(row.writers),
      row.eventsPerSecond.median.toFixed(0),
      `${row.eventsPerSecond.min.toFixed(0)}–${row.eventsPerSecond.max.toFixed(0)}`,
      row.p50Ms.toFixed(2),
      row.p99Ms.toFixed(2),
      Number.isNaN(row.ratioToRaw) ? '' : `${row.ratioToRaw.toFixed(2)}x`,
      `${row.clientCpuPercent.toFixed(0)}%`,
      row.clientCpuUsPerEvent.toFixed(0),
      Number.isNaN(row.serverCpuUsPerEvent) ? '' : row.serverCpuUsPerEvent.toFixed(0),
      Number.isNaN(row.machineBusyPercent) ? '' : `${row.machineBusyPercent.toFixed(0)}%`,
      Number.isNaN(row.otherBusyPercentMax) ? '' : `${row.otherBusyPercentMax.toFixed(0)}%`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] as string).length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
    process.stdout.write(
      `\n${line(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n${table.map(line).join('\n')}\n`,
    );
    process.stdout.write(
      `(${notifications} notifications received by the listening connection; ` +
        `${discarded.length} runs discarded and measured again because other processes were busy)\n`,
    );

    const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const resultsDir = join(repoRoot, 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    const timestamp = new Date().toISOString();
    const file = join(resultsDir, `${timestamp.replace(/:/g, '-')}.json`);
    await writeFile(
      file,
      `${JSON.stringify({ benchmark: 'append', timestamp, options, machine, postgres: settings, summary: rows, runs, discarded }, null, 2)}\n`,
    );
    process.stdout.write(`\nWrote ${file}\n`);
  } finally {
    await Promise.all([...stores.values()].map((store) => store.close()));
    await rawPool.end();
    await listener.end().catch(() => undefined);
    await admin.end();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
