import { Inject, Injectable } from '@nestjs/common';
import {
  type AppliedVeto,
  computeGrade,
  conductRecordKey,
  creditApplicationStreamId,
  creditConductStreamId,
  type DynamicRule,
  type GradeComputation,
  type GradeThreshold,
  type Indicator,
  type IndicatorScore,
  type RulebookVersion,
  type ScoringBody,
  type VetoRule,
} from '#domain/credit';
import { businessDate, normaliseCreditCode } from '#domain/shared';
import { DataSource } from 'typeorm';
import { businessDateOf } from '../audit/business-date.js';
import { preparedQuery } from '../data-source.js';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

export interface CreditCycleKey {
  readonly associationId: string;
  readonly cycleId: string;
}

/** A rulebook version as it was defined, with the cycles pinned to it. */
export interface CreditRulebookView extends Omit<RulebookVersion, 'indicators' | 'thresholds' | 'vetoRules' | 'dynamicRules'> {
  indicators: Indicator[];
  thresholds: GradeThreshold[];
  vetoRules: VetoRule[];
  dynamicRules: DynamicRule[];
  pinnedBy: string[];
}

export interface CreditScorerView {
  scorerId: string;
  body: ScoringBody;
  employerCode: string | null;
  /** The expert of the pool the scorer is, or null for a staff scorer. */
  expertId: string | null;
}

/** Applications with one proposed grade (null: none), or not graded yet (`underReview`). */
export interface CreditGradeCountView {
  grade: string | null;
  underReview: boolean;
  count: number;
}

/** Issued ratings with one grade and one status now. */
export interface CreditRatingStatusCountView {
  grade: string;
  status: string;
  inForce: boolean;
  count: number;
}

export interface CreditCycleView {
  associationId: string;
  cycleId: string;
  title: string;
  rulebookId: string;
  rulebookVersion: number;
  /** ISO dates. */
  assessmentFrom: string;
  assessmentTo: string;
  filingFrom: string;
  filingTo: string;
  eligibility: string;
  status: string;
  scorers: CreditScorerView[];
  applicationCount: number;
  gradeDistribution: CreditGradeCountView[];
  ratingCount: number;
  ratingsByStatus: CreditRatingStatusCountView[];
  ratingsInForce: number;
  ratedDistribution: CreditGradeCountView[];
}

/** A recorded indicator score, with the indicator's name where the reader has it. */
export interface CreditIndicatorScoreView extends IndicatorScore {
  name: string | null;
}

/** An application and the rating it led to, as they stand now. */
export interface CreditApplicationView {
  associationId: string;
  cycleId: string;
  subjectId: string;
  subjectKind: string;
  member: boolean;
  rulebookId: string;
  rulebookVersion: number;
  status: string;
  filedOn: string;
  selfAssessment: { code: string; points: number }[];
  scores: CreditIndicatorScoreView[];
  totalPoints: number | null;
  computedGrade: string | null;
  grade: string | null;
  overridePending: unknown;
  noticeStartsOn: string | null;
  noticeEndsOn: string | null;
  openObjections: number;
  objections: unknown[];
  certificateNumber: string | null;
  ratingGrade: string | null;
  /** ACTIVE, SUSPENDED, REVOKED or EXPIRED (an active rating past its valid-to is expired). */
  ratingStatus: string | null;
  validFrom: string | null;
  validTo: string | null;
}

/** A rating as the register held it at an instant. */
export interface CreditRatingView {
  associationId: string;
  cycleId: string;
  subjectId: string;
  grade: string;
  status: string;
  inForce: boolean;
  certificateNumber: string;
  validFrom: string;
  validTo: string;
  effectiveFrom: string;
  recordedAt: Date;
  changedBy: string;
  recordId: string | null;
  rule: string | null;
  rulebookId: string;
  rulebookVersion: number;
}

/** What the register knew of one subject of a look-up at its instant. */
export interface CreditSubjectLookupView {
  /** The subject as asked for. */
  subjectId: string;
  /** The subject normalised (trimmed, upper case), as the register writes codes. */
  code: string;
  asOf: Date;
  /** The business date (YYYY-MM-DD) the answer is for, as the register knew it at `asOf`. */
  effectiveAt: string;
  /** The code was in the enterprise register at `asOf`. */
  registered: boolean;
  /** No enterprise is registered under the code, and it is a person's register id (registered by `asOf`, or applied to a cycle). */
  person: boolean;
  /** The firm's name at `asOf`; null when not asked for, not registered, or a person (whose name is personal). */
  enterpriseName: string | null;
  ratings: CreditRatingView[];
  inForce: boolean;
}

/** One step of a credit history: the recorded event, who did it, on what authority, rule version and evidence. */
export interface CreditHistoryStepView {
  position: string;
  streamId: string;
  revision: number;
  type: string;
  recordedAt: Date;
  /** The business date the step took effect (its data's effective date; else the day it was recorded, in China). */
  effectiveOn: string;
  actor: { userId: string; role: string; associationId: string | null };
  authority: string | null;
  ruleVersion: string | null;
  evidence: string[];
  data: Record<string, unknown>;
  hash: string;
}

export interface CreditGradeRecomputationView {
  totalPoints: number;
  thresholdGrade: string | null;
  grade: string | null;
}

/** Why an application got its grade, with a recomputation from the recorded inputs. */
export interface CreditExplanationView {
  associationId: string;
  cycleId: string;
  subjectId: string;
  rulebookId: string;
  rulebookVersion: number;
  referenceNumber: string | null;
  indicators: CreditIndicatorScoreView[];
  thresholds: GradeThreshold[];
  vetoes: AppliedVeto[];
  recorded: CreditGradeRecomputationView;
  recomputed: CreditGradeRecomputationView;
  recomputationMatches: boolean;
  override: unknown;
  proposedGrade: string | null;
  issuedGrade: string | null;
  ratingGradeNow: string | null;
}

export interface CreditConductRecordView {
  /** null: recorded before records carried one, by no association. */
  associationId: string | null;
  subjectId: string;
  recordId: string;
  code: string;
  kind: string;
  severity: string;
  occurredOn: string;
  sourceAuthority: string;
  disclosureMonths: number;
  penaltyMonths: number | null;
  disclosureUntil: string;
  evidenceReference: string;
  description: string;
  shortened: unknown;
  recordedAt: Date;
}

type Row = Record<string, unknown>;

/** Rating statuses under which a rating is still in force (not yet expired, revoked or withdrawn). */
const VALID_RATING = `rating_status IN ('ACTIVE', 'SUSPENDED')`;

/**
 * Each distinct subject asked for, with its registration at `$2` and name and ratings as recorded by `$2` for business
 * day `$3`, and, for a code no enterprise is registered under, whether it is a person's register id (registered by
 * then, or applied to a cycle); one row per rating, or one row of nulls. A rating is its latest change recorded by `$2`
 * whose business date is on or before `$3`; its grade and status are each taken from the latest such change that set
 * them, so that a change recorded later but back-dated does not carry a grade or status not yet in effect on `$3`
 * (a reinstatement dated before an intervening downgrade; a downgrade, which leaves the status as it was).
 * Ratings and names are each one index range scan for all the subjects at once
 * (`credit_rating_history (subject_id, …)`, `enterprise_name (code, revision)`), registrations one primary-key
 * probe each. Names are read only when `$4` says the client asked for them (a tender system's look-up at bid opening
 * usually does not). Sent as a prepared statement: planning it costs about as much as running it.
 */
const SUBJECT_LOOKUP_SQL = `
  WITH rating AS (
    SELECT DISTINCT ON (h.subject_id, h.association_id, h.cycle_id) h.*
    FROM credit_rating_history h
    WHERE h.subject_id = ANY($1::text[]) AND h.recorded_at <= $2 AND h.effective_from <= $3::date
    ORDER BY h.subject_id, h.association_id, h.cycle_id, h.revision DESC
  ), name AS (
    SELECT DISTINCT ON (en.code) en.code, en.name
    FROM enterprise_name en
    WHERE $4::boolean AND en.code = ANY($1::text[]) AND en.recorded_at <= $2 AND (en.effective_from IS NULL OR en.effective_from <= $3::date)
    ORDER BY en.code, en.revision DESC
  )
  SELECT w.subject_id, e.code IS NOT NULL AS registered, n.name AS enterprise_name,
    (e.code IS NULL AND (EXISTS (SELECT 1 FROM credit_application a WHERE a.subject_id = w.subject_id AND a.subject_kind = 'PERSON')
      OR EXISTS (SELECT 1 FROM person p WHERE p.person_id = w.subject_id AND p.registered_at <= $2))) AS person,
    r.association_id, r.cycle_id, r.event_type,
    COALESCE((SELECT g.grade FROM credit_rating_history g
      WHERE g.association_id = r.association_id AND g.cycle_id = r.cycle_id AND g.subject_id = r.subject_id
        AND g.event_type IN ('CreditRatingIssued', 'CreditRatingDowngraded') AND g.recorded_at <= $2 AND g.effective_from <= $3::date
      ORDER BY g.revision DESC LIMIT 1), r.grade) AS grade,
    COALESCE((SELECT g.status FROM credit_rating_history g
      WHERE g.association_id = r.association_id AND g.cycle_id = r.cycle_id AND g.subject_id = r.subject_id
        AND g.event_type <> 'CreditRatingDowngraded' AND g.recorded_at <= $2 AND g.effective_from <= $3::date
      ORDER BY g.revision DESC LIMIT 1), r.status) AS status,
    r.certificate_number, r.valid_from::text AS valid_from,
    r.valid_to::text AS valid_to, r.effective_from::text AS effective_from, r.recorded_at, r.record_id, r.rule, r.rulebook_id, r.rulebook_version
  FROM (SELECT DISTINCT unnest($1::text[]) AS subject_id) w
  LEFT JOIN enterprise e ON e.code = w.subject_id AND e.registered_at <= $2
  LEFT JOIN name n ON n.code = e.code
  LEFT JOIN rating r ON r.subject_id = w.subject_id
  ORDER BY w.subject_id, r.association_id, r.cycle_id`;

const APPLICATION_COLUMNS = `association_id, cycle_id, subject_id, subject_kind, member, rulebook_id, rulebook_version, status, filed_on::text AS filed_on,
  self_assessment, scores, computation, grade, override_pending, grade_overridden, notice_starts_on::text AS notice_starts_on,
  notice_ends_on::text AS notice_ends_on, objections, open_objections, certificate_number, rating_grade, rating_status,
  valid_from::text AS valid_from, valid_to::text AS valid_to`;

/** Rating statuses in the order a report lists them. */
const STATUS_ORDER = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED'];

/**
 * Reads of the credit evaluation read models (and of the audit trail, for a subject's history): the command side's
 * facts and the API's reads. "Now" and "as of" come from the caller.
 */
// One class for both sides, as DuesQueries: they read the same tables, and the registry holds one query class per context.
@Injectable()
export class CreditQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private query<T = Row>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.query(sql, params) as Promise<T[]>;
  }

  /** The subject's ratings in force that the association issued, by cycle. */
  validRatingsOf(associationId: string, subjectId: string): Promise<CreditCycleKey[]> {
    return this.dataSource.query(
      `SELECT association_id AS "associationId", cycle_id AS "cycleId" FROM credit_application
        WHERE association_id = $1 AND subject_id = $2 AND ${VALID_RATING} ORDER BY cycle_id`,
      [associationId, subjectId],
    );
  }

  /** Subjects of the cycle's applications in the given status (every application when null), in order. */
  async subjectsIn(associationId: string, cycleId: string, status: string | null): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT subject_id FROM credit_application
        WHERE association_id = $1 AND cycle_id = $2 AND ($3::text IS NULL OR status = $3) ORDER BY subject_id`,
      [associationId, cycleId, status],
    )) as { subject_id: string }[];
    return rows.map((r) => r.subject_id);
  }

  /** Subjects of the cycle whose rating is still in force although its valid-to is before `onDate` (ISO date). */
  async expiredRatings(associationId: string, cycleId: string, onDate: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT subject_id FROM credit_application
        WHERE association_id = $1 AND cycle_id = $2 AND ${VALID_RATING} AND valid_to < $3 ORDER BY subject_id`,
      [associationId, cycleId, onDate],
    )) as { subject_id: string }[];
    return rows.map((r) => r.subject_id);
  }

  /** The cycles, of every association, holding a rating in force past its valid-to on `onDate` (ISO date). */
  cyclesWithDueExpiries(onDate: string): Promise<CreditCycleKey[]> {
    return this.dataSource.query(
      `SELECT DISTINCT association_id AS "associationId", cycle_id AS "cycleId" FROM credit_application
        WHERE ${VALID_RATING} AND valid_to < $1 ORDER BY "associationId", "cycleId"`,
      [onDate],
    );
  }

  /** The associations holding a credit application of the subject, in any of their cycles, in order. */
  async applicantAssociations(subjectId: string): Promise<string[]> {
    return (await this.applicantAssociationsOfEach([subjectId])).get(subjectId) ?? [];
  }

  /** `applicantAssociations` for many subjects in one statement, by subject (one no association holds has no entry). */
  async applicantAssociationsOfEach(subjectIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT subject_id, association_id FROM credit_application WHERE subject_id = ANY($1::text[]) ORDER BY subject_id, association_id`,
      [subjectIds],
    )) as { subject_id: string; association_id: string }[];
    const bySubject = new Map<string, string[]>();
    for (const r of rows) bySubject.set(r.subject_id, [...(bySubject.get(r.subject_id) ?? []), r.association_id]);
    return bySubject;
  }

  // ---- the API's reads -------------------------------------------------------------------------------------

  async rulebooks(associationId: string, rulebookId: string | null): Promise<CreditRulebookView[]> {
    const rows = await this.query(
      `SELECT rulebook, pinned_by FROM credit_rulebook_version WHERE association_id = $1 AND ($2::text IS NULL OR rulebook_id = $2)
       ORDER BY rulebook_id, version`,
      [associationId, rulebookId],
    );
    return rows.map(toRulebook);
  }

  async rulebook(associationId: string, rulebookId: string, version: number): Promise<CreditRulebookView | null> {
    return (await this.rulebooks(associationId, rulebookId)).find((r) => r.version === version) ?? null;
  }

  /** A cycle with its applications by proposed grade and its issued ratings by status on the business date of `now`. */
  async cycle(associationId: string, cycleId: string, now: Date): Promise<CreditCycleView | null> {
    const [row] = await this.query(
      `SELECT association_id, cycle_id, title, rulebook_id, rulebook_version, assessment_from::text AS assessment_from, assessment_to::text AS assessment_to,
         filing_from::text AS filing_from, filing_to::text AS filing_to, eligibility, status, scorers
       FROM credit_cycle WHERE association_id = $1 AND cycle_id = $2`,
      [associationId, cycleId],
    );
    if (!row) return null;
    const today = businessDate(now);
    const [grades, ratings] = await Promise.all([
      // Every application: graded, reviewed without a grade, or not graded yet (under review).
      this.query<{ grade: string | null; under_review: boolean; count: string }>(
        `SELECT grade, status = 'UNDER_REVIEW' AS under_review, count(*) AS count FROM credit_application
         WHERE association_id = $1 AND cycle_id = $2 GROUP BY 1, 2 ORDER BY 2, 1`,
        [associationId, cycleId],
      ),
      // Every issued rating, by its status today (an active rating past valid-to is expired) and grade.
      this.query<{ grade: string; status: string; in_force: boolean; count: string }>(
        `SELECT rating_grade AS grade, CASE WHEN rating_status = 'ACTIVE' AND valid_to < $3::date THEN 'EXPIRED' ELSE rating_status END AS status,
                (rating_status = 'ACTIVE' AND valid_from <= $3::date AND valid_to >= $3::date) AS in_force, count(*) AS count
         FROM credit_application WHERE association_id = $1 AND cycle_id = $2 AND rating_status IS NOT NULL
         GROUP BY 1, 2, 3`,
        [associationId, cycleId, today],
      ),
    ]);
    const gradeDistribution = grades.map((g): CreditGradeCountView => ({ grade: g.grade, underReview: g.under_review, count: Number(g.count) }));
    const ratingsByStatus = ratings
      .map((r): CreditRatingStatusCountView => ({ grade: r.grade, status: r.status, inForce: r.in_force, count: Number(r.count) }))
      .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || Number(b.inForce) - Number(a.inForce) || a.grade.localeCompare(b.grade));
    const inForce = new Map<string, number>();
    for (const r of ratingsByStatus) if (r.inForce) inForce.set(r.grade, (inForce.get(r.grade) ?? 0) + r.count);
    const ratedDistribution = [...inForce]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([grade, count]): CreditGradeCountView => ({ grade, underReview: false, count }));
    const sum = (counts: { count: number }[]) => counts.reduce((total, c) => total + c.count, 0);
    return {
      associationId: row.association_id as string,
      cycleId: row.cycle_id as string,
      title: row.title as string,
      rulebookId: row.rulebook_id as string,
      rulebookVersion: row.rulebook_version as number,
      assessmentFrom: row.assessment_from as string,
      assessmentTo: row.assessment_to as string,
      filingFrom: row.filing_from as string,
      filingTo: row.filing_to as string,
      eligibility: row.eligibility as string,
      status: row.status as string,
      scorers: row.scorers as CreditScorerView[],
      applicationCount: sum(gradeDistribution),
      gradeDistribution,
      ratingCount: sum(ratingsByStatus),
      ratingsByStatus,
      ratingsInForce: sum(ratedDistribution),
      ratedDistribution,
    };
  }

  async application(associationId: string, cycleId: string, subjectId: string, now: Date): Promise<CreditApplicationView | null> {
    const [row] = await this.query(`SELECT ${APPLICATION_COLUMNS} FROM credit_application WHERE association_id = $1 AND cycle_id = $2 AND subject_id = $3`, [
      associationId,
      cycleId,
      subjectId,
    ]);
    return row ? toApplication(row, now) : null;
  }

  /** One page of a cycle's applications by subject, filtered by status or proposed grade. */
  async applications(
    associationId: string,
    cycleId: string,
    filter: { status: string | null; grade: string | null },
    first: number,
    after: string | null | undefined,
    now: Date,
  ): Promise<Page<CreditApplicationView>> {
    const cursor = decodeCursor(after, 1);
    const where = `association_id = $1 AND cycle_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR grade = $4)`;
    const params = [associationId, cycleId, filter.status, filter.grade];
    const [rows, total] = await Promise.all([
      this.query(`SELECT ${APPLICATION_COLUMNS} FROM credit_application WHERE ${where} AND ($5::text IS NULL OR subject_id > $5) ORDER BY subject_id LIMIT $6`, [
        ...params,
        cursor ? String(cursor[0]) : null,
        first + 1,
      ]),
      this.query<{ count: string }>(`SELECT count(*) AS count FROM credit_application WHERE ${where}`, params),
    ]);
    return toPage(rows, first, Number(total[0]?.count ?? 0), cursor !== null, (r) => encodeCursor([r.subject_id as string]), (r) => toApplication(r, now));
  }

  /** The applications (ratings) of a subject on the given streams, as they stand now. */
  async changedRatings(subjectId: string, streams: readonly string[], now: Date): Promise<CreditApplicationView[]> {
    const rows = await this.query(`SELECT ${APPLICATION_COLUMNS} FROM credit_application WHERE subject_id = $1 ORDER BY association_id, cycle_id`, [subjectId]);
    return rows
      .filter((r) => streams.includes(creditApplicationStreamId(r.association_id as string, r.cycle_id as string, subjectId)))
      .map((r) => toApplication(r, now));
  }

  /**
   * A tender look-up: for each subject asked for (in that order, duplicates included), what the register, knowing
   * only what was recorded by `asOf`, says held on the business date `effectiveAt` (YYYY-MM-DD; by default the date
   * of `asOf` in China). One statement for the whole list, whatever its length: the ratings (the latest state
   * recorded by `asOf` whose business date is on or before `effectiveAt`, "in force" judged on `effectiveAt`: an
   * expiry counts from the day after valid-to, whether or not its event has been recorded yet), whether the code
   * was in the enterprise register at `asOf` and the firm's name then for `effectiveAt` (only `withNames`), and
   * whether a person of that id applied to a cycle. What is recorded after `asOf` never changes the answer.
   */
  async lookUpSubjects(requested: readonly string[], asOf: Date, withNames = true, effectiveAt: string = businessDate(asOf)): Promise<CreditSubjectLookupView[]> {
    const day = effectiveAt;
    const normalised = requested.map(normaliseCreditCode);
    const ids = [...new Set(normalised)];
    const rows = await preparedQuery<Row>(this.dataSource, 'credit_subject_lookup', SUBJECT_LOOKUP_SQL, [ids, asOf, day, withNames]);
    const found = new Map<string, { registered: boolean; name: string | null; person: boolean; ratings: CreditRatingView[] }>();
    for (const r of rows) {
      const id = r.subject_id as string;
      let subject = found.get(id);
      if (!subject) found.set(id, (subject = { registered: r.registered as boolean, name: r.enterprise_name as string | null, person: r.person as boolean, ratings: [] }));
      if (r.association_id === null) continue;
      subject.ratings.push(toRatingAsOf(r, day));
    }
    return requested.map((raw, i): CreditSubjectLookupView => {
      const code = normalised[i]!;
      const subject = found.get(code)!;
      return {
        subjectId: raw,
        code,
        asOf,
        effectiveAt,
        registered: subject.registered,
        person: subject.person,
        enterpriseName: subject.name,
        ratings: subject.ratings,
        inForce: subject.ratings.some((r) => r.inForce),
      };
    });
  }

  /** The streams of a subject's credit history: its conduct stream and its applications (one association's, or all). */
  async historyStreams(subjectId: string, associationId: string | null): Promise<string[]> {
    const applications = await this.query<{ association_id: string; cycle_id: string }>(
      `SELECT association_id, cycle_id FROM credit_application WHERE subject_id = $1 AND ($2::text IS NULL OR association_id = $2)`,
      [subjectId, associationId],
    );
    return [creditConductStreamId(subjectId), ...applications.map((a) => creditApplicationStreamId(a.association_id, a.cycle_id, subjectId))];
  }

  /**
   * Every step the audit trail holds of those streams (`historyStreams`), in the order the register recorded them.
   * An association's view of the conduct stream holds its own records (events older than the association field are
   * the recorder's association's) and those recorded by no association. With `disclosedOn` (an ISO date), the steps
   * of a conduct record whose disclosure ended before that day are left out (its recording and any shortening, by
   * the period its last step set); the rating changes that name it stay, as the rating's history.
   */
  /**
   * The steps recorded by `axes.asOf` (null: all) and, with `axes.effectiveAt`, in effect by that business date;
   * disclosure is judged on `disclosedOn` (today; null: every record, for auditors), whatever the axes.
   */
  async history(
    subjectId: string,
    associationId: string | null,
    streams: readonly string[],
    disclosedOn: string | null,
    axes: { asOf: Date | null; effectiveAt: string | null } = { asOf: null, effectiveAt: null },
  ): Promise<CreditHistoryStepView[]> {
    const rows = await this.query(
      `SELECT position, stream_id, revision, event_type, data, actor_user_id, actor_role, actor_association_id, recorded_at, hash
       FROM audit_event WHERE stream_id = ANY($1)
         AND ($2::text IS NULL OR stream_id <> $3 OR COALESCE(data ->> 'associationId', actor_association_id) IS NULL
              OR COALESCE(data ->> 'associationId', actor_association_id) = $2)
         AND ($4::timestamptz IS NULL OR recorded_at <= $4)
       ORDER BY recorded_at, position`,
      [streams, associationId, creditConductStreamId(subjectId), axes.asOf],
    );
    const conductStream = creditConductStreamId(subjectId);
    const steps = rows.map(toHistoryStep).filter((step) => axes.effectiveAt === null || step.effectiveOn <= axes.effectiveAt);
    if (disclosedOn === null) return steps;
    // The disclosure period each record's steps end with, read from the steps themselves (recorded, then shortened).
    const recordKey = (step: CreditHistoryStepView) =>
      conductRecordKey(step.data.associationId !== undefined ? (step.data.associationId as string | null) : step.actor.associationId, String(step.data.recordId));
    const until = new Map<string, string>();
    for (const step of steps) {
      if (step.streamId === conductStream && typeof step.data.disclosureUntil === 'string') until.set(recordKey(step), step.data.disclosureUntil);
    }
    return steps.filter((step) => step.streamId !== conductStream || (until.get(recordKey(step)) ?? disclosedOn) >= disclosedOn);
  }

  /** Why an application got its grade; null before its review computed one. */
  async explanation(associationId: string, cycleId: string, subjectId: string, now: Date): Promise<CreditExplanationView | null> {
    const [row] = await this.query(
      `SELECT a.computation, a.grade, a.grade_overridden, a.rating_grade, a.rating_status, a.valid_to::text AS valid_to, r.rulebook,
         (SELECT h.grade FROM credit_rating_history h WHERE h.association_id = a.association_id AND h.cycle_id = a.cycle_id
            AND h.subject_id = a.subject_id AND h.event_type = 'CreditRatingIssued') AS issued_grade
       FROM credit_application a
       LEFT JOIN credit_rulebook_version r ON r.association_id = a.association_id AND r.rulebook_id = a.rulebook_id AND r.version = a.rulebook_version
       WHERE a.association_id = $1 AND a.cycle_id = $2 AND a.subject_id = $3`,
      [associationId, cycleId, subjectId],
    );
    if (!row || !row.computation) return null;
    const c = row.computation as GradeComputation;
    const rulebook = row.rulebook as RulebookVersion | null;
    const names = new Map((rulebook?.indicators ?? []).map((i) => [i.code, i.name]));
    const recomputed = computeGrade(c);
    const ratingNow = row.rating_grade === null ? null : effectiveStatus(row, now) === 'ACTIVE' ? (row.rating_grade as string) : null;
    return {
      associationId,
      cycleId,
      subjectId,
      rulebookId: c.rulebookId,
      rulebookVersion: c.rulebookVersion,
      referenceNumber: rulebook?.referenceNumber ?? null,
      indicators: c.scores.map((s) => ({ ...s, name: names.get(s.code) ?? null })),
      thresholds: [...c.thresholds],
      vetoes: [...c.vetoes],
      recorded: { totalPoints: c.totalPoints, thresholdGrade: c.thresholdGrade, grade: c.grade },
      recomputed,
      recomputationMatches: recomputed.totalPoints === c.totalPoints && recomputed.thresholdGrade === c.thresholdGrade && recomputed.grade === c.grade,
      override: row.grade_overridden ?? null,
      proposedGrade: row.grade as string | null,
      issuedGrade: (row.issued_grade as string | null) ?? null,
      ratingGradeNow: ratingNow,
    };
  }

  /**
   * A subject's conduct records: one association's (with the few recorded before records carried one, by no
   * association, which apply to every association) or, with `associationId` null, every association's. With
   * `disclosedOn` (an ISO date), only those still disclosed that day: a record whose disclosure ended before it
   * is not shown (null: every record, as the auditor reads them).
   */
  async conductRecords(subjectId: string, associationId: string | null, disclosedOn: string | null): Promise<CreditConductRecordView[]> {
    const rows = await this.query(
      `SELECT association_id, subject_id, record_id, code, kind, severity, occurred_on::text AS occurred_on, source_authority, disclosure_months,
         penalty_months, disclosure_until::text AS disclosure_until, evidence_reference, description, shortened, recorded_at
       FROM credit_conduct_record WHERE subject_id = $1 AND ($2::text IS NULL OR association_id = $2 OR association_id IS NULL)
         AND ($3::date IS NULL OR disclosure_until >= $3::date)
       ORDER BY occurred_on, association_id, record_id`,
      [subjectId, associationId, disclosedOn],
    );
    return rows.map(toConductRecord);
  }

  /** One association's own conduct record (not one recorded by no association), if still disclosed on `disclosedOn`. */
  async conductRecord(associationId: string, subjectId: string, recordId: string, disclosedOn: string | null): Promise<CreditConductRecordView | null> {
    return (await this.conductRecords(subjectId, associationId, disclosedOn)).find((r) => r.recordId === recordId && r.associationId === associationId) ?? null;
  }
}

// ---- row → view ------------------------------------------------------------------------------------------------

function toRulebook(r: Row): CreditRulebookView {
  return { ...(r.rulebook as CreditRulebookView), pinnedBy: r.pinned_by as string[] };
}

/** The rating's status on the business date of `now`: an active rating past its valid-to is expired. */
function effectiveStatus(row: Row, now: Date): string | null {
  const status = row.rating_status as string | null;
  if (status === 'ACTIVE' && row.valid_to !== null && (row.valid_to as string) < businessDate(now)) return 'EXPIRED';
  return status;
}

function toApplication(r: Row, now: Date): CreditApplicationView {
  const computation = r.computation as GradeComputation | null;
  const scores = Object.values((r.scores ?? {}) as Record<string, IndicatorScore>).map((s): CreditIndicatorScoreView => ({ ...s, name: null }));
  return {
    associationId: r.association_id as string,
    cycleId: r.cycle_id as string,
    subjectId: r.subject_id as string,
    subjectKind: r.subject_kind as string,
    member: r.member as boolean,
    rulebookId: r.rulebook_id as string,
    rulebookVersion: r.rulebook_version as number,
    status: r.status as string,
    filedOn: r.filed_on as string,
    selfAssessment: r.self_assessment as { code: string; points: number }[],
    scores: scores.sort((a, b) => a.code.localeCompare(b.code)),
    totalPoints: computation?.totalPoints ?? null,
    computedGrade: computation?.grade ?? null,
    grade: r.grade as string | null,
    overridePending: r.override_pending ?? null,
    noticeStartsOn: r.notice_starts_on as string | null,
    noticeEndsOn: r.notice_ends_on as string | null,
    openObjections: r.open_objections as number,
    objections: Object.values((r.objections ?? {}) as Record<string, unknown>),
    certificateNumber: r.certificate_number as string | null,
    ratingGrade: r.rating_grade as string | null,
    ratingStatus: effectiveStatus(r, now),
    validFrom: r.valid_from as string | null,
    validTo: r.valid_to as string | null,
  };
}

/** A rating history row of the look-up, its status and "in force" judged on `day` (ISO date). */
function toRatingAsOf(r: Row, day: string): CreditRatingView {
  const expired = (r.valid_to as string) < day;
  const status = r.status === 'ACTIVE' && expired ? 'EXPIRED' : (r.status as string);
  return {
    associationId: r.association_id as string,
    cycleId: r.cycle_id as string,
    subjectId: r.subject_id as string,
    grade: r.grade as string,
    status,
    inForce: status === 'ACTIVE' && (r.valid_from as string) <= day,
    certificateNumber: r.certificate_number as string,
    validFrom: r.valid_from as string,
    validTo: r.valid_to as string,
    effectiveFrom: r.effective_from as string,
    recordedAt: r.recorded_at as Date,
    changedBy: r.event_type as string,
    recordId: r.record_id as string | null,
    rule: r.rule as string | null,
    rulebookId: r.rulebook_id as string,
    rulebookVersion: r.rulebook_version as number,
  };
}

function toHistoryStep(r: Row): CreditHistoryStepView {
  const data = r.data as Record<string, unknown>;
  return {
    position: r.position as string,
    streamId: r.stream_id as string,
    revision: r.revision as number,
    type: r.event_type as string,
    recordedAt: r.recorded_at as Date,
    effectiveOn: businessDateOf(data) ?? businessDate(new Date(r.recorded_at as string)),
    actor: { userId: r.actor_user_id as string, role: r.actor_role as string, associationId: r.actor_association_id as string | null },
    authority: authorityOf(data),
    ruleVersion: ruleVersionOf(data),
    evidence: evidenceOf(data),
    data,
    hash: r.hash as string,
  };
}

function toConductRecord(r: Row): CreditConductRecordView {
  return {
    associationId: r.association_id as string | null,
    subjectId: r.subject_id as string,
    recordId: r.record_id as string,
    code: r.code as string,
    kind: r.kind as string,
    severity: r.severity as string,
    occurredOn: r.occurred_on as string,
    sourceAuthority: r.source_authority as string,
    disclosureMonths: r.disclosure_months as number,
    penaltyMonths: r.penalty_months as number | null,
    disclosureUntil: r.disclosure_until as string,
    evidenceReference: r.evidence_reference as string,
    description: r.description as string,
    shortened: r.shortened ?? null,
    recordedAt: r.recorded_at as Date,
  };
}

/** The decision, source authority or dynamic rule a step cites. */
function authorityOf(data: Record<string, unknown>): string | null {
  const decision = data.decision as { body?: string; reference?: string } | undefined;
  if (decision?.reference) return `${decision.body ?? ''} ${decision.reference}`.trim();
  if (typeof data.sourceAuthority === 'string') return data.sourceAuthority;
  if (typeof data.rule === 'string') return data.rule;
  return null;
}

/** The rulebook and version a step ran under. */
function ruleVersionOf(data: Record<string, unknown>): string | null {
  const c = data.computation as { rulebookId?: string; rulebookVersion?: number } | undefined;
  const id = (data.rulebookId as string | undefined) ?? c?.rulebookId;
  const version = (data.rulebookVersion as number | undefined) ?? c?.rulebookVersion;
  return id && version ? `${id} v${version}` : null;
}

/** Every evidence reference a step carries: its own, its rectification's and its scores'. */
function evidenceOf(data: Record<string, unknown>): string[] {
  const found = new Set<string>();
  for (const key of ['evidenceReference', 'rectificationEvidence']) if (typeof data[key] === 'string') found.add(data[key]);
  const c = data.computation as { scores?: { evidenceReference?: string | null }[] } | undefined;
  for (const s of c?.scores ?? []) if (s.evidenceReference) found.add(s.evidenceReference);
  return [...found];
}
