import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { creditApplicationStreamId, creditConductStreamId } from '#domain/credit';
import { enterpriseStreamId } from '#domain/enterprise';
import { deterministicEventId, type EventToAppend, PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logging/index.js';
import { type Infrastructure, migrate, openInfrastructure } from './infrastructure.js';
import { assertStoreFormat, STREAM_ID_SCHEME, StoreFormatError } from './store-format.js';

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

describe('a data folder naming persons as credit subjects by identity-card number', () => {
  let database: TestDatabase;
  let infrastructure: Infrastructure;
  const ID_CARD = '11010519491231002X';
  const PERSON = 'PSN0123456789ABCDEF';
  const filed = (subjectId: string, subjectKind: 'PERSON' | 'ENTERPRISE') => {
    const streamId = creditApplicationStreamId('ab', 'sancheng-2024', subjectId);
    return infrastructure.store.append(
      streamId,
      event(streamId, 'CreditApplicationFiled', {
        associationId: 'ab', cycleId: 'sancheng-2024', subjectId, subjectKind, rulebookId: 'pm', rulebookVersion: 1, filedOn: '2024-05-01', member: false, selfAssessment: [],
      }),
      { expectedRevision: 'no_stream' },
    );
  };
  const conduct = (subjectId: string) => {
    const streamId = creditConductStreamId(subjectId);
    return infrastructure.store.append(streamId, event(streamId, 'CreditConductRecorded', { associationId: 'ab', subjectId, recordId: 'r-1' }), { expectedRevision: 'no_stream' });
  };
  /** As a migrate of the build before persons left the store: checked at scheme 2. */
  const checkedBeforePersons = async () => {
    await infrastructure.dataSource.runMigrations({ transaction: 'each' });
    await infrastructure.dataSource.query(`INSERT INTO register_store_format (stream_id_scheme, events_checked) VALUES (2, 0)`);
  };
  const scheme = async () => ((await infrastructure.dataSource.query('SELECT stream_id_scheme FROM register_store_format')) as { stream_id_scheme: number }[])[0]?.stream_id_scheme;

  beforeEach(async () => {
    database = await createTestDatabase('store_format_persons');
    const config = loadConfig({ DATABASE_URL: database.url, RUN_MODE: 'single', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
    infrastructure = await openInfrastructure(config, createLogger({ level: 'silent', service: 'test' }));
    await (infrastructure.store as PostgresEventStore).ensureSchema();
  });

  afterEach(async () => {
    await infrastructure?.close();
    await database?.drop();
  });

  it('refuses a person rated under an identity-card number: says what, why and what to do, and never the number', async () => {
    await filed(ID_CARD, 'PERSON');
    const refused = migrate(infrastructure);
    await expect(refused).rejects.toBeInstanceOf(StoreFormatError);
    const message = await refused.catch((error: Error) => error.message);
    expect(message).toMatch(/1 credit application\(s\) of persons \(first: association ab, cycle sancheng-2024\)/);
    expect(message).toMatch(/cannot be erased from an append-only log/);
    expect(message).toMatch(/new data folder[\s\S]*re-file those evaluations under register ids[\s\S]*destroy it securely[\s\S]*docs\/privacy.md, "Data folders written before"/);
    expect(message).not.toContain(ID_CARD.slice(0, 17));
    await expect(assertStoreFormat(infrastructure.dataSource, 'The database')).rejects.toThrow(/has not been migrated by this build/);
  });

  it('refuses a person rated under any id that is not a register id, and a conduct file of an identity-card number', async () => {
    await filed('P0000001', 'PERSON');
    await expect(migrate(infrastructure)).rejects.toThrow(/: 1 credit application\(s\) of persons \(first: association ab, cycle sancheng-2024\)\. /);
    await conduct(ID_CARD);
    const message = await migrate(infrastructure).catch((error: Error) => error.message);
    expect(message).toMatch(/1 credit application\(s\) of persons .* and 1 conduct file\(s\) of persons/);
    expect(message).not.toContain(ID_CARD.slice(0, 17));
  });

  it('refuses a store checked under the scheme before persons, scanning it once more', async () => {
    await checkedBeforePersons();
    await conduct(ID_CARD);
    await expect(migrate(infrastructure)).rejects.toThrow(/1 conduct file\(s\) of persons/);
    expect(await scheme()).toBe(2);
  });

  it('accepts a store whose persons are named by register id, and records the scheme so it is not read again', async () => {
    await filed(PERSON, 'PERSON');
    await conduct(PERSON);
    await filed('91420100177678329F', 'ENTERPRISE');
    await expect(migrate(infrastructure)).resolves.toMatchObject({ streamIdsChecked: 3 });
    expect(await scheme()).toBe(STREAM_ID_SCHEME);
    await expect(migrate(infrastructure)).resolves.toMatchObject({ streamIdsChecked: 0 });
    await expect(assertStoreFormat(infrastructure.dataSource, 'here')).resolves.toBeUndefined();
  });

  it('reads a clean store at the scheme before persons once, then records this one', async () => {
    await checkedBeforePersons();
    await filed(PERSON, 'PERSON');
    await expect(assertStoreFormat(infrastructure.dataSource, 'The database')).rejects.toThrow(/has not been migrated by this build/);
    await expect(migrate(infrastructure)).resolves.toMatchObject({ streamIdsChecked: 1 });
    expect(await scheme()).toBe(STREAM_ID_SCHEME);
  });
});
