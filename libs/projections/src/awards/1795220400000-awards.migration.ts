import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The awards read model: editions with their pinned rulebook and rounds, entries with eligibility, vote and award,
 * every panel draw as recorded (for replay), each panel member's standing and score, the rankings, and the result
 * list as versions by recorded instant (a revocation adds a version; what an earlier `asOf` answered stays).
 */
export class Awards1795220400000 implements MigrationInterface {
  name = 'Awards1795220400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE award_edition (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        programme_code text NOT NULL,
        programme_kind text NOT NULL,
        subject_kind text NOT NULL,
        title text NOT NULL,
        year integer NOT NULL,
        rulebook jsonb NOT NULL,
        opened_on date NOT NULL,
        rounds jsonb NOT NULL,
        notice_starts_on date,
        notice_ends_on date,
        notice_total_fen bigint,
        published_on date,
        published_at timestamptz,
        total_fen bigint,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, edition_id)
      )`);
    await q.query(`
      CREATE TABLE award_entry (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        entry_id text NOT NULL,
        programme_code text NOT NULL,
        category text NOT NULL,
        channel text NOT NULL,
        subject_kind text NOT NULL,
        subject_id text NOT NULL,
        applicant_code text NOT NULL,
        builder_code text,
        specialty text NOT NULL,
        project jsonb,
        submitted_on date NOT NULL,
        status text NOT NULL,
        eligible boolean,
        checked_on date,
        eligibility jsonb,
        inspections jsonb NOT NULL,
        vote jsonb,
        vote_passed boolean,
        certificate_number text,
        grade text,
        amount_fen bigint,
        rank integer,
        awarded_on date,
        not_granted_reason text,
        revocation jsonb,
        revoked_on date,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, edition_id, entry_id)
      )`);
    await q.query(`CREATE INDEX award_entry_subject_idx ON award_entry (subject_id)`);
    await q.query(`CREATE INDEX award_entry_applicant_idx ON award_entry (applicant_code)`);
    await q.query(`
      CREATE TABLE award_panel_draw (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        entry_id text NOT NULL,
        revision integer NOT NULL,
        round_code text NOT NULL,
        kind text NOT NULL,
        replaces text,
        draw jsonb NOT NULL,
        event_id uuid NOT NULL,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (association_id, edition_id, entry_id, revision)
      )`);
    await q.query(`
      CREATE TABLE award_panel_member (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        entry_id text NOT NULL,
        round_code text NOT NULL,
        expert_id text NOT NULL,
        status text NOT NULL,
        recusal_reason text,
        items jsonb,
        weighted_total bigint,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, edition_id, entry_id, round_code, expert_id)
      )`);
    await q.query(`CREATE INDEX award_panel_member_expert_idx ON award_panel_member (association_id, expert_id)`);
    await q.query(`
      CREATE TABLE award_ranking (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        round_code text NOT NULL,
        entry_id text NOT NULL,
        category text NOT NULL,
        rank integer NOT NULL,
        score_numerator bigint NOT NULL,
        score_denominator bigint NOT NULL,
        advances boolean NOT NULL,
        grade text,
        final boolean NOT NULL,
        PRIMARY KEY (association_id, edition_id, round_code, entry_id)
      )`);
    await q.query(`
      CREATE TABLE award_result (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        entry_id text NOT NULL,
        change text NOT NULL,
        category text NOT NULL,
        rank integer NOT NULL,
        grade text,
        amount_fen bigint,
        effective_on date NOT NULL,
        recorded_at timestamptz NOT NULL,
        position text NOT NULL,
        PRIMARY KEY (association_id, edition_id, entry_id, change)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['award_result', 'award_ranking', 'award_panel_member', 'award_panel_draw', 'award_entry', 'award_edition']) await q.query(`DROP TABLE ${table}`);
  }
}
