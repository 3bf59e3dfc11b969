import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MembershipRegister1795219600000 implements MigrationInterface {
  name = 'MembershipRegister1795219600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE association (
        association_id text PRIMARY KEY,
        name text NOT NULL,
        region_code char(6) NOT NULL,
        deemed_withdrawal_years integer NOT NULL,
        reminder_grace_days integer NOT NULL,
        admission_bodies text[] NOT NULL,
        waiver_approvers text[] NOT NULL,
        registered_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE association_waiver_approver (
        association_id text NOT NULL,
        user_id text NOT NULL,
        revision integer NOT NULL,
        valid_from date NOT NULL,
        valid_to date,
        recorded_at timestamptz NOT NULL,
        revoked_recorded_at timestamptz,
        last_event_id uuid NOT NULL,
        PRIMARY KEY (association_id, user_id, revision)
      )`);
    await q.query(`
      CREATE TABLE council_term (
        association_id text NOT NULL,
        term_number integer NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        president_enterprise_code varchar(18),
        recorded_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, term_number)
      )`);
    await q.query(`
      CREATE TABLE council_election (
        election_id text PRIMARY KEY,
        association_id text NOT NULL,
        term_number integer NOT NULL,
        office text NOT NULL,
        tier text NOT NULL,
        seats integer NOT NULL,
        candidates jsonb NOT NULL,
        elected text[] NOT NULL,
        decision jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL
      )`);
    await q.query(`CREATE INDEX council_election_term_idx ON council_election (association_id, term_number)`);
    await q.query(`
      CREATE TABLE membership (
        association_id text NOT NULL,
        enterprise_code varchar(18) NOT NULL,
        membership_id text NOT NULL,
        status text NOT NULL,
        tier text,
        applied_on date NOT NULL,
        admitted_on date,
        certificate_number text,
        ended_on date,
        status_since date NOT NULL,
        sanctions integer NOT NULL,
        last_reminder_on date,
        updated_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, enterprise_code)
      )`);
    await q.query(`CREATE UNIQUE INDEX membership_id_idx ON membership (membership_id)`);
    await q.query(`CREATE INDEX membership_directory_idx ON membership (association_id, status, tier)`);
    await q.query(`
      CREATE TABLE membership_history (
        association_id text NOT NULL,
        enterprise_code varchar(18) NOT NULL,
        revision integer NOT NULL,
        membership_id text NOT NULL,
        event_type text NOT NULL,
        status text NOT NULL,
        tier text,
        valid_from date NOT NULL,
        valid_to date,
        recorded_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        PRIMARY KEY (association_id, enterprise_code, revision)
      )`);
    await q.query(`CREATE INDEX membership_history_as_of_idx ON membership_history (association_id, enterprise_code, recorded_at, valid_from)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE membership_history`);
    await q.query(`DROP TABLE membership`);
    await q.query(`DROP TABLE council_election`);
    await q.query(`DROP TABLE council_term`);
    await q.query(`DROP TABLE association_waiver_approver`);
    await q.query(`DROP TABLE association`);
  }
}
