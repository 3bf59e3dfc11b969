import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { comparePositions } from '#eventstore';
import type { EventStore, RecordedEvent } from '#eventstore';
import type { Projection } from '../projection.js';
import { loadCheckpoint } from './checkpoints.js';
import { CheckpointWaiter } from './checkpoint-waiter.js';
import { ProjectionRunner } from './projection-runner.js';
import type { ProjectionRunnerOptions } from './projection-runner.js';
import type { CheckpointAdvanced, ProjectionFailure } from './projection-worker.js';
import {
  ledgerProjection,
  ledgerRows,
  projectionTestEnvironment,
  readable,
  recorded,
  RecordingLogger,
  renamed,
  unrelated,
  within,
} from './test-fixtures.js';
import type { LedgerProjection, ProjectionTestEnvironment } from './test-fixtures.js';

const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 50 };

describe('ProjectionRunner', () => {
  let env: ProjectionTestEnvironment;
  const runners: ProjectionRunner[] = [];
  let stream = 0;
  const nextStream = () => `ledger-${++stream}`;

  beforeAll(async () => {
    env = await projectionTestEnvironment('proj_runner');
  });

  afterAll(async () => {
    await env.close();
  });

  beforeEach(async () => {
    // Every test starts from an empty ledger built at version 1 up to the current head.
    await env.query('TRUNCATE ledger_deliveries, ledger_entries');
    await env.query('DELETE FROM projection_checkpoints');
    await env.query(
      `INSERT INTO projection_checkpoints (name, version, position, status) VALUES ('ledger', 1, $1, 'stopped')`,
      [await env.store.headPosition()],
    );
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });

  function runner(
    projection: LedgerProjection,
    overrides: Partial<ProjectionRunnerOptions> = {},
  ): { runner: ProjectionRunner; logger: RecordingLogger } {
    const logger = new RecordingLogger();
    const created = new ProjectionRunner({
      store: env.store,
      dataSource: env.dataSource,
      projections: [projection],
      logger,
      retry: FAST_RETRY,
      ...overrides,
    });
    runners.push(created);
    return { runner: created, logger };
  }

  /** The runner's own report of reaching `position` (register before causing it). */
  function advanceTo(r: ProjectionRunner, position: string): Promise<CheckpointAdvanced> {
    return new Promise((resolve) => {
      const off = r.onCheckpoint((advance) => {
        if (comparePositions(advance.position, position) < 0) return;
        off();
        resolve(advance);
      });
    });
  }

  /** The next batch the runner commits (register before causing it). */
  function nextAdvance(r: ProjectionRunner): Promise<CheckpointAdvanced> {
    return new Promise((resolve) => {
      const off = r.onCheckpoint((advance) => {
        off();
        resolve(advance);
      });
    });
  }

  async function checkpoint() {
    const stored = await loadCheckpoint(env.dataSource, 'ledger');
    if (!stored) throw new Error('no checkpoint row');
    return stored;
  }

  /** The stored checkpoint once it reaches `position` (polled: a lazy store sends the notice it sent already). */
  async function storedAt(position: string) {
    for (;;) {
      const stored = await checkpoint();
      if (comparePositions(stored.position, position) >= 0) return stored;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  describe('when events were recorded before it started', () => {
    it('catches up in batches, then follows new events live', async () => {
      const { runner: r } = runner(ledgerProjection(), { batchSize: 3 });
      const advances: CheckpointAdvanced[] = [];
      r.onCheckpoint((advance) => advances.push(advance));
      const first = nextStream();
      let last = await env.append(first, recorded('a', 'Hubei Construction Group', 10));
      for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
        last = await env.append(nextStream(), recorded(name, `Member ${i}`, i));
      }

      await readable(env.store, last.position);
      const caughtUp = advanceTo(r, last.position);
      await r.start();
      expect(await r.waitFor(last.position, ['ledger'], 10_000)).toBe(true);
      await within(caughtUp, 10_000, 'the last catch-up batch');
      expect(advances.map((a) => [a.phase, a.events])).toEqual([
        ['catching_up', 3],
        ['catching_up', 3],
        ['catching_up', 1],
      ]);
      expect((await ledgerRows(env)).entries).toHaveLength(7);

      const liveAdvance = nextAdvance(r);
      const live = await env.append(first, renamed('a', 'Hubei Construction Group Co., Ltd.'));
      expect(await r.waitFor(live.position, ['ledger'], 10_000)).toBe(true);
      expect(await within(liveAdvance, 10_000, 'the live batch')).toMatchObject({ phase: 'live', events: 1, applied: 1, position: live.position });
      const rows = await ledgerRows(env);
      expect(rows.entries.find((e) => e.id === 'a')?.label).toBe('Hubei Construction Group Co., Ltd.');
      expect(await checkpoint()).toMatchObject({ position: live.position, status: 'live', eventsApplied: 8 });
      const [status] = await r.status();
      expect(status).toMatchObject({ name: 'ledger', role: 'active', status: 'live', caughtUp: true, version: 1 });
    });

    it('moves the checkpoint past events the projection does not handle, without calling it', async () => {
      const projection = ledgerProjection();
      const { runner: r } = runner(projection, { idleCheckpointMs: 20 });
      await r.start();
      const before = await env.store.headPosition();
      const appended = await env.append(nextStream(), unrelated(), unrelated());

      expect(await r.waitFor(appended.position, ['ledger'], 10_000)).toBe(true);
      expect(projection.applyCalls).toBe(0);
      const stored = await within(storedAt(appended.position), 10_000, 'the idle checkpoint to be stored');
      expect(stored.position).not.toBe(before);
      expect(stored.eventsApplied).toBe(0);
    });

    it('announces a batch it has nothing to write for at once, and stores its checkpoint later or on stopping', async () => {
      const projection = ledgerProjection();
      const { runner: r } = runner(projection, { idleCheckpointMs: 60_000 });
      await r.start();
      const before = await env.store.headPosition();
      const notices = new CheckpointWaiter({ dataSource: env.dataSource });
      try {
        // Listening already, as a waiter is after its first wait (one that starts later reads the stored row
        // and hears the next notice, at the latest when the checkpoint is stored).
        expect(await notices.waitFor(before!, ['ledger'], 10_000)).toBe(true);
        const appended = await env.append(nextStream(), unrelated());
        // Another process's waiter hears the notice although the stored row has not moved.
        expect(await notices.waitFor(appended.position, ['ledger'], 10_000)).toBe(true);
        expect((await checkpoint()).position).toBe(before);
        const [status] = await r.status();
        expect(status).toMatchObject({ position: appended.position, caughtUp: true });

        await r.stop();
        expect((await checkpoint()).position).toBe(appended.position);
      } finally {
        await notices.close();
      }
    });
  });

  describe('when the handler throws in the middle of a batch', () => {
    it('leaves no rows and no checkpoint change, records the failure, and recovers once fixed', async () => {
      const projection = ledgerProjection();
      projection.failOn = (event: RecordedEvent) => event.data.entryId === 'broken';
      const { runner: r } = runner(projection);
      const failed = new Promise<ProjectionFailure>((resolve) => r.onFailure(resolve));
      const start = (await checkpoint()).position;
      await r.start();

      // One append: one transaction, one batch; its second event breaks the handler.
      const appended = await env.append(
        nextStream(),
        recorded('fine', 'Applied before the failure'),
        recorded('broken', 'Fails'),
        recorded('after', 'Never reached'),
      );
      const failure = await within(failed, 10_000, 'the failure');
      expect(failure).toMatchObject({ projection: 'ledger', attempt: 1 });

      const rows = await ledgerRows(env);
      expect(rows.entries).toEqual([]);
      expect(rows.deliveries).toEqual([]);
      const stored = await checkpoint();
      expect(stored.position).toBe(start);
      expect(stored.status).toBe('failing');
      expect(stored.lastError).toContain('ledger cannot apply EntryRecorded');

      projection.failOn = null;
      expect(await r.waitFor(appended.position, ['ledger'], 10_000)).toBe(true);
      expect((await ledgerRows(env)).entries.map((e) => e.id)).toEqual(['after', 'broken', 'fine']);
      expect(await checkpoint()).toMatchObject({ position: appended.position, lastError: null, eventsApplied: 3 });
    });
  });

  describe('when several projections run live', () => {
    it('reads the store once for all of them, and one failing does not hold up the others', async () => {
      await env.query(`CREATE TABLE ledger_seen (position text PRIMARY KEY)`);
      await env.query(`INSERT INTO projection_checkpoints (name, version, position, status) VALUES ('ledger-seen', 1, $1, 'stopped')`, [
        await env.store.headPosition(),
      ]);
      const seen: Projection = {
        name: 'ledger-seen',
        version: 1,
        handles: ['*'],
        tables: ['ledger_seen'],
        async apply(events, tx) {
          for (const event of events) {
            await tx.query(`INSERT INTO ledger_seen (position) VALUES ($1) ON CONFLICT DO NOTHING`, [event.position]);
          }
        },
      };
      let subscriptions = 0;
      const store = new Proxy(env.store, {
        get(target, property) {
          if (property === 'subscribe') {
            return (...args: Parameters<EventStore['subscribe']>) => {
              subscriptions += 1;
              return target.subscribe(...args);
            };
          }
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const ledger = ledgerProjection();
      ledger.failOn = (event: RecordedEvent) => event.data.entryId === 'stuck';
      const { runner: r } = runner(ledger, { store, projections: [ledger, seen] });
      const failed = new Promise<ProjectionFailure>((resolve) => r.onFailure(resolve));
      try {
        await r.start();
        const first = await env.append(nextStream(), recorded('ok', 'Applied by both'));
        expect(await r.waitFor(first.position, ['ledger', 'ledger-seen'], 10_000)).toBe(true);

        const stuck = await env.append(nextStream(), recorded('stuck', 'Breaks the ledger only'));
        await within(failed, 10_000, 'the ledger to fail');
        const after = await env.append(nextStream(), unrelated());
        expect(await r.waitFor(after.position, ['ledger-seen'], 10_000)).toBe(true);
        expect(await r.waitFor(stuck.position, ['ledger'], 50)).toBe(false);

        ledger.failOn = null;
        expect(await r.waitFor(after.position, ['ledger', 'ledger-seen'], 10_000)).toBe(true);
        expect((await ledgerRows(env)).entries.map((e) => e.id)).toEqual(['ok', 'stuck']);
        expect(subscriptions).toBe(1);
      } finally {
        await r.stop();
        await env.query(`DROP TABLE ledger_seen`);
      }
    });
  });

  describe('when another writer moves the checkpoint under the runner', () => {
    it('rolls back, reloads the checkpoint and applies every event exactly once', async () => {
      const { runner: r, logger } = runner(ledgerProjection({ appliedBy: 'runner' }));
      await r.start();
      await within(logger.when('running the projection'), 10_000, 'the runner to take the lock');
      const streamId = nextStream();
      const start = (await checkpoint()).position;

      // A competing writer (as a second runner would) holds the checkpoint row, applies the next event and
      // moves the checkpoint; the runner's compare-and-set then finds the checkpoint moved. (While the
      // competitor's transaction is open the event is not yet readable: readAll holds back events younger
      // than an open writing transaction, so the competitor applies the event it appended itself.)
      const competitor = env.dataSource.createQueryRunner();
      await competitor.connect();
      await competitor.startTransaction();
      try {
        await competitor.query(`SELECT position FROM projection_checkpoints WHERE name = 'ledger' FOR UPDATE`);
        const event = recorded('x', 'Applied by the competitor');
        const first = await env.append(streamId, event);
        const asRecorded = {
          ...event,
          streamId,
          revision: first.nextRevision,
          position: first.position,
          metadata: { ...event.metadata, prevHash: '', hash: '' },
        };
        await ledgerProjection({ appliedBy: 'competitor' }).apply([asRecorded], competitor.manager);
        await competitor.query(
          `UPDATE projection_checkpoints SET position = $1, events_applied = events_applied + 1 WHERE name = 'ledger'`,
          [first.position],
        );
        expect(await competitor.query(`SELECT position FROM projection_checkpoints WHERE name = 'ledger'`)).toEqual([
          { position: first.position },
        ]);
        await competitor.commitTransaction();
      } catch (error) {
        await competitor.rollbackTransaction();
        throw error;
      } finally {
        await competitor.release();
      }

      await within(logger.when('checkpoint moved; reloading it'), 10_000, 'the compare-and-set mismatch');
      const second = await env.append(streamId, renamed('x', 'Renamed through the runner'));
      expect(await r.waitFor(second.position, ['ledger'], 10_000)).toBe(true);

      const rows = await ledgerRows(env);
      expect(rows.deliveries.map((d) => d.deliveries)).toEqual([1, 1]);
      expect(rows.entries).toEqual([
        expect.objectContaining({ id: 'x', label: 'Renamed through the runner', applied_by: 'runner' }),
      ]);
      expect(await checkpoint()).toMatchObject({ position: second.position, eventsApplied: 2 });
      expect(start).not.toBeNull();
    });
  });

  describe('when events are applied again', () => {
    it('leaves the rows as they were (the projection is idempotent)', async () => {
      const { runner: r, logger } = runner(ledgerProjection(), { idleCheckpointMs: 20 });
      await r.start();
      const streamId = nextStream();
      await env.append(streamId, recorded('r', 'Wuhan Bridge Engineering', 30));
      const last = await env.append(streamId, renamed('r', 'Wuhan Bridge Engineering Co.'));
      expect(await r.waitFor(last.position, ['ledger'], 10_000)).toBe(true);
      const before = await ledgerRows(env);

      // Rewind the checkpoint to just before these events: the runner's next compare-and-set fails, it
      // reloads the rewound checkpoint and delivers both events a second time.
      const all = (await env.store.readAll({ after: null, limit: 10_000 })).events;
      const index = all.findIndex((e) => e.streamId === streamId);
      const rewoundTo = index > 0 ? (all[index - 1] as RecordedEvent).position : null;
      await env.query(`UPDATE projection_checkpoints SET position = $1 WHERE name = 'ledger'`, [rewoundTo]);
      // Not handled: the runner finds the rewind when it stores its checkpoint (after idleCheckpointMs).
      await env.append(nextStream(), unrelated());
      await within(logger.when('checkpoint moved; reloading it'), 10_000, 'the rewind to be noticed');
      // A waiter already knew the runner was past the first poke; this one is only reached after the replay.
      const poke = await env.append(nextStream(), unrelated());
      expect(await r.waitFor(poke.position, ['ledger'], 10_000)).toBe(true);

      const after = await ledgerRows(env);
      expect(after.entries).toEqual(before.entries);
      expect(after.deliveries.map((d) => d.deliveries)).toEqual([2, 2]);
    });
  });

  describe('when two runners run the same projection', () => {
    it('lets only one apply, and the other takes over when the first stops', async () => {
      const secondDataSource = await env.openDataSource();
      const a = runner(ledgerProjection({ appliedBy: 'A' }));
      const b = runner(ledgerProjection({ appliedBy: 'B' }), { dataSource: secondDataSource });
      await a.runner.start();
      await within(a.logger.when('running the projection'), 10_000, 'runner A to take the lock');
      await b.runner.start();
      await within(b.logger.when('standing by'), 10_000, 'runner B to stand by');

      const streamId = nextStream();
      await env.append(streamId, recorded('p', 'Applied while A runs'));
      const whileA = await env.append(nextStream(), recorded('q', 'Also while A runs'));
      expect(await a.runner.waitFor(whileA.position, ['ledger'], 10_000)).toBe(true);
      // B learns of A's progress through the checkpoint notices (another "process").
      expect(await b.runner.waitFor(whileA.position, ['ledger'], 10_000)).toBe(true);
      expect((await b.runner.status())[0]).toMatchObject({ role: 'standby', position: whileA.position });

      await a.runner.stop();
      await within(b.logger.when('took over the projection'), 10_000, 'runner B to take over');
      const whileB = await env.append(streamId, renamed('p', 'Applied after B took over'));
      expect(await b.runner.waitFor(whileB.position, ['ledger'], 10_000)).toBe(true);

      const rows = await ledgerRows(env);
      expect(rows.entries.map((e) => [e.id, e.applied_by])).toEqual([
        ['p', 'B'],
        ['q', 'A'],
      ]);
      expect(rows.deliveries.every((d) => d.deliveries === 1)).toBe(true);
      expect(rows.deliveries).toHaveLength(3);
    });
  });

  describe('waitFor', () => {
    it('resolves, in a process without a runner, once the runner catches up', async () => {
      const appended = await env.append(nextStream(), recorded('w', 'Waited for'));
      const apiDataSource = await env.openDataSource();
      const waiter = new CheckpointWaiter({ dataSource: apiDataSource });
      try {
        const waiting = waiter.waitFor(appended.position, ['ledger'], 10_000);
        const { runner: r } = runner(ledgerProjection());
        await r.start();
        expect(await waiting).toBe(true);
        expect((await ledgerRows(env)).entries.map((e) => e.id)).toEqual(['w']);
      } finally {
        await waiter.close();
      }
    });

    it('answers false once the timeout passes when the projection does not get there', async () => {
      const appended = await env.append(nextStream(), recorded('late', 'Nobody applies this'));
      const waiter = new CheckpointWaiter({ dataSource: env.dataSource });
      try {
        const started = performance.now();
        expect(await waiter.waitFor(appended.position, ['ledger'], 150)).toBe(false);
        expect(performance.now() - started).toBeGreaterThanOrEqual(140);
        expect(await waiter.waitFor(appended.position, [], 10)).toBe(true);
      } finally {
        await waiter.close();
      }
    });

    it('answers false for a projection that has no checkpoint at all', async () => {
      const appended = await env.append(nextStream(), unrelated());
      const { runner: r } = runner(ledgerProjection());
      await r.start();
      expect(await r.waitFor(appended.position, ['ledger'], 10_000)).toBe(true);
      expect(await r.waitFor(appended.position, ['ledger', 'unknown'], 100)).toBe(false);
    });
  });

  describe('when stopped', () => {
    it('finishes the batch in flight, records the stop and applies nothing more', async () => {
      const projection = ledgerProjection();
      const { runner: r } = runner(projection);
      await r.start();
      const applied = await env.append(nextStream(), recorded('s', 'Before the stop'));
      expect(await r.waitFor(applied.position, ['ledger'], 10_000)).toBe(true);
      await r.stop();
      expect((await checkpoint()).status).toBe('stopped');
      expect((await r.status())[0]?.role).toBe('stopped');

      const after = await env.append(nextStream(), recorded('t', 'After the stop'));
      const waiter = new CheckpointWaiter({ dataSource: env.dataSource });
      try {
        expect(await waiter.waitFor(after.position, ['ledger'], 100)).toBe(false);
      } finally {
        await waiter.close();
      }
      expect((await ledgerRows(env)).entries.map((e) => e.id)).toEqual(['s']);
    });
  });

  describe('when the stored version is older than the code', () => {
    it('rebuilds the projection before following the store, and an older runner leaves it alone', async () => {
      const streamId = nextStream();
      await env.append(streamId, recorded('v', 'lower case label', 5));
      const v1 = runner(ledgerProjection({ version: 1 }));
      await v1.runner.start();
      const first = await env.append(nextStream(), recorded('u', 'another label', 6));
      expect(await v1.runner.waitFor(first.position, ['ledger'], 10_000)).toBe(true);
      await v1.runner.stop();

      const v2 = runner(ledgerProjection({ version: 2, label: (label) => label.toUpperCase() }));
      await v2.runner.start();
      await within(v2.logger.when('rebuild swapped in'), 10_000, 'the rebuild to swap in');
      const next = await env.append(streamId, renamed('v', 'renamed live'));
      expect(await v2.runner.waitFor(next.position, ['ledger'], 10_000)).toBe(true);
      const rebuilt = (await ledgerRows(env)).entries.filter((e) => e.id === 'u' || e.id === 'v');
      expect(rebuilt.map((e) => [e.id, e.label])).toEqual([
        ['u', 'ANOTHER LABEL'],
        ['v', 'RENAMED LIVE'],
      ]);
      expect(await checkpoint()).toMatchObject({ version: 2, lastError: null });

      await v2.runner.stop();
      const old = runner(ledgerProjection({ version: 1 }), { standbyRetryMs: 60_000 });
      await old.runner.start();
      await within(old.logger.when('built by a newer version'), 10_000, 'the old runner to step aside');
      expect((await old.runner.status())[0]).toMatchObject({ role: 'superseded', storedVersion: 2 });
      expect(await checkpoint()).toMatchObject({ version: 2 });
    });
  });

  describe('when the projection has never been built', () => {
    it('builds it from the first event and then runs live', async () => {
      await env.query('DELETE FROM projection_checkpoints');
      const appended = await env.append(nextStream(), recorded('n', 'Built from scratch'));
      const { runner: r } = runner(ledgerProjection());
      await r.start();
      expect(await r.waitFor(appended.position, ['ledger'], 10_000)).toBe(true);
      // Everything recorded so far (earlier tests' events included) was replayed into the new tables.
      const all = (await env.store.readAll({ after: null, limit: 10_000 })).events.filter(
        (e) => e.type === 'EntryRecorded',
      );
      expect((await ledgerRows(env)).entries.length).toBe(new Set(all.map((e) => e.data.entryId)).size);
      expect(await checkpoint()).toMatchObject({ version: 1, position: appended.position });
    });
  });
});
