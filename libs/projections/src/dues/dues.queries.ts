import { Inject, Injectable } from '@nestjs/common';
import type { FeeTier, WaiverReason } from '#domain/dues';
import { MEMBERSHIP_TIERS } from '#domain/membership';
import { businessDate, type DecisionRecord } from '#domain/shared';
import { DataSource } from 'typeorm';
import { enterpriseNameAsOfSql } from '../enterprise/enterprise.queries.js';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

export type DuesWaiverAuthorityKind = 'APPROVAL' | 'POLICY';

/** The decision a dues rule or waiver cites. */
export interface DuesDecisionView {
  body: string;
  reference: string;
  decidedOn: string;
  votes: { entitled: number; present: number; inFavour: number; against: number; abstaining: number } | null;
}

export interface DuesFeeScheduleView {
  associationId: string;
  version: number;
  /** ISO date. */
  effectiveFrom: string;
  amounts: { tier: FeeTier; annualFen: number }[];
  secondHalfPercent: number | null;
  decision: DuesDecisionView;
  warnings: string[];
  adoptedAt: Date;
  adoptedBy: string;
}

/** What a waiver is in effect on: an approval or a waiver policy (its decision is the authority). */
export interface DuesWaiverAuthorityView {
  kind: DuesWaiverAuthorityKind;
  approvedBy: string | null;
  approvedAt: Date | null;
  policyId: string | null;
  policyTitle: string | null;
  decision: DuesDecisionView | null;
}

export interface DuesWaiverView {
  waiverId: string;
  associationId: string;
  enterpriseCode: string;
  enterpriseName: string | null;
  year: number;
  status: string;
  full: boolean;
  requestedFen: number | null;
  inEffectFen: number;
  revokedFen: number;
  reasonCategory: WaiverReason;
  reason: string;
  evidenceReference: string | null;
  requestedBy: string | null;
  requestedAt: Date | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  authority: DuesWaiverAuthorityView | null;
  recordedBy: string | null;
  recordedAt: Date | null;
  rejectedBy: string | null;
  rejectionReason: string | null;
  revokedBy: string | null;
  revocationReason: string | null;
  policyId: string | null;
  /** The decision of the policy it was granted under, as stored. */
  decision: unknown;
}

export interface DuesPaymentView {
  receiptNumber: string;
  enterpriseCode: string;
  year: number;
  amountFen: number;
  /** ISO date. */
  paidOn: string;
  recordedAt: Date;
  recordedBy: string;
}

/** One year of a member's dues. */
export interface DuesYearView {
  associationId: string;
  enterpriseCode: string;
  year: number;
  tier: FeeTier;
  scheduleVersion: number;
  proRatedPercent: number | null;
  invoicedFen: number;
  paidFen: number;
  waivedFen: number;
  balanceFen: number;
  payments: DuesPaymentView[];
  waivers: DuesWaiverView[];
}

export interface DuesStatementView {
  associationId: string;
  enterpriseCode: string;
  enterpriseName: string | null;
  membershipStatus: string | null;
  asOf: Date;
  /** The business date (YYYY-MM-DD) the amounts are on. */
  effectiveAt: string;
  years: DuesYearView[];
  balanceFen: number;
}

export interface DuesReasonTotal {
  reasonCategory: WaiverReason;
  amountFen: number;
  waivers: number;
}

export interface DuesTierTotal {
  tier: string;
  count: number;
  invoicedFen: number | null;
}

export interface DuesAnnualReportView {
  associationId: string;
  year: number;
  asOf: Date;
  accountsInvoiced: number;
  invoicedFen: number;
  collectedFen: number;
  waivedFen: number;
  outstandingFen: number;
  waivedByReason: DuesReasonTotal[];
  invoicedByTier: DuesTierTotal[];
  membersByTier: DuesTierTotal[];
}

/** A member's completed years still unpaid. */
export interface DuesArrearsView {
  enterpriseCode: string;
  enterpriseName: string | null;
  unpaidYears: number[];
  unpaidYearCount: number;
  owedFen: number;
  membershipStatus: string | null;
}

export interface DuesWaiverPolicyView {
  policyId: string;
  associationId: string;
  year: number;
  title: string;
  reasonCategory: WaiverReason;
  reason: string;
  defaultPercent: number;
  sizeClassPercents: unknown;
  decision: DuesDecisionView;
  waiversGranted: number;
  waivedFen: number;
}

export interface DuesStatementSubject {
  readonly associationExists: boolean;
  readonly registered: boolean;
  readonly enterpriseName: string | null;
  /** Applied to the association at some time, or had a dues account there. */
  readonly everMember: boolean;
  /** As the membership register stood at the statement's instant (null: no membership recorded by then). */
  readonly membershipStatus: string | null;
}

export interface DuesWaiverRegisterFilter {
  readonly reasonCategory?: string | null;
  readonly policyId?: string | null;
  readonly status?: string | null;
  /** The approver of a maker-checker approval (a policy grant has none). */
  readonly approvedBy?: string | null;
  readonly authority?: DuesWaiverAuthorityKind | null;
  /** Whoever recorded the approval or the grant. */
  readonly recordedBy?: string | null;
}

type Row = Record<string, unknown>;
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const s = (v: unknown): string => String(v);
const sOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const pad = (v: number) => String(v).padStart(2, '0');
/** pg parses `date` columns into local midnight; give the calendar date back as YYYY-MM-DD. */
const dateText = (v: unknown): string =>
  v instanceof Date ? `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}` : String(v);
const dOrNull = (v: unknown): Date | null => (v ? new Date(v as string) : null);

/** Signed effect of a ledger entry on the balance. */
const BALANCE_EFFECT = `CASE kind WHEN 'INVOICE' THEN amount_fen WHEN 'WAIVER_REVOKED' THEN amount_fen ELSE -amount_fen END`;

/**
 * Whether a ledger entry counts on the business date in `param` (a date parameter; NULL: every entry): the year's
 * invoice always (the dues are owed for the year, whenever entered), a payment from the day paid, a waiver from the
 * day approved or granted, its revocation from the day it takes effect (the entry's effective_on).
 */
const IN_EFFECT_ON = (param: string) => `(${param}::date IS NULL OR kind = 'INVOICE' OR effective_on <= ${param}::date)`;

/** The membership status of association `$1`'s member `code` on business date `day`, as recorded by `recordedBy`. */
const MEMBERSHIP_STATUS_AS_OF = (code: string, recordedBy: string, day: string) =>
  `SELECT h.status FROM membership_history h
   WHERE h.association_id = $1 AND h.enterprise_code = ${code} AND h.recorded_at <= ${recordedBy} AND h.valid_from <= ${day}::date
   ORDER BY h.revision DESC LIMIT 1`;

/**
 * A waiver row with the firm's current name and, for a policy grant, the policy's title: what a printed register
 * needs, in the same statement.
 */
const WAIVER_FROM = `dues_waiver w
  LEFT JOIN enterprise ent ON ent.code = w.enterprise_code
  LEFT JOIN dues_waiver_policy pol ON pol.association_id = w.association_id AND pol.policy_id = w.policy_id`;
const WAIVER_COLUMNS = `w.*, ent.name AS enterprise_name, pol.title AS policy_title`;

/**
 * Reads of the dues read models (never the event store). Every "as of" answer is a WHERE clause on the
 * account ledger's recorded_at: what the register had recorded at that instant.
 */
@Injectable()
export class DuesQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private query(sql: string, params: unknown[]): Promise<Row[]> {
    return this.dataSource.query(sql, params) as Promise<Row[]>;
  }

  /** Codes of the enterprises the association invoiced for the year, in order. */
  async invoicedAccounts(associationId: string, year: number): Promise<string[]> {
    const rows = await this.query(
      `SELECT enterprise_code FROM dues_account WHERE association_id = $1 AND year = $2 ORDER BY enterprise_code`,
      [associationId, year],
    );
    return rows.map((r) => s(r.enterprise_code));
  }

  async feeSchedules(associationId: string): Promise<DuesFeeScheduleView[]> {
    const rows = await this.query(`SELECT * FROM dues_fee_schedule WHERE association_id = $1 ORDER BY version`, [associationId]);
    return rows.map(toSchedule);
  }

  async feeSchedule(associationId: string, version: number): Promise<DuesFeeScheduleView | null> {
    const [row] = await this.query(`SELECT * FROM dues_fee_schedule WHERE association_id = $1 AND version = $2`, [associationId, version]);
    return row ? toSchedule(row) : null;
  }

  /**
   * What the register knows of a statement's subject, in one statement: whether the association exists, whether
   * the firm is registered (and its current name), whether it ever applied to the association or had a dues
   * account there, and its membership status as the register stood at `asOf`.
   */
  async statementSubject(associationId: string, enterpriseCode: string, asOf: Date, effectiveAt: string = businessDate(asOf)): Promise<DuesStatementSubject> {
    const [row] = await this.query(
      `SELECT EXISTS (SELECT 1 FROM association WHERE association_id = $1) AS association,
              e.code IS NOT NULL AS registered, e.name AS enterprise_name,
              (EXISTS (SELECT 1 FROM membership m WHERE m.association_id = $1 AND m.enterprise_code = $2)
                OR EXISTS (SELECT 1 FROM dues_account d WHERE d.association_id = $1 AND d.enterprise_code = $2)) AS known,
              (SELECT h.status FROM membership_history h
                WHERE h.association_id = $1 AND h.enterprise_code = $2 AND h.recorded_at <= $3 AND h.valid_from <= $4::date
                ORDER BY h.revision DESC LIMIT 1) AS status_as_of
       FROM (SELECT 1) one LEFT JOIN enterprise e ON e.code = $2`,
      [associationId, enterpriseCode, asOf, effectiveAt],
    );
    return {
      associationExists: Boolean(row!.association),
      registered: Boolean(row!.registered),
      enterpriseName: sOrNull(row!.enterprise_name),
      everMember: Boolean(row!.known),
      membershipStatus: sOrNull(row!.status_as_of),
    };
  }

  async statement(
    associationId: string,
    enterpriseCode: string,
    asOf: Date,
    subject: DuesStatementSubject,
    effectiveAt: string = businessDate(asOf),
  ): Promise<DuesStatementView> {
    const years = await this.accounts(associationId, enterpriseCode, null, asOf, effectiveAt);
    return {
      associationId,
      enterpriseCode,
      enterpriseName: subject.enterpriseName,
      membershipStatus: subject.membershipStatus,
      asOf,
      effectiveAt,
      years,
      balanceFen: years.reduce((sum, y) => sum + y.balanceFen, 0),
    };
  }

  async account(associationId: string, enterpriseCode: string, year: number, asOf: Date = new Date(8.64e15)): Promise<DuesYearView | null> {
    const [found] = await this.accounts(associationId, enterpriseCode, year, asOf);
    return found ?? null;
  }

  /**
   * Accounts as recorded by `asOf`; with `effectiveAt`, their amounts on that business date: a year's invoice counts
   * whenever it was entered (the dues are the year's), a payment from the day it was paid, a waiver from the day it
   * was approved or granted, a revocation from the day it takes effect.
   */
  private async accounts(
    associationId: string,
    enterpriseCode: string,
    year: number | null,
    asOf: Date,
    effectiveAt: string | null = null,
  ): Promise<DuesYearView[]> {
    const params = [associationId, enterpriseCode, asOf, year, effectiveAt];
    const yearFilter = `AND ($4::int IS NULL OR year = $4::int)`;
    const [accounts, totals, payments, waivers] = await Promise.all([
      this.query(
        `SELECT * FROM dues_account WHERE association_id = $1 AND enterprise_code = $2 AND invoiced_at <= $3 ${yearFilter} ORDER BY year`,
        params.slice(0, 4),
      ),
      this.query(
        `SELECT year, kind, sum(amount_fen)::text AS total FROM dues_account_entry
         WHERE association_id = $1 AND enterprise_code = $2 AND recorded_at <= $3 ${yearFilter} AND ${IN_EFFECT_ON('$5')}
         GROUP BY year, kind`,
        params,
      ),
      this.query(
        `SELECT * FROM dues_payment WHERE association_id = $1 AND enterprise_code = $2 AND recorded_at <= $3 ${yearFilter}
           AND ($5::date IS NULL OR paid_on <= $5::date)
         ORDER BY paid_on, receipt_number`,
        params,
      ),
      this.waiversAsOf(`w.association_id = $1 AND w.enterprise_code = $2 AND ($4::int IS NULL OR w.year = $4::int)`, params, '$5'),
    ]);
    return accounts.map((a) => {
      const y = n(a.year);
      const total = (kind: string) => n(totals.find((t) => n(t.year) === y && t.kind === kind)?.total);
      const invoicedFen = total('INVOICE');
      const paidFen = total('PAYMENT');
      const waivedFen = total('WAIVER') - total('WAIVER_REVOKED');
      return {
        associationId,
        enterpriseCode,
        year: y,
        tier: s(a.tier) as FeeTier,
        scheduleVersion: n(a.schedule_version),
        proRatedPercent: nOrNull(a.pro_rated_percent),
        invoicedFen,
        paidFen,
        waivedFen,
        balanceFen: invoicedFen - paidFen - waivedFen,
        payments: payments.filter((p) => n(p.year) === y).map(toPayment),
        waivers: waivers.filter((w) => w.year === y),
      };
    });
  }

  /**
   * Waivers as they stood at `asOf`: amounts from the ledger (in effect on the business date in `effectiveParam`, when
   * given), decisions shown only once recorded.
   */
  private async waiversAsOf(where: string, params: unknown[], effectiveParam: string | null = null): Promise<DuesWaiverView[]> {
    const rows = await this.query(
      `SELECT ${WAIVER_COLUMNS}, coalesce(e.in_effect, 0)::text AS in_effect_as_of, coalesce(e.revoked, 0)::text AS revoked_as_of
       FROM ${WAIVER_FROM}
       LEFT JOIN (
         SELECT association_id, enterprise_code, year, waiver_id,
                sum(CASE kind WHEN 'WAIVER' THEN amount_fen ELSE -amount_fen END) AS in_effect,
                sum(CASE kind WHEN 'WAIVER_REVOKED' THEN amount_fen ELSE 0 END) AS revoked
         FROM dues_account_entry WHERE waiver_id IS NOT NULL AND recorded_at <= $3 ${effectiveParam === null ? '' : `AND ${IN_EFFECT_ON(effectiveParam)}`}
         GROUP BY association_id, enterprise_code, year, waiver_id
       ) e ON e.association_id = w.association_id AND e.enterprise_code = w.enterprise_code AND e.year = w.year AND e.waiver_id = w.waiver_id
       WHERE ${where} AND coalesce(w.requested_at, w.recorded_at) <= $3
       ORDER BY w.year, coalesce(w.requested_at, w.recorded_at), w.waiver_id`,
      params,
    );
    const asOf = params[2] as Date;
    return rows.map((r) => toWaiver(r, asOf));
  }

  async waiverRegister(
    associationId: string,
    year: number,
    filter: DuesWaiverRegisterFilter,
    first: number,
    after?: string | null,
  ): Promise<Page<DuesWaiverView>> {
    const cursor = decodeCursor(after, 2);
    const conditions = ['w.association_id = $1', 'w.year = $2'];
    const params: unknown[] = [associationId, year];
    const add = (column: string, value: string | null | undefined) => {
      if (value) {
        params.push(value);
        conditions.push(`w.${column} = $${params.length}`);
      }
    };
    add('reason_category', filter.reasonCategory);
    add('policy_id', filter.policyId);
    add('status', filter.status);
    add('approved_by', filter.approvedBy);
    add('authority', filter.authority);
    add('recorded_by', filter.recordedBy);
    const where = conditions.join(' AND ');
    const [{ total }] = (await this.query(`SELECT count(*)::int AS total FROM dues_waiver w WHERE ${where}`, params)) as [{ total: number }];
    const pageParams = [...params];
    let pageWhere = where;
    if (cursor) {
      pageParams.push(cursor[0], cursor[1]);
      pageWhere += ` AND (w.enterprise_code, w.waiver_id) > ($${pageParams.length - 1}, $${pageParams.length})`;
    }
    pageParams.push(first + 1);
    const rows = await this.query(
      `SELECT ${WAIVER_COLUMNS}, w.in_effect_fen::text AS in_effect_as_of, w.revoked_fen::text AS revoked_as_of FROM ${WAIVER_FROM}
       WHERE ${pageWhere} ORDER BY w.enterprise_code, w.waiver_id LIMIT $${pageParams.length}`,
      pageParams,
    );
    return toPage(rows, first, total, cursor !== null, (r) => encodeCursor([s(r.enterprise_code), s(r.waiver_id)]), (r) =>
      toWaiver(r, null),
    );
  }

  async waiver(associationId: string, enterpriseCode: string, year: number, waiverId: string): Promise<DuesWaiverView | null> {
    const [row] = await this.query(
      `SELECT ${WAIVER_COLUMNS}, w.in_effect_fen::text AS in_effect_as_of, w.revoked_fen::text AS revoked_as_of FROM ${WAIVER_FROM}
       WHERE w.association_id = $1 AND w.enterprise_code = $2 AND w.year = $3 AND w.waiver_id = $4`,
      [associationId, enterpriseCode, year, waiverId],
    );
    return row ? toWaiver(row, null) : null;
  }

  async waiverPolicy(associationId: string, policyId: string): Promise<DuesWaiverPolicyView | null> {
    const [row] = await this.query(
      `SELECT p.*, (SELECT count(*)::int FROM dues_waiver w WHERE w.association_id = p.association_id AND w.policy_id = p.policy_id) AS granted,
              (SELECT coalesce(sum(in_effect_fen), 0)::text FROM dues_waiver w WHERE w.association_id = p.association_id AND w.policy_id = p.policy_id) AS waived
       FROM dues_waiver_policy p WHERE p.association_id = $1 AND p.policy_id = $2`,
      [associationId, policyId],
    );
    return row ? toPolicy(row) : null;
  }

  async waiverPolicies(associationId: string, year: number | null): Promise<DuesWaiverPolicyView[]> {
    const rows = await this.query(
      `SELECT p.*, (SELECT count(*)::int FROM dues_waiver w WHERE w.association_id = p.association_id AND w.policy_id = p.policy_id) AS granted,
              (SELECT coalesce(sum(in_effect_fen), 0)::text FROM dues_waiver w WHERE w.association_id = p.association_id AND w.policy_id = p.policy_id) AS waived
       FROM dues_waiver_policy p WHERE p.association_id = $1 AND ($2::int IS NULL OR p.year = $2::int) ORDER BY p.year, p.policy_id`,
      [associationId, year],
    );
    return rows.map(toPolicy);
  }

  async annualReport(associationId: string, year: number, asOf: Date): Promise<DuesAnnualReportView> {
    const params = [associationId, year, asOf];
    const [totals, byReason, byTier, members] = await Promise.all([
      this.query(
        `SELECT kind, sum(amount_fen)::text AS total, count(DISTINCT enterprise_code)::int AS accounts FROM dues_account_entry
         WHERE association_id = $1 AND year = $2 AND recorded_at <= $3 GROUP BY kind`,
        params,
      ),
      this.query(
        `SELECT w.reason_category, sum(CASE e.kind WHEN 'WAIVER' THEN e.amount_fen ELSE -e.amount_fen END)::text AS total,
                count(DISTINCT (w.enterprise_code, w.waiver_id))::int AS waivers
         FROM dues_account_entry e JOIN dues_waiver w USING (association_id, enterprise_code, year, waiver_id)
         WHERE e.association_id = $1 AND e.year = $2 AND e.recorded_at <= $3 AND e.kind IN ('WAIVER', 'WAIVER_REVOKED')
         GROUP BY w.reason_category ORDER BY w.reason_category`,
        params,
      ),
      this.query(
        `SELECT a.tier, count(*)::int AS count, sum(e.amount_fen)::text AS total
         FROM dues_account a JOIN dues_account_entry e USING (association_id, enterprise_code, year)
         WHERE a.association_id = $1 AND a.year = $2 AND e.kind = 'INVOICE' AND e.recorded_at <= $3 GROUP BY a.tier`,
        params,
      ),
      // Members active at `asOf` by their tier then (the membership register's bitemporal history), with what the
      // year's invoices recorded by then charged them.
      this.query(
        `SELECT m.tier, count(*)::int AS count, coalesce(sum(i.total), 0)::text AS total
         FROM (
           SELECT DISTINCT ON (enterprise_code) enterprise_code, status, tier FROM membership_history
           WHERE association_id = $1 AND recorded_at <= $3 AND valid_from <= $4::date
           ORDER BY enterprise_code, revision DESC
         ) m
         LEFT JOIN (
           SELECT enterprise_code, sum(amount_fen) AS total FROM dues_account_entry
           WHERE association_id = $1 AND year = $2 AND kind = 'INVOICE' AND recorded_at <= $3 GROUP BY enterprise_code
         ) i USING (enterprise_code)
         WHERE m.status = 'ACTIVE' GROUP BY m.tier`,
        [...params, businessDate(asOf)],
      ),
    ]);
    const total = (kind: string) => n(totals.find((t) => t.kind === kind)?.total);
    const invoicedFen = total('INVOICE');
    const collectedFen = total('PAYMENT');
    const waivedFen = total('WAIVER') - total('WAIVER_REVOKED');
    return {
      associationId,
      year,
      asOf,
      accountsInvoiced: n(totals.find((t) => t.kind === 'INVOICE')?.accounts),
      invoicedFen,
      collectedFen,
      waivedFen,
      outstandingFen: invoicedFen - collectedFen - waivedFen,
      waivedByReason: byReason
        .map((r): DuesReasonTotal => ({ reasonCategory: s(r.reason_category) as WaiverReason, amountFen: n(r.total), waivers: n(r.waivers) }))
        .filter((r) => r.amountFen > 0),
      invoicedByTier: inRankOrder(byTier.map((r): DuesTierTotal => ({ tier: s(r.tier), count: n(r.count), invoicedFen: n(r.total) }))),
      membersByTier: inRankOrder(members.map((r): DuesTierTotal => ({ tier: s(r.tier ?? 'NONE'), count: n(r.count), invoicedFen: n(r.total) }))),
    };
  }

  /**
   * Completed years (before the year `$3`) whose balance, as recorded at `$2`, is above zero; with `effectiveParam`,
   * the balance on that business date (IN_EFFECT_ON). A year's dues fall into arrears when the year is over unpaid.
   */
  private arrearsSql(extra: string, effectiveParam: string | null = null): string {
    return `SELECT enterprise_code, array_agg(year ORDER BY year) AS years, sum(balance)::text AS owed
      FROM (
        SELECT enterprise_code, year, sum(${BALANCE_EFFECT}) AS balance FROM dues_account_entry
        WHERE association_id = $1 AND recorded_at <= $2 AND year < $3 ${extra} ${effectiveParam === null ? '' : `AND ${IN_EFFECT_ON(effectiveParam)}`}
        GROUP BY enterprise_code, year HAVING sum(${BALANCE_EFFECT}) > 0
      ) unpaid GROUP BY enterprise_code`;
  }

  /** Years before `beforeYear` with a balance left, as the register had recorded them at `recordedAsOf`. */
  async unpaidYears(associationId: string, enterpriseCode: string, recordedAsOf: Date, beforeYear: number): Promise<number[]> {
    const [row] = await this.query(this.arrearsSql('AND enterprise_code = $4'), [associationId, recordedAsOf, beforeYear, enterpriseCode]);
    return row ? (row.years as number[]).map(Number) : [];
  }

  /**
   * Members in arrears on the business date `effectiveAt` (completed years before its year, unpaid that day) as the
   * register had recorded it by `asOf`, with their membership status on both axes. The default business date is the
   * day of `asOf` in China.
   */
  async arrears(
    associationId: string,
    asOf: Date,
    minYears: number,
    first: number,
    after?: string | null,
    effectiveAt: string = businessDate(asOf),
  ): Promise<Page<DuesArrearsView>> {
    const cursor = decodeCursor(after, 1);
    const params: unknown[] = [associationId, asOf, Number(effectiveAt.slice(0, 4)), minYears, effectiveAt];
    // The membership status and the name are read for the page's firms only: the count needs neither.
    const inArrears = `SELECT a.* FROM (${this.arrearsSql('', '$5')}) a WHERE cardinality(a.years) >= $4`;
    const [{ total }] = (await this.query(`SELECT count(*)::int AS total FROM (${inArrears}) x`, params)) as [{ total: number }];
    const pageParams = [...params];
    let where = '';
    if (cursor) {
      pageParams.push(cursor[0]);
      where = `WHERE x.enterprise_code > $${pageParams.length}`;
    }
    pageParams.push(first + 1);
    const rows = await this.query(
      `SELECT p.*, m.status AS membership_status, ${enterpriseNameAsOfSql('p.enterprise_code', '$2', '$5')} AS enterprise_name
       FROM (SELECT x.* FROM (${inArrears}) x ${where} ORDER BY x.enterprise_code LIMIT $${pageParams.length}) p
       LEFT JOIN LATERAL (${MEMBERSHIP_STATUS_AS_OF('p.enterprise_code', '$2', '$5')}) m ON true
       ORDER BY p.enterprise_code`,
      pageParams,
    );
    return toPage(rows, first, total, cursor !== null, (r) => encodeCursor([s(r.enterprise_code)]), toArrears);
  }

  /** Members (active or suspended) with at least the charter's number of unpaid years, on both axes as `arrears`. */
  async deemedWithdrawalCandidates(
    associationId: string,
    asOf: Date,
    effectiveAt: string = businessDate(asOf),
  ): Promise<{ charterYears: number; members: DuesArrearsView[] } | null> {
    const [association] = await this.query(`SELECT deemed_withdrawal_years FROM association WHERE association_id = $1`, [associationId]);
    if (!association) return null;
    const charterYears = n(association.deemed_withdrawal_years);
    const rows = await this.query(
      `SELECT a.*, m.status AS membership_status, ${enterpriseNameAsOfSql('a.enterprise_code', '$2', '$5')} AS enterprise_name
       FROM (${this.arrearsSql('', '$5')}) a
       JOIN LATERAL (${MEMBERSHIP_STATUS_AS_OF('a.enterprise_code', '$2', '$5')}) m ON m.status IN ('ACTIVE', 'SUSPENDED')
       WHERE cardinality(a.years) >= $4 ORDER BY a.enterprise_code`,
      [associationId, asOf, Number(effectiveAt.slice(0, 4)), charterYears, effectiveAt],
    );
    return { charterYears, members: rows.map(toArrears) };
  }
}

/** Tiers from the president's firm down to reserve members (MEMBERSHIP_TIERS); anything else after them. */
function inRankOrder(rows: DuesTierTotal[]): DuesTierTotal[] {
  const rank = (tier: string) => {
    const index = (MEMBERSHIP_TIERS as readonly string[]).indexOf(tier);
    return index === -1 ? MEMBERSHIP_TIERS.length : index;
  };
  return [...rows].sort((a, b) => rank(a.tier) - rank(b.tier) || a.tier.localeCompare(b.tier));
}

function toDecision(value: unknown): DuesDecisionView {
  const d = value as DecisionRecord;
  return { body: d.body, reference: d.reference, decidedOn: d.decidedOn, votes: d.votes ? { ...d.votes } : null };
}

function toSchedule(r: Row): DuesFeeScheduleView {
  return {
    associationId: s(r.association_id),
    version: n(r.version),
    effectiveFrom: dateText(r.effective_from),
    amounts: (r.amounts as { tier: FeeTier; annualFen: number }[]).map((a) => ({ tier: a.tier, annualFen: a.annualFen })),
    secondHalfPercent: nOrNull(r.second_half_percent),
    decision: toDecision(r.decision),
    warnings: r.warnings as string[],
    adoptedAt: new Date(r.adopted_at as string),
    adoptedBy: s(r.adopted_by),
  };
}

function toPayment(r: Row): DuesPaymentView {
  return {
    receiptNumber: s(r.receipt_number),
    enterpriseCode: s(r.enterprise_code),
    year: n(r.year),
    amountFen: n(r.amount_fen),
    paidOn: dateText(r.paid_on),
    recordedAt: new Date(r.recorded_at as string),
    recordedBy: s(r.recorded_by),
  };
}

/**
 * A waiver row; with `asOf`, amounts come from the ledger and later decisions are hidden. Its authority is the
 * approval (approver, time) or the policy (id, title, decision) it is in effect on; who recorded that is kept
 * apart, so the operator who applied a policy is never shown as its approver.
 */
function toWaiver(r: Row, asOf: Date | null): DuesWaiverView {
  const seen = (at: unknown) => at !== null && at !== undefined && (asOf === null || new Date(at as string) <= asOf);
  const inEffectFen = n(r.in_effect_as_of);
  const kind = sOrNull(r.authority) as DuesWaiverAuthorityKind | null;
  // The approval or the grant had been recorded by `asOf`.
  const decided = kind !== null && seen(r.recorded_at);
  const approval = decided && kind === 'APPROVAL';
  let status = s(r.status);
  if (asOf !== null) {
    if (inEffectFen > 0) status = 'APPROVED';
    else if (decided) status = 'REVOKED';
    else if (status === 'REJECTED' && seen(r.updated_at)) status = 'REJECTED';
    else status = 'REQUESTED';
  }
  const revoked = seen(r.revoked_at);
  const rejected = status === 'REJECTED';
  const approvedBy = approval ? sOrNull(r.approved_by) : null;
  const approvedAt = approval ? dOrNull(r.approved_at) : null;
  let authority: DuesWaiverView['authority'] = null;
  if (approval) authority = { kind: 'APPROVAL', approvedBy, approvedAt, policyId: null, policyTitle: null, decision: null };
  else if (decided) {
    authority = {
      kind: 'POLICY',
      approvedBy: null,
      approvedAt: null,
      policyId: sOrNull(r.policy_id),
      policyTitle: sOrNull(r.policy_title),
      decision: r.decision ? toDecision(r.decision) : null,
    };
  }
  return {
    waiverId: s(r.waiver_id),
    associationId: s(r.association_id),
    enterpriseCode: s(r.enterprise_code),
    enterpriseName: sOrNull(r.enterprise_name),
    year: n(r.year),
    status,
    full: Boolean(r.full_waiver),
    requestedFen: nOrNull(r.requested_fen),
    inEffectFen,
    revokedFen: n(r.revoked_as_of),
    reasonCategory: s(r.reason_category) as WaiverReason,
    reason: s(r.reason),
    evidenceReference: sOrNull(r.evidence_reference),
    requestedBy: sOrNull(r.requested_by),
    requestedAt: dOrNull(r.requested_at),
    approvedBy,
    approvedAt,
    authority,
    recordedBy: decided ? sOrNull(r.recorded_by) : null,
    recordedAt: decided ? dOrNull(r.recorded_at) : null,
    rejectedBy: rejected ? sOrNull(r.rejected_by) : null,
    rejectionReason: rejected ? sOrNull(r.rejection_reason) : null,
    revokedBy: revoked ? sOrNull(r.revoked_by) : null,
    revocationReason: revoked ? sOrNull(r.revocation_reason) : null,
    policyId: sOrNull(r.policy_id),
    decision: r.decision ?? null,
  };
}

function toPolicy(r: Row): DuesWaiverPolicyView {
  return {
    policyId: s(r.policy_id),
    associationId: s(r.association_id),
    year: n(r.year),
    title: s(r.title),
    reasonCategory: s(r.reason_category) as WaiverReason,
    reason: s(r.reason),
    defaultPercent: n(r.default_percent),
    sizeClassPercents: r.size_class_percents,
    decision: toDecision(r.decision),
    waiversGranted: n(r.granted),
    waivedFen: n(r.waived),
  };
}

function toArrears(r: Row): DuesArrearsView {
  const years = (r.years as unknown[]).map(Number);
  return {
    enterpriseCode: s(r.enterprise_code),
    enterpriseName: sOrNull(r.enterprise_name),
    unpaidYears: years,
    unpaidYearCount: years.length,
    owedFen: n(r.owed),
    membershipStatus: sOrNull(r.membership_status),
  };
}
