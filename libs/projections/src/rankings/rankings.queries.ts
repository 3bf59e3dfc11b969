import { Inject, Injectable } from '@nestjs/common';
import type { DecisionRecord } from '#domain/shared';
import type { MethodologyVersion, MetricScore, PlacedBy } from '#domain/rankings';
import { DataSource } from 'typeorm';

export interface RankingMethodologyView extends MethodologyVersion {
  readonly definedAt: Date;
}

export interface RankingEditionView {
  readonly associationId: string;
  readonly editionId: string;
  readonly title: string;
  readonly year: number;
  readonly methodology: MethodologyVersion;
  readonly cutOffDate: string;
  readonly openedOn: string;
  /** OPEN (figures, or computed again after an upheld objection), COMPUTED, IN_NOTICE, PUBLISHED. */
  readonly status: string;
  readonly figureCount: number;
  readonly computationId: number | null;
  readonly noticeStartsOn: string | null;
  readonly noticeEndsOn: string | null;
  readonly publishedVersion: number | null;
  readonly publishedOn: string | null;
  readonly updatedAt: Date;
}

/** One candidate of a result: ranked (group, rank, place, metrics and points, what placed it) or excluded with its grounds. */
export interface RankingEntryView {
  readonly enterpriseCode: string;
  readonly excluded: boolean;
  readonly groupCode: string | null;
  readonly groupRank: number | null;
  readonly place: number | null;
  readonly listed: boolean;
  readonly total: string | null;
  readonly metrics: readonly MetricScore[];
  readonly placedBy: PlacedBy | null;
  readonly grounds: readonly string[];
  readonly details: readonly string[];
}

/** A result of an edition (a computation, or an erratum's recomputation) and, once published, its list version. */
export interface RankingResultView {
  readonly associationId: string;
  readonly editionId: string;
  readonly resultId: string;
  readonly kind: 'COMPUTATION' | 'ERRATUM';
  readonly computationId: number | null;
  readonly erratumId: string | null;
  readonly computedOn: string;
  readonly methodologyVersion: number;
  readonly listedCount: number;
  readonly candidateCount: number;
  readonly recordedAt: Date;
  /** Null while not published. */
  readonly listVersion: number | null;
  readonly publishedOn: string | null;
  readonly publishedAt: Date | null;
  readonly erratumReason: string | null;
  readonly erratumDecision: DecisionRecord | null;
}

export interface RankingFigureView {
  readonly figureId: number;
  readonly enterpriseCode: string;
  readonly metric: string;
  readonly value: string;
  readonly previousValue: string | null;
  readonly source: string;
  readonly evidenceReference: string;
  readonly corrects: number | null;
  readonly supersededBy: number | null;
  readonly reason: string | null;
  readonly objectionId: string | null;
  readonly erratumId: string | null;
  readonly recordedOn: string;
  readonly recordedAt: Date;
}

export interface RankingObjectionView {
  readonly objectionId: string;
  readonly enterpriseCode: string;
  readonly grounds: string;
  readonly evidenceReference: string | null;
  readonly filedOn: string;
  readonly status: string;
  readonly reasons: string | null;
  readonly resolvedOn: string | null;
}

/** A firm in one published edition, as the list stood at the instant asked about. */
export interface RankingHistoryEntryView extends RankingEntryView {
  readonly associationId: string;
  readonly editionId: string;
  readonly title: string;
  readonly year: number;
  readonly listVersion: number;
  readonly publishedOn: string;
}

/** Why a firm stands where it stands: its entry against its neighbours in the group, and the rule that placed each. */
export interface RankingExplanationView {
  readonly result: RankingResultView;
  readonly methodology: MethodologyVersion;
  readonly entry: RankingEntryView;
  readonly above: RankingEntryView | null;
  readonly below: RankingEntryView | null;
  readonly summary: string;
}

const RESULT_COLUMNS = `r.association_id AS "associationId", r.edition_id AS "editionId", r.result_id AS "resultId", r.kind,
  r.computation_id AS "computationId", r.erratum_id AS "erratumId", r.computed_on::text AS "computedOn", r.methodology_version AS "methodologyVersion",
  r.listed_count AS "listedCount", r.candidate_count AS "candidateCount", r.recorded_at AS "recordedAt", lv.list_version AS "listVersion",
  lv.published_on::text AS "publishedOn", lv.recorded_at AS "publishedAt", lv.erratum_reason AS "erratumReason", lv.erratum_decision AS "erratumDecision"`;

const ENTRY_COLUMNS = `e.enterprise_code AS "enterpriseCode", e.excluded, e.group_code AS "groupCode", e.group_rank AS "groupRank", e.place,
  e.listed, e.total::text AS total, e.metrics, e.placed_by AS "placedBy", e.grounds, e.details`;

const EDITION_COLUMNS = `association_id AS "associationId", edition_id AS "editionId", title, year, methodology, cut_off_date::text AS "cutOffDate",
  opened_on::text AS "openedOn", status, figure_count AS "figureCount", computation_id AS "computationId", notice_starts_on::text AS "noticeStartsOn",
  notice_ends_on::text AS "noticeEndsOn", published_version AS "publishedVersion", published_on::text AS "publishedOn", updated_at AS "updatedAt"`;

/** Reads of the rankings read models. `asOf` (an instant) answers as the register stood then: what was recorded by it. */
@Injectable()
export class RankingsQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async methodologies(associationId: string, methodologyId: string | null): Promise<RankingMethodologyView[]> {
    const rows = (await this.dataSource.query(
      `SELECT content, defined_at FROM ranking_methodology WHERE association_id = $1 AND ($2::text IS NULL OR methodology_id = $2)
        ORDER BY methodology_id, version`,
      [associationId, methodologyId],
    )) as { content: MethodologyVersion; defined_at: Date }[];
    return rows.map((r) => ({ ...r.content, definedAt: r.defined_at }));
  }

  /** Editions of the association; with `publishedOnly`, those with a list published by `asOf`. */
  async editions(associationId: string, publishedOnly: boolean, asOf: Date | null): Promise<RankingEditionView[]> {
    return this.dataSource.query(
      `SELECT ${EDITION_COLUMNS} FROM ranking_edition ed
        WHERE association_id = $1 AND ($3::timestamptz IS NULL OR opened_at <= $3)
          AND (NOT $2 OR EXISTS (SELECT 1 FROM ranking_list_version lv WHERE lv.association_id = ed.association_id AND lv.edition_id = ed.edition_id
                                  AND ($3::timestamptz IS NULL OR lv.recorded_at <= $3)))
        ORDER BY year DESC, edition_id`,
      [associationId, publishedOnly, asOf],
    );
  }

  async edition(associationId: string, editionId: string): Promise<RankingEditionView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${EDITION_COLUMNS} FROM ranking_edition WHERE association_id = $1 AND edition_id = $2`, [
      associationId,
      editionId,
    ])) as RankingEditionView[];
    return row ?? null;
  }

  /**
   * The result the edition stood on at `asOf` (null: now): with `publishedOnly`, the list version in force then (the
   * publication, or the latest erratum recorded by then); otherwise the latest result recorded by then, published or not.
   */
  async result(associationId: string, editionId: string, publishedOnly: boolean, asOf: Date | null): Promise<RankingResultView | null> {
    const sql = publishedOnly
      ? `SELECT ${RESULT_COLUMNS} FROM ranking_list_version lv
           JOIN ranking_result r ON r.association_id = lv.association_id AND r.edition_id = lv.edition_id AND r.result_id = lv.result_id
          WHERE lv.association_id = $1 AND lv.edition_id = $2 AND ($3::timestamptz IS NULL OR lv.recorded_at <= $3)
          ORDER BY lv.list_version DESC LIMIT 1`
      : `SELECT ${RESULT_COLUMNS} FROM ranking_result r
           LEFT JOIN LATERAL (SELECT * FROM ranking_list_version l WHERE l.association_id = r.association_id AND l.edition_id = r.edition_id
                               AND l.result_id = r.result_id AND ($3::timestamptz IS NULL OR l.recorded_at <= $3)
                               ORDER BY l.list_version DESC LIMIT 1) lv ON true
          WHERE r.association_id = $1 AND r.edition_id = $2 AND ($3::timestamptz IS NULL OR r.recorded_at <= $3)
          ORDER BY r.position DESC LIMIT 1`;
    const [row] = (await this.dataSource.query(sql, [associationId, editionId, asOf])) as RankingResultView[];
    return row ?? null;
  }

  /** A result's entries: ranked ones by place, then the excluded by code; `listedOnly` keeps the list itself. */
  entries(result: Pick<RankingResultView, 'associationId' | 'editionId' | 'resultId'>, listedOnly: boolean): Promise<RankingEntryView[]> {
    return this.dataSource.query(
      `SELECT ${ENTRY_COLUMNS} FROM ranking_entry e
        WHERE e.association_id = $1 AND e.edition_id = $2 AND e.result_id = $3 AND (NOT $4 OR e.listed)
        ORDER BY e.excluded, e.place, e.enterprise_code`,
      [result.associationId, result.editionId, result.resultId, listedOnly],
    );
  }

  /** Figures of the edition (one firm's, or every firm's); `currentOnly` leaves out those a correction replaced. */
  async figures(associationId: string, editionId: string, enterpriseCode: string | null, currentOnly: boolean): Promise<RankingFigureView[]> {
    return this.dataSource.query(
      `SELECT f.figure_id AS "figureId", f.enterprise_code AS "enterpriseCode", f.metric, f.value::text AS value, f.previous_value::text AS "previousValue",
         f.source, f.evidence_reference AS "evidenceReference", f.corrects, s.figure_id AS "supersededBy", f.reason, f.objection_id AS "objectionId",
         f.erratum_id AS "erratumId", f.recorded_on::text AS "recordedOn", f.recorded_at AS "recordedAt"
       FROM ranking_figure f
       LEFT JOIN ranking_figure s ON s.association_id = f.association_id AND s.edition_id = f.edition_id AND s.corrects = f.figure_id
       WHERE f.association_id = $1 AND f.edition_id = $2 AND ($3::text IS NULL OR f.enterprise_code = $3) AND (NOT $4 OR s.figure_id IS NULL)
       ORDER BY f.enterprise_code, f.metric, f.figure_id`,
      [associationId, editionId, enterpriseCode, currentOnly],
    );
  }

  objections(associationId: string, editionId: string): Promise<RankingObjectionView[]> {
    return this.dataSource.query(
      `SELECT objection_id AS "objectionId", enterprise_code AS "enterpriseCode", grounds, evidence_reference AS "evidenceReference",
         filed_on::text AS "filedOn", status, reasons, resolved_on::text AS "resolvedOn"
       FROM ranking_objection WHERE association_id = $1 AND edition_id = $2 ORDER BY filed_on, objection_id`,
      [associationId, editionId],
    );
  }

  /** The firm in every published edition (of every association), each as its list stood at `asOf`, latest edition first. */
  async firmHistory(enterpriseCode: string, asOf: Date | null): Promise<RankingHistoryEntryView[]> {
    return this.dataSource.query(
      `SELECT ed.association_id AS "associationId", ed.edition_id AS "editionId", ed.title, ed.year, lv.list_version AS "listVersion",
         lv.published_on::text AS "publishedOn", ${ENTRY_COLUMNS}
       FROM ranking_edition ed
       CROSS JOIN LATERAL (SELECT * FROM ranking_list_version l WHERE l.association_id = ed.association_id AND l.edition_id = ed.edition_id
                            AND ($2::timestamptz IS NULL OR l.recorded_at <= $2) ORDER BY l.list_version DESC LIMIT 1) lv
       JOIN ranking_entry e ON e.association_id = lv.association_id AND e.edition_id = lv.edition_id AND e.result_id = lv.result_id AND e.enterprise_code = $1
       ORDER BY ed.year DESC, ed.association_id, ed.edition_id`,
      [enterpriseCode, asOf],
    );
  }

  /** Why the firm stands where it does in the result in force at `asOf` (published only, or the latest), or null when it is no candidate. */
  async explanation(associationId: string, editionId: string, enterpriseCode: string, publishedOnly: boolean, asOf: Date | null): Promise<RankingExplanationView | null> {
    const [result, edition] = await Promise.all([this.result(associationId, editionId, publishedOnly, asOf), this.edition(associationId, editionId)]);
    if (!result || !edition) return null;
    const rows = (await this.dataSource.query(
      `WITH firm AS (SELECT * FROM ranking_entry WHERE association_id = $1 AND edition_id = $2 AND result_id = $3 AND enterprise_code = $4)
       SELECT ${ENTRY_COLUMNS}, CASE WHEN e.enterprise_code = $4 THEN 'entry' WHEN e.place < firm.place THEN 'above' ELSE 'below' END AS "role"
         FROM ranking_entry e, firm
        WHERE e.association_id = $1 AND e.edition_id = $2 AND e.result_id = $3
          AND (e.enterprise_code = $4 OR (NOT firm.excluded AND e.group_code = firm.group_code AND e.place IN (firm.place - 1, firm.place + 1)))`,
      [associationId, editionId, result.resultId, enterpriseCode],
    )) as (RankingEntryView & { role: 'entry' | 'above' | 'below' })[];
    const strip = (role: string) => {
      const row = rows.find((r) => r.role === role);
      if (!row) return null;
      const { role: _role, ...entry } = row;
      return entry;
    };
    const entry = strip('entry');
    if (!entry) return null;
    const above = strip('above');
    const below = strip('below');
    return { result, methodology: edition.methodology, entry, above, below, summary: summarise(edition.methodology, entry, above, below) };
  }
}

function placedBySentence(placedBy: PlacedBy | null): string {
  if (placedBy === null) return '';
  if (placedBy === 'TOTAL') return 'by the total';
  if (placedBy === 'DECISION') return 'on a tie, by the order decided';
  if (placedBy === 'CREDIT_CODE') return 'on a full tie, by credit code';
  if (placedBy === 'TIED') return 'tied (below the list, sharing the rank)';
  return `on an equal total, by the tie-break metric ${placedBy.slice('METRIC:'.length)}`;
}

/** One paragraph a firm can read: where it stands and what put it there. */
function summarise(methodology: MethodologyVersion, entry: RankingEntryView, above: RankingEntryView | null, below: RankingEntryView | null): string {
  if (entry.excluded) return `${entry.enterpriseCode} is not ranked: ${entry.details.join(' ')}`;
  const group = methodology.groups.find((g) => g.code === entry.groupCode);
  const parts = [
    `${entry.enterpriseCode} ranks ${entry.groupRank} in group ${entry.groupCode} (${group?.listSize ?? '?'} listed) with ${entry.total} points; it is ${entry.listed ? '' : 'not '}on the list.`,
  ];
  if (above) parts.push(`${above.enterpriseCode} above it (${above.total}) is placed ahead ${placedBySentence(entry.placedBy)}.`);
  if (below) parts.push(`${below.enterpriseCode} below it (${below.total}) is placed behind ${placedBySentence(below.placedBy)}.`);
  return parts.join(' ');
}
