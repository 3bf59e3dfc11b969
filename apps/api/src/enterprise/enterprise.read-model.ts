import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { EnterpriseNameRow, EnterpriseQualificationRow, EnterpriseRow } from '#projections';
import type { Ownership, QualificationCategory, QualificationGrade, SizeClass } from '#domain/enterprise';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import { decodeCursor, encodeCursor, toConnection, type Connection } from '../graphql/connection.js';
import type { EnterpriseFilter } from './enterprise.inputs.js';
import type { Enterprise, EnterpriseName, Qualification } from './enterprise.types.js';

/**
 * The columns of `enterprise` an `Enterprise` shows, by code (one or many), named as the entity's properties so
 * that one mapper serves this plain statement and the query builder's entities.
 */
const BY_CODES_SQL = `SELECT code, name, legal_representative AS "legalRepresentative", region_code AS "regionCode",
    province_code AS "provinceCode", city_code AS "cityCode", ownership, size_class AS "sizeClass",
    code_override_reason AS "codeOverrideReason", registered_at AS "registeredAt", registered_by AS "registeredBy",
    updated_at AS "updatedAt", revision
  FROM enterprise WHERE code = ANY($1::text[])`;

type EnterpriseSqlRow = Pick<
  EnterpriseRow,
  | 'code' | 'name' | 'legalRepresentative' | 'regionCode' | 'provinceCode' | 'cityCode' | 'ownership' | 'sizeClass'
  | 'codeOverrideReason' | 'registeredAt' | 'registeredBy' | 'updatedAt' | 'revision'
>;

/**
 * An SQL expression for a firm's name as the enterprise register held it at an instant: the latest name recorded
 * by `asOf` whose effective date had come by `day` (the business date of `asOf` in China); null for a code not
 * registered by then. One index probe (`enterprise_name` by code and revision) per row, for lists that print
 * names without a look-up per firm.
 */
export function enterpriseNameAsOfSql(code: string, asOf: string, day: string): string {
  return `(SELECT en.name FROM enterprise_name en WHERE en.code = ${code} AND en.recorded_at <= ${asOf}
     AND (en.effective_from IS NULL OR en.effective_from <= ${day}::date) ORDER BY en.revision DESC LIMIT 1)`;
}

/** Reads of the enterprise register's read model (never the event store). */
@Injectable()
export class EnterpriseReadModel {
  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {}

  async byCode(code: string): Promise<Enterprise | null> {
    return (await this.byCodes([code])).get(code) ?? null;
  }

  /**
   * Enterprises by code in one plain statement. Every mutation's payload and every batch of look-ups comes
   * through here, so it skips the query builder and entity mapping (a measurable share of a request's CPU).
   */
  async byCodes(codes: readonly string[]): Promise<Map<string, Enterprise>> {
    const rows = (await this.runtime.dataSource.query(BY_CODES_SQL, [codes])) as EnterpriseSqlRow[];
    return new Map(rows.map((row) => [row.code, toEnterprise(row)]));
  }

  async list(filter: EnterpriseFilter, first: number, after?: string | null): Promise<Connection<Enterprise>> {
    const cursor = decodeCursor(after, 2);
    const query = this.runtime.dataSource.getRepository(EnterpriseRow).createQueryBuilder('e');
    if (filter.nameContains) {
      query.andWhere(`e.name ILIKE :name ESCAPE '\\'`, { name: `%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%` });
    }
    if (filter.region) {
      // 420000 = the province, 420100 = the city, 420106 = the district.
      const region = filter.region;
      if (region.endsWith('0000')) query.andWhere('e.province_code = :region', { region });
      else if (region.endsWith('00')) query.andWhere('e.city_code = :region', { region });
      else query.andWhere('e.region_code = :region', { region });
    }
    if (filter.sizeClass) query.andWhere('e.size_class = :sizeClass', { sizeClass: filter.sizeClass });
    if (filter.ownership) query.andWhere('e.ownership = :ownership', { ownership: filter.ownership });
    if (filter.qualificationCategory || filter.qualificationGrade || filter.specialty) {
      const conditions = [`q.code = e.code`, `q.status = 'HELD'`];
      if (filter.qualificationCategory) conditions.push('q.category = :category');
      if (filter.qualificationGrade) conditions.push('q.grade = :grade');
      if (filter.specialty) conditions.push('q.specialty = :specialty');
      query.andWhere(`EXISTS (SELECT 1 FROM enterprise_qualification q WHERE ${conditions.join(' AND ')})`, {
        category: filter.qualificationCategory,
        grade: filter.qualificationGrade,
        specialty: filter.specialty,
      });
    }
    const totalCount = await query.clone().getCount();
    if (cursor) query.andWhere('(e.name, e.code) > (:afterName, :afterCode)', { afterName: cursor[0], afterCode: cursor[1] });
    const rows = await query.orderBy('e.name', 'ASC').addOrderBy('e.code', 'ASC').limit(first + 1).getMany();
    return toConnection(rows, first, totalCount, cursor !== null, (r) => encodeCursor([r.name, r.code]), toEnterprise);
  }

  /** Per-request loaders, so nested fields of a page of enterprises cost one query each, not one per row. */
  createLoaders() {
    const dataSource = this.runtime.dataSource;
    return {
      // Many `enterprise(code:)` fields in one request (a tender system's batch) cost one query.
      byCode: new DataLoader<string, Enterprise | null>(async (codes) => {
        const found = await this.byCodes(codes);
        return codes.map((code) => found.get(code) ?? null);
      }),
      qualifications: new DataLoader<string, Qualification[]>(async (codes) => {
        const rows = await dataSource
          .getRepository(EnterpriseQualificationRow)
          .createQueryBuilder('q')
          .where('q.code IN (:...codes)', { codes: [...codes] })
          .orderBy('q.category')
          .addOrderBy('q.specialty')
          .getMany();
        return codes.map((code) => rows.filter((r) => r.code === code).map(toQualification));
      }),
      names: new DataLoader<string, EnterpriseName[]>(async (codes) => {
        const rows = await dataSource
          .getRepository(EnterpriseNameRow)
          .createQueryBuilder('n')
          .where('n.code IN (:...codes)', { codes: [...codes] })
          .orderBy('n.revision')
          .getMany();
        return codes.map((code) => rows.filter((r) => r.code === code).map(toName));
      }),
    };
  }
}

export type EnterpriseLoaders = ReturnType<EnterpriseReadModel['createLoaders']>;

function toEnterprise(row: EnterpriseSqlRow): Enterprise {
  return {
    code: row.code,
    name: row.name,
    legalRepresentative: row.legalRepresentative,
    regionCode: row.regionCode,
    provinceCode: row.provinceCode,
    cityCode: row.cityCode,
    ownership: row.ownership as Ownership,
    sizeClass: row.sizeClass as SizeClass | null,
    codeCheckOverridden: row.codeOverrideReason !== null,
    codeOverrideReason: row.codeOverrideReason,
    registeredAt: row.registeredAt,
    registeredBy: row.registeredBy,
    updatedAt: row.updatedAt,
    revision: row.revision,
  };
}

function toQualification(row: EnterpriseQualificationRow): Qualification {
  return {
    category: row.category as QualificationCategory,
    specialty: row.specialty,
    grade: row.grade as QualificationGrade,
    certificateNumber: row.certificateNumber,
    status: row.status,
    effectiveFrom: row.effectiveFrom,
    withdrawnFrom: row.withdrawnFrom,
    withdrawalReason: row.withdrawalReason,
  };
}

function toName(row: EnterpriseNameRow): EnterpriseName {
  return { name: row.name, effectiveFrom: row.effectiveFrom, reason: row.reason, recordedAt: row.recordedAt, revision: row.revision };
}
