import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { creditApplicationStreamId } from '#domain/credit';
import { enterpriseStreamId } from '#domain/enterprise';
import { InvalidInput } from '#domain/shared';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { RATING_CHANGES_PROJECTION, ratingChangesProjection } from './rating-changes.projection.js';
import { positionOfRatingChangeCursor, ratingChangeCodes, ratingChangeCursor, RatingChangeQueries } from './rating-changes.queries.js';

const ASSOC = 'yueyang-cia';
const CYCLE = 'cycle-2026';
const FIRM = '91430600MA4L0001X1';
const PERSON = 'PSN0123456789ABCDEF';
const at = '2026-07-01T02:00:00.000Z';
const key = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });
const decision = { body: 'COUNCIL', reference: '岳建协〔2026〕9号', decidedOn: '2026-08-01', votes: null };

function history(): RecordedEvent[] {
  const record = eventRecorder();
  const app = (subjectId: string) => creditApplicationStreamId(ASSOC, CYCLE, subjectId);
  const filed = (subjectKind: string) => ({ rulebookId: 'rb', rulebookVersion: 1, filedOn: '2026-05-01', member: true, selfAssessment: [], subjectKind });
  const issued = { certificateNumber: 'YY-2026-001', validFrom: '2026-07-01', validTo: '2028-06-30', rulebookId: 'rb', rulebookVersion: 1 };
  return [
    record(enterpriseStreamId(FIRM), 0, { type: 'EnterpriseRegistered', data: { code: FIRM, name: '岳阳建工有限公司', legalRepresentative: '李四', regionCode: '430600', ownership: 'PRIVATE', sizeClass: null, checkDigitOverride: null } }, at),
    record(app(FIRM), 0, { type: 'CreditApplicationFiled', data: { ...key(FIRM), ...filed('ENTERPRISE') } }, at),
    record(app(PERSON), 0, { type: 'CreditApplicationFiled', data: { ...key(PERSON), ...filed('PERSON') } }, at),
    record(app(FIRM), 1, { type: 'CreditRatingIssued', data: { ...key(FIRM), grade: 'AAA', ...issued } }, at),
    record(app(PERSON), 1, { type: 'CreditRatingIssued', data: { ...key(PERSON), grade: 'AA', ...issued, certificateNumber: 'YY-2026-002' } }, at),
    record(enterpriseStreamId(FIRM), 1, { type: 'EnterpriseRenamed', data: { code: FIRM, previousName: '岳阳建工有限公司', name: '岳阳建工集团有限公司', effectiveFrom: '2026-07-15', reason: null } }, at),
    record(app(FIRM), 2, {
      type: 'CreditRatingDowngraded',
      data: { ...key(FIRM), fromGrade: 'AAA', toGrade: 'AA', levels: 1, effectiveFrom: '2026-07-20', recordId: 'r1', conductCode: 'D-01', rule: 'D-01 downgrade', reviewYear: null },
    }, at),
    record(app(FIRM), 3, { type: 'CreditRatingSuspended', data: { ...key(FIRM), grade: 'AA', effectiveFrom: '2026-07-25', recordId: 'r2', conductCode: 'D-02', rule: 'D-02 suspend' } }, at),
    record(app(FIRM), 4, { type: 'CreditRatingReinstated', data: { ...key(FIRM), grade: 'AA', effectiveFrom: '2026-08-01', reason: '已整改', decision } }, at),
    record(app(PERSON), 2, { type: 'CreditRatingConfirmed', data: { ...key(PERSON), grade: 'AA', reviewYear: 2027, reason: '复核维持', confirmedOn: '2027-06-01' } }, at),
    record(app(FIRM), 5, { type: 'CreditRatingRevoked', data: { ...key(FIRM), grade: 'AA', effectiveFrom: '2026-09-01', recordId: 'r3', conductCode: 'D-03', rule: 'D-03 revoke' } }, at),
    record(app(PERSON), 3, { type: 'CreditRatingExpired', data: { ...key(PERSON), grade: 'AA', validTo: '2028-06-30', expiredOn: '2028-07-01' } }, at),
  ];
}

describe('the rating change feed read model (ADR 0018)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queries: RatingChangeQueries;
  const events = history();
  const rows = () => dataSource.query(`SELECT * FROM rating_change ORDER BY position`);
  const setCheckpoint = (position: string | null) =>
    dataSource.query(
      `INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, 1, $2) ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
      [RATING_CHANGES_PROJECTION, position],
    );

  beforeAll(async () => {
    database = await createTestDatabase('rating_changes');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    queries = new RatingChangeQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE rating_change, rating_change_rating, rating_change_firm');
    await setCheckpoint(events[events.length - 1]!.position);
  });

  const apply = (batch: readonly RecordedEvent[]) => dataSource.transaction((tx) => ratingChangesProjection.apply(batch, tx));

  it('writes a change per rating event with the rating before and after, and a firm by its name when the change was recorded', async () => {
    await apply(events);
    const page = await queries.page(null, { first: 100, codes: null });
    expect(page.hasMore).toBe(false);
    expect(page.changes.map((c) => [c.subjectCode, c.change, c.gradeBefore, c.statusBefore, c.gradeAfter, c.statusAfter, c.effectiveOn, c.firmName])).toEqual([
      [FIRM, 'ISSUED', null, null, 'AAA', 'ACTIVE', '2026-07-01', '岳阳建工有限公司'],
      [PERSON, 'ISSUED', null, null, 'AA', 'ACTIVE', '2026-07-01', null],
      [FIRM, 'DOWNGRADED', 'AAA', 'ACTIVE', 'AA', 'ACTIVE', '2026-07-20', '岳阳建工集团有限公司'],
      [FIRM, 'SUSPENDED', 'AA', 'ACTIVE', 'AA', 'SUSPENDED', '2026-07-25', '岳阳建工集团有限公司'],
      [FIRM, 'REINSTATED', 'AA', 'SUSPENDED', 'AA', 'ACTIVE', '2026-08-01', '岳阳建工集团有限公司'],
      [PERSON, 'CONFIRMED', 'AA', 'ACTIVE', 'AA', 'ACTIVE', '2027-06-01', null],
      [FIRM, 'REVOKED', 'AA', 'ACTIVE', 'AA', 'REVOKED', '2026-09-01', '岳阳建工集团有限公司'],
      [PERSON, 'EXPIRED', 'AA', 'ACTIVE', 'AA', 'EXPIRED', '2028-07-01', null],
    ]);
    expect(page.changes.map((c) => c.subjectKind)).toEqual(['ENTERPRISE', 'PERSON', 'ENTERPRISE', 'ENTERPRISE', 'ENTERPRISE', 'PERSON', 'ENTERPRISE', 'PERSON']);
    const ratingEvents = events.filter((e) => e.type.startsWith('CreditRating'));
    expect(page.changes.map((c) => c.eventId)).toEqual(ratingEvents.map((e) => e.id));
    expect(page.changes.map((c) => positionOfRatingChangeCursor(c.cursor))).toEqual(ratingEvents.map((e) => e.position));
  });

  it('writes the same rows batch by batch as in one batch, and nothing more on a second delivery', async () => {
    await apply(events);
    const whole = await rows();
    await dataSource.query('TRUNCATE rating_change, rating_change_rating, rating_change_firm');
    for (const event of events) await apply([event]);
    expect(await rows()).toEqual(whole);
    await apply(events);
    await apply(events.slice(3, 8));
    expect(await rows()).toEqual(whole);
  });

  it("shows nothing past the projection's checkpoint, and pages after a cursor", async () => {
    await apply(events);
    await setCheckpoint(events[6]!.position);
    const upToCheckpoint = await queries.page(null, { first: 100, codes: null });
    expect(upToCheckpoint.changes.map((c) => c.change)).toEqual(['ISSUED', 'ISSUED', 'DOWNGRADED']);
    await setCheckpoint(null);
    expect((await queries.page(null, { first: 100, codes: null })).changes).toEqual([]);
    await setCheckpoint(events[events.length - 1]!.position);
    const first = await queries.page(null, { first: 3, codes: null });
    expect(first.hasMore).toBe(true);
    expect(first.totalCount).toBe(8);
    const rest = await queries.page(positionOfRatingChangeCursor(first.changes[2]!.cursor), { first: 100, codes: null });
    expect([rest.totalCount, rest.hasMore]).toEqual([5, false]);
    expect([...first.changes, ...rest.changes].map((c) => c.eventId)).toEqual(events.filter((e) => e.type.startsWith('CreditRating')).map((e) => e.id));
  });

  it('filters by codes and by association', async () => {
    await apply(events);
    expect((await queries.page(null, { first: 100, codes: [PERSON] })).changes.map((c) => c.change)).toEqual(['ISSUED', 'CONFIRMED', 'EXPIRED']);
    expect((await queries.page(null, { first: 100, codes: null, associationId: 'other-cia' })).changes).toEqual([]);
    expect((await queries.page(null, { first: 100, codes: null, associationId: ASSOC })).changes).toHaveLength(8);
  });

  it('refuses a cursor it did not answer and malformed codes on their fields, never echoing an identity-card number', () => {
    expect(positionOfRatingChangeCursor(ratingChangeCursor(events[3]!.position))).toBe(events[3]!.position);
    for (const cursor of ['x', Buffer.from('["rc"]').toString('base64url'), Buffer.from('["rc","1:2"]').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      expect(() => positionOfRatingChangeCursor(cursor)).toThrow(InvalidInput);
    }
    const errors: { field: string; message: string }[] = [];
    ratingChangeCodes([FIRM, 'bad', '110101199003074514', 7], errors);
    expect(errors.map((e) => e.field)).toEqual(['codes.1', 'codes.2', 'codes.3']);
    expect(JSON.stringify(errors)).not.toContain('110101199003074514');
    const none: { field: string; message: string }[] = [];
    ratingChangeCodes([], none);
    expect(none).toEqual([{ field: 'codes', message: 'must list 1 to 500 codes.' }]);
  });
});
