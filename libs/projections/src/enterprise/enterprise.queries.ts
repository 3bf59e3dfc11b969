import { Inject, Injectable } from '@nestjs/common';
import type { SizeClass } from '#domain/enterprise';
import { DataSource } from 'typeorm';

/** Reads of the enterprise register's read model. */
@Injectable()
export class EnterpriseQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Each code's size class: null when the register has none for it or does not know the code. */
  async sizeClasses(codes: readonly string[]): Promise<Map<string, SizeClass | null>> {
    const rows = (await this.dataSource.query(`SELECT code, size_class FROM enterprise WHERE code = ANY($1::text[])`, [codes])) as {
      code: string;
      size_class: SizeClass | null;
    }[];
    const found = new Map(rows.map((r) => [r.code, r.size_class]));
    return new Map(codes.map((code) => [code, found.get(code) ?? null]));
  }
}
