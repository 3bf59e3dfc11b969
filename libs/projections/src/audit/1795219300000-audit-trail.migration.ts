import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditTrail1795219300000 implements MigrationInterface {
  name = 'AuditTrail1795219300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_event (
        position text PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision integer NOT NULL,
        event_type text NOT NULL,
        data jsonb NOT NULL,
        actor_user_id text NOT NULL,
        actor_role text NOT NULL,
        actor_association_id text,
        command_id text NOT NULL,
        command_type text,
        correlation_id text NOT NULL,
        recorded_at timestamptz NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX audit_event_stream_idx ON audit_event (stream_id, revision)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_event`);
  }
}
