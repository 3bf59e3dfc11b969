import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { deterministicEventId, type EventToAppend, PostgresEventStore, postgresEventLog, type RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { auditTrailProjection } from './audit.projection.js';

function event(streamId: string, index: number, data: Record<string, unknown>, metadata: Record<string, unknown> = {}): EventToAppend {
  const commandId = randomUUID();
  return {
    id: deterministicEventId(commandId, streamId, index),
    type: index === 0 ? 'EnterpriseRegistered' : 'EnterpriseRenamed',
    data,
    metadata: {
      actor: { userId: 'admin-1', role: 'ADMIN', associationId: 'wuhan-cia' },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2026-03-02T08:00:00.123+08:00',
      ...metadata,
    },
  };
}

/** The audit trail's rows, as plain values for comparison. */
async function auditRows(dataSource: DataSource): Promise<unknown[]> {
  return dataSource.query(`SELECT *, recorded_at::text AS recorded_at FROM audit_event ORDER BY position`);
}

describe('audit trail: copying events from the log inside Postgres', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let events: RecordedEvent[];

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    dataSource = createReadModelDataSource({ url: database.url, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await store.append(
      'enterprise-91420100177678329F',
      [
        event('enterprise-91420100177678329F', 0, { code: '91420100177678329F', name: '武汉市建设工程有限公司', note: 'quote " and \\ backslash' }),
        event('enterprise-91420100177678329F', 1, { name: '武汉市建设集团', list: [1, 2.5, null, { deep: true }] }, { commandType: 'UpdateEnterpriseProfile' }),
      ],
      { expectedRevision: 'no_stream' },
    );
    // No association on the actor, and a command type that is not a string: both land as NULL.
    await store.append('enterprise-91430600MA4L0001X1', [event('enterprise-91430600MA4L0001X1', 0, {}, { actor: { userId: 'ops', role: 'SYSTEM' }, commandType: 7 })], {
      expectedRevision: 'no_stream',
    });
    events = (await store.readAll({ limit: 100 })).events;
  });

  afterAll(async () => {
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  it('writes exactly the rows apply writes, once, however the batch is split or redelivered', async () => {
    await dataSource.transaction((tx) => auditTrailProjection.apply(events, tx));
    const expected = await auditRows(dataSource);
    expect(expected).toHaveLength(3);
    await dataSource.query('TRUNCATE audit_event');

    await dataSource.transaction((tx) => auditTrailProjection.applyFromLog!(events.slice(0, 1), tx, postgresEventLog));
    await dataSource.transaction((tx) => auditTrailProjection.applyFromLog!(events, tx, postgresEventLog));
    expect(await auditRows(dataSource)).toEqual(expected);
  });

  it('fails the batch, writing nothing, when an event is not in the log it was given', async () => {
    await dataSource.query('TRUNCATE audit_event');
    const stranger: RecordedEvent = { ...events[0]!, id: randomUUID(), position: '00000000000000099999:00000000000000099999' };
    await expect(
      dataSource.transaction((tx) => auditTrailProjection.applyFromLog!([events[0]!, stranger], tx, postgresEventLog)),
    ).rejects.toThrow('1 of 2 events are not in the event log it was given');
    expect(await auditRows(dataSource)).toEqual([]);
  });
});
