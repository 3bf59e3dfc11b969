import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The objections to an edition's notice, one row per objection (the objector kept as the sealed envelope the event
 * holds, never in plain), with the instants the register recorded its filing and its resolution so an `asOf` answer
 * is a WHERE clause; and the rulebook versions as defined (a version never changes once written) with the editions
 * pinned to each.
 */
export class AwardObjectionsRulebooks1795220440000 implements MigrationInterface {
  name = 'AwardObjectionsRulebooks1795220440000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE award_objection (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        entry_id text NOT NULL,
        objection_id text NOT NULL,
        objector jsonb,
        grounds text NOT NULL,
        evidence_reference text,
        filed_on date NOT NULL,
        status text NOT NULL,
        reasons text,
        resolved_on date,
        filed_at timestamptz NOT NULL,
        resolved_at timestamptz,
        last_position text NOT NULL,
        PRIMARY KEY (association_id, edition_id, entry_id, objection_id)
      )`);
    await q.query(`CREATE INDEX award_objection_status_idx ON award_objection (association_id, edition_id, status)`);
    await q.query(`
      CREATE TABLE award_rulebook_version (
        association_id text NOT NULL,
        rulebook_id text NOT NULL,
        version integer NOT NULL,
        reference_number text NOT NULL,
        effective_from date NOT NULL,
        rulebook jsonb NOT NULL,
        defined_on date NOT NULL,
        defined_at timestamptz NOT NULL,
        position text NOT NULL,
        PRIMARY KEY (association_id, rulebook_id, version)
      )`);
    await q.query(`
      CREATE TABLE award_rulebook_pin (
        association_id text NOT NULL,
        rulebook_id text NOT NULL,
        edition_id text NOT NULL,
        version integer NOT NULL,
        pinned_at timestamptz NOT NULL,
        position text NOT NULL,
        PRIMARY KEY (association_id, rulebook_id, edition_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['award_rulebook_pin', 'award_rulebook_version', 'award_objection']) await q.query(`DROP TABLE ${table}`);
  }
}
