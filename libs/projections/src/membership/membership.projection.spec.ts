import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type AssociationEvent, type CouncilTermEvent, councilTermStreamId, type MembershipEvent, membershipStreamId } from '#domain/membership';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { readModelMigrations } from '../migrations/index.js';
import { readModelEntities } from '../read-models/index.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { MembershipRegister1795219600000 } from './1795219600000-membership-register.migration.js';
import { MEMBERSHIP_AS_OF_SQL } from './membership.queries.js';
import { membershipProjection } from './membership.projection.js';

const ASSOC = 'wuhan-cia';
const CODE = '91420100177678329F';
const key = (n: number) => ({ associationId: ASSOC, enterpriseCode: CODE, membershipId: `${ASSOC}:${CODE}:${n}` });
const decision = { body: 'SECRETARIAT', reference: '武建协〔2025〕3号', decidedOn: '2025-03-10', votes: null } as const;
const vote = { ...decision, body: 'COUNCIL', votes: { entitled: 44, present: 40, inFavour: 30, against: 10, abstaining: 0 } } as const;

const record = eventRecorder();
function recorded(streamId: string, revision: number, event: AssociationEvent | MembershipEvent | CouncilTermEvent, recordedAt: string): RecordedEvent {
  return record(streamId, revision, event, recordedAt, { associationId: ASSOC });
}

const assocStream = `association-${ASSOC}`;
const stream = membershipStreamId(ASSOC, CODE);
const events: RecordedEvent[] = [
  recorded(assocStream, 0, {
    type: 'AssociationRegistered',
    data: {
      associationId: ASSOC,
      name: '武汉建筑业协会',
      regionCode: '420100',
      charter: { deemedWithdrawalYears: 2, reminderGraceDays: 30, admissionBodies: ['SECRETARIAT'] },
      waiverApprovers: ['sec-li'],
    },
  }, '2025-01-02T02:00:00.000Z'),
  recorded(assocStream, 1, { type: 'CouncilTermRecorded', data: { associationId: ASSOC, termNumber: 7, startsOn: '2024-01-01', endsOn: '2028-12-31' } }, '2025-01-03T02:00:00.000Z'),
  recorded(assocStream, 2, { type: 'WaiverApproverGranted', data: { associationId: ASSOC, userId: 'pres-wang', reason: null, effectiveFrom: '2025-01-05' } }, '2025-01-05T02:00:00.000Z'),
  recorded(assocStream, 3, { type: 'WaiverApproverRevoked', data: { associationId: ASSOC, userId: 'sec-li', reason: '调离', effectiveFrom: '2025-02-01' } }, '2025-02-01T02:00:00.000Z'),
  recorded(stream, 0, { type: 'MembershipApplied', data: { ...key(1), appliedOn: '2025-03-01', note: null } }, '2025-03-01T02:00:00.000Z'),
  recorded(stream, 1, { type: 'MembershipAdmitted', data: { ...key(1), tier: 'MEMBER', certificateNumber: 'WH-0001', admittedOn: '2025-03-10', decision } }, '2025-03-10T02:00:00.000Z'),
  // Recorded on 20 June, effective from 18 June (the council's date).
  recorded(stream, 2, {
    type: 'MembershipTierChanged',
    data: { ...key(1), previousTier: 'MEMBER', tier: 'PRESIDENT', effectiveFrom: '2025-06-18', decision: vote, councilTerm: 7, electionId: null },
  }, '2025-06-20T02:00:00.000Z'),
  recorded(councilTermStreamId(ASSOC, 7), 0, { type: 'PresidentSeatTaken', data: { associationId: ASSOC, termNumber: 7, enterpriseCode: CODE, membershipId: key(1).membershipId } }, '2025-06-20T02:00:00.000Z'),
  recorded(stream, 3, { type: 'MembershipSanctioned', data: { ...key(1), kind: 'WARNING', reason: '违反自律公约', effectiveFrom: '2025-07-01', decision } }, '2025-07-01T02:00:00.000Z'),
  recorded(stream, 4, { type: 'MembershipWithdrawn', data: { ...key(1), noticeDate: '2025-09-01', effectiveFrom: '2025-09-30', reason: null, tier: 'PRESIDENT' } }, '2025-09-01T02:00:00.000Z'),
  recorded(councilTermStreamId(ASSOC, 7), 1, { type: 'PresidentSeatReleased', data: { associationId: ASSOC, termNumber: 7, enterpriseCode: CODE, membershipId: key(1).membershipId } }, '2025-09-01T02:00:00.000Z'),
  recorded(stream, 5, { type: 'MembershipApplied', data: { ...key(2), appliedOn: '2026-01-05', note: '重新入会' } }, '2026-01-05T02:00:00.000Z'),
];

describe('the membership projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('membership_proj');
    dataSource = createReadModelDataSource({
      url: database.url,
      entities: [...readModelEntities],
      migrations: [...readModelMigrations, MembershipRegister1795219600000],
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.transaction((tx) => membershipProjection.apply(events, tx));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keeps the association with the waiver approvers currently authorised, and their history', async () => {
    const [row] = await dataSource.query(`SELECT * FROM association`);
    expect(row).toMatchObject({ association_id: ASSOC, deemed_withdrawal_years: 2, waiver_approvers: ['pres-wang'], revision: 3 });
    const approvers = await dataSource.query(`SELECT user_id, valid_from::text, valid_to::text FROM association_waiver_approver ORDER BY user_id`);
    expect(approvers).toEqual([
      { user_id: 'pres-wang', valid_from: '2025-01-05', valid_to: null },
      { user_id: 'sec-li', valid_from: '2025-01-02', valid_to: '2025-02-01' },
    ]);
  });

  it('shows the readmission as the current membership, with the old one in the history', async () => {
    const [row] = await dataSource.query(`SELECT *, applied_on::text AS applied, admitted_on::text AS admitted FROM membership`);
    expect(row).toMatchObject({ membership_id: key(2).membershipId, status: 'PENDING', tier: null, applied: '2026-01-05', admitted: null, sanctions: 0, revision: 5 });
    const history = await dataSource.query(
      `SELECT membership_id, status, tier, valid_from::text AS "from", valid_to::text AS "to" FROM membership_history ORDER BY revision`,
    );
    expect(history).toEqual([
      { membership_id: key(1).membershipId, status: 'PENDING', tier: null, from: '2025-03-01', to: '2025-03-10' },
      { membership_id: key(1).membershipId, status: 'ACTIVE', tier: 'MEMBER', from: '2025-03-10', to: '2025-06-18' },
      { membership_id: key(1).membershipId, status: 'ACTIVE', tier: 'PRESIDENT', from: '2025-06-18', to: '2025-09-30' },
      { membership_id: key(1).membershipId, status: 'WITHDRAWN', tier: 'PRESIDENT', from: '2025-09-30', to: null },
      { membership_id: key(2).membershipId, status: 'PENDING', tier: null, from: '2026-01-05', to: null },
    ]);
  });

  it('frees the president seat of the term when the president firm leaves', async () => {
    const [term] = await dataSource.query(`SELECT president_enterprise_code FROM council_term WHERE term_number = 7`);
    expect(term.president_enterprise_code).toBeNull();
  });

  it('answers "as the register stood at an instant" with a WHERE clause, in business and recorded time', async () => {
    const asOf = async (instant: string, date: string) => {
      const [row] = await dataSource.query(MEMBERSHIP_AS_OF_SQL, [ASSOC, CODE, instant, date]);
      return row ? `${row.status}/${row.tier}` : 'none';
    };
    expect(await asOf('2025-02-01T00:00:00Z', '2025-02-01')).toBe('none');
    expect(await asOf('2025-06-19T02:00:00Z', '2025-06-19')).toBe('ACTIVE/MEMBER'); // the change was not yet recorded
    expect(await asOf('2025-06-21T02:00:00Z', '2025-06-21')).toBe('ACTIVE/PRESIDENT');
    expect(await asOf('2025-09-10T02:00:00Z', '2025-09-10')).toBe('ACTIVE/PRESIDENT'); // notice given, not yet effective
    expect(await asOf('2025-10-01T02:00:00Z', '2025-10-01')).toBe('WITHDRAWN/PRESIDENT');
    expect(await asOf('2026-02-01T02:00:00Z', '2026-02-01')).toBe('PENDING/null');
  });

  it('changes nothing when the same events are delivered again', async () => {
    const tables = ['association', 'association_waiver_approver', 'council_term', 'membership', 'membership_history'];
    const snapshot = async () => {
      const rows: unknown[] = [];
      for (const table of tables) rows.push(await dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3`));
      return rows;
    };
    const before = await snapshot();
    await dataSource.transaction((tx) => membershipProjection.apply(events, tx));
    expect(await snapshot()).toEqual(before);
  });
});
