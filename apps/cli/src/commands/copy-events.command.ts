import { parseArgs } from 'node:util';
import type { CopyProgress, EventStore } from '#eventstore';
import type { AppConfig, Infrastructure } from '#platform';
import { CliFailure, type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseLine, openCliInfrastructure } from './database.js';

const KINDS = ['postgres', 'esdb'] as const;
type Kind = (typeof KINDS)[number];

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const KURRENTDB_URL = /^(esdb|kurrentdb|kdb)(\+discover)?:\/\//i;

/** One side of the copy, as the command line names it. */
interface Side {
  readonly role: 'source' | 'target';
  readonly kind: Kind;
  /** null: the configured one (DATABASE_URL or the data folder's embedded cluster; EVENTSTORE_URL). */
  readonly url: string | null;
}

interface OpenSide {
  readonly store: EventStore;
  readonly line: string;
  readonly infrastructure: Infrastructure | null;
  close(): Promise<void>;
}

export const copyEventsCommand: CliCommand = {
  name: 'copy-events',
  summary: 'Copy the whole event log from one store to another (Postgres <-> KurrentDB) with ids, order, metadata and hash chains; resumable.',
  usage: '--from postgres|esdb --to postgres|esdb [--from-url URL] [--to-url URL] [--batch-size N] [--single-stream-appends]',
  options: [
    ['--from KIND', 'The store copied from: postgres or esdb (KurrentDB).'],
    ['--to KIND', 'The store copied into: postgres or esdb. It must be empty, or hold what an interrupted copy of this source left.'],
    ['--from-url URL', 'Its connection string. Default: postgres, DATABASE_URL or the data folder\'s embedded Postgres; esdb, EVENTSTORE_URL.'],
    ['--to-url URL', 'The same for the target (postgres://... or esdb://host:2113?tls=false).'],
    ['--batch-size N', 'Events read, written and checked per page (a positive integer; default 500).'],
    ['--single-stream-appends', 'One stream per append (default: runs of distinct streams in ascending id order in one multi-stream append).'],
  ],
  notes: [
    'Every event keeps its id, type, data, audit metadata and stream revision, and the order of the log. The target\n' +
      'computes the hash chain itself; after every page the copy checks that it recorded the source\'s hashes, and stops\n' +
      'if not. A Postgres target is migrated first. Read models are not copied: run rebuild-projections on the target\n' +
      '(or start the service on it). The data keys of personal data stay in the register\'s Postgres (docs/deployment.md).',
    'Ctrl+C stops after the page in flight; running the same command again resumes where it stopped (the target\'s log\n' +
      'is read against the source\'s). A target holding other events is refused before anything is written.',
    'Exit codes: 0 copied, 1 failed (store unreachable, target not empty, hashes differ), 64 bad arguments,\n' +
      '130 interrupted (Ctrl+C), 143 terminated (SIGTERM).',
  ],
  handlesSignals: true,
  async run(args) {
    const { values } = parseOrUsage(() =>
      parseArgs({
        args,
        options: {
          from: { type: 'string' },
          to: { type: 'string' },
          'from-url': { type: 'string' },
          'to-url': { type: 'string' },
          'batch-size': { type: 'string' },
          'single-stream-appends': { type: 'boolean' },
        },
      }),
    );
    const source = side('source', values.from, values['from-url'], '--from');
    const target = side('target', values.to, values['to-url'], '--to');
    const { loadConfig } = await import('#platform');
    const config = loadConfig();
    if (source.kind === target.kind && resolvedUrl(config, source) === resolvedUrl(config, target)) {
      throw new CliUsageError(
        source.url === null
          ? `--from and --to both name the configured ${source.kind} store; give the other one with --from-url or --to-url.`
          : '--from-url and --to-url name the same store.',
      );
    }
    for (const s of [source, target]) {
      const flag = s.role === 'source' ? '--from' : '--to';
      if (s.kind === 'esdb' && resolvedUrl(config, s) === null) throw new CliUsageError(`${flag} esdb needs ${flag}-url or EVENTSTORE_URL.`);
    }
    const batchText = values['batch-size'];
    const batchSize = batchText === undefined ? undefined : /^\d+$/.test(batchText) ? Number(batchText) : NaN;
    if (batchSize !== undefined && (!Number.isSafeInteger(batchSize) || batchSize < 1)) {
      throw new CliUsageError(`--batch-size must be a positive integer (got ${JSON.stringify(batchText)}).`);
    }

    const abort = new AbortController();
    let stoppedBy: NodeJS.Signals | null = null;
    let interruptedAt = 0;
    const interrupt = (signal: NodeJS.Signals) => {
      if (!abort.signal.aborted) {
        stoppedBy = signal;
        interruptedAt = Date.now();
        abort.abort();
      } else if (Date.now() - interruptedAt >= 1_000) {
        // (One right after the first is the same Ctrl+C passed on by npm, not a second one.)
        process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
      }
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
    const opened: OpenSide[] = [];
    try {
      for (const s of [source, target]) {
        const open = await openSide(config, s);
        opened.push(open);
        process.stdout.write(`${s.role === 'source' ? 'From' : 'To'}: ${open.line}\n`);
      }
      const [from, into] = opened as [OpenSide, OpenSide];
      if (into.infrastructure) {
        const { migrate } = await import('#platform');
        await migrate(into.infrastructure);
      }
      const { copyEvents, CopyAbortedError, CopyChainMismatchError, CopyTargetNotEmptyError, PostgresEventStore } = await import('#eventstore');
      const { createProgressRenderer } = await import('#projections');
      const progress = createProgressRenderer({ stream: relabelled(process.stderr) });
      const started = performance.now();
      try {
        const result = await copyEvents({
          source: from.store,
          target: into.store,
          batchSize,
          multiStreamAppends: values['single-stream-appends'] !== true,
          signal: abort.signal,
          // Postgres counts in one statement; KurrentDB's events are counted by reading them.
          countSource: from.store instanceof PostgresEventStore ? () => from.store.countEventsAfter(null, Number.MAX_SAFE_INTEGER) : undefined,
          onProgress: (p) => progress.update(asRebuildProgress(p)),
        });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const total = result.eventsFound + result.eventsCopied;
        process.stdout.write(
          result.eventsCopied === 0 && result.eventsFound > 0
            ? `Nothing to copy: the target already holds all ${total} events of the source.\n`
            : `Copied ${result.eventsCopied} events in ${seconds} s (${result.appends} appends)` +
                `${result.eventsFound > 0 ? `, resumed after ${result.eventsFound} found in the target` : ''}; the target holds ${total}, ` +
                'every one with the hash the source recorded.\n',
        );
        return EXIT.ok;
      } catch (error) {
        progress.finish();
        if (error instanceof CopyAbortedError) {
          process.stderr.write(`Interrupted: ${error.eventsDone} events are in the target; run the same command again to copy the rest.\n`);
          return stoppedBy === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
        }
        if (error instanceof CopyTargetNotEmptyError || error instanceof CopyChainMismatchError) throw new CliFailure(error.message);
        throw error;
      }
    } finally {
      for (const open of opened.reverse()) await open.close().catch(() => undefined);
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
  },
};

/** The connection string a side stands for, as far as the configuration says (null: the embedded cluster). */
function resolvedUrl(config: AppConfig, s: Side): string | null {
  if (s.url !== null) return s.url;
  if (s.kind === 'esdb') return config.eventStore.kind === 'esdb' ? config.eventStore.url : null;
  return config.database.mode === 'external' ? config.database.url : null;
}

function side(role: Side['role'], kind: string | undefined, url: string | undefined, flag: string): Side {
  if (kind === undefined) throw new CliUsageError(`${flag} is required: postgres or esdb.`);
  if (!(KINDS as readonly string[]).includes(kind)) throw new CliUsageError(`${flag} must be postgres or esdb (got ${JSON.stringify(kind)}).`);
  if (url !== undefined) {
    const pattern = kind === 'postgres' ? POSTGRES_URL : KURRENTDB_URL;
    if (!pattern.test(url)) {
      // Never echo a connection string: it may carry a password.
      throw new CliUsageError(`${flag}-url must be a ${kind === 'postgres' ? 'postgres:// or postgresql://' : 'esdb://, kurrentdb:// or kdb://'} connection string for --${flag.slice(2)} ${kind}.`);
    }
  }
  return { role, kind: kind as Kind, url: url ?? null };
}

async function openSide(config: AppConfig, s: Side): Promise<OpenSide> {
  if (s.kind === 'postgres') {
    // The register's Postgres with its own event store, whatever EVENT_STORE says.
    const infrastructure = await openCliInfrastructure({
      ...config,
      database: s.url === null ? config.database : { mode: 'external', url: s.url },
      eventStore: { kind: 'postgres' },
    });
    const where = databaseLine(infrastructure).replace(/^Database: /, '');
    const line = `Postgres ${s.url === null ? where : where.replace('(DATABASE_URL)', s.role === 'source' ? '(--from-url)' : '(--to-url)')}`;
    try {
      if (s.role === 'source') await infrastructure.pool.query('SELECT 1 FROM es_events LIMIT 1');
    } catch (error) {
      await infrastructure.close();
      if ((error as { code?: unknown }).code === '42P01') throw new CliFailure(`The source, ${line}, has no event store: nothing was ever written there.`);
      throw error;
    }
    return { store: infrastructure.store, line, infrastructure, close: () => infrastructure.close() };
  }
  const url = resolvedUrl(config, s)!;
  const { KurrentDbEventStore } = await import('#eventstore');
  const store = new KurrentDbEventStore({ connectionString: url });
  try {
    await store.ping();
  } catch {
    await store.close().catch(() => undefined);
    throw new CliFailure(`The KurrentDB ${s.role} at ${store.state().server} cannot be reached: start it or correct the URL.`);
  }
  return { store, line: `KurrentDB at ${store.state().server}`, infrastructure: null, close: () => store.close() };
}

/** The rebuild's progress line, for the copy: the renderer's phases are a rebuild's. */
function asRebuildProgress(p: CopyProgress) {
  return {
    projection: LABEL,
    version: 0,
    phase: p.phase === 'copying' ? ('replaying' as const) : p.phase === 'done' ? ('done' as const) : ('counting' as const),
    eventsDone: p.eventsDone,
    eventsTotal: p.eventsTotal,
    eventsPerSecond: p.eventsPerSecond,
    etaSeconds: p.etaSeconds,
    elapsedSeconds: p.elapsedSeconds,
  };
}

const LABEL = 'copy-events';

/** The renderer names a projection and its version, and a rebuild's replay phase: say copy-events, copying instead. */
function relabelled(stream: NodeJS.WriteStream) {
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    write: (chunk: string) => stream.write(chunk.replace(`${LABEL} v0`, LABEL).replace('replaying', 'copying  ')),
  };
}
