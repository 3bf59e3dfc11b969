import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The expert pool's read model: one row per expert (their profile and standing), their declared conflicts, and
 * their history (assignments, recusals, scores) in the order of their stream. No name or identity-card number: an
 * expert names a person of the register by their register id.
 */
export class ExpertPool1795220310000 implements MigrationInterface {
  name = 'ExpertPool1795220310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE expert (
        expert_id text PRIMARY KEY,
        association_id text NOT NULL,
        person_id text NOT NULL,
        status text NOT NULL,
        specialties jsonb NOT NULL,
        employer_code text NOT NULL,
        title text NOT NULL,
        user_id text,
        enrolled_on date NOT NULL,
        status_reason text,
        status_since date,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL
      )`);
    await q.query(`CREATE INDEX expert_association_idx ON expert (association_id, expert_id)`);
    await q.query(`CREATE INDEX expert_person_idx ON expert (person_id)`);
    await q.query(`CREATE INDEX expert_user_idx ON expert (association_id, user_id) WHERE user_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE expert_conflict (
        expert_id text NOT NULL,
        conflict_id text NOT NULL,
        association_id text NOT NULL,
        enterprise_code text NOT NULL,
        reason text NOT NULL,
        from_date date NOT NULL,
        to_date date NOT NULL,
        declared_by text NOT NULL,
        withdrawn_on date,
        withdrawal_reason text,
        last_event_id uuid NOT NULL,
        last_position text NOT NULL,
        PRIMARY KEY (expert_id, conflict_id)
      )`);
    await q.query(`
      CREATE TABLE expert_history (
        expert_id text NOT NULL,
        revision integer NOT NULL,
        association_id text NOT NULL,
        kind text NOT NULL,
        reference_kind text NOT NULL,
        reference_id text NOT NULL,
        round integer NOT NULL,
        source_event_id text NOT NULL,
        criterion text,
        points text,
        reason text,
        recorded_on date NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        PRIMARY KEY (expert_id, revision)
      )`);
    await q.query(`CREATE INDEX expert_history_reference_idx ON expert_history (reference_kind, reference_id, round)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE expert_history`);
    await q.query(`DROP TABLE expert_conflict`);
    await q.query(`DROP TABLE expert`);
  }
}
