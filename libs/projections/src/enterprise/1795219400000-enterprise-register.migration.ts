import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EnterpriseRegister1795219400000 implements MigrationInterface {
  name = 'EnterpriseRegister1795219400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE enterprise (
        code varchar(18) PRIMARY KEY,
        name text NOT NULL,
        legal_representative text NOT NULL,
        region_code char(6) NOT NULL,
        province_code char(6) NOT NULL,
        city_code char(6) NOT NULL,
        ownership text NOT NULL,
        size_class text,
        code_override_reason text,
        registered_at timestamptz NOT NULL,
        registered_by text NOT NULL,
        updated_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL
      )`);
    await q.query(`CREATE INDEX enterprise_name_trgm_idx ON enterprise USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX enterprise_region_idx ON enterprise (region_code)`);
    await q.query(`CREATE INDEX enterprise_name_order_idx ON enterprise (name, code)`);
    await q.query(`
      CREATE TABLE enterprise_name (
        code varchar(18) NOT NULL,
        revision integer NOT NULL,
        name text NOT NULL,
        effective_from date,
        reason text,
        recorded_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        PRIMARY KEY (code, revision)
      )`);
    await q.query(`
      CREATE TABLE enterprise_qualification (
        code varchar(18) NOT NULL,
        qualification_key text NOT NULL,
        category text NOT NULL,
        specialty text NOT NULL,
        grade text NOT NULL,
        certificate_number text,
        status text NOT NULL,
        effective_from date NOT NULL,
        withdrawn_from date,
        withdrawal_reason text,
        updated_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (code, qualification_key)
      )`);
    await q.query(`CREATE INDEX enterprise_qualification_lookup_idx ON enterprise_qualification (category, grade, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE enterprise_qualification`);
    await q.query(`DROP TABLE enterprise_name`);
    await q.query(`DROP TABLE enterprise`);
  }
}
