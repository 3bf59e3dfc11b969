import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Reads of the dues accounts' read model. */
@Injectable()
export class DuesQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Codes of the enterprises the association invoiced for the year, in order. */
  async invoicedAccounts(associationId: string, year: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT enterprise_code FROM dues_account WHERE association_id = $1 AND year = $2 ORDER BY enterprise_code`,
      [associationId, year],
    )) as { enterprise_code: string }[];
    return rows.map((r) => r.enterprise_code);
  }
}
