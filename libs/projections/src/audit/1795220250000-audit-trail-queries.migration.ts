import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The auditor's trail queries: by firm, by actor and by recorded time, each read in the global order.
 *
 * - `audit_stream_subject(stream_id, data)`: the firm (or person) a stream is about, read from its first event: the
 *   `enterpriseCode`, `subjectId` or `code` of its data when the stream id names it (enterprise, membership, dues
 *   account, credit application and conduct streams), else null. A partial B-tree over the first events only finds
 *   every stream naming a firm; that stream's events come by the (stream_id, revision) index.
 * - actor: a B-tree on (actor_user_id, position).
 * - recorded time: a BRIN on recorded_at, which follows the order rows are inserted in.
 *
 * An event type alone is read in the primary key's order with a filter; with another criterion, by that one's
 * index. What they cost the trail's insert (20,000 events in batches of 500, streams of five events, alternated with
 * runs without them, six each on a shared machine): +1 % on the fastest runs, +11 % on the median ones; an index
 * over every event's firm codes (GIN) cost +40 % and was left out.
 */
export class AuditTrailQueries1795220250000 implements MigrationInterface {
  name = 'AuditTrailQueries1795220250000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_stream_subject(stream_id text, data jsonb) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT c FROM (SELECT coalesce(data ->> 'enterpriseCode', data ->> 'subjectId', data ->> 'code') AS c) AS x
         WHERE c = ANY (string_to_array(substr(stream_id, strpos(stream_id, '-') + 1), ':'))
      $fn$`);
    await q.query(`CREATE INDEX audit_event_subject_idx ON audit_event (audit_stream_subject(stream_id, data)) WHERE revision = 0`);
    await q.query(`CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id, position)`);
    await q.query(`CREATE INDEX audit_event_recorded_at_brin ON audit_event USING brin (recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_event_recorded_at_brin`);
    await q.query(`DROP INDEX audit_event_actor_idx`);
    await q.query(`DROP INDEX audit_event_subject_idx`);
    await q.query(`DROP FUNCTION audit_stream_subject(text, jsonb)`);
  }
}
