import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type DuesEvent, duesAccountStreamId, feeScheduleStreamId } from '#domain/dues';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { readModelMigrations } from '../migrations/index.js';
import { readModelEntities } from '../read-models/index.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { DuesAccounts1795219700000 } from './1795219700000-dues-accounts.migration.js';
import { DuesWaiverAuthority1795219710000 } from './1795219710000-dues-waiver-authority.migration.js';
import { duesProjection } from './dues.projection.js';

const ASSOC = 'assoc-proj';
const CODE = '91420100177678329F';
const key = { associationId: ASSOC, enterpriseCode: CODE, year: 2026 };
const decision = { body: 'COUNCIL', reference: '武建协〔2026〕1号', decidedOn: '2026-01-10', votes: null } as const;

const record = eventRecorder();
function recorded(streamId: string, revision: number, event: DuesEvent, recordedAt: string, userId = 'admin-1'): RecordedEvent {
  return record(streamId, revision, event, recordedAt, { userId, associationId: ASSOC });
}

const stream = duesAccountStreamId(ASSOC, CODE, 2026);
const events: RecordedEvent[] = [
  recorded(feeScheduleStreamId(ASSOC), 0, {
    type: 'FeeScheduleAdopted',
    data: { associationId: ASSOC, version: 1, amounts: [{ tier: 'MEMBER', annualFen: 2_000_00 }], secondHalfPercent: 50, effectiveFrom: '2020-01-01', decision: { ...decision, body: 'GENERAL_ASSEMBLY' }, warnings: [] },
  }, '2026-01-02T00:00:00.000Z'),
  recorded(stream, 0, {
    type: 'DuesInvoiced',
    data: { ...key, tier: 'MEMBER', scheduleVersion: 1, annualFen: 2_000_00, amountFen: 2_000_00, proRatedPercent: null, admittedOn: '2019-04-01', invoicedOn: '2026-01-05' },
  }, '2026-01-05T00:00:00.000Z'),
  recorded(stream, 1, {
    type: 'DuesPaymentRecorded',
    data: { ...key, receiptNumber: 'R-1', amountFen: 500_00, paidOn: '2026-02-01', balanceAfterFen: 1_500_00 },
  }, '2026-02-01T00:00:00.000Z'),
  recorded(stream, 2, {
    type: 'DuesWaiverRequested',
    data: { ...key, waiverId: 'w-1', full: false, amountFen: 700_00, reasonCategory: 'HARDSHIP_VISIT', reason: '走访', evidenceReference: null, requestedBy: 'clerk', requestedOn: '2026-03-01' },
  }, '2026-03-01T00:00:00.000Z', 'clerk'),
  recorded(stream, 3, {
    type: 'DuesWaiverApproved',
    data: { ...key, waiverId: 'w-1', amountFen: 700_00, approvedBy: 'secretary', approvedOn: '2026-03-02', note: null, balanceAfterFen: 800_00 },
  }, '2026-03-02T00:00:00.000Z', 'secretary'),
  recorded(stream, 4, {
    type: 'DuesWaiverRevoked',
    data: { ...key, waiverId: 'w-1', amountFen: 200_00, revokedBy: 'secretary', reason: '部分不实', effectiveFrom: '2026-04-01', balanceAfterFen: 1_000_00 },
  }, '2026-04-01T00:00:00.000Z', 'secretary'),
  recorded(stream, 5, {
    type: 'DuesWaiverGranted',
    data: { ...key, waiverId: 'p-1', policyId: 'relief', percent: 25, amountFen: 500_00, reasonCategory: 'DISASTER_EPIDEMIC_RELIEF', reason: '汛期减免', decision, grantedOn: '2026-05-01', balanceAfterFen: 500_00 },
  }, '2026-05-01T00:00:00.000Z'),
];

describe('the dues projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('dues_proj');
    dataSource = createReadModelDataSource({
      url: database.url,
      entities: [...readModelEntities],
      migrations: [...readModelMigrations, DuesAccounts1795219700000, DuesWaiverAuthority1795219710000],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  describe('after an invoice, a payment, an approved waiver partly revoked and a policy waiver', () => {
    beforeAll(async () => {
      await dataSource.transaction((tx) => duesProjection.apply(events, tx));
    });

    it('keeps the account figures, stamped with the last event', async () => {
      const [row] = await dataSource.query(`SELECT * FROM dues_account WHERE association_id = $1`, [ASSOC]);
      expect(row).toMatchObject({ invoiced_fen: '200000', paid_fen: '50000', waived_fen: '100000', balance_fen: '50000', revision: 5 });
      expect(row.last_event_id).toBe(events[6]!.id);
    });

    it('keeps each waiver with its requester, approver, revocation and policy', async () => {
      const rows = await dataSource.query(`SELECT * FROM dues_waiver ORDER BY waiver_id`);
      expect(rows).toMatchObject([
        { waiver_id: 'p-1', status: 'APPROVED', in_effect_fen: '50000', policy_id: 'relief', requested_by: null },
        { waiver_id: 'w-1', status: 'APPROVED', in_effect_fen: '50000', revoked_fen: '20000', requested_by: 'clerk', approved_by: 'secretary', revocation_reason: '部分不实' },
      ]);
    });

    it('attributes an approval to its approver and a policy grant to the policy, with the operator only as who recorded it', async () => {
      const rows = await dataSource.query(
        `SELECT waiver_id, authority, approved_by, approved_at, recorded_by, recorded_at, policy_id FROM dues_waiver ORDER BY waiver_id`,
      );
      expect(rows).toEqual([
        { waiver_id: 'p-1', authority: 'POLICY', approved_by: null, approved_at: null, recorded_by: 'admin-1', recorded_at: new Date('2026-05-01T00:00:00.000Z'), policy_id: 'relief' },
        {
          waiver_id: 'w-1', authority: 'APPROVAL', approved_by: 'secretary', approved_at: new Date('2026-03-02T00:00:00.000Z'), recorded_by: 'secretary',
          recorded_at: new Date('2026-03-02T00:00:00.000Z'), policy_id: null,
        },
      ]);
    });

    it('answers "as the register stood then" from the ledger with a WHERE clause', async () => {
      const asOf = async (instant: string) =>
        (
          await dataSource.query(
            `SELECT kind, sum(amount_fen)::text AS total FROM dues_account_entry WHERE association_id = $1 AND recorded_at <= $2 GROUP BY kind ORDER BY kind`,
            [ASSOC, instant],
          )
        ).map((r: { kind: string; total: string }) => `${r.kind}=${r.total}`);
      expect(await asOf('2026-02-15T00:00:00Z')).toEqual(['INVOICE=200000', 'PAYMENT=50000']);
      expect(await asOf('2026-03-15T00:00:00Z')).toEqual(['INVOICE=200000', 'PAYMENT=50000', 'WAIVER=70000']);
    });

    it('changes nothing when the same events are delivered again', async () => {
      const before = await dataSource.query(`SELECT * FROM dues_account`);
      const entries = await dataSource.query(`SELECT count(*)::int AS n FROM dues_account_entry`);
      await dataSource.transaction((tx) => duesProjection.apply(events, tx));
      expect(await dataSource.query(`SELECT * FROM dues_account`)).toEqual(before);
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM dues_account_entry`)).toEqual(entries);
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM dues_payment`)).toEqual([{ n: 1 }]);
    });
  });
});

describe('the migration to waiver authorities, on rows the first version of the projection wrote', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('dues_authority');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...readModelEntities], migrations: [...readModelMigrations, DuesAccounts1795219700000] });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('moves a policy grant’s operator from approver to recorder, so the register reads right before the rebuild', async () => {
    const insert = (waiverId: string, status: string, approvedBy: string | null, approvedAt: string | null, policyId: string | null) =>
      dataSource.query(
        `INSERT INTO dues_waiver (association_id, enterprise_code, year, waiver_id, status, full_waiver, in_effect_fen, revoked_fen, reason_category, reason,
           approved_by, approved_at, policy_id, updated_at, last_event_id, last_position)
         VALUES ($1, $2, 2026, $3, $4, false, 0, 0, 'OTHER', '-', $5, $6, $7, now(), gen_random_uuid(), '0')`,
        [ASSOC, CODE, waiverId, status, approvedBy, approvedAt, policyId],
      );
    await insert('granted', 'APPROVED', 'operator', '2026-05-01T00:00:00Z', 'relief');
    await insert('approved', 'APPROVED', 'secretary', '2026-03-02T00:00:00Z', null);
    await insert('requested', 'REQUESTED', null, null, null);
    const queryRunner = dataSource.createQueryRunner();
    await new DuesWaiverAuthority1795219710000().up(queryRunner);
    await queryRunner.release();
    const rows = await dataSource.query(`SELECT waiver_id, authority, approved_by, recorded_by, recorded_at IS NOT NULL AS recorded FROM dues_waiver ORDER BY waiver_id`);
    expect(rows).toEqual([
      { waiver_id: 'approved', authority: 'APPROVAL', approved_by: 'secretary', recorded_by: 'secretary', recorded: true },
      { waiver_id: 'granted', authority: 'POLICY', approved_by: null, recorded_by: 'operator', recorded: true },
      { waiver_id: 'requested', authority: null, approved_by: null, recorded_by: null, recorded: false },
    ]);
  });
});
