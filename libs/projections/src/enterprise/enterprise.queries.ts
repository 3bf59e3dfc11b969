import { Inject, Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Ownership, QualificationCategory, QualificationGrade, SizeClass } from '#domain/enterprise';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

export interface EnterpriseView {
  code: string;
  name: string;
  legalRepresentative: string;
  regionCode: string;
  provinceCode: string;
  cityCode: string;
  ownership: Ownership;
  sizeClass: SizeClass | null;
  codeCheckOverridden: boolean;
  codeOverrideReason: string | null;
  registeredAt: Date;
  registeredBy: string;
  updatedAt: Date;
  revision: number;
}

export interface QualificationView {
  category: QualificationCategory;
  specialty: string;
  grade: QualificationGrade;
  certificateNumber: string | null;
  status: string;
  /** ISO date. */
  effectiveFrom: string;
  withdrawnFrom: string | null;
  withdrawalReason: string | null;
}

export interface EnterpriseNameView {
  name: string;
  effectiveFrom: string | null;
  reason: string | null;
  recordedAt: Date;
  revision: number;
}

export interface EnterpriseFilterView {
  nameContains?: string | null;
  /** A province (…0000), city (…00) or district code. */
  region?: string | null;
  sizeClass?: string | null;
  ownership?: string | null;
  qualificationCategory?: string | null;
  qualificationGrade?: string | null;
  specialty?: string | null;
}

const ENTERPRISE_COLUMNS = `e.code, e.name, e.legal_representative AS "legalRepresentative", e.region_code AS "regionCode",
    e.province_code AS "provinceCode", e.city_code AS "cityCode", e.ownership, e.size_class AS "sizeClass",
    e.code_override_reason IS NOT NULL AS "codeCheckOverridden", e.code_override_reason AS "codeOverrideReason",
    e.registered_at AS "registeredAt", e.registered_by AS "registeredBy", e.updated_at AS "updatedAt", e.revision`;

/** The enterprises with these codes, in one plain statement (every mutation's payload and look-up batch). */
const BY_CODES_SQL = `SELECT ${ENTERPRISE_COLUMNS} FROM enterprise e WHERE e.code = ANY($1::text[])`;

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

/** Reads of the enterprise register's read model. */
@Injectable()
export class EnterpriseQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async byCode(code: string): Promise<EnterpriseView | null> {
    return (await this.byCodes([code])).get(code) ?? null;
  }

  async byCodes(codes: readonly string[]): Promise<Map<string, EnterpriseView>> {
    const rows = (await this.dataSource.query(BY_CODES_SQL, [codes])) as EnterpriseView[];
    return new Map(rows.map((row) => [row.code, row]));
  }

  /** Each code's size class: null when the register has none for it or does not know the code. */
  async sizeClasses(codes: readonly string[]): Promise<Map<string, SizeClass | null>> {
    const rows = (await this.dataSource.query(`SELECT code, size_class FROM enterprise WHERE code = ANY($1::text[])`, [codes])) as {
      code: string;
      size_class: SizeClass | null;
    }[];
    const found = new Map(rows.map((r) => [r.code, r.size_class]));
    return new Map(codes.map((code) => [code, found.get(code) ?? null]));
  }

  /** Enterprises matching the filter, by name then code. */
  async list(filter: EnterpriseFilterView, first: number, after?: string | null): Promise<Page<EnterpriseView>> {
    const cursor = decodeCursor(after, 2);
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    const conditions: string[] = [];
    if (filter.nameContains) conditions.push(`e.name ILIKE ${param(`%${filter.nameContains.replace(/[\\%_]/g, '\\$&')}%`)} ESCAPE '\\'`);
    if (filter.region) {
      // 420000 = the province, 420100 = the city, 420106 = the district.
      const column = filter.region.endsWith('0000') ? 'province_code' : filter.region.endsWith('00') ? 'city_code' : 'region_code';
      conditions.push(`e.${column} = ${param(filter.region)}`);
    }
    if (filter.sizeClass) conditions.push(`e.size_class = ${param(filter.sizeClass)}`);
    if (filter.ownership) conditions.push(`e.ownership = ${param(filter.ownership)}`);
    if (filter.qualificationCategory || filter.qualificationGrade || filter.specialty) {
      const held = [`q.code = e.code`, `q.status = 'HELD'`];
      if (filter.qualificationCategory) held.push(`q.category = ${param(filter.qualificationCategory)}`);
      if (filter.qualificationGrade) held.push(`q.grade = ${param(filter.qualificationGrade)}`);
      if (filter.specialty) held.push(`q.specialty = ${param(filter.specialty)}`);
      conditions.push(`EXISTS (SELECT 1 FROM enterprise_qualification q WHERE ${held.join(' AND ')})`);
    }
    const where = (extra: string[]) => (extra.length > 0 ? `WHERE ${extra.join(' AND ')}` : '');
    const [count] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM enterprise e ${where(conditions)}`, values)) as { n: number }[];
    const paged = cursor ? [...conditions, `(e.name, e.code) > (${param(String(cursor[0]))}, ${param(String(cursor[1]))})`] : conditions;
    const rows = (await this.dataSource.query(
      `SELECT ${ENTERPRISE_COLUMNS} FROM enterprise e ${where(paged)} ORDER BY e.name, e.code LIMIT ${param(first + 1)}`,
      values,
    )) as EnterpriseView[];
    return toPage(rows, first, count?.n ?? 0, cursor !== null, (r) => encodeCursor([r.name, r.code]), (r) => r);
  }

  /** Per-request loaders, so nested fields of a page of enterprises cost one query each, not one per row. */
  createLoaders() {
    return {
      // Many `enterprise(code:)` fields in one request (a tender system's batch) cost one query.
      byCode: new DataLoader<string, EnterpriseView | null>(async (codes) => {
        const found = await this.byCodes(codes);
        return codes.map((code) => found.get(code) ?? null);
      }),
      qualifications: new DataLoader<string, QualificationView[]>(async (codes) => {
        const rows = (await this.dataSource.query(
          `SELECT code, category, specialty, grade, certificate_number AS "certificateNumber", status, effective_from::text AS "effectiveFrom",
             withdrawn_from::text AS "withdrawnFrom", withdrawal_reason AS "withdrawalReason"
           FROM enterprise_qualification WHERE code = ANY($1::text[]) ORDER BY category, specialty`,
          [codes],
        )) as (QualificationView & { code: string })[];
        return codes.map((code) => rows.filter((r) => r.code === code).map(({ code: _code, ...qualification }) => qualification));
      }),
      names: new DataLoader<string, EnterpriseNameView[]>(async (codes) => {
        const rows = (await this.dataSource.query(
          `SELECT code, name, effective_from::text AS "effectiveFrom", reason, recorded_at AS "recordedAt", revision
           FROM enterprise_name WHERE code = ANY($1::text[]) ORDER BY revision`,
          [codes],
        )) as (EnterpriseNameView & { code: string })[];
        return codes.map((code) => rows.filter((r) => r.code === code).map(({ code: _code, ...name }) => name));
      }),
    };
  }
}

export type EnterpriseLoaders = ReturnType<EnterpriseQueries['createLoaders']>;
