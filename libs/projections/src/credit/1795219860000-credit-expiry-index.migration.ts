import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The expiry job asks, every run, for the ratings in force past their valid-to: a small partial index answers it. */
export class CreditExpiryIndex1795219860000 implements MigrationInterface {
  name = 'CreditExpiryIndex1795219860000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX credit_application_due_expiry_idx ON credit_application (valid_to) WHERE rating_status IN ('ACTIVE', 'SUSPENDED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX credit_application_due_expiry_idx`);
  }
}
