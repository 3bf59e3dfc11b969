import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { deterministicEventId, type EventToAppend, PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { auditTrailProjection } from './audit.projection.js';
import { AuditQueries } from './audit.queries.js';

function event(streamId: string, index: number, associationId: string | null): EventToAppend {
  const commandId = randomUUID();
  return {
    id: deterministicEventId(commandId, streamId, index),
    type: index === 0 ? 'EnterpriseRegistered' : 'EnterpriseRenamed',
    data: {},
    metadata: {
      actor: { userId: `clerk-${index}`, role: 'ADMIN', associationId },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2026-03-02T08:00:00.000+08:00',
    },
  };
}

describe('audit trail queries', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let audit: AuditQueries;

  beforeAll(async () => {
    database = await createTestDatabase('audit-queries');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    dataSource = createReadModelDataSource({ url: database.url, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations();
    // Registered by an admin of wuhan-cia, renamed by one of yueyang-ucca; another registered by an actor of no association.
    await store.append('enterprise-A', [event('enterprise-A', 0, 'wuhan-cia'), event('enterprise-A', 1, 'yueyang-ucca')], { expectedRevision: 'no_stream' });
    await store.append('enterprise-B', [event('enterprise-B', 0, null)], { expectedRevision: 'no_stream' });
    const { events } = await store.readAll({ limit: 100 });
    await dataSource.transaction((tx) => auditTrailProjection.apply(events, tx));
    audit = new AuditQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await store.close();
    await database.drop();
  });

  it("answers the association of whoever recorded each stream's first event, leaving out streams the trail does not hold", async () => {
    expect(await audit.firstRecorderAssociations(['enterprise-A', 'enterprise-B', 'enterprise-C'])).toEqual(
      new Map([
        ['enterprise-A', 'wuhan-cia'],
        ['enterprise-B', null],
      ]),
    );
    expect(await audit.firstRecorderAssociations([])).toEqual(new Map());
  });
});
