import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { ElectionOffice, MembershipStatus, MembershipTier } from '#domain/membership';
import { businessDate } from '#domain/shared';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

export interface AssociationView {
  associationId: string;
  name: string;
  regionCode: string;
  deemedWithdrawalYears: number;
  reminderGraceDays: number;
  admissionBodies: string[];
  waiverApprovers: string[];
  registeredAt: Date;
  revision: number;
}

export interface CouncilTermView {
  associationId: string;
  termNumber: number;
  /** ISO dates. */
  startsOn: string;
  endsOn: string;
  presidentEnterpriseCode: string | null;
}

export interface ElectionCandidateJson {
  enterpriseCode: string;
  votes: number;
  runOffVotes: number | null;
  elected: boolean;
  rank: number;
}

export interface CouncilElectionView {
  electionId: string;
  associationId: string;
  termNumber: number;
  office: ElectionOffice;
  tier: MembershipTier;
  seats: number;
  candidates: ElectionCandidateJson[];
  elected: string[];
  decision: Record<string, unknown>;
  recordedAt: Date;
}

export interface MembershipView {
  associationId: string;
  enterpriseCode: string;
  enterpriseName: string | null;
  membershipId: string;
  status: MembershipStatus;
  tier: MembershipTier | null;
  appliedOn: string;
  admittedOn: string | null;
  certificateNumber: string | null;
  endedOn: string | null;
  statusSince: string;
  sanctions: number;
  lastReminderOn: string | null;
  updatedAt: Date;
  revision: number;
}

export interface MembershipAsOfView {
  membershipId: string;
  status: MembershipStatus;
  tier: MembershipTier | null;
  validFrom: string;
  recordedAt: Date;
}

export interface MembershipHistoryView {
  membershipId: string;
  revision: number;
  eventType: string;
  status: MembershipStatus;
  tier: MembershipTier | null;
  validFrom: string;
  validTo: string | null;
  recordedAt: Date;
}

export interface MemberDirectoryFilterView {
  status?: string | null;
  tier?: string | null;
  sizeClass?: string | null;
  /** A province (…0000), city (…00) or district code. */
  region?: string | null;
  nameContains?: string | null;
  inArrears?: boolean | null;
}

/**
 * The membership as it stood at an instant: the latest history row recorded by $3 whose business time had come
 * by $4 (the business date of $3).
 */
export const MEMBERSHIP_AS_OF_SQL = `
  SELECT membership_id, status, tier, valid_from::text AS valid_from, valid_to::text AS valid_to, recorded_at, event_type, revision
  FROM membership_history
  WHERE association_id = $1 AND enterprise_code = $2 AND recorded_at <= $3 AND valid_from <= $4
  ORDER BY revision DESC
  LIMIT 1`;

const ASSOCIATION_COLUMNS = `association_id AS "associationId", name, region_code AS "regionCode",
  deemed_withdrawal_years AS "deemedWithdrawalYears", reminder_grace_days AS "reminderGraceDays", admission_bodies AS "admissionBodies",
  waiver_approvers AS "waiverApprovers", registered_at AS "registeredAt", revision`;

const TERM_COLUMNS = `association_id AS "associationId", term_number AS "termNumber", starts_on::text AS "startsOn", ends_on::text AS "endsOn",
  president_enterprise_code AS "presidentEnterpriseCode"`;

const ELECTION_COLUMNS = `election_id AS "electionId", association_id AS "associationId", term_number AS "termNumber", office, tier, seats,
  candidates, elected, decision, recorded_at AS "recordedAt"`;

// The firm's name comes from the enterprise register: the directory is ordered and filtered by it.
const MEMBERSHIP_COLUMNS = `m.association_id AS "associationId", m.enterprise_code AS "enterpriseCode", e.name AS "enterpriseName",
  m.membership_id AS "membershipId", m.status, m.tier, m.applied_on::text AS "appliedOn", m.admitted_on::text AS "admittedOn",
  m.certificate_number AS "certificateNumber", m.ended_on::text AS "endedOn", m.status_since::text AS "statusSince", m.sanctions,
  m.last_reminder_on::text AS "lastReminderOn", m.updated_at AS "updatedAt", m.revision`;

/** A member's standing as the membership register holds it: what a dues decision needs from it. */
export interface MembershipFactView {
  readonly status: string;
  readonly tier: string | null;
  /** ISO date. */
  readonly admittedOn: string | null;
}

/** One association's latest membership record of an enterprise: what decides whether the association holds the firm. */
export interface MembershipStandingView {
  readonly associationId: string;
  readonly status: MembershipStatus;
}

export interface MemberFactView extends MembershipFactView {
  readonly enterpriseCode: string;
}

/** Reads of the membership register's read model. */
@Injectable()
export class MembershipQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async association(associationId: string): Promise<AssociationView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${ASSOCIATION_COLUMNS} FROM association WHERE association_id = $1`, [associationId])) as AssociationView[];
    return row ?? null;
  }

  /** Whether the association is in the register, without reading its row. */
  async associationExists(associationId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM association WHERE association_id = $1`, [associationId])) as unknown[];
    return rows.length > 0;
  }

  associations(): Promise<AssociationView[]> {
    return this.dataSource.query(`SELECT ${ASSOCIATION_COLUMNS} FROM association ORDER BY association_id`);
  }

  councilTerms(associationId: string): Promise<CouncilTermView[]> {
    return this.dataSource.query(`SELECT ${TERM_COLUMNS} FROM council_term WHERE association_id = $1 ORDER BY term_number`, [associationId]);
  }

  /** The association's elections (of one term when given), by term and time recorded. */
  elections(associationId: string, termNumber?: number | null): Promise<CouncilElectionView[]> {
    return this.dataSource.query(
      `SELECT ${ELECTION_COLUMNS} FROM council_election WHERE association_id = $1 AND ($2::int IS NULL OR term_number = $2)
        ORDER BY term_number, recorded_at`,
      [associationId, termNumber ?? null],
    );
  }

  async election(electionId: string): Promise<CouncilElectionView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${ELECTION_COLUMNS} FROM council_election WHERE election_id = $1`, [electionId])) as CouncilElectionView[];
    return row ?? null;
  }

  async membership(associationId: string, enterpriseCode: string): Promise<MembershipView | null> {
    const [row] = (await this.dataSource.query(
      `SELECT ${MEMBERSHIP_COLUMNS} FROM membership m LEFT JOIN enterprise e ON e.code = m.enterprise_code
       WHERE m.association_id = $1 AND m.enterprise_code = $2`,
      [associationId, enterpriseCode],
    )) as MembershipView[];
    return row ?? null;
  }

  /**
   * The member directory of one association, ordered by firm name. `now` decides which years are completed for
   * `inArrears` (those before the current year in China).
   */
  async directory(associationId: string, filter: MemberDirectoryFilterView, first: number, after: string | null | undefined, now: Date): Promise<Page<MembershipView>> {
    const cursor = decodeCursor(after, 2);
    const conditions = ['m.association_id = $1'];
    const values: unknown[] = [associationId];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.status) conditions.push(`m.status = ${param(filter.status)}`);
    if (filter.tier) conditions.push(`m.tier = ${param(filter.tier)}`);
    if (filter.sizeClass) conditions.push(`e.size_class = ${param(filter.sizeClass)}`);
    if (filter.region) {
      // 420000 = the province, 420100 = the city, 420106 = the district.
      const column = filter.region.endsWith('0000') ? 'province_code' : filter.region.endsWith('00') ? 'city_code' : 'region_code';
      conditions.push(`e.${column} = ${param(filter.region)}`);
    }
    if (filter.nameContains) {
      conditions.push(`e.name ILIKE ${param(`%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%`)} ESCAPE '\\'`);
    }
    if (filter.inArrears != null) {
      // Owing dues: a completed year still has a balance in the dues accounts.
      const thisYear = Number(businessDate(now).slice(0, 4));
      conditions.push(
        `${filter.inArrears ? '' : 'NOT '}EXISTS (SELECT 1 FROM dues_account d WHERE d.association_id = m.association_id
           AND d.enterprise_code = m.enterprise_code AND d.year < ${param(thisYear)} AND d.balance_fen > 0)`,
      );
    }
    const from = `FROM membership m LEFT JOIN enterprise e ON e.code = m.enterprise_code WHERE ${conditions.join(' AND ')}`;
    const [count] = (await this.dataSource.query(`SELECT count(*)::int AS n ${from}`, values)) as { n: number }[];
    let page = from;
    if (cursor) page += ` AND (COALESCE(e.name, ''), m.enterprise_code) > (${param(String(cursor[0]))}, ${param(String(cursor[1]))})`;
    const rows = (await this.dataSource.query(
      `SELECT ${MEMBERSHIP_COLUMNS} ${page} ORDER BY COALESCE(e.name, ''), m.enterprise_code LIMIT ${param(first + 1)}`,
      values,
    )) as MembershipView[];
    return toPage(rows, first, count?.n ?? 0, cursor !== null, (r) => encodeCursor([r.enterpriseName ?? '', r.enterpriseCode]), (r) => r);
  }

  /** As the register stood at `asOf` (business date in China time, and recorded by then). */
  /** The membership on the business date `effectiveAt` (default the day of `asOf`), as recorded by `asOf`. */
  async asOf(associationId: string, enterpriseCode: string, asOf: Date, effectiveAt: string = businessDate(asOf)): Promise<MembershipAsOfView | null> {
    const [row] = (await this.dataSource.query(MEMBERSHIP_AS_OF_SQL, [associationId, enterpriseCode, asOf, effectiveAt])) as {
      membership_id: string;
      status: MembershipStatus;
      tier: MembershipTier | null;
      valid_from: string;
      recorded_at: Date;
    }[];
    return row ? { membershipId: row.membership_id, status: row.status, tier: row.tier, validFrom: row.valid_from, recordedAt: row.recorded_at } : null;
  }

  /** Per-request loaders, so nested fields of a page cost one query each. */
  createLoaders() {
    return {
      history: new DataLoader<string, MembershipHistoryView[]>(async (keys) => {
        const pairs = keys.map((k) => JSON.parse(k) as [string, string]);
        const rows = (await this.dataSource.query(
          `SELECT h.association_id AS "associationId", h.enterprise_code AS "enterpriseCode", h.membership_id AS "membershipId", h.revision,
             h.event_type AS "eventType", h.status, h.tier, h.valid_from::text AS "validFrom", h.valid_to::text AS "validTo", h.recorded_at AS "recordedAt"
           FROM membership_history h
           WHERE (h.association_id, h.enterprise_code) IN (SELECT * FROM unnest($1::text[], $2::text[]))
           ORDER BY h.revision`,
          [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        )) as (MembershipHistoryView & { associationId: string; enterpriseCode: string })[];
        return pairs.map(([a, c]) =>
          rows.filter((r) => r.associationId === a && r.enterpriseCode === c).map(({ associationId: _a, enterpriseCode: _c, ...entry }) => entry),
        );
      }),
      councilTerms: new DataLoader<string, CouncilTermView[]>(async (ids) => {
        const rows = (await this.dataSource.query(`SELECT ${TERM_COLUMNS} FROM council_term WHERE association_id = ANY($1::text[]) ORDER BY term_number`, [
          ids,
        ])) as CouncilTermView[];
        return ids.map((id) => rows.filter((r) => r.associationId === id));
      }),
    };
  }

  /** The enterprise's membership of the association, or null when it never applied. */
  async membershipFact(associationId: string, enterpriseCode: string): Promise<MembershipFactView | null> {
    const [row] = (await this.dataSource.query(
      `SELECT status, tier, admitted_on::text AS "admittedOn" FROM membership WHERE association_id = $1 AND enterprise_code = $2`,
      [associationId, enterpriseCode],
    )) as MembershipFactView[];
    return row ?? null;
  }

  /** The association's active members, by enterprise code. */
  activeMembers(associationId: string): Promise<MemberFactView[]> {
    return this.dataSource.query(
      `SELECT enterprise_code AS "enterpriseCode", status, tier, admitted_on::text AS "admittedOn" FROM membership
        WHERE association_id = $1 AND status = 'ACTIVE' ORDER BY enterprise_code`,
      [associationId],
    );
  }

  /** Every association's latest membership record of the enterprise, with its status, by association. */
  async membershipsOf(enterpriseCode: string): Promise<MembershipStandingView[]> {
    return (await this.membershipsOfEach([enterpriseCode])).get(enterpriseCode) ?? [];
  }

  /** `membershipsOf` for many enterprises in one statement, by code (a code with no membership record has no entry). */
  async membershipsOfEach(enterpriseCodes: readonly string[]): Promise<Map<string, MembershipStandingView[]>> {
    const rows = (await this.dataSource.query(
      `SELECT enterprise_code AS "enterpriseCode", association_id AS "associationId", status FROM membership
        WHERE enterprise_code = ANY($1::text[]) ORDER BY enterprise_code, association_id`,
      [enterpriseCodes],
    )) as (MembershipStandingView & { enterpriseCode: string })[];
    const byCode = new Map<string, MembershipStandingView[]>();
    for (const { enterpriseCode, ...standing } of rows) byCode.set(enterpriseCode, [...(byCode.get(enterpriseCode) ?? []), standing]);
    return byCode;
  }
}

export type MembershipLoaders = ReturnType<MembershipQueries['createLoaders']>;
