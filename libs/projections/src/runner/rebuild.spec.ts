import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Logger } from 'typeorm';
import { loadCheckpoint } from './checkpoints.js';
import { ProjectionRunner } from './projection-runner.js';
import { postgresEventLog } from '#eventstore';
import type { EventStore } from '#eventstore';
import type { Projection } from '../projection.js';
import { rebuildProjection, rebuildProjections, RebuildAbortedError, RebuildRefusedError, shadowSchemaName } from './rebuild.js';
import type { RebuildProgress } from './rebuild.js';
import {
  ledgerProjection,
  ledgerRows,
  projectionTestEnvironment,
  recorded,
  RecordingLogger,
  renamed,
  unrelated,
} from './test-fixtures.js';
import type { LedgerProjection, ProjectionTestEnvironment } from './test-fixtures.js';
import { pause } from './timing.js';

const SHADOW = 'rebuild_ledger';
const upper = (label: string) => label.toUpperCase();

describe('rebuildProjection', () => {
  let env: ProjectionTestEnvironment;
  let runner: ProjectionRunner | null = null;
  let reader: pg.Client | null = null;
  let stream = 0;
  const nextStream = () => `ledger-rebuild-${++stream}`;

  beforeAll(async () => {
    env = await projectionTestEnvironment('proj_rebuild');
    for (let i = 0; i < 6; i++) {
      const streamId = nextStream();
      await env.append(streamId, recorded(`e${i}`, `enterprise ${i}`, i * 10), unrelated());
      if (i % 2 === 0) await env.append(streamId, renamed(`e${i}`, `enterprise ${i} (renamed)`));
    }
  });

  afterAll(async () => {
    await env.close();
  });

  beforeEach(async () => {
    // The live ledger, built by a version 1 runner up to the head.
    await env.query('TRUNCATE ledger_deliveries, ledger_entries');
    await env.query(`DELETE FROM projection_checkpoints`);
    await env.query(`INSERT INTO projection_checkpoints (name, version, status) VALUES ('ledger', 1, 'stopped')`);
    runner = startRunner(ledgerProjection({ version: 1 }));
    await runner.start();
    const head = await env.store.headPosition();
    expect(await runner.waitFor(head as string, ['ledger'], 10_000)).toBe(true);
  });

  afterEach(async () => {
    await runner?.stop();
    runner = null;
    await reader?.end();
    reader = null;
    await env.query(`DROP SCHEMA IF EXISTS ${SHADOW} CASCADE`);
  });

  function startRunner(projection: LedgerProjection, logger = new RecordingLogger()): ProjectionRunner {
    return new ProjectionRunner({
      store: env.store,
      dataSource: env.dataSource,
      projections: [projection],
      logger,
      retry: { initialDelayMs: 10, maxDelayMs: 50 },
      standbyRetryMs: 60_000,
    });
  }

  async function checkpointOf(name: string) {
    const stored = await loadCheckpoint(env.dataSource, name);
    if (!stored) throw new Error(`no checkpoint row for ${name}`);
    return stored;
  }

  async function checkpoint() {
    const stored = await loadCheckpoint(env.dataSource, 'ledger');
    if (!stored) throw new Error('no checkpoint row');
    return stored;
  }

  async function namesOfIndexesAndConstraints() {
    return {
      indexes: await env.query<{ table: string; index: string }>(
        `SELECT c.relname AS table, x.relname AS index
           FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relname IN ('ledger_entries', 'ledger_deliveries') ORDER BY 1, 2`,
      ),
      constraints: await env.query<{ table: string; name: string; type: string }>(
        `SELECT conrelid::regclass::text AS table, conname AS name, contype::text AS type FROM pg_constraint
          WHERE conrelid IN ('public.ledger_entries'::regclass, 'public.ledger_deliveries'::regclass) ORDER BY 1, 2`,
      ),
      sequence: await env.query<{ sequence: string }>(
        `SELECT pg_get_serial_sequence('public.ledger_deliveries', 'seq') AS sequence`,
      ),
    };
  }

  async function shadowExists(): Promise<boolean> {
    const [row] = await env.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found`,
      [SHADOW],
    );
    return row?.found ?? false;
  }

  async function openReader(): Promise<pg.Client> {
    reader = new pg.Client({ connectionString: env.database.url });
    await reader.connect();
    return reader;
  }

  it('produces the same rows as the live projection and keeps the index and constraint names', async () => {
    await runner?.stop();
    const live = await ledgerRows(env);
    const names = await namesOfIndexesAndConstraints();
    const head = await env.store.headPosition();
    const all = (await env.store.readAll({ after: null, limit: 10_000 })).events;

    const result = await rebuildProjection({
      store: env.store,
      dataSource: env.dataSource,
      projection: ledgerProjection({ version: 1 }),
      batchSize: 4,
    });

    expect(result).toMatchObject({
      projection: 'ledger',
      version: 1,
      previousVersion: 1,
      position: head,
      eventsReplayed: all.length,
      eventsApplied: all.filter((e) => e.type !== 'MemberNoted').length,
      resumed: false,
      skipped: false,
    });
    expect(await ledgerRows(env)).toEqual(live);
    expect(await namesOfIndexesAndConstraints()).toEqual(names);
    expect(names.indexes.map((i) => i.index)).toEqual([
      'PK_ledger_deliveries',
      'UQ_ledger_deliveries_seq',
      'IDX_ledger_entries_label',
      'PK_ledger_entries',
    ]);
    expect(names.constraints.map((c) => c.name)).toEqual(
      expect.arrayContaining(['FK_ledger_deliveries_entry', 'CHK_ledger_entries_amount', 'PK_ledger_entries']),
    );
    expect(await shadowExists()).toBe(false);
    // The serial column still draws from its (kept) sequence, past every number used so far.
    const [max] = await env.query<{ max: number }>(`SELECT max(seq) AS max FROM ledger_deliveries`);
    const [next] = await env.query<{ seq: number }>(
      `INSERT INTO ledger_deliveries (event_id, entry_id) VALUES (gen_random_uuid(), 'e0') RETURNING seq`,
    );
    expect(next?.seq).toBeGreaterThan(max?.max ?? Infinity);
    expect(await checkpoint()).toMatchObject({ version: 1, position: head, status: 'stopped' });
  });

  it('keeps serving the old rows while it replays, then swaps in the new version with the tail', async () => {
    let appendedDuringReplay: string | null = null;
    const client = await openReader();
    const v2 = ledgerProjection({ version: 2, label: upper });
    v2.beforeApply = async () => {
      if (v2.applyCalls !== 2) return;
      // Another session sees the old, complete rows; the replay's rows are only in the shadow tables.
      const live = await client.query<{ label: string }>('SELECT label FROM public.ledger_entries ORDER BY id');
      expect(live.rows.length).toBeGreaterThanOrEqual(6);
      expect(live.rows.every((row) => row.label === row.label.toLowerCase())).toBe(true);
      const [version] = (await client.query(`SELECT version FROM projection_checkpoints WHERE name = 'ledger'`)).rows;
      expect(version).toEqual({ version: 1 });
      // The shadow holds what the replay's committed batches wrote (the first batch: one entry).
      const shadow = await client.query(`SELECT label FROM ${SHADOW}.ledger_entries`);
      expect(shadow.rows).toEqual([{ label: 'ENTERPRISE 0 (RENAMED)' }]);
      // New events keep arriving during the rebuild; the live runner (version 1) keeps applying them.
      appendedDuringReplay = (await env.append(nextStream(), recorded('late', 'arrived during the replay'))).position;
    };

    const progress: RebuildProgress[] = [];
    const result = await rebuildProjection({
      store: env.store,
      dataSource: env.dataSource,
      projection: v2,
      batchSize: 3,
      onProgress: (p) => progress.push(p),
    });

    expect(appendedDuringReplay).not.toBeNull();
    expect(result).toMatchObject({ version: 2, previousVersion: 1, position: appendedDuringReplay });
    const rows = await ledgerRows(env);
    expect(rows.entries).toHaveLength(7);
    expect(rows.entries.every((e) => e.label === e.label.toUpperCase())).toBe(true);
    expect(rows.entries.find((e) => e.id === 'late')?.label).toBe('ARRIVED DURING THE REPLAY');
    expect(rows.deliveries.every((d) => d.deliveries === 1)).toBe(true);
    // The version 1 runner cannot write into version 2 tables: its compare-and-set checks the version.
    expect(await checkpoint()).toMatchObject({ version: 2, position: appendedDuringReplay, status: 'stopped' });

    expect(progress[0]?.phase).toBe('counting');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', etaSeconds: 0, eventsDone: result.eventsReplayed });
    const replaying = progress.filter((p) => p.phase === 'replaying' && p.eventsDone > 0);
    expect(replaying.length).toBeGreaterThan(2);
    expect(replaying[0]?.eventsTotal).toBe(result.eventsReplayed - 1); // the late event came after the count
    expect(replaying.every((p, i) => i === 0 || p.eventsDone >= (replaying[i - 1] as RebuildProgress).eventsDone)).toBe(true);
  });

  it('swaps atomically: a swap that cannot finish leaves the live tables and checkpoint as they were', async () => {
    await runner?.stop();
    const before = await ledgerRows(env);
    const stored = await checkpoint();
    // A reader in the middle of a transaction on the live table: the swap must wait for it to drop the table.
    const client = await openReader();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const count = 'SELECT count(*)::int AS n FROM ledger_entries';
    expect((await client.query(count)).rows).toEqual([{ n: before.entries.length }]);

    await expect(
      rebuildProjection({
        store: env.store,
        dataSource: env.dataSource,
        projection: ledgerProjection({ version: 2, label: upper }),
        swapLockTimeoutMs: 200,
        swapAttempts: 1,
      }),
    ).rejects.toMatchObject({ code: '55P03' });

    expect((await client.query(count)).rows).toEqual([{ n: before.entries.length }]);
    await client.query('COMMIT');
    expect(await ledgerRows(env)).toEqual(before);
    expect(await checkpoint()).toMatchObject({ version: 1, position: stored.position });
    expect(await shadowExists()).toBe(true);

    // Once the reader is gone the next rebuild resumes from the shadow tables and swaps.
    const result = await rebuildProjection({
      store: env.store,
      dataSource: env.dataSource,
      projection: ledgerProjection({ version: 2, label: upper }),
    });
    expect(result).toMatchObject({ version: 2, resumed: true });
    expect((await ledgerRows(env)).entries.map((e) => e.label)).toEqual(before.entries.map((e) => upper(e.label)));
    expect(await checkpoint()).toMatchObject({ version: 2, position: stored.position });
  });

  it('resumes an interrupted rebuild from its shadow checkpoint', async () => {
    await runner?.stop();
    const before = await ledgerRows(env);
    const stop = new AbortController();
    const v2 = ledgerProjection({ version: 2, label: upper });
    v2.beforeApply = async () => {
      if (v2.applyCalls === 2) stop.abort();
    };
    await expect(
      rebuildProjection({ store: env.store, dataSource: env.dataSource, projection: v2, batchSize: 3, signal: stop.signal }),
    ).rejects.toBeInstanceOf(RebuildAbortedError);
    const [state] = await env.query<{ events_replayed: string }>(`SELECT events_replayed FROM ${SHADOW}._rebuild_state`);
    expect(Number(state?.events_replayed)).toBe(6);
    expect((await checkpoint()).version).toBe(1);

    const resumed = ledgerProjection({ version: 2, label: upper });
    const result = await rebuildProjection({ store: env.store, dataSource: env.dataSource, projection: resumed, batchSize: 3 });
    const all = (await env.store.readAll({ after: null, limit: 10_000 })).events;
    expect(result).toMatchObject({ resumed: true, eventsReplayed: all.length });
    const rows = await ledgerRows(env);
    expect(rows.entries.map((e) => e.label)).toEqual(before.entries.map((e) => upper(e.label)));
    expect(rows.deliveries.every((d) => d.deliveries === 1)).toBe(true);
  });

  it('replays without the secondary indexes of a projection that allows it, then builds them before the swap', async () => {
    await runner?.stop();
    const before = await ledgerRows(env);
    const names = await namesOfIndexesAndConstraints();
    const shadowIndexes = async (tx: { query: (sql: string) => Promise<unknown> }) =>
      ((await tx.query(
        `SELECT x.relname AS index FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${SHADOW}' AND c.relname LIKE 'ledger_%' ORDER BY 1`,
      )) as { index: string }[]).map((r) => r.index);
    const duringReplay: string[][] = [];
    const stop = new AbortController();
    const v2 = ledgerProjection({ version: 2, label: upper, rebuildIndexesAfterReplay: true });
    v2.beforeApply = async (_events, tx) => {
      duringReplay.push(await shadowIndexes(tx));
      if (v2.applyCalls === 2) stop.abort();
    };
    // Interrupted mid-replay: the resumed rebuild must accept the shadow without its deferred indexes.
    await expect(
      rebuildProjection({ store: env.store, dataSource: env.dataSource, projection: v2, batchSize: 3, signal: stop.signal }),
    ).rejects.toBeInstanceOf(RebuildAbortedError);
    const resumed = ledgerProjection({ version: 2, label: upper, rebuildIndexesAfterReplay: true });
    resumed.beforeApply = async (_events, tx) => {
      duringReplay.push(await shadowIndexes(tx));
    };
    const result = await rebuildProjection({ store: env.store, dataSource: env.dataSource, projection: resumed, batchSize: 3 });

    expect(result).toMatchObject({ resumed: true, version: 2 });
    // Only the primary keys while replaying; every index and constraint, under its live name, once swapped in.
    expect(duringReplay.length).toBeGreaterThan(2);
    for (const indexes of duringReplay) expect(indexes).toEqual(['PK_ledger_deliveries', 'PK_ledger_entries']);
    expect(await namesOfIndexesAndConstraints()).toEqual(names);
    const rows = await ledgerRows(env);
    expect(rows.entries.map((e) => e.label)).toEqual(before.entries.map((e) => upper(e.label)));
    expect(rows.deliveries.every((d) => d.deliveries === 1)).toBe(true);
    expect(await shadowExists()).toBe(false);
  });

  it('abandons the swap when the live tables change shape during the replay', async () => {
    await runner?.stop();
    const stored = await checkpoint();
    const client = await openReader();
    const v2 = ledgerProjection({ version: 2, label: upper });
    v2.beforeApply = async () => {
      if (v2.applyCalls === 1) await client.query('CREATE INDEX "IDX_ledger_entries_amount" ON public.ledger_entries (amount)');
    };
    try {
      await expect(
        rebuildProjection({ store: env.store, dataSource: env.dataSource, projection: v2, batchSize: 3 }),
      ).rejects.toThrow(/changed during the rebuild.*IDX_ledger_entries_amount/);
      expect(await checkpoint()).toMatchObject({ version: 1, position: stored.position });
      expect(await shadowExists()).toBe(false);
    } finally {
      await client.query('DROP INDEX public."IDX_ledger_entries_amount"');
    }
  });

  it('refuses tables a swap cannot carry over, such as a view reading them', async () => {
    await runner?.stop();
    await env.query('CREATE VIEW ledger_labels AS SELECT label FROM ledger_entries');
    try {
      await expect(
        rebuildProjection({ store: env.store, dataSource: env.dataSource, projection: ledgerProjection({ version: 2 }) }),
      ).rejects.toThrow(RebuildRefusedError);
      expect(await checkpoint()).toMatchObject({ version: 1 });
    } finally {
      await env.query('DROP VIEW ledger_labels');
    }
  });

  it('redirects the projection through search_path: TypeORM writes unqualified table names', async () => {
    await runner?.stop();
    const queries: string[] = [];
    const capture: Logger = {
      logQuery: (query) => void queries.push(query),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    const dataSource = await env.openDataSource(capture);
    await rebuildProjection({ store: env.store, dataSource, projection: ledgerProjection({ version: 1 }) });

    const ledgerWrites = queries.filter((q) => /^(INSERT|UPDATE|SELECT)\b.*"?ledger_entries"?/s.test(q));
    expect(ledgerWrites.some((q) => q.startsWith('INSERT INTO "ledger_entries"'))).toBe(true);
    expect(ledgerWrites.some((q) => q.includes('"public"."ledger_entries"') || q.includes('public.ledger_entries'))).toBe(false);
    expect(queries).toContain(`SET LOCAL search_path TO "${SHADOW}", public`);
  });

  it('rebuilds several projections from one read of the log, each into its own tables', async () => {
    await runner?.stop();
    const live = await ledgerRows(env);
    const all = (await env.store.readAll({ after: null, limit: 10_000 })).events;
    await env.query(`CREATE TABLE ledger_seen (position text PRIMARY KEY, event_type text NOT NULL)`);
    // A second projection over every event, with a table of its own.
    const seen: Projection = {
      name: 'ledger-seen',
      version: 1,
      handles: ['*'],
      tables: ['ledger_seen'],
      async apply(events, tx) {
        for (const event of events) {
          await tx.query(`INSERT INTO ledger_seen (position, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
            event.position,
            event.type,
          ]);
        }
      },
    };
    let eventsRead = 0;
    const store = new Proxy(env.store, {
      get(target, property) {
        if (property === 'readAll') {
          return async (options: Parameters<EventStore['readAll']>[0]) => {
            const page = await target.readAll(options);
            eventsRead += page.events.length;
            return page;
          };
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      const results = await rebuildProjections({
        store,
        dataSource: env.dataSource,
        projections: [ledgerProjection({ version: 1 }), seen],
        batchSize: 4,
      });

      expect(results.map((r) => [r.projection, r.version, r.eventsReplayed, r.skipped])).toEqual([
        ['ledger', 1, all.length, false],
        ['ledger-seen', 1, all.length, false],
      ]);
      expect(eventsRead).toBe(all.length);
      expect(await ledgerRows(env)).toEqual(live);
      const rows = await env.query<{ position: string; event_type: string }>(
        `SELECT position, event_type FROM ledger_seen ORDER BY position`,
      );
      expect(rows).toEqual(all.map((e) => ({ position: e.position, event_type: e.type })));
      expect(await checkpointOf('ledger-seen')).toMatchObject({ version: 1, position: all[all.length - 1]!.position });
      expect(await checkpointOf('ledger')).toMatchObject({ version: 1, position: all[all.length - 1]!.position });
    } finally {
      await env.query(`DROP TABLE IF EXISTS ledger_seen`);
      await env.query(`DROP SCHEMA IF EXISTS ${shadowSchemaName('ledger-seen')} CASCADE`);
    }
  });

  it('rebuilds several projections by name and refuses unknown names', async () => {
    await runner?.stop();
    const projections = [ledgerProjection({ version: 3, label: upper })];
    await expect(
      rebuildProjections({ store: env.store, dataSource: env.dataSource, projections, names: ['ledger', 'missing'] }),
    ).rejects.toThrow(/Unknown projection missing/);
    const results = await rebuildProjections({ store: env.store, dataSource: env.dataSource, projections });
    expect(results.map((r) => [r.projection, r.version])).toEqual([['ledger', 3]]);
    const skipped = await rebuildProjection({
      store: env.store,
      dataSource: env.dataSource,
      projection: ledgerProjection({ version: 3 }),
      skipIfCurrent: true,
    });
    expect(skipped.skipped).toBe(true);
  });

  describe('optimisations', () => {
    const SEEN_SHADOW = shadowSchemaName('ledger-seen');
    const calls = { apply: 0, applyFromLog: 0 };

    beforeEach(async () => {
      calls.apply = 0;
      calls.applyFromLog = 0;
      await env.query(`CREATE TABLE ledger_seen (position text PRIMARY KEY, event_type text NOT NULL, data jsonb NOT NULL)`);
    });

    afterEach(async () => {
      await env.query(`DROP TABLE IF EXISTS ledger_seen`);
      await env.query(`DROP SCHEMA IF EXISTS ${SEEN_SHADOW} CASCADE`);
    });

    /** Every event, written from the events it is handed or copied from the log's rows. */
    function seenProjection(version: number): Projection {
      return {
        name: 'ledger-seen',
        version,
        handles: ['*'],
        tables: ['ledger_seen'],
        async apply(events, tx) {
          calls.apply += 1;
          for (const event of events) {
            await tx.query(`INSERT INTO ledger_seen (position, event_type, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
              event.position,
              event.type,
              JSON.stringify(event.data),
            ]);
          }
        },
        async applyFromLog(events, tx, log) {
          calls.applyFromLog += 1;
          await tx.query(
            `INSERT INTO ledger_seen (position, event_type, data) SELECT e.position, e.event_type, e.data FROM ${log.eventsAt('$1')} e
             ON CONFLICT DO NOTHING`,
            [events.map((e) => e.position)],
          );
        },
      };
    }

    const seenRows = () => env.query(`SELECT position, event_type, data FROM ledger_seen ORDER BY position`);

    it('copies from the log only with copyFromLog, and writes the same tables either way', async () => {
      await runner?.stop();
      const all = (await env.store.readAll({ after: null, limit: 10_000 })).events;
      const common = { store: env.store, dataSource: env.dataSource, eventLog: postgresEventLog, batchSize: 4 };

      await rebuildProjection({ ...common, projection: seenProjection(1) });
      expect(calls).toEqual({ apply: 0, applyFromLog: Math.ceil(all.length / 4) });
      const copied = await seenRows();
      expect(copied.map((r) => (r as { position: string }).position)).toEqual(all.map((e) => e.position));

      await rebuildProjection({ ...common, projection: seenProjection(2), optimisations: { copyFromLog: false } });
      expect(calls).toEqual({ apply: Math.ceil(all.length / 4), applyFromLog: Math.ceil(all.length / 4) });
      expect(await seenRows()).toEqual(copied);
      expect(await checkpointOf('ledger-seen')).toMatchObject({ version: 2, position: all[all.length - 1]!.position });
    });

    it('with every optimisation off, replays one projection at a time, in order, into fully indexed tables', async () => {
      await runner?.stop();
      const live = await ledgerRows(env);
      const all = (await env.store.readAll({ after: null, limit: 10_000 })).events;
      let readsInFlight = 0;
      const store = new Proxy(env.store, {
        get(target, property) {
          if (property === 'readAll') {
            return async (options: Parameters<EventStore['readAll']>[0]) => {
              readsInFlight += 1;
              try {
                return await target.readAll(options);
              } finally {
                readsInFlight -= 1;
              }
            };
          }
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const seen: { applying: number; maxApplying: number; readsDuringApply: number; settings: string[]; indexes: string[][] } = {
        applying: 0,
        maxApplying: 0,
        readsDuringApply: 0,
        settings: [],
        indexes: [],
      };
      const observed = (projection: Projection): Projection => ({
        ...projection,
        async apply(events, tx) {
          seen.applying += 1;
          seen.maxApplying = Math.max(seen.maxApplying, seen.applying);
          seen.readsDuringApply += readsInFlight;
          try {
            const [setting] = (await tx.query(`SHOW synchronous_commit`)) as { synchronous_commit: string }[];
            seen.settings.push(setting!.synchronous_commit);
            await pause(10); // room for another projection's apply, or a read, to overlap (they must not)
            await projection.apply(events, tx);
          } finally {
            seen.applying -= 1;
          }
        },
      });
      const ledger = ledgerProjection({ version: 2, label: upper, rebuildIndexesAfterReplay: true });
      ledger.beforeApply = async (_events, tx) => {
        const rows = (await tx.query(
          `SELECT x.relname AS index FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${SHADOW}' AND c.relname LIKE 'ledger_%' ORDER BY 1`,
        )) as { index: string }[];
        seen.indexes.push(rows.map((r) => r.index));
      };

      const results = await rebuildProjections({
        store,
        dataSource: env.dataSource,
        eventLog: postgresEventLog,
        projections: [observed(ledger), observed(seenProjection(1))],
        batchSize: 3,
        optimisations: { copyFromLog: false, deferIndexes: false, readAhead: false, parallelProjections: false, asyncReplayCommits: false },
      });

      expect(results.map((r) => [r.projection, r.version, r.eventsReplayed])).toEqual([
        ['ledger', 2, all.length],
        ['ledger-seen', 1, all.length],
      ]);
      expect(seen.maxApplying).toBe(1);
      expect(seen.readsDuringApply).toBe(0);
      expect(new Set(seen.settings)).toEqual(new Set(['on']));
      expect(calls.applyFromLog).toBe(0);
      expect(seen.indexes.length).toBeGreaterThan(1);
      for (const indexes of seen.indexes) {
        expect(indexes).toEqual(['IDX_ledger_entries_label', 'PK_ledger_deliveries', 'PK_ledger_entries', 'UQ_ledger_deliveries_seq']);
      }
      const plain = await ledgerRows(env);
      expect(plain.entries.map((e) => e.label)).toEqual(live.entries.map((e) => upper(e.label)));
      expect(plain.deliveries.every((d) => d.deliveries === 1)).toBe(true);
      const plainSeen = await seenRows();
      expect(plainSeen).toHaveLength(all.length);

      // The same rebuild with every optimisation on (the default) writes the same rows.
      const optimised = await rebuildProjections({
        store: env.store,
        dataSource: env.dataSource,
        eventLog: postgresEventLog,
        projections: [ledgerProjection({ version: 3, label: upper, rebuildIndexesAfterReplay: true }), seenProjection(2)],
        batchSize: 3,
      });
      expect(optimised.map((r) => r.version)).toEqual([3, 2]);
      expect(calls.applyFromLog).toBeGreaterThan(0);
      expect(await ledgerRows(env)).toEqual(plain);
      expect(await seenRows()).toEqual(plainSeen);
    });
  });
});
