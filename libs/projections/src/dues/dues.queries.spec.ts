import { beforeAll, describe, expect, it } from '@jest/globals';
import { EnterpriseQueries } from '../enterprise/enterprise.queries.js';
import { LAST_EVENT, migratedReadModels } from '../read-models/query-spec-database.fixture.js';
import { DuesQueries } from './dues.queries.js';

describe('DuesQueries and the enterprise facts a waiver policy needs', () => {
  const db = migratedReadModels('dues_queries');
  let dues: DuesQueries;
  let enterprises: EnterpriseQueries;

  beforeAll(async () => {
    dues = new DuesQueries(db.dataSource());
    enterprises = new EnterpriseQueries(db.dataSource());
    const account = (association: string, code: string, year: number) =>
      `('${association}', '${code}', ${year}, 'MEMBER', 1, 100, 100, 0, 0, 100, NULL, '2020-01-01', '${year}-01-02', now(), ${LAST_EVENT})`;
    await db.dataSource().query(
      `INSERT INTO dues_account (association_id, enterprise_code, year, tier, schedule_version, annual_fen, invoiced_fen, paid_fen, waived_fen,
         balance_fen, pro_rated_percent, admitted_on, invoiced_on, invoiced_at, updated_at, revision, last_event_id, last_position)
       VALUES ${[account('a1', 'C2', 2024), account('a1', 'C1', 2024), account('a1', 'C3', 2023), account('a2', 'C4', 2024)].join(', ')}`,
    );
    await db.dataSource().query(
      `INSERT INTO enterprise (code, name, legal_representative, region_code, province_code, city_code, ownership, size_class,
         registered_at, registered_by, updated_at, revision, last_event_id, last_position)
       VALUES ('C1', 'One', 'R', '420106', '420000', '420100', 'PRIVATE', 'LARGE', now(), 'u', ${LAST_EVENT}),
              ('C2', 'Two', 'R', '420106', '420000', '420100', 'PRIVATE', NULL, now(), 'u', ${LAST_EVENT})`,
    );
  });

  it('lists the accounts invoiced for one association and year, by code', async () => {
    expect(await dues.invoicedAccounts('a1', 2024)).toEqual(['C1', 'C2']);
    expect(await dues.invoicedAccounts('a1', 2022)).toEqual([]);
  });

  it('gives every code asked for a size class, null when unknown', async () => {
    expect(await enterprises.sizeClasses(['C1', 'C2', 'C9'])).toEqual(
      new Map([
        ['C1', 'LARGE'],
        ['C2', null],
        ['C9', null],
      ]),
    );
  });
});
