import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The persons register's read model. Personal fields are held as the sealed envelopes the events hold (jsonb), never
 * in plain: the API opens them for a caller who may see them, and an erasure clears them here at once (a rebuild from
 * the log clears them again, from the PersonErased event).
 */
export class PersonsRegister1795219900000 implements MigrationInterface {
  name = 'PersonsRegister1795219900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE person (
        person_id text PRIMARY KEY,
        association_id text NOT NULL,
        identity_key text,
        status text NOT NULL,
        name jsonb,
        identity_card_number jsonb,
        phone jsonb,
        address jsonb,
        registered_on date NOT NULL,
        registered_at timestamptz NOT NULL,
        erased_on date,
        pending_erasure jsonb,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL
      )`);
    await q.query(`CREATE INDEX person_identity_key_idx ON person (identity_key) WHERE identity_key IS NOT NULL`);
    await q.query(`CREATE INDEX person_association_idx ON person (association_id, registered_at, person_id)`);
    await q.query(`CREATE INDEX person_erased_idx ON person (person_id) WHERE status = 'ERASED'`);
    await q.query(`
      CREATE TABLE person_erasure_request (
        person_id text NOT NULL,
        request_id text NOT NULL,
        association_id text NOT NULL,
        legal_basis text NOT NULL,
        requester text NOT NULL,
        decision jsonb NOT NULL,
        requested_by text NOT NULL,
        requested_on date NOT NULL,
        outcome text NOT NULL,
        decided_by text,
        decided_on date,
        reason text,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (person_id, request_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE person_erasure_request`);
    await q.query(`DROP TABLE person`);
  }
}
