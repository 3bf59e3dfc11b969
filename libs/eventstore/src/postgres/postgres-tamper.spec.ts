import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { deterministicEventId } from '../event-ids.js';
import type { EventToAppend, RecordedEvent } from '../event-store.port.js';
import { contentHash } from '../hash-chain.js';
import { PostgresEventStore } from './postgres-event-store.js';

// Someone with database access edits the register behind the application's back. Verification must
// find it and name the event.

function dues(streamId: string, amounts: number[]): EventToAppend[] {
  const commandId = randomUUID();
  return amounts.map((amountFen, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'DuesPaid',
    data: { amountFen, payer: '深圳某建设集团有限公司' },
    metadata: {
      actor: { userId: 'treasurer-1', role: 'ADMIN' },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: '2025-03-01T08:00:00.000Z',
    },
  }));
}

describe('Postgres event store: tampering found by verification', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let sql: pg.Pool;
  // Streams sort a < b < c, so the first break in (stream, revision) order is known.
  let streams: { a: string; b: string; c: string };
  let recorded: RecordedEvent[];

  beforeEach(async () => {
    database = await createTestDatabase('es_tamper');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    const suffix = randomUUID();
    streams = { a: `a-${suffix}`, b: `b-${suffix}`, c: `c-${suffix}` };
    for (const streamId of Object.values(streams)) {
      await store.append(streamId, dues(streamId, [100, 200]), { expectedRevision: 'no_stream' });
      await store.append(streamId, dues(streamId, [300, 400]), { expectedRevision: 1 });
    }
    recorded = await store.readStream(streams.b);
  });

  afterEach(async () => {
    await sql?.end();
    await store?.close();
    await database?.drop();
  });

  it('finds the untouched store intact', async () => {
    await expect(store.verifyAll()).resolves.toEqual({
      intact: true,
      streamsChecked: 3,
      eventsChecked: 12,
      firstBreak: null,
    });
  });

  describe('when an event’s data is changed in SQL', () => {
    it('names exactly that event with content_hash_mismatch, in verifyStream and verifyAll', async () => {
      const victim = recorded[1]!;
      await sql.query(`UPDATE es_events SET data = jsonb_set(data, '{amountFen}', '20') WHERE event_id = $1`, [
        victim.id,
      ]);

      const expectedBreak = {
        streamId: streams.b,
        revision: 1,
        eventId: victim.id,
        position: victim.position,
        reason: 'content_hash_mismatch',
        expected: contentHash(victim),
        actual: expect.any(String),
      };
      const stream = await store.verifyStream(streams.b);
      expect(stream).toMatchObject({ intact: false, streamsChecked: 1 });
      expect(stream.firstBreak).toEqual(expectedBreak);

      const all = await store.verifyAll();
      expect(all.intact).toBe(false);
      expect(all.firstBreak).toEqual(expectedBreak);
      expect(all.streamsChecked).toBe(2);

      await expect(store.verifyStream(streams.a)).resolves.toMatchObject({ intact: true, eventsChecked: 4 });
      await expect(store.verifyStream(streams.c)).resolves.toMatchObject({ intact: true, eventsChecked: 4 });
    });

    it('still names that event when its content hash is rewritten to match', async () => {
      const victim = recorded[1]!;
      const forged = { ...victim, data: { ...victim.data, amountFen: 20 } };
      await sql.query(`UPDATE es_events SET data = $2::jsonb, content_hash = $3 WHERE event_id = $1`, [
        victim.id,
        JSON.stringify(forged.data),
        contentHash(forged),
      ]);

      const all = await store.verifyAll();
      expect(all.firstBreak).toMatchObject({ eventId: victim.id, reason: 'content_hash_mismatch' });
    });
  });

  describe('when an event’s metadata is changed in SQL', () => {
    it('names that event with content_hash_mismatch', async () => {
      const victim = recorded[2]!;
      await sql.query(
        `UPDATE es_events SET metadata = jsonb_set(metadata, '{actor,userId}', '"someone-else"') WHERE event_id = $1`,
        [victim.id],
      );
      await expect(store.verifyStream(streams.b)).resolves.toMatchObject({
        firstBreak: { eventId: victim.id, revision: 2, reason: 'content_hash_mismatch' },
      });
    });
  });

  describe('when an event’s hash column is rewritten in SQL', () => {
    it('reports the next event with prev_hash_mismatch', async () => {
      const victim = recorded[1]!;
      const next = recorded[2]!;
      await sql.query(`UPDATE es_events SET hash = repeat('f', 64) WHERE event_id = $1`, [victim.id]);

      const expectedBreak = {
        streamId: streams.b,
        revision: 2,
        eventId: next.id,
        position: next.position,
        reason: 'prev_hash_mismatch',
        expected: victim.metadata.hash,
        actual: 'f'.repeat(64),
      };
      await expect(store.verifyStream(streams.b)).resolves.toMatchObject({ intact: false, firstBreak: expectedBreak });
      await expect(store.verifyAll()).resolves.toMatchObject({ intact: false, firstBreak: expectedBreak });
    });
  });

  describe('when events are deleted in SQL', () => {
    it('reports a deleted event in the middle as a revision gap', async () => {
      await sql.query(`DELETE FROM es_events WHERE event_id = $1`, [recorded[1]!.id]);
      await expect(store.verifyStream(streams.b)).resolves.toMatchObject({
        firstBreak: { revision: 2, eventId: recorded[2]!.id, reason: 'revision_gap', expected: '1', actual: '2' },
      });
    });

    it('reports a stream cut short against its recorded head', async () => {
      await sql.query(`DELETE FROM es_events WHERE event_id = $1`, [recorded[3]!.id]);
      const expectedBreak = { streamId: streams.b, revision: 2, reason: 'revision_gap', expected: '3', actual: '2' };
      await expect(store.verifyStream(streams.b)).resolves.toMatchObject({ firstBreak: expectedBreak });
      await expect(store.verifyAll()).resolves.toMatchObject({ firstBreak: expectedBreak });
    });

    it('reports a stream whose events were all deleted', async () => {
      await sql.query(`DELETE FROM es_events WHERE stream_id = $1`, [streams.c]);
      const expectedBreak = { streamId: streams.c, reason: 'revision_gap', expected: '3', actual: '-1' };
      await expect(store.verifyStream(streams.c)).resolves.toMatchObject({ firstBreak: expectedBreak });
      await expect(store.verifyAll()).resolves.toMatchObject({ firstBreak: expectedBreak });
    });
  });

  describe('when the store holds more events than one verification page', () => {
    it('walks every stream page by page and reports progress', async () => {
      const streamId = `long-${randomUUID()}`;
      const amounts = Array.from({ length: 600 }, (_, i) => i);
      await store.append(streamId, dues(streamId, amounts), { expectedRevision: 'no_stream' });
      await store.append(streamId, dues(streamId, amounts), { expectedRevision: 599 });

      const progress: number[] = [];
      const all = await store.verifyAll({ onProgress: (n) => progress.push(n) });
      expect(all).toEqual({ intact: true, streamsChecked: 4, eventsChecked: 1212, firstBreak: null });
      expect(progress).toEqual([1000, 1212]);
      await expect(store.verifyStream(streamId)).resolves.toMatchObject({ intact: true, eventsChecked: 1200 });
    });
  });
});
