import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreditEvaluation1795219800000 implements MigrationInterface {
  name = 'CreditEvaluation1795219800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credit_rulebook_version (
        association_id text NOT NULL,
        rulebook_id text NOT NULL,
        version integer NOT NULL,
        title text NOT NULL,
        reference_number text NOT NULL,
        effective_from date NOT NULL,
        effective_to date,
        subject_kind text NOT NULL,
        rulebook jsonb NOT NULL,
        pinned_by jsonb NOT NULL DEFAULT '[]',
        defined_at timestamptz NOT NULL,
        defined_by text NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, rulebook_id, version)
      )`);
    await q.query(`
      CREATE TABLE credit_cycle (
        association_id text NOT NULL,
        cycle_id text NOT NULL,
        title text NOT NULL,
        rulebook_id text NOT NULL,
        rulebook_version integer NOT NULL,
        assessment_from date NOT NULL,
        assessment_to date NOT NULL,
        filing_from date NOT NULL,
        filing_to date NOT NULL,
        eligibility text NOT NULL,
        status text NOT NULL,
        scorers jsonb NOT NULL DEFAULT '[]',
        opened_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, cycle_id)
      )`);
    await q.query(`
      CREATE TABLE credit_application (
        association_id text NOT NULL,
        cycle_id text NOT NULL,
        subject_id text NOT NULL,
        subject_kind text NOT NULL,
        member boolean NOT NULL,
        rulebook_id text NOT NULL,
        rulebook_version integer NOT NULL,
        status text NOT NULL,
        filed_on date NOT NULL,
        self_assessment jsonb NOT NULL,
        scores jsonb NOT NULL DEFAULT '{}',
        computation jsonb,
        grade text,
        grade_overridden jsonb,
        override_pending jsonb,
        notice_starts_on date,
        notice_ends_on date,
        objections jsonb NOT NULL DEFAULT '{}',
        open_objections integer NOT NULL DEFAULT 0,
        certificate_number text,
        rating_grade text,
        rating_status text,
        valid_from date,
        valid_to date,
        updated_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, cycle_id, subject_id)
      )`);
    await q.query(`CREATE INDEX credit_application_subject_idx ON credit_application (subject_id)`);
    await q.query(`CREATE INDEX credit_application_status_idx ON credit_application (association_id, cycle_id, status)`);
    await q.query(`
      CREATE TABLE credit_rating_history (
        association_id text NOT NULL,
        cycle_id text NOT NULL,
        subject_id text NOT NULL,
        revision integer NOT NULL,
        event_type text NOT NULL,
        grade text NOT NULL,
        status text NOT NULL,
        certificate_number text NOT NULL,
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        effective_from date NOT NULL,
        recorded_at timestamptz NOT NULL,
        record_id text,
        rule text,
        rulebook_id text NOT NULL,
        rulebook_version integer NOT NULL,
        last_event_id uuid NOT NULL,
        PRIMARY KEY (association_id, cycle_id, subject_id, revision)
      )`);
    await q.query(`CREATE INDEX credit_rating_history_as_of_idx ON credit_rating_history (subject_id, recorded_at, effective_from)`);
    await q.query(`
      CREATE TABLE credit_conduct_record (
        subject_id text NOT NULL,
        record_id text NOT NULL,
        code text NOT NULL,
        kind text NOT NULL,
        severity text NOT NULL,
        occurred_on date NOT NULL,
        source_authority text NOT NULL,
        disclosure_months integer NOT NULL,
        penalty_months integer,
        disclosure_until date NOT NULL,
        evidence_reference text NOT NULL,
        description text NOT NULL,
        shortened jsonb,
        recorded_at timestamptz NOT NULL,
        recorded_by text NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (subject_id, record_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE credit_conduct_record`);
    await q.query(`DROP TABLE credit_rating_history`);
    await q.query(`DROP TABLE credit_application`);
    await q.query(`DROP TABLE credit_cycle`);
    await q.query(`DROP TABLE credit_rulebook_version`);
  }
}
