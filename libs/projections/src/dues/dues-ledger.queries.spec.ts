import { beforeAll, describe, expect, it } from '@jest/globals';
import { MembershipQueries } from '../membership/membership.queries.js';
import { LAST_EVENT, migratedReadModels } from '../read-models/query-spec-database.fixture.js';
import { DuesQueries } from './dues.queries.js';

const ZERO_EVENT = `'00000000-0000-0000-0000-000000000000'`;

/**
 * What the e2e specs reach only through today's clock: the ledger cut by recording time, and the waiver register
 * paged by cursor under a filter.
 */
describe('DuesQueries over the account ledger and the waiver register', () => {
  const db = migratedReadModels('dues_ledger_queries');
  let dues: DuesQueries;
  let membership: MembershipQueries;

  beforeAll(async () => {
    dues = new DuesQueries(db.dataSource());
    membership = new MembershipQueries(db.dataSource());
    const entry = (code: string, year: number, revision: number, kind: string, amount: number, recordedAt: string) =>
      `('a1', '${code}', ${year}, ${revision}, '${kind}', ${amount}, NULL, '${year}-01-02', '${recordedAt}', ${ZERO_EVENT}, '${revision}')`;
    await db.dataSource().query(
      `INSERT INTO dues_account_entry (association_id, enterprise_code, year, revision, kind, amount_fen, waiver_id, effective_on, recorded_at,
         event_id, position)
       VALUES ${[
         entry('C1', 2022, 1, 'INVOICE', 100, '2022-01-02T00:00:00Z'),
         entry('C1', 2023, 1, 'INVOICE', 100, '2023-01-02T00:00:00Z'),
         // 2022 settled, but only recorded in 2024.
         entry('C1', 2022, 2, 'PAYMENT', 100, '2024-03-01T00:00:00Z'),
         entry('C1', 2024, 1, 'INVOICE', 100, '2024-01-02T00:00:00Z'),
         entry('C2', 2023, 1, 'INVOICE', 100, '2023-01-02T00:00:00Z'),
       ].join(', ')}`,
    );
    const waiver = (code: string, id: string, reason: string, status: string) =>
      `('a1', '${code}', 2024, '${id}', '${status}', true, NULL, 0, 0, '${reason}', 'why', NULL, 'maker', '2024-02-01T00:00:00Z',
        NULL, NULL, NULL, now(), ${ZERO_EVENT}, '0')`;
    await db.dataSource().query(
      `INSERT INTO dues_waiver (association_id, enterprise_code, year, waiver_id, status, full_waiver, requested_fen, in_effect_fen, revoked_fen,
         reason_category, reason, evidence_reference, requested_by, requested_at, approved_by, approved_at, policy_id, updated_at,
         last_event_id, last_position)
       VALUES ${[
         waiver('C1', 'w1', 'OTHER', 'REQUESTED'),
         waiver('C1', 'w2', 'OTHER', 'REQUESTED'),
         waiver('C2', 'w3', 'OTHER', 'REQUESTED'),
         waiver('C3', 'w4', 'HARDSHIP_VISIT', 'REQUESTED'),
       ].join(', ')}`,
    );
    await db.dataSource().query(
      `INSERT INTO association (association_id, name, region_code, deemed_withdrawal_years, reminder_grace_days, admission_bodies,
         waiver_approvers, registered_at, updated_at, revision, last_event_id, last_position)
       VALUES ('a1', 'Association', '420106', 2, 30, '{}', '{}', now(), ${LAST_EVENT})`,
    );
  });

  it('counts a year unpaid as the ledger stood when recorded, and only years before the one given', async () => {
    expect(await dues.unpaidYears('a1', 'C1', new Date('2024-01-15T00:00:00Z'), 2024)).toEqual([2022, 2023]);
    expect(await dues.unpaidYears('a1', 'C1', new Date('2024-06-01T00:00:00Z'), 2024)).toEqual([2023]);
    expect(await dues.unpaidYears('a1', 'C1', new Date('2024-06-01T00:00:00Z'), 2023)).toEqual([]);
    expect(await dues.unpaidYears('a1', 'C9', new Date('2024-06-01T00:00:00Z'), 2025)).toEqual([]);
  });

  it('pages the waiver register by enterprise code and waiver id, counting every match of the filter', async () => {
    const first = await dues.waiverRegister('a1', 2024, { reasonCategory: 'OTHER' }, 2);
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e) => e.node.waiverId)).toEqual(['w1', 'w2']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await dues.waiverRegister('a1', 2024, { reasonCategory: 'OTHER' }, 2, first.pageInfo.endCursor);
    expect(second.totalCount).toBe(3);
    expect(second.edges.map((e) => e.node.waiverId)).toEqual(['w3']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('refuses a cursor of another list on its field', async () => {
    await expect(dues.waiverRegister('a1', 2024, {}, 2, 'not-a-cursor')).rejects.toMatchObject({ fieldErrors: [{ field: 'after' }] });
  });

  it('tells whether an association is in the register', async () => {
    expect(await membership.associationExists('a1')).toBe(true);
    expect(await membership.associationExists('a9')).toBe(false);
  });
});
