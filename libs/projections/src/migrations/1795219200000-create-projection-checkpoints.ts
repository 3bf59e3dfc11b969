import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The checkpoint table every projection runner and rebuild uses. It comes first: keep its timestamp lowest. */
export class CreateProjectionCheckpoints1795219200000 implements MigrationInterface {
  name = 'CreateProjectionCheckpoints1795219200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name text NOT NULL,
        version integer NOT NULL,
        position text NULL,
        events_applied bigint NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'new',
        last_error text NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_projection_checkpoints" PRIMARY KEY (name),
        CONSTRAINT "CHK_projection_checkpoints_version" CHECK (version >= 0),
        CONSTRAINT "CHK_projection_checkpoints_status"
          CHECK (status IN ('new', 'catching_up', 'live', 'failing', 'rebuilding', 'stopped'))
      )`);
    await queryRunner.query(`
      COMMENT ON COLUMN projection_checkpoints.position IS
        'Opaque event-store position of the last applied event; compare with comparePositions, never parse'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection_checkpoints`);
  }
}
