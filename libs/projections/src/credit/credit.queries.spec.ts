import { beforeAll, describe, expect, it } from '@jest/globals';
import { LAST_EVENT, migratedReadModels } from '../read-models/query-spec-database.fixture.js';
import { CreditQueries } from './credit.queries.js';

describe('CreditQueries', () => {
  const db = migratedReadModels('credit_queries');
  let queries: CreditQueries;

  beforeAll(async () => {
    queries = new CreditQueries(db.dataSource());
    const application = (association: string, cycle: string, subject: string, status: string, rating: string | null, validTo: string | null) =>
      `('${association}', '${cycle}', '${subject}', 'ENTERPRISE', true, 'rb', 1, '${status}', '2024-01-01', '{}',
        ${rating === null ? 'NULL' : `'${rating}'`}, ${validTo === null ? 'NULL' : `'${validTo}'`}, ${LAST_EVENT})`;
    await db.dataSource().query(
      `INSERT INTO credit_application (association_id, cycle_id, subject_id, subject_kind, member, rulebook_id, rulebook_version, status,
         filed_on, self_assessment, rating_status, valid_to, updated_at, revision, last_event_id, last_position)
       VALUES ${[
         application('a1', '2024', 'S2', 'ISSUED', 'ACTIVE', '2025-06-30'),
         application('a1', '2023', 'S2', 'ISSUED', 'SUSPENDED', '2024-06-30'),
         application('a1', '2022', 'S2', 'ISSUED', 'EXPIRED', '2023-06-30'),
         application('a1', '2024', 'S1', 'ISSUED', 'ACTIVE', '2024-12-31'),
         application('a1', '2024', 'S3', 'UNDER_REVIEW', null, null),
         application('a2', '2024', 'S2', 'ISSUED', 'ACTIVE', '2024-01-31'),
       ].join(', ')}`,
    );
  });

  it('lists the valid ratings of a subject that one association issued, by cycle', async () => {
    expect(await queries.validRatingsOf('a1', 'S2')).toEqual([
      { associationId: 'a1', cycleId: '2023' },
      { associationId: 'a1', cycleId: '2024' },
    ]);
  });

  it('lists the subjects of a cycle, all of them or in one status', async () => {
    expect(await queries.subjectsIn('a1', '2024', null)).toEqual(['S1', 'S2', 'S3']);
    expect(await queries.subjectsIn('a1', '2024', 'UNDER_REVIEW')).toEqual(['S3']);
  });

  it('finds the valid ratings past their valid-to on a date, per cycle and across associations', async () => {
    expect(await queries.expiredRatings('a1', '2024', '2025-01-01')).toEqual(['S1']);
    expect(await queries.expiredRatings('a1', '2024', '2024-12-31')).toEqual([]);
    expect(await queries.cyclesWithDueExpiries('2025-01-01')).toEqual([
      { associationId: 'a1', cycleId: '2023' },
      { associationId: 'a1', cycleId: '2024' },
      { associationId: 'a2', cycleId: '2024' },
    ]);
  });
});
