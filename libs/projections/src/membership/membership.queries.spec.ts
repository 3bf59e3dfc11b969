import { beforeAll, describe, expect, it } from '@jest/globals';
import { LAST_EVENT, migratedReadModels } from '../read-models/query-spec-database.fixture.js';
import { MembershipQueries } from './membership.queries.js';

describe('MembershipQueries', () => {
  const db = migratedReadModels('membership_queries');
  let queries: MembershipQueries;

  beforeAll(async () => {
    queries = new MembershipQueries(db.dataSource());
    await db.dataSource().query(
      `INSERT INTO membership (association_id, enterprise_code, membership_id, status, tier, applied_on, admitted_on, status_since, sanctions,
         updated_at, revision, last_event_id, last_position)
       VALUES ('a1', 'C2', 'm2', 'ACTIVE', 'MEMBER', '2024-01-01', '2024-02-01', '2024-02-01', 0, ${LAST_EVENT}),
              ('a1', 'C1', 'm1', 'ACTIVE', 'COUNCIL', '2023-01-01', '2023-02-01', '2023-02-01', 0, ${LAST_EVENT}),
              ('a1', 'C3', 'm3', 'APPLIED', NULL, '2024-03-01', NULL, '2024-03-01', 0, ${LAST_EVENT}),
              ('a2', 'C4', 'm4', 'ACTIVE', 'MEMBER', '2024-01-01', '2024-01-05', '2024-01-05', 0, ${LAST_EVENT})`,
    );
  });

  it('reads one membership fact, null when there is none', async () => {
    expect(await queries.membershipFact('a1', 'C1')).toEqual({ status: 'ACTIVE', tier: 'COUNCIL', admittedOn: '2023-02-01' });
    expect(await queries.membershipFact('a1', 'C3')).toEqual({ status: 'APPLIED', tier: null, admittedOn: null });
    expect(await queries.membershipFact('a2', 'C1')).toBeNull();
  });

  it('lists the active members of one association by code', async () => {
    expect(await queries.activeMembers('a1')).toEqual([
      { enterpriseCode: 'C1', status: 'ACTIVE', tier: 'COUNCIL', admittedOn: '2023-02-01' },
      { enterpriseCode: 'C2', status: 'ACTIVE', tier: 'MEMBER', admittedOn: '2024-02-01' },
    ]);
  });
});
