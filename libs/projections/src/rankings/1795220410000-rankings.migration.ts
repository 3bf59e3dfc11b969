import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rankings read models: methodology versions, editions, figures (every figure ever recorded; a correction is a new
 * row naming the one it replaces), objections, results (each computation and each erratum's recomputation, kept
 * whole), their entries (each candidate: ranked with its metrics and points, or excluded with its grounds) and the
 * published list versions (version 1 at publication, one more per erratum, each with the instant it was recorded,
 * so the list as it stood at any instant is answerable). Figures and points are numeric(19,4): exact, as computed.
 */
export class Rankings1795220410000 implements MigrationInterface {
  name = 'Rankings1795220410000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ranking_methodology (
        association_id text NOT NULL,
        methodology_id text NOT NULL,
        version integer NOT NULL,
        title text NOT NULL,
        reference_number text NOT NULL,
        effective_from date NOT NULL,
        content jsonb NOT NULL,
        defined_at timestamptz NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, methodology_id, version)
      )`);
    await q.query(`
      CREATE TABLE ranking_edition (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        title text NOT NULL,
        year integer NOT NULL,
        methodology_id text NOT NULL,
        methodology_version integer NOT NULL,
        methodology jsonb NOT NULL,
        cut_off_date date NOT NULL,
        opened_on date NOT NULL,
        status text NOT NULL,
        figure_count integer NOT NULL,
        computation_id integer,
        notice_starts_on date,
        notice_ends_on date,
        published_version integer,
        published_on date,
        opened_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        revision integer NOT NULL,
        last_event_id uuid NOT NULL,
        last_position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, edition_id)
      )`);
    await q.query(`
      CREATE TABLE ranking_figure (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        figure_id integer NOT NULL,
        enterprise_code text NOT NULL,
        metric text NOT NULL,
        value numeric(19,4) NOT NULL,
        previous_value numeric(19,4),
        source text NOT NULL,
        evidence_reference text NOT NULL,
        corrects integer,
        reason text,
        objection_id text,
        erratum_id text,
        recorded_on date NOT NULL,
        recorded_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, edition_id, figure_id)
      )`);
    await q.query(`CREATE INDEX ranking_figure_firm_idx ON ranking_figure (association_id, edition_id, enterprise_code)`);
    await q.query(`
      CREATE TABLE ranking_objection (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        objection_id text NOT NULL,
        enterprise_code text NOT NULL,
        grounds text NOT NULL,
        evidence_reference text,
        filed_on date NOT NULL,
        status text NOT NULL,
        reasons text,
        resolved_on date,
        last_event_id uuid NOT NULL,
        last_position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, edition_id, objection_id)
      )`);
    await q.query(`
      CREATE TABLE ranking_result (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        result_id text NOT NULL,
        kind text NOT NULL,
        computation_id integer,
        erratum_id text,
        computed_on date NOT NULL,
        methodology_version integer NOT NULL,
        listed_count integer NOT NULL,
        candidate_count integer NOT NULL,
        tie_resolutions jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, edition_id, result_id)
      )`);
    await q.query(`
      CREATE TABLE ranking_entry (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        result_id text NOT NULL,
        enterprise_code text NOT NULL,
        excluded boolean NOT NULL,
        group_code text,
        group_rank integer,
        place integer,
        listed boolean NOT NULL,
        total numeric(19,4),
        metrics jsonb NOT NULL,
        placed_by text,
        grounds jsonb NOT NULL,
        details jsonb NOT NULL,
        PRIMARY KEY (association_id, edition_id, result_id, enterprise_code)
      )`);
    await q.query(`CREATE INDEX ranking_entry_firm_idx ON ranking_entry (enterprise_code)`);
    await q.query(`
      CREATE TABLE ranking_list_version (
        association_id text NOT NULL,
        edition_id text NOT NULL,
        list_version integer NOT NULL,
        result_id text NOT NULL,
        published_on date NOT NULL,
        erratum_id text,
        erratum_reason text,
        erratum_decision jsonb,
        recorded_at timestamptz NOT NULL,
        event_id uuid NOT NULL,
        position text COLLATE "C" NOT NULL,
        PRIMARY KEY (association_id, edition_id, list_version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['ranking_list_version', 'ranking_entry', 'ranking_result', 'ranking_objection', 'ranking_figure', 'ranking_edition', 'ranking_methodology']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
