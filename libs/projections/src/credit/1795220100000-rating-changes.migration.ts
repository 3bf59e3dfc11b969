import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rating change feed (ADR 0018): one row per change of a rating, keyed by the event's global position, and
 * the two tables the projection keeps to describe a change (each rating as it stands, each firm's name).
 * Positions are fixed-width text compared byte by byte, hence COLLATE "C".
 */
export class RatingChanges1795220100000 implements MigrationInterface {
  name = 'RatingChanges1795220100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rating_change (
        position text COLLATE "C" NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        change text NOT NULL,
        association_id text NOT NULL,
        cycle_id text NOT NULL,
        subject_id text NOT NULL,
        subject_kind text,
        firm_name text,
        grade_before text,
        status_before text,
        grade_after text NOT NULL,
        status_after text NOT NULL,
        effective_on date NOT NULL,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (position)
      )`);
    await q.query(`CREATE INDEX rating_change_subject_idx ON rating_change (subject_id, position)`);
    await q.query(`
      CREATE TABLE rating_change_rating (
        association_id text NOT NULL,
        cycle_id text NOT NULL,
        subject_id text NOT NULL,
        subject_kind text,
        grade text,
        status text,
        last_position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, cycle_id, subject_id)
      )`);
    await q.query(`
      CREATE TABLE rating_change_firm (
        code text NOT NULL,
        name text NOT NULL,
        last_position text COLLATE "C" NOT NULL,
        PRIMARY KEY (code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rating_change_firm`);
    await q.query(`DROP TABLE rating_change_rating`);
    await q.query(`DROP TABLE rating_change`);
  }
}
