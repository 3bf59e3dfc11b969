import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the register knows about the event store it reads: which stream-id scheme its streams follow (ADR 0012).
 * One row, written once the store was found to follow the current scheme (at once for an empty store).
 */
export class RegisterStoreFormat1795219250000 implements MigrationInterface {
  name = 'RegisterStoreFormat1795219250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE register_store_format (
        singleton boolean NOT NULL DEFAULT true,
        stream_id_scheme integer NOT NULL,
        events_checked bigint NOT NULL,
        checked_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_register_store_format" PRIMARY KEY (singleton),
        CONSTRAINT "CHK_register_store_format_singleton" CHECK (singleton)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE register_store_format`);
  }
}
