import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { deterministicEventId } from '../event-ids.js';
import { comparePositions } from '../event-store.port.js';
import { decodePosition, encodePosition } from './position.js';
import { PostgresEventStore } from './postgres-event-store.js';
import { SCHEMA_VERSION } from './schema.js';

describe('Postgres event store: schema and connections', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('es_schema');
    pool = new pg.Pool({ connectionString: database.url, max: 6 });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  describe('when several processes ensure the schema at once', () => {
    it('creates it once and records the version', async () => {
      const stores = Array.from({ length: 4 }, () => new PostgresEventStore(pool));
      const results = await Promise.all(stores.map((store) => store.ensureSchema()));

      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
      expect(results.every((r) => r.to === SCHEMA_VERSION)).toBe(true);
      await expect(stores[0]!.ensureSchema()).resolves.toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
      const version = await pool.query('SELECT version FROM es_schema_version');
      expect(version.rows).toEqual([{ version: SCHEMA_VERSION }]);
      await Promise.all(stores.map((store) => store.close()));
    });
  });

  describe('when built on a pool the caller owns', () => {
    it('leaves the pool open on close and pg’s global type parsers untouched', async () => {
      const parsers = [20, 3802, 114, 1184, 5069].map((oid) => pg.types.getTypeParser(oid));
      const store = new PostgresEventStore(pool);
      await store.ensureSchema();
      const streamId = `parsers-${randomUUID()}`;
      const commandId = randomUUID();
      await store.append(
        streamId,
        [
          {
            id: deterministicEventId(commandId, streamId, 0),
            type: 'Checked',
            data: { big: 9007199254740991 },
            metadata: {
              actor: { userId: 'u', role: 'ADMIN' },
              commandId,
              correlationId: commandId,
              causationId: commandId,
              recordedAt: '2025-03-01T08:00:00.000Z',
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
      await store.readStream(streamId);
      await store.close();

      expect([20, 3802, 114, 1184, 5069].map((oid) => pg.types.getTypeParser(oid))).toEqual(parsers);
      await expect(pool.query('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
      const recordedAt = await pool.query(`SELECT recorded_at FROM es_events WHERE stream_id = $1`, [streamId]);
      expect((recordedAt.rows[0] as { recorded_at: Date }).recorded_at.toISOString()).toBe('2025-03-01T08:00:00.000Z');
    });
  });

  describe('positions', () => {
    it('sort as strings in (transaction id, global position) order', () => {
      const ordered = [
        encodePosition('3', '999'),
        encodePosition('12', '5'),
        encodePosition('12', '40'),
        encodePosition('18446744073709551615', '9223372036854775807'),
      ];
      for (let i = 1; i < ordered.length; i++) expect(comparePositions(ordered[i - 1], ordered[i])).toBe(-1);
      expect(decodePosition(ordered[1])).toEqual({ transactionId: '12', globalPosition: '5' });
      expect(decodePosition(null)).toEqual({ transactionId: '0', globalPosition: '0' });
    });

    it('refuses a position from elsewhere', () => {
      expect(() => decodePosition('C:123/P:456')).toThrow(TypeError);
      expect(() => decodePosition('1:2')).toThrow(TypeError);
    });
  });
});
