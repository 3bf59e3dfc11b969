import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conduct records carry the association that recorded them. Record ids are the association's own, so the key
 * becomes (subject, association, record). The column stays nullable: a record from before the field whose
 * recorder had no association has none. Existing rows are filled by the projection's rebuild (version 2),
 * which reads the association from each event or, for older events, from its recorder.
 */
export class CreditConductAssociation1795219850000 implements MigrationInterface {
  name = 'CreditConductAssociation1795219850000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE credit_conduct_record ADD COLUMN association_id text`);
    await q.query(`ALTER TABLE credit_conduct_record DROP CONSTRAINT credit_conduct_record_pkey`);
    await q.query(`CREATE UNIQUE INDEX credit_conduct_record_key ON credit_conduct_record (subject_id, COALESCE(association_id, ''), record_id)`);
    await q.query(`CREATE INDEX credit_conduct_record_association_idx ON credit_conduct_record (association_id, subject_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX credit_conduct_record_association_idx`);
    await q.query(`DROP INDEX credit_conduct_record_key`);
    await q.query(`ALTER TABLE credit_conduct_record DROP COLUMN association_id`);
    await q.query(`ALTER TABLE credit_conduct_record ADD PRIMARY KEY (subject_id, record_id)`);
  }
}
