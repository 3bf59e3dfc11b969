import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import {
  AssociationRow,
  CouncilElectionRow,
  CouncilTermRow,
  MEMBERSHIP_AS_OF_SQL,
} from '#projections';
import type { ElectionOffice, MembershipStatus, MembershipTier } from '#domain/membership';
import { businessDate } from '#domain/shared';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import { decodeCursor, encodeCursor, toConnection, type Connection } from '../graphql/connection.js';
import type { MemberDirectoryFilter } from './membership.inputs.js';
import type { Association, CouncilElection, CouncilTerm, Membership, MembershipAsOf, MembershipHistoryEntry } from './membership.types.js';

interface MembershipSqlRow {
  association_id: string;
  enterprise_code: string;
  enterprise_name: string | null;
  membership_id: string;
  status: string;
  tier: string | null;
  applied_on: string;
  admitted_on: string | null;
  certificate_number: string | null;
  ended_on: string | null;
  status_since: string;
  sanctions: number;
  last_reminder_on: string | null;
  updated_at: Date;
  revision: number;
}

const MEMBERSHIP_COLUMNS = `m.association_id, m.enterprise_code, e.name AS enterprise_name, m.membership_id, m.status, m.tier,
  m.applied_on::text AS applied_on, m.admitted_on::text AS admitted_on, m.certificate_number, m.ended_on::text AS ended_on,
  m.status_since::text AS status_since, m.sanctions, m.last_reminder_on::text AS last_reminder_on, m.updated_at, m.revision`;

/** Reads of the membership read model (never the event store). */
@Injectable()
export class MembershipReadModel {
  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {}

  async association(associationId: string): Promise<Association | null> {
    const row = await this.runtime.dataSource.getRepository(AssociationRow).findOneBy({ associationId });
    return row ? toAssociation(row) : null;
  }

  async associations(): Promise<Association[]> {
    const rows = await this.runtime.dataSource.getRepository(AssociationRow).find({ order: { associationId: 'ASC' } });
    return rows.map(toAssociation);
  }

  async councilTerms(associationId: string): Promise<CouncilTerm[]> {
    const rows = await this.runtime.dataSource.getRepository(CouncilTermRow).find({ where: { associationId }, order: { termNumber: 'ASC' } });
    return rows.map(toTerm);
  }

  async elections(associationId: string, termNumber?: number | null): Promise<CouncilElection[]> {
    const where = termNumber == null ? { associationId } : { associationId, termNumber };
    const rows = await this.runtime.dataSource
      .getRepository(CouncilElectionRow)
      .find({ where, order: { termNumber: 'ASC', recordedAt: 'ASC' } });
    return rows.map(toElection);
  }

  async election(electionId: string): Promise<CouncilElection | null> {
    const row = await this.runtime.dataSource.getRepository(CouncilElectionRow).findOneBy({ electionId });
    return row ? toElection(row) : null;
  }

  async membership(associationId: string, enterpriseCode: string): Promise<Membership | null> {
    const [row] = (await this.runtime.dataSource.query(
      `SELECT ${MEMBERSHIP_COLUMNS} FROM membership m LEFT JOIN enterprise e ON e.code = m.enterprise_code
       WHERE m.association_id = $1 AND m.enterprise_code = $2`,
      [associationId, enterpriseCode],
    )) as MembershipSqlRow[];
    return row ? toMembership(row) : null;
  }

  /** The member directory of one association, ordered by firm name. */
  async directory(associationId: string, filter: MemberDirectoryFilter, first: number, after?: string | null): Promise<Connection<Membership>> {
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
      // Owing dues: a completed year (before this year in China) still has a balance in the dues accounts.
      const thisYear = Number(businessDate(this.runtime.clock.now()).slice(0, 4));
      conditions.push(
        `${filter.inArrears ? '' : 'NOT '}EXISTS (SELECT 1 FROM dues_account d WHERE d.association_id = m.association_id
           AND d.enterprise_code = m.enterprise_code AND d.year < ${param(thisYear)} AND d.balance_fen > 0)`,
      );
    }
    const from = `FROM membership m LEFT JOIN enterprise e ON e.code = m.enterprise_code WHERE ${conditions.join(' AND ')}`;
    const [count] = (await this.runtime.dataSource.query(`SELECT count(*)::int AS n ${from}`, values)) as { n: number }[];
    let page = from;
    if (cursor) page += ` AND (COALESCE(e.name, ''), m.enterprise_code) > (${param(String(cursor[0]))}, ${param(String(cursor[1]))})`;
    const rows = (await this.runtime.dataSource.query(
      `SELECT ${MEMBERSHIP_COLUMNS} ${page} ORDER BY COALESCE(e.name, ''), m.enterprise_code LIMIT ${param(first + 1)}`,
      values,
    )) as MembershipSqlRow[];
    return toConnection(rows, first, count?.n ?? 0, cursor !== null, (r) => encodeCursor([r.enterprise_name ?? '', r.enterprise_code]), toMembership);
  }

  /** As the register stood at `asOf` (business date in China time, and recorded by then). */
  async asOf(associationId: string, enterpriseCode: string, asOf: Date): Promise<MembershipAsOf | null> {
    const [row] = (await this.runtime.dataSource.query(MEMBERSHIP_AS_OF_SQL, [associationId, enterpriseCode, asOf, businessDate(asOf)])) as {
      membership_id: string;
      status: string;
      tier: string | null;
      valid_from: string | Date;
      recorded_at: Date;
    }[];
    if (!row) return null;
    return {
      membershipId: row.membership_id,
      status: row.status as MembershipStatus,
      tier: row.tier as MembershipTier | null,
      validFrom: dateText(row.valid_from),
      recordedAt: row.recorded_at,
    };
  }

  /** Per-request loaders, so nested fields of a page cost one query each. */
  createLoaders() {
    const dataSource = this.runtime.dataSource;
    return {
      history: new DataLoader<string, MembershipHistoryEntry[]>(async (keys) => {
        const pairs = keys.map((k) => JSON.parse(k) as [string, string]);
        const rows = (await dataSource.query(
          `SELECT h.association_id, h.enterprise_code, h.membership_id, h.revision, h.event_type, h.status, h.tier,
             h.valid_from::text AS valid_from, h.valid_to::text AS valid_to, h.recorded_at
           FROM membership_history h
           WHERE (h.association_id, h.enterprise_code) IN (SELECT * FROM unnest($1::text[], $2::text[]))
           ORDER BY h.revision`,
          [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        )) as HistorySqlRow[];
        return pairs.map(([a, c]) => rows.filter((r) => r.association_id === a && r.enterprise_code === c).map(toHistory));
      }),
      councilTerms: new DataLoader<string, CouncilTerm[]>(async (ids) => {
        const rows = await dataSource
          .getRepository(CouncilTermRow)
          .createQueryBuilder('t')
          .where('t.association_id IN (:...ids)', { ids: [...ids] })
          .orderBy('t.term_number')
          .getMany();
        return ids.map((id) => rows.filter((r) => r.associationId === id).map(toTerm));
      }),
    };
  }
}

export type MembershipLoaders = ReturnType<MembershipReadModel['createLoaders']>;

function dateText(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString().slice(0, 10);
}

function toAssociation(row: AssociationRow): Association {
  return {
    associationId: row.associationId,
    name: row.name,
    regionCode: row.regionCode,
    deemedWithdrawalYears: row.deemedWithdrawalYears,
    reminderGraceDays: row.reminderGraceDays,
    admissionBodies: row.admissionBodies,
    waiverApprovers: row.waiverApprovers,
    registeredAt: row.registeredAt,
    revision: row.revision,
  };
}

function toTerm(row: CouncilTermRow): CouncilTerm {
  return {
    associationId: row.associationId,
    termNumber: row.termNumber,
    startsOn: dateText(row.startsOn),
    endsOn: dateText(row.endsOn),
    presidentEnterpriseCode: row.presidentEnterpriseCode,
  };
}

function toElection(row: CouncilElectionRow): CouncilElection {
  return {
    electionId: row.electionId,
    associationId: row.associationId,
    termNumber: row.termNumber,
    office: row.office as ElectionOffice,
    tier: row.tier as MembershipTier,
    seats: row.seats,
    candidates: row.candidates,
    elected: row.elected,
    decision: row.decision,
    recordedAt: row.recordedAt,
  };
}

function toMembership(row: MembershipSqlRow): Membership {
  return {
    associationId: row.association_id,
    enterpriseCode: row.enterprise_code,
    enterpriseName: row.enterprise_name,
    membershipId: row.membership_id,
    status: row.status as MembershipStatus,
    tier: row.tier as MembershipTier | null,
    appliedOn: row.applied_on,
    admittedOn: row.admitted_on,
    certificateNumber: row.certificate_number,
    endedOn: row.ended_on,
    statusSince: row.status_since,
    sanctions: row.sanctions,
    lastReminderOn: row.last_reminder_on,
    updatedAt: row.updated_at,
    revision: row.revision,
  };
}

interface HistorySqlRow {
  association_id: string;
  enterprise_code: string;
  membership_id: string;
  revision: number;
  event_type: string;
  status: string;
  tier: string | null;
  valid_from: string;
  valid_to: string | null;
  recorded_at: Date;
}

function toHistory(row: HistorySqlRow): MembershipHistoryEntry {
  return {
    membershipId: row.membership_id,
    revision: row.revision,
    eventType: row.event_type,
    status: row.status as MembershipStatus,
    tier: row.tier as MembershipTier | null,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    recordedAt: row.recorded_at,
  };
}
