import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { deterministicEventId } from '../event-ids.js';
import type { EventToAppend, RecordedEvent } from '../event-store.port.js';
import { postgresEventLog } from './event-log-relation.js';
import { PostgresEventStore } from './postgres-event-store.js';

function event(streamId: string, index: number, data: Record<string, unknown>): EventToAppend {
  const commandId = randomUUID();
  return {
    id: deterministicEventId(commandId, streamId, index),
    type: `Happened${index}`,
    data,
    metadata: {
      actor: { userId: 'u-1', role: 'ADMIN', associationId: index % 2 ? 'assoc-1' : null },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2026-03-02T08:00:00.123Z',
    },
  };
}

interface LogRow {
  position: string;
  event_id: string;
  stream_id: string;
  revision: number;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

describe('the Postgres event log as a relation', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let client: pg.Client;
  let recorded: RecordedEvent[];

  beforeAll(async () => {
    database = await createTestDatabase('eslog');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    await store.append('s-1', [event('s-1', 0, { name: '甲建设', n: 1 }), event('s-1', 1, { nested: { list: [1, 'two', null] } })], {
      expectedRevision: 'no_stream',
    });
    await store.append('s-2', [event('s-2', 0, {})], { expectedRevision: 'no_stream' });
    recorded = [...(await store.readStream('s-1')), ...(await store.readStream('s-2'))];
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await store.close();
    await database.drop();
  });

  const select = async (positions: string[]) =>
    (await client.query<LogRow>(`SELECT * FROM ${postgresEventLog.eventsAt('$1')} AS e ORDER BY e.position`, [positions])).rows;

  it('yields each event as readAll and readStream give it: position, stream, revision, type, data, metadata and chain', async () => {
    const rows = await select(recorded.map((e) => e.position));
    expect(rows).toEqual(
      recorded.map((e) => {
        const { prevHash, hash, ...metadata } = e.metadata;
        return {
          position: e.position,
          event_id: e.id,
          stream_id: e.streamId,
          revision: e.revision,
          event_type: e.type,
          data: e.data,
          metadata,
          prev_hash: prevHash,
          hash,
        };
      }),
    );
    const { events } = await store.readAll({ limit: 10 });
    expect(rows.map((r) => r.position)).toEqual(events.map((e) => e.position));
  });

  it('yields nothing for a position the log does not hold', async () => {
    const rows = await select([recorded[0]!.position, '00000000000000099999:00000000000000099999']);
    expect(rows.map((r) => r.event_id)).toEqual([recorded[0]!.id]);
  });
});
