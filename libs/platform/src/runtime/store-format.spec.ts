import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { enterpriseStreamId } from '#domain/enterprise';
import { deterministicEventId, type EventToAppend, PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logging/index.js';
import { type Infrastructure, migrate, openInfrastructure } from './infrastructure.js';
import { assertStoreFormat, StoreFormatError } from './store-format.js';

function event(streamId: string, type: string, data: Record<string, unknown>): EventToAppend[] {
  const commandId = randomUUID();
  return [
    {
      id: deterministicEventId(commandId, streamId, 0),
      type,
      data,
      metadata: { actor: { userId: 'clerk', role: 'ADMIN', associationId: 'ab' }, commandId, correlationId: commandId, causationId: commandId, recordedAt: '2026-11-20T02:00:00.000Z' },
    },
  ];
}

describe('a data folder written under an earlier stream-id scheme', () => {
  let database: TestDatabase;
  let infrastructure: Infrastructure;

  beforeEach(async () => {
    database = await createTestDatabase('store_format');
    const config = loadConfig({ DATABASE_URL: database.url, RUN_MODE: 'single', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
    infrastructure = await openInfrastructure(config, createLogger({ level: 'silent', service: 'test' }));
  });

  afterEach(async () => {
    await infrastructure?.close();
    await database?.drop();
  });

  it('accepts an empty store at once and records that it follows this scheme', async () => {
    await expect(migrate(infrastructure)).resolves.toMatchObject({ streamIdsChecked: 0 });
    await expect(assertStoreFormat(infrastructure.dataSource, 'here')).resolves.toBeUndefined();
  });

  it('refuses a store holding ids of the earlier scheme, naming the stream and saying what to do', async () => {
    await (infrastructure.store as PostgresEventStore).ensureSchema();
    // What an earlier build wrote: a receipt claim whose id is also another association's dues account.
    await infrastructure.store.append(
      'dues-receipt-ab-91420100177678329F-2026',
      event('dues-receipt-ab-91420100177678329F-2026', 'DuesReceiptReserved', { associationId: 'ab', receiptNumber: '91420100177678329F-2026' }),
      { expectedRevision: 'no_stream' },
    );
    const refused = migrate(infrastructure);
    await expect(refused).rejects.toBeInstanceOf(StoreFormatError);
    await expect(refused).rejects.toThrow(/dues-receipt-ab-91420100177678329F-2026 is not the id of any stream kind[\s\S]*move the data folder aside/);
    // Refused again at the next start, and by processes that do not migrate.
    await expect(migrate(infrastructure)).rejects.toBeInstanceOf(StoreFormatError);
    await expect(assertStoreFormat(infrastructure.dataSource, 'The database')).rejects.toThrow(/has not been migrated by this build/);
  });

  it('accepts a store whose every stream already follows the scheme (enterprise streams kept their ids)', async () => {
    await (infrastructure.store as PostgresEventStore).ensureSchema();
    const code = '91420100177678329F';
    await infrastructure.store.append(enterpriseStreamId(code), event(enterpriseStreamId(code), 'EnterpriseRegistered', { code }), { expectedRevision: 'no_stream' });
    await expect(migrate(infrastructure)).resolves.toMatchObject({ streamIdsChecked: 1 });
    await expect(migrate(infrastructure)).resolves.toMatchObject({ streamIdsChecked: 0 });
  });
});
