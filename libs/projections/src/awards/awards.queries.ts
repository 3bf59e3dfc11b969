import { Inject, Injectable } from '@nestjs/common';
import type { AwardRulebook, EarlierEntryFact, EditionResult, EligibilityCondition, ItemScore, PanelDrawRecord } from '#domain/awards';
import type { DecisionRecord, Fen, SealedValue } from '#domain/shared';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';
import type { AwardRoundRow } from './awards.projection.js';

export interface AwardEditionView {
  readonly associationId: string;
  readonly editionId: string;
  readonly programmeCode: string;
  readonly programmeKind: string;
  readonly subjectKind: string;
  readonly title: string;
  readonly year: number;
  readonly rulebook: AwardRulebook;
  readonly openedOn: string;
  readonly rounds: AwardRoundRow[];
  readonly noticeStartsOn: string | null;
  readonly noticeEndsOn: string | null;
  readonly noticeTotalFen: Fen | null;
  readonly publishedOn: string | null;
  readonly publishedAt: Date | null;
  readonly totalFen: Fen | null;
  /** OPEN, IN_ROUND, ON_NOTICE, PUBLISHED: what the edition is doing now. */
  readonly status: 'OPEN' | 'IN_ROUND' | 'BETWEEN_ROUNDS' | 'ON_NOTICE' | 'PUBLISHED';
}

export interface AwardVoteView {
  readonly roundCode: string;
  readonly ballot: string;
  readonly decision: DecisionRecord;
}

export interface AwardRevocationView {
  readonly grounds: string;
  readonly reason: string;
  readonly decision: DecisionRecord;
  readonly requestedOn: string | null;
  readonly approvedOn: string | null;
  readonly publishedOn: string | null;
}

export interface AwardEntryView {
  readonly associationId: string;
  readonly editionId: string;
  readonly entryId: string;
  readonly programmeCode: string;
  readonly category: string;
  readonly channel: string;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly applicantCode: string;
  readonly builderCode: string | null;
  readonly specialty: string;
  readonly project: { completedOn: string; acceptedOn: string } | null;
  readonly submittedOn: string;
  readonly status: 'SUBMITTED' | 'ELIGIBLE' | 'INELIGIBLE' | 'AWARDED' | 'NOT_AWARDED' | 'REVOKED';
  readonly eligible: boolean | null;
  readonly checkedOn: string | null;
  readonly eligibility: EligibilityCondition[] | null;
  readonly inspections: { roundCode: string; inspectorExpertId: string; reportReference: string; findings: string; passed: boolean; inspectedOn: string }[];
  readonly vote: AwardVoteView | null;
  readonly votePassed: boolean | null;
  readonly certificateNumber: string | null;
  readonly grade: string | null;
  readonly amountFen: Fen | null;
  readonly rank: number | null;
  readonly awardedOn: string | null;
  readonly notGrantedReason: string | null;
  readonly revocation: AwardRevocationView | null;
  readonly revokedOn: string | null;
}

/** One expert of an entry's panel in a round: on it or recused, and their current score (integer hundredths per item). */
export interface AwardPanelMemberView {
  readonly associationId: string;
  readonly editionId: string;
  readonly entryId: string;
  readonly roundCode: string;
  readonly expertId: string;
  readonly status: 'ON_PANEL' | 'RECUSED';
  readonly recusalReason: string | null;
  readonly items: ItemScore[] | null;
  readonly weightedTotal: number | null;
}

export interface AwardRankingView {
  readonly roundCode: string;
  readonly entryId: string;
  readonly category: string;
  readonly rank: number;
  readonly scoreNumerator: number;
  readonly scoreDenominator: number;
  readonly advances: boolean;
  readonly grade: string | null;
  readonly final: boolean;
}

export interface AwardPanelDrawView {
  readonly associationId: string;
  readonly editionId: string;
  readonly entryId: string;
  readonly revision: number;
  readonly roundCode: string;
  readonly kind: 'DRAW' | 'REPLACEMENT';
  readonly replaces: string | null;
  readonly draw: PanelDrawRecord;
  readonly recordedAt: Date;
}

/** The published result list as recorded by an instant: the entries published and not revoked by then. */
export interface AwardResultListView {
  readonly associationId: string;
  readonly editionId: string;
  readonly asOf: Date;
  readonly publishedOn: string | null;
  readonly results: EditionResult[];
  readonly totalFen: Fen;
  /** Entries revoked by `asOf`, with the day each revocation was published. */
  readonly revoked: { entryId: string; publishedOn: string }[];
}

/** One entry of a firm's or a person's award history, across editions and associations. */
export interface AwardHistoryEntryView extends AwardEntryView {
  readonly editionTitle: string;
  readonly year: number;
}

export const AWARD_OBJECTION_STATUSES = ['OPEN', 'UPHELD', 'DISMISSED'] as const;
export type AwardObjectionStatus = (typeof AWARD_OBJECTION_STATUSES)[number];

/** One objection to an edition's notice as the register had recorded it by `asOf`: a later resolution reads as OPEN. */
export interface AwardObjectionView {
  readonly associationId: string;
  readonly editionId: string;
  readonly entryId: string;
  /** The firm the entry is for: the objector is its personal data (as credit's objectors are the rated firm's). */
  readonly applicantCode: string | null;
  readonly objectionId: string;
  /** The objector's name as the event sealed it (opened, or not, by the API's personal-data layer); null when never sealed. */
  readonly objector: SealedValue | null;
  readonly grounds: string;
  readonly evidenceReference: string | null;
  readonly filedOn: string;
  readonly status: AwardObjectionStatus;
  readonly reasons: string | null;
  readonly resolvedOn: string | null;
  readonly filedAt: Date;
  readonly resolvedAt: Date | null;
}

/** An edition that runs under a rulebook version. */
export interface AwardRulebookPinView {
  readonly editionId: string;
  readonly title: string | null;
  readonly year: number | null;
  readonly pinnedAt: Date;
}

/** One version of a rulebook as defined (never changed afterwards), with the editions pinned to it. */
export interface AwardRulebookVersionView {
  readonly version: number;
  readonly referenceNumber: string;
  readonly effectiveFrom: string;
  /** The day the next version takes effect, when a later version was defined with a later effective date; else null. */
  readonly supersededOn: string | null;
  readonly definedOn: string;
  readonly definedAt: Date;
  readonly rulebook: AwardRulebook;
  readonly editions: AwardRulebookPinView[];
}

export interface AwardRulebookView {
  readonly associationId: string;
  readonly rulebookId: string;
  readonly versions: AwardRulebookVersionView[];
}

const EDITION_COLUMNS = `association_id AS "associationId", edition_id AS "editionId", programme_code AS "programmeCode", programme_kind AS "programmeKind",
  subject_kind AS "subjectKind", title, year, rulebook, to_char(opened_on, 'YYYY-MM-DD') AS "openedOn", rounds,
  to_char(notice_starts_on, 'YYYY-MM-DD') AS "noticeStartsOn", to_char(notice_ends_on, 'YYYY-MM-DD') AS "noticeEndsOn", notice_total_fen::text AS "noticeTotalFen",
  to_char(published_on, 'YYYY-MM-DD') AS "publishedOn", published_at AS "publishedAt", total_fen::text AS "totalFen"`;

const ENTRY_COLUMNS = `n.association_id AS "associationId", n.edition_id AS "editionId", n.entry_id AS "entryId", n.programme_code AS "programmeCode", n.category,
  n.channel, n.subject_kind AS "subjectKind", n.subject_id AS "subjectId", n.applicant_code AS "applicantCode", n.builder_code AS "builderCode", n.specialty,
  n.project, to_char(n.submitted_on, 'YYYY-MM-DD') AS "submittedOn", n.status, n.eligible, to_char(n.checked_on, 'YYYY-MM-DD') AS "checkedOn", n.eligibility,
  n.inspections, n.vote, n.vote_passed AS "votePassed", n.certificate_number AS "certificateNumber", n.grade, n.amount_fen::text AS "amountFen", n.rank,
  to_char(n.awarded_on, 'YYYY-MM-DD') AS "awardedOn", n.not_granted_reason AS "notGrantedReason", n.revocation, to_char(n.revoked_on, 'YYYY-MM-DD') AS "revokedOn"`;

const MEMBER_COLUMNS = `association_id AS "associationId", edition_id AS "editionId", entry_id AS "entryId", round_code AS "roundCode", expert_id AS "expertId",
  status, recusal_reason AS "recusalReason", items, weighted_total::text AS "weightedTotal"`;

const fen = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function editionOf(row: Record<string, unknown>): AwardEditionView {
  const rounds = row.rounds as AwardRoundRow[];
  const open = rounds.some((r) => r.closedOn === null);
  const status = row.publishedOn ? 'PUBLISHED' : row.noticeStartsOn ? 'ON_NOTICE' : open ? 'IN_ROUND' : rounds.length > 0 ? 'BETWEEN_ROUNDS' : 'OPEN';
  return { ...(row as unknown as AwardEditionView), noticeTotalFen: fen(row.noticeTotalFen), totalFen: fen(row.totalFen), status };
}

function entryOf(row: Record<string, unknown>): AwardEntryView {
  return { ...(row as unknown as AwardEntryView), amountFen: fen(row.amountFen) };
}

/** An objection's state as recorded by `$asOf` (the statement's parameter): filed by then, resolved by then or still open. */
const OBJECTION_AS_OF = `SELECT b.association_id AS "associationId", b.edition_id AS "editionId", b.entry_id AS "entryId", n.applicant_code AS "applicantCode",
    b.objection_id AS "objectionId", b.objector, b.grounds, b.evidence_reference AS "evidenceReference", to_char(b.filed_on, 'YYYY-MM-DD') AS "filedOn",
    CASE WHEN b.resolved_at <= $3 THEN b.status ELSE 'OPEN' END AS status,
    CASE WHEN b.resolved_at <= $3 THEN b.reasons END AS reasons,
    CASE WHEN b.resolved_at <= $3 THEN to_char(b.resolved_on, 'YYYY-MM-DD') END AS "resolvedOn",
    b.filed_at AS "filedAt", CASE WHEN b.resolved_at <= $3 THEN b.resolved_at END AS "resolvedAt"
  FROM award_objection b LEFT JOIN award_entry n ON n.association_id = b.association_id AND n.edition_id = b.edition_id AND n.entry_id = b.entry_id
  WHERE b.association_id = $1 AND b.edition_id = $2 AND b.filed_at <= $3`;

/** Reads of the awards read model, for the API and for the facts of awards decisions. */
@Injectable()
export class AwardQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async editions(associationId: string): Promise<AwardEditionView[]> {
    const rows = (await this.dataSource.query(`SELECT ${EDITION_COLUMNS} FROM award_edition WHERE association_id = $1 ORDER BY year DESC, edition_id`, [associationId])) as Record<
      string,
      unknown
    >[];
    return rows.map(editionOf);
  }

  async edition(associationId: string, editionId: string): Promise<AwardEditionView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${EDITION_COLUMNS} FROM award_edition WHERE association_id = $1 AND edition_id = $2`, [associationId, editionId])) as Record<
      string,
      unknown
    >[];
    return row ? editionOf(row) : null;
  }

  async entry(associationId: string, editionId: string, entryId: string): Promise<AwardEntryView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM award_entry n WHERE n.association_id = $1 AND n.edition_id = $2 AND n.entry_id = $3`, [
      associationId,
      editionId,
      entryId,
    ])) as Record<string, unknown>[];
    return row ? entryOf(row) : null;
  }

  /**
   * An edition's entries by entry id; `expertId` narrows them to the entries the expert is (or was) on the panel of,
   * `applicantCode` to one firm's.
   */
  async entries(
    associationId: string,
    editionId: string,
    filter: { readonly expertId?: string | null; readonly applicantCode?: string | null },
    first = 100,
    after?: string | null,
  ): Promise<Page<AwardEntryView>> {
    const cursor = decodeCursor(after, 1);
    const values: unknown[] = [associationId, editionId];
    const conditions = ['n.association_id = $1', 'n.edition_id = $2'];
    if (filter.expertId) {
      conditions.push(
        `EXISTS (SELECT 1 FROM award_panel_member m WHERE m.association_id = n.association_id AND m.edition_id = n.edition_id AND m.entry_id = n.entry_id AND m.expert_id = $${values.push(filter.expertId)})`,
      );
    }
    if (filter.applicantCode) conditions.push(`(n.applicant_code = $${values.push(filter.applicantCode)} OR n.subject_id = $${values.length})`);
    const counted = conditions.join(' AND ');
    const countValues = [...values];
    if (cursor) conditions.push(`n.entry_id > $${values.push(cursor[0])}`);
    const limit = `$${values.push(first + 1)}`;
    const [rows, count] = await Promise.all([
      this.dataSource.query(`SELECT ${ENTRY_COLUMNS} FROM award_entry n WHERE ${conditions.join(' AND ')} ORDER BY n.entry_id LIMIT ${limit}`, values) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM award_entry n WHERE ${counted}`, countValues) as Promise<{ n: number }[]>,
    ]);
    return toPage(rows, first, count[0]!.n, cursor !== null, (e) => encodeCursor([e.entryId as string]), entryOf);
  }

  /** Every entry id of an edition, in entry-id order: what ranking, notice and publication fold. */
  async entryIds(associationId: string, editionId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT entry_id FROM award_entry WHERE association_id = $1 AND edition_id = $2 ORDER BY entry_id`, [associationId, editionId])) as {
      entry_id: string;
    }[];
    return rows.map((r) => r.entry_id);
  }

  /** The panel members of the entries asked for, by round then expert id (recused members too). */
  async panelMembers(associationId: string, editionId: string, entryIds: readonly string[]): Promise<AwardPanelMemberView[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${MEMBER_COLUMNS} FROM award_panel_member WHERE association_id = $1 AND edition_id = $2 AND entry_id = ANY($3::text[]) ORDER BY entry_id, round_code, expert_id`,
      [associationId, editionId, entryIds],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({ ...(r as unknown as AwardPanelMemberView), weightedTotal: fen(r.weightedTotal) }));
  }

  /** Every draw of an entry (the first of each round, then each replacement), in stream order. */
  async panelDraws(associationId: string, editionId: string, entryId: string | null): Promise<AwardPanelDrawView[]> {
    return (await this.dataSource.query(
      `SELECT association_id AS "associationId", edition_id AS "editionId", entry_id AS "entryId", revision, round_code AS "roundCode", kind, replaces, draw,
         recorded_at AS "recordedAt"
       FROM award_panel_draw WHERE association_id = $1 AND edition_id = $2 AND ($3::text IS NULL OR entry_id = $3) ORDER BY entry_id, revision`,
      [associationId, editionId, entryId],
    )) as AwardPanelDrawView[];
  }

  /** A round's ranking, by category then rank. */
  async ranking(associationId: string, editionId: string, roundCode: string): Promise<AwardRankingView[]> {
    const rows = (await this.dataSource.query(
      `SELECT round_code AS "roundCode", entry_id AS "entryId", category, rank, score_numerator::text AS "scoreNumerator", score_denominator::text AS "scoreDenominator",
         advances, grade, final
       FROM award_ranking WHERE association_id = $1 AND edition_id = $2 AND round_code = $3 ORDER BY category, rank`,
      [associationId, editionId, roundCode],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({ ...(r as unknown as AwardRankingView), scoreNumerator: Number(r.scoreNumerator), scoreDenominator: Number(r.scoreDenominator) }));
  }

  /**
   * The published result list as the register had recorded it by `asOf`: each entry's latest change recorded by then
   * (its publication, or its revocation), the revoked ones left out of the list. A revocation recorded later does
   * not change what an earlier `asOf` answers.
   */
  async publishedResults(associationId: string, editionId: string, asOf: Date): Promise<AwardResultListView> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (entry_id) entry_id AS "entryId", change, category, rank, grade, amount_fen::text AS "amountFen", to_char(effective_on, 'YYYY-MM-DD') AS "effectiveOn"
       FROM award_result WHERE association_id = $1 AND edition_id = $2 AND recorded_at <= $3
       ORDER BY entry_id, position DESC`,
      [associationId, editionId, asOf],
    )) as { entryId: string; change: string; category: string; rank: number; grade: string | null; amountFen: string | null; effectiveOn: string }[];
    const edition = await this.edition(associationId, editionId);
    const order = new Map((edition?.rulebook.categories ?? []).map((c, i) => [c.code, i]));
    const results = rows
      .filter((r) => r.change === 'PUBLISHED')
      .map((r) => ({ entryId: r.entryId, category: r.category, rank: r.rank, grade: r.grade, amountFen: fen(r.amountFen) }))
      .sort((a, b) => (order.get(a.category) ?? 0) - (order.get(b.category) ?? 0) || a.rank - b.rank);
    const published = rows.find((r) => r.change === 'PUBLISHED');
    return {
      associationId,
      editionId,
      asOf,
      publishedOn: published && edition?.publishedAt && edition.publishedAt <= asOf ? edition.publishedOn : null,
      results,
      totalFen: results.reduce((sum, r) => sum + (r.amountFen ?? 0), 0),
      revoked: rows.filter((r) => r.change === 'REVOKED').map((r) => ({ entryId: r.entryId, publishedOn: r.effectiveOn })),
    };
  }

  /** A firm's or a person's entries in every edition of every association: as subject, applicant or builder. */
  async awardHistory(subjectId: string): Promise<AwardHistoryEntryView[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${ENTRY_COLUMNS}, e.title AS "editionTitle", e.year
       FROM award_entry n JOIN award_edition e ON e.association_id = n.association_id AND e.edition_id = n.edition_id
       WHERE n.subject_id = $1 OR n.applicant_code = $1 OR n.builder_code = $1
       ORDER BY e.year DESC, n.association_id, n.edition_id, n.entry_id`,
      [subjectId],
    )) as Record<string, unknown>[];
    return rows.map((r) => ({ ...entryOf(r), editionTitle: r.editionTitle as string, year: r.year as number }));
  }

  /** The subject's entries in the association's other editions of the programme, and how each ended (NO_BARRED_REENTRY). */
  async earlierEntries(associationId: string, programmeCode: string, subjectId: string, editionId: string): Promise<EarlierEntryFact[]> {
    const rows = (await this.dataSource.query(
      `SELECT edition_id AS "editionId", entry_id AS "entryId", status FROM award_entry
       WHERE association_id = $1 AND programme_code = $2 AND subject_id = $3 AND edition_id <> $4 AND status IN ('AWARDED', 'NOT_AWARDED', 'REVOKED', 'INELIGIBLE')
       ORDER BY edition_id, entry_id`,
      [associationId, programmeCode, subjectId, editionId],
    )) as { editionId: string; entryId: string; status: string }[];
    return rows.map((r) => ({ editionId: r.editionId, entryId: r.entryId, outcome: r.status === 'AWARDED' ? 'AWARDED' : r.status === 'REVOKED' ? 'REVOKED' : 'NOT_AWARDED' }));
  }

  /**
   * An edition's objections as recorded by `asOf`, by entry then objection id; `status` and `entryId` narrow them.
   * A resolution recorded after `asOf` does not count: the objection reads OPEN then.
   */
  async objections(
    associationId: string,
    editionId: string,
    filter: { readonly status?: AwardObjectionStatus | null; readonly entryId?: string | null; readonly asOf: Date },
    first = 100,
    after?: string | null,
  ): Promise<Page<AwardObjectionView>> {
    const cursor = decodeCursor(after, 2);
    const values: unknown[] = [associationId, editionId, filter.asOf];
    const conditions: string[] = [];
    if (filter.status) conditions.push(`o.status = $${values.push(filter.status)}`);
    if (filter.entryId) conditions.push(`o."entryId" = $${values.push(filter.entryId)}`);
    const counted = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const countValues = [...values];
    if (cursor) conditions.push(`(o."entryId", o."objectionId") > ($${values.push(cursor[0])}, $${values.push(cursor[1])})`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const limit = `$${values.push(first + 1)}`;
    const [rows, count] = await Promise.all([
      this.dataSource.query(`SELECT * FROM (${OBJECTION_AS_OF}) o ${where} ORDER BY o."entryId", o."objectionId" LIMIT ${limit}`, values) as Promise<AwardObjectionView[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM (${OBJECTION_AS_OF}) o ${counted}`, countValues) as Promise<{ n: number }[]>,
    ]);
    return toPage(rows, first, count[0]!.n, cursor !== null, (o) => encodeCursor([o.entryId, o.objectionId]), (o) => o);
  }

  /** The objections of the entries asked for as recorded now, by entry then objection id. */
  async objectionsOf(associationId: string, editionId: string, entryIds: readonly string[], asOf: Date): Promise<AwardObjectionView[]> {
    return (await this.dataSource.query(`SELECT * FROM (${OBJECTION_AS_OF}) o WHERE o."entryId" = ANY($4::text[]) ORDER BY o."entryId", o."objectionId"`, [
      associationId,
      editionId,
      asOf,
      entryIds,
    ])) as AwardObjectionView[];
  }

  /** The association's rulebooks, each with every version and the editions pinned to it, by rulebook id. */
  async rulebooks(associationId: string): Promise<AwardRulebookView[]> {
    return this.rulebooksWhere(associationId, null);
  }

  async rulebook(associationId: string, rulebookId: string): Promise<AwardRulebookView | null> {
    return (await this.rulebooksWhere(associationId, rulebookId))[0] ?? null;
  }

  private async rulebooksWhere(associationId: string, rulebookId: string | null): Promise<AwardRulebookView[]> {
    const [versions, pins] = await Promise.all([
      this.dataSource.query(
        `SELECT rulebook_id AS "rulebookId", version, reference_number AS "referenceNumber", to_char(effective_from, 'YYYY-MM-DD') AS "effectiveFrom",
           to_char(defined_on, 'YYYY-MM-DD') AS "definedOn", defined_at AS "definedAt", rulebook
         FROM award_rulebook_version WHERE association_id = $1 AND ($2::text IS NULL OR rulebook_id = $2) ORDER BY rulebook_id, version`,
        [associationId, rulebookId],
      ) as Promise<(Omit<AwardRulebookVersionView, 'supersededOn' | 'editions'> & { rulebookId: string })[]>,
      this.dataSource.query(
        `SELECT p.rulebook_id AS "rulebookId", p.version, p.edition_id AS "editionId", e.title, e.year, p.pinned_at AS "pinnedAt"
         FROM award_rulebook_pin p LEFT JOIN award_edition e ON e.association_id = p.association_id AND e.edition_id = p.edition_id
         WHERE p.association_id = $1 AND ($2::text IS NULL OR p.rulebook_id = $2) ORDER BY p.rulebook_id, p.version, p.edition_id`,
        [associationId, rulebookId],
      ) as Promise<(AwardRulebookPinView & { rulebookId: string; version: number })[]>,
    ]);
    const byRulebook = new Map<string, AwardRulebookVersionView[]>();
    for (const { rulebookId: id, ...v } of versions) {
      const editions = pins.filter((p) => p.rulebookId === id && p.version === v.version).map(({ editionId, title, year, pinnedAt }) => ({ editionId, title, year, pinnedAt }));
      const list = byRulebook.get(id) ?? [];
      list.push({ ...v, supersededOn: null, editions });
      byRulebook.set(id, list);
    }
    return [...byRulebook].map(([id, list]) => ({
      associationId,
      rulebookId: id,
      // A version gives way to the first later version that takes effect after it.
      versions: list.map((v, i) => ({ ...v, supersededOn: list.slice(i + 1).find((later) => later.effectiveFrom > v.effectiveFrom)?.effectiveFrom ?? null })),
    }));
  }
}
