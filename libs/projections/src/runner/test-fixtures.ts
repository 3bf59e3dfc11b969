/*
 * Shared by the projection runner's specs: a real event store and read-model database per suite, and a small
 * "ledger" projection of their own (two tables, a foreign key between them, a serial column, named indexes and
 * constraints), written through TypeORM like the product's projections.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Logger, MigrationInterface, QueryRunner } from 'typeorm';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { comparePositions, PostgresEventStore } from '#eventstore';
import type { AppendResult, EventStore, EventToAppend, Position, RecordedEvent } from '#eventstore';
import { createTestDatabase } from '../../../testing/src/postgres.js';
import type { TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { readModelMigrations } from '../migrations/index.js';
import type { Projection } from '../projection.js';
import { readModelEntities } from '../read-models/index.js';
import type { ProjectionLogger } from './logger.js';

@Entity({ name: 'ledger_entries' })
export class LedgerEntry {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'integer' })
  amount: number;

  @Column({ name: 'last_position', type: 'text' })
  lastPosition: string;

  @Column({ name: 'last_event_id', type: 'uuid' })
  lastEventId: string;

  @Column({ name: 'applied_by', type: 'text' })
  appliedBy: string;
}

export class CreateLedger1795219250000 implements MigrationInterface {
  name = 'CreateLedger1795219250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_entries (
        id text NOT NULL,
        label text NOT NULL,
        amount integer NOT NULL,
        last_position text NOT NULL,
        last_event_id uuid NOT NULL,
        applied_by text NOT NULL,
        CONSTRAINT "PK_ledger_entries" PRIMARY KEY (id),
        CONSTRAINT "CHK_ledger_entries_amount" CHECK (amount >= 0)
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_ledger_entries_label" ON ledger_entries (label)`);
    await queryRunner.query(`
      CREATE TABLE ledger_deliveries (
        event_id uuid NOT NULL,
        entry_id text NOT NULL,
        seq serial NOT NULL,
        deliveries integer NOT NULL DEFAULT 1,
        CONSTRAINT "PK_ledger_deliveries" PRIMARY KEY (event_id),
        CONSTRAINT "UQ_ledger_deliveries_seq" UNIQUE (seq),
        CONSTRAINT "FK_ledger_deliveries_entry" FOREIGN KEY (entry_id) REFERENCES ledger_entries (id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ledger_deliveries, ledger_entries`);
  }
}

export interface LedgerOptions {
  readonly name?: string;
  readonly version?: number;
  /** Written into every row it shapes (which runner applied it). */
  readonly appliedBy?: string;
  /** How this version writes labels. */
  readonly label?: (label: string) => string;
  /** Throws when it meets a matching event (a broken handler). */
  failOn?: ((event: RecordedEvent) => boolean) | null;
  /** Runs at the start of every apply, inside its transaction. */
  beforeApply?: ((events: readonly RecordedEvent[], tx: EntityManager) => Promise<void>) | null;
  /** It reads entries by id and conflicts on the deliveries' key only, so a rebuild may build the rest last. */
  readonly rebuildIndexesAfterReplay?: boolean;
}

export type LedgerProjection = Projection & LedgerOptions & { applyCalls: number };

/**
 * Entries keyed by id, idempotent (an event at or before the row's last position changes nothing), and a
 * delivery counter per event that is deliberately not idempotent: it shows how often each event was applied.
 */
export function ledgerProjection(options: LedgerOptions = {}): LedgerProjection {
  const projection: LedgerProjection = {
    name: options.name ?? 'ledger',
    version: options.version ?? 1,
    handles: ['EntryRecorded', 'EntryRenamed'],
    tables: ['ledger_entries', 'ledger_deliveries'],
    appliedBy: options.appliedBy ?? 'runner',
    failOn: options.failOn ?? null,
    beforeApply: options.beforeApply ?? null,
    ...(options.rebuildIndexesAfterReplay ? { rebuildIndexesAfterReplay: true } : {}),
    applyCalls: 0,
    async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
      projection.applyCalls += 1;
      await projection.beforeApply?.(events, tx);
      const entries = tx.getRepository(LedgerEntry);
      const label = options.label ?? ((value: string) => value);
      for (const event of events) {
        if (projection.failOn?.(event)) throw new Error(`ledger cannot apply ${event.type} ${event.id}`);
        const entryId = String(event.data.entryId);
        const existing = await entries.findOneBy({ id: entryId });
        if (event.type === 'EntryRenamed' && !existing) continue;
        if (!existing || comparePositions(existing.lastPosition, event.position) < 0) {
          await entries.save(
            entries.create({
              id: entryId,
              label: label(String(event.data.label)),
              amount: event.type === 'EntryRecorded' ? Number(event.data.amount) : (existing?.amount ?? 0),
              lastPosition: event.position,
              lastEventId: event.id,
              appliedBy: projection.appliedBy ?? 'runner',
            }),
          );
        }
        await tx.query(
          `INSERT INTO ledger_deliveries (event_id, entry_id) VALUES ($1, $2)
           ON CONFLICT (event_id) DO UPDATE SET deliveries = ledger_deliveries.deliveries + 1`,
          [event.id, entryId],
        );
      }
    },
  };
  return projection;
}

export function recorded(entryId: string, label: string, amount = 10): EventToAppend {
  return event('EntryRecorded', { entryId, label, amount });
}

export function renamed(entryId: string, label: string): EventToAppend {
  return event('EntryRenamed', { entryId, label });
}

/** An event no ledger handles. */
export function unrelated(): EventToAppend {
  return event('MemberNoted', { note: 'not for the ledger' });
}

function event(type: string, data: Record<string, unknown>): EventToAppend {
  const commandId = randomUUID();
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      actor: { userId: 'secretariat-1', role: 'ADMIN', associationId: 'assoc-wuhan' },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2026-03-02T02:00:00.000Z',
    },
  };
}

export interface ProjectionTestEnvironment {
  readonly database: TestDatabase;
  readonly store: PostgresEventStore;
  readonly dataSource: DataSource;
  /** Another DataSource on the same database, as a second process would have. */
  openDataSource(logger?: Logger): Promise<DataSource>;
  append(streamId: string, ...events: EventToAppend[]): Promise<AppendResult>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function projectionTestEnvironment(prefix: string): Promise<ProjectionTestEnvironment> {
  const database = await createTestDatabase(prefix);
  const store = new PostgresEventStore(database.url);
  await store.ensureSchema();
  const opened: DataSource[] = [];
  const openDataSource = async (logger?: Logger) => {
    const dataSource = createReadModelDataSource({
      url: database.url,
      entities: [...readModelEntities, LedgerEntry],
      migrations: [...readModelMigrations, CreateLedger1795219250000],
      poolSize: 6,
      ...(logger ? { logger, logging: true } : {}),
    });
    await dataSource.initialize();
    opened.push(dataSource);
    return dataSource;
  };
  const dataSource = await openDataSource();
  await dataSource.runMigrations();
  const streams = new Map<string, number>();
  return {
    database,
    store,
    dataSource,
    openDataSource,
    async append(streamId, ...events) {
      const revision = streams.get(streamId);
      const result = await store.append(streamId, events, {
        expectedRevision: revision === undefined ? 'no_stream' : revision,
      });
      streams.set(streamId, result.nextRevision);
      return result;
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await dataSource.query(sql, params)) as T[];
    },
    async close() {
      await store.close();
      for (const ds of opened) if (ds.isInitialized) await ds.destroy();
      await database.drop();
    },
  };
}

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

/** A logger that keeps what it is told and lets a test wait for a line (no sleeping). */
export class RecordingLogger implements ProjectionLogger {
  readonly entries: LogEntry[] = [];
  private readonly waiting: { match: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }[] = [];

  info(obj: Record<string, unknown>, msg: string): void {
    this.record({ level: 'info', obj, msg });
  }

  warn(obj: Record<string, unknown>, msg: string): void {
    this.record({ level: 'warn', obj, msg });
  }

  error(obj: Record<string, unknown>, msg: string): void {
    this.record({ level: 'error', obj, msg });
  }

  /** Resolves with the first entry (already logged or still to come) whose message contains `text`. */
  when(text: string, from = 0): Promise<LogEntry> {
    const match = (entry: LogEntry) => entry.msg.includes(text);
    const seen = this.entries.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiting.push({ match, resolve }));
  }

  count(text: string): number {
    return this.entries.filter((entry) => entry.msg.includes(text)).length;
  }

  private record(entry: LogEntry): void {
    this.entries.push(entry);
    for (const waiter of [...this.waiting]) {
      if (waiter.match(entry)) {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
  }
}

/**
 * Resolves once the store delivers `target` to a subscriber. Reads are gap-safe: an event stays invisible
 * while any older transaction of the cluster is open (other suites share the server), so a test that needs
 * the events readable at once waits for this first.
 */
export async function readable(store: EventStore, target: Position): Promise<void> {
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  const subscription = store.subscribe({ after: null }, async (events) => {
    if (events.some((event) => comparePositions(event.position, target) >= 0)) reached();
  });
  try {
    await within(Promise.race([done, subscription.done]), 10_000, `event ${target} to be readable`);
  } finally {
    await subscription.stop();
  }
}

/** Fails with `what` instead of hanging until the suite's timeout. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LedgerRows {
  readonly entries: { id: string; label: string; amount: number; last_position: string; applied_by: string }[];
  readonly deliveries: { event_id: string; entry_id: string; deliveries: number }[];
}

export async function ledgerRows(env: ProjectionTestEnvironment, schema = 'public'): Promise<LedgerRows> {
  return {
    entries: await env.query(
      `SELECT id, label, amount, last_position, applied_by FROM "${schema}".ledger_entries ORDER BY id`,
    ),
    deliveries: await env.query(
      `SELECT event_id::text AS event_id, entry_id, deliveries FROM "${schema}".ledger_deliveries ORDER BY event_id`,
    ),
  };
}
