import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DuesAccounts1795219700000 implements MigrationInterface {
  name = 'DuesAccounts1795219700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dues_fee_schedule (
        association_id text NOT NULL,
        version integer NOT NULL,
        effective_from date NOT NULL,
        amounts jsonb NOT NULL,
        second_half_percent integer,
        decision jsonb NOT NULL,
        warnings jsonb NOT NULL,
        adopted_at timestamptz NOT NULL,
        adopted_by text NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, version)
      )`);
    await q.query(`
      CREATE TABLE dues_account (
        association_id text NOT NULL,
        enterprise_code varchar(18) NOT NULL,
        year integer NOT NULL,
        tier text NOT NULL,
        schedule_version integer NOT NULL,
        annual_fen bigint NOT NULL,
        invoiced_fen bigint NOT NULL,
        paid_fen bigint NOT NULL,
        waived_fen bigint NOT NULL,
        balance_fen bigint NOT NULL,
        pro_rated_percent integer,
        admitted_on date NOT NULL,
        invoiced_on date NOT NULL,
        invoiced_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, enterprise_code, year),
        CONSTRAINT dues_account_within_invoice CHECK (paid_fen + waived_fen <= invoiced_fen AND balance_fen >= 0)
      )`);
    await q.query(`CREATE INDEX dues_account_year_idx ON dues_account (association_id, year)`);
    await q.query(`
      CREATE TABLE dues_account_entry (
        association_id text NOT NULL,
        enterprise_code varchar(18) NOT NULL,
        year integer NOT NULL,
        revision integer NOT NULL,
        kind text NOT NULL,
        amount_fen bigint NOT NULL,
        waiver_id text,
        effective_on date NOT NULL,
        recorded_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        position text NOT NULL,
        PRIMARY KEY (association_id, enterprise_code, year, revision)
      )`);
    await q.query(`CREATE INDEX dues_account_entry_year_idx ON dues_account_entry (association_id, year, recorded_at)`);
    await q.query(`
      CREATE TABLE dues_payment (
        association_id text NOT NULL,
        receipt_number text NOT NULL,
        enterprise_code varchar(18) NOT NULL,
        year integer NOT NULL,
        amount_fen bigint NOT NULL,
        paid_on date NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by text NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, receipt_number)
      )`);
    await q.query(`CREATE INDEX dues_payment_account_idx ON dues_payment (association_id, enterprise_code, year)`);
    await q.query(`
      CREATE TABLE dues_waiver (
        association_id text NOT NULL,
        enterprise_code varchar(18) NOT NULL,
        year integer NOT NULL,
        waiver_id text NOT NULL,
        status text NOT NULL,
        full_waiver boolean NOT NULL,
        requested_fen bigint,
        in_effect_fen bigint NOT NULL,
        approved_fen bigint,
        revoked_fen bigint NOT NULL,
        reason_category text NOT NULL,
        reason text NOT NULL,
        evidence_reference text,
        requested_by text,
        requested_at timestamptz,
        approved_by text,
        approved_at timestamptz,
        approval_note text,
        rejected_by text,
        rejection_reason text,
        revoked_by text,
        revocation_reason text,
        revoked_at timestamptz,
        policy_id text,
        decision jsonb,
        updated_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, enterprise_code, year, waiver_id)
      )`);
    await q.query(`CREATE INDEX dues_waiver_year_idx ON dues_waiver (association_id, year, reason_category)`);
    await q.query(`CREATE INDEX dues_waiver_policy_idx ON dues_waiver (association_id, policy_id)`);
    await q.query(`
      CREATE TABLE dues_waiver_policy (
        association_id text NOT NULL,
        policy_id text NOT NULL,
        year integer NOT NULL,
        title text NOT NULL,
        reason_category text NOT NULL,
        reason text NOT NULL,
        default_percent integer NOT NULL,
        size_class_percents jsonb NOT NULL,
        decision jsonb NOT NULL,
        adopted_at timestamptz NOT NULL,
        adopted_by text NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, policy_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dues_waiver_policy, dues_waiver, dues_payment, dues_account_entry, dues_account, dues_fee_schedule`);
  }
}
