import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type CreditConductDisclosureShortened,
  type CreditConductRecorded,
  type CreditEvent,
  creditApplicationStreamId,
  creditCertificateStreamId,
  creditConductStreamId,
  creditCycleStreamId,
  creditRulebookStreamId,
  type RulebookVersion,
  upcastCreditConductEvent,
} from '#domain/credit';
import type { RecordedEvent } from '#eventstore';
import { isSealed, type SealedValue } from '#domain/shared';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { creditProjection } from './credit.projection.js';

const ASSOC = 'yueyang-cia';
const RULEBOOK = 'rb-enterprise';
const CYCLE = 'cycle-2026';
const [S1, S2, S3] = ['91430600MA4L0001X1', '91430600MA4L0002X2', '91430600MA4L0003X3'];
const decision = { body: 'COUNCIL', reference: '岳建协〔2026〕7号', decidedOn: '2026-06-01', votes: null } as const;

/** An objector's name as the command path stores it: an envelope under the objection's own key (fixed bytes here). */
function sealed(name: string): SealedValue {
  return { sealed: 'aes-256-gcm/1', owner: `objector:${ASSOC}:${CYCLE}:${name.length}`, iv: 'AAAAAAAAAAAAAAAA', data: Buffer.from(`x${name.length}`).toString('base64'), tag: 'AAAAAAAAAAAAAAAAAAAAAA==' };
}

const record = eventRecorder();
function recorded(streamId: string, revision: number, event: CreditEvent, recordedAt: string, actorAssociation: string | null = ASSOC): RecordedEvent {
  return record(streamId, revision, event, recordedAt, { associationId: actorAssociation });
}

const rulebookV1: RulebookVersion = {
  associationId: ASSOC,
  rulebookId: RULEBOOK,
  version: 1,
  title: '岳阳市建筑业企业信用评价办法',
  referenceNumber: '岳建协〔2026〕1号',
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  subjectKind: 'ENTERPRISE',
  indicators: [
    { code: 'A1', name: '合同履约', category: '经营', maxPoints: 40, body: 'ASSOCIATION', evidenceRequired: true },
    { code: 'B1', name: '安全生产', category: '安全', maxPoints: 60, body: 'DEPARTMENT', evidenceRequired: false },
  ],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 75 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 2,
  noticeDays: 7,
  vetoRules: [{ conductCode: 'V-01', effect: 'REFUSE', capGrade: null }],
  dynamicRules: [
    { conductCode: 'D-01', action: 'DOWNGRADE', levels: 1 },
    { conductCode: 'D-02', action: 'SUSPEND', levels: null },
    { conductCode: 'D-03', action: 'REVOKE', levels: null },
  ],
};
const computation = (grade: string | null, totalPoints: number) => ({
  rulebookId: RULEBOOK,
  rulebookVersion: 1,
  scores: [{ code: 'A1', maxPoints: 40, points: totalPoints, body: 'ASSOCIATION' as const, scorerId: 'scorer-1', evidenceReference: 'EV-1' }],
  thresholds: rulebookV1.thresholds,
  vetoes: [],
  totalPoints,
  thresholdGrade: grade,
  grade,
});

const rulebookStream = creditRulebookStreamId(ASSOC, RULEBOOK);
const cycleStream = creditCycleStreamId(ASSOC, CYCLE);
const app = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });
const appStream = (subjectId: string) => creditApplicationStreamId(ASSOC, CYCLE, subjectId);
const revisions = new Map<string, number>();
/** The next event of a stream, at the next global position. */
function next(streamId: string, event: CreditEvent, recordedAt: string, actorAssociation?: string | null): RecordedEvent {
  const revision = revisions.get(streamId) ?? 0;
  revisions.set(streamId, revision + 1);
  return recorded(streamId, revision, event, recordedAt, actorAssociation);
}
const filed = (subjectId: string, on: string) =>
  next(appStream(subjectId), {
    type: 'CreditApplicationFiled',
    data: { ...app(subjectId), subjectKind: 'ENTERPRISE', rulebookId: RULEBOOK, rulebookVersion: 1, filedOn: on, member: subjectId !== S3, selfAssessment: [{ code: 'A1', points: 38 }] },
  }, `${on}T01:00:00.000Z`);
const scored = (subjectId: string, code: string, points: number, at: string) =>
  next(appStream(subjectId), {
    type: 'CreditIndicatorScored',
    data: {
      ...app(subjectId), code, points, maxPoints: code === 'A1' ? 40 : 60, body: code === 'A1' ? 'ASSOCIATION' : 'DEPARTMENT',
      scorerId: code === 'A1' ? 'scorer-1' : 'scorer-2', evidenceReference: code === 'A1' ? `EV-${points}` : null, note: null, previousPoints: null,
    },
  }, at);

/** Old conduct events carry no associationId: the projection upcasts them to the recorder's association. */
const oldConduct = <E extends CreditConductRecorded | CreditConductDisclosureShortened>(event: E): CreditEvent => {
  const { associationId: _dropped, ...data } = event.data;
  return { ...event, data } as unknown as CreditEvent;
};
const conductRecord = (recordId: string, code: string) => ({
  associationId: ASSOC, subjectId: S1, recordId, code, kind: 'ADVERSE' as const, severity: 'SERIOUS' as const, occurredOn: '2026-09-01',
  sourceAuthority: '岳阳市住建局', disclosureMonths: 12, penaltyMonths: 6, disclosureUntil: '2027-09-01', evidenceReference: `CF-${recordId}`,
  description: '工程质量问题',
});

const events: RecordedEvent[] = [
  next(rulebookStream, { type: 'CreditRulebookVersionDefined', data: rulebookV1 }, '2026-01-02T01:00:00.000Z'),
  next(rulebookStream, { type: 'CreditRulebookVersionAmended', data: { ...rulebookV1, noticeDays: 10, reason: '公示期延长' } }, '2026-01-03T01:00:00.000Z'),
  next(rulebookStream, { type: 'CreditRulebookVersionDefined', data: { ...rulebookV1, version: 2, effectiveFrom: '2027-01-01', title: '2027版' } }, '2026-01-04T01:00:00.000Z'),
  next(cycleStream, {
    type: 'CreditCycleOpened',
    data: {
      associationId: ASSOC, cycleId: CYCLE, title: '2026年度信用评价', rulebook: { ...rulebookV1, noticeDays: 10 }, assessmentFrom: '2025-01-01',
      assessmentTo: '2025-12-31', filingFrom: '2026-02-01', filingTo: '2026-03-31', eligibility: 'ALL',
    },
  }, '2026-01-10T01:00:00.000Z'),
  next(rulebookStream, { type: 'CreditRulebookVersionPinned', data: { associationId: ASSOC, rulebookId: RULEBOOK, version: 1, cycleId: CYCLE } }, '2026-01-10T01:00:00.000Z'),
  next(cycleStream, { type: 'CreditScorerAssigned', data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'scorer-1', body: 'ASSOCIATION', employerCode: null } }, '2026-01-11T01:00:00.000Z'),
  next(cycleStream, { type: 'CreditScorerAssigned', data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'scorer-2', body: 'DEPARTMENT', employerCode: '91430600MA4L9999X9' } }, '2026-01-11T02:00:00.000Z'),
  // The same scorer again, now with an employer: replaces the earlier assignment instead of adding one.
  next(cycleStream, { type: 'CreditScorerAssigned', data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'scorer-1', body: 'ASSOCIATION', employerCode: '91430600MA4L8888X8' } }, '2026-01-12T01:00:00.000Z'),
  // An expert of the pool (ADR 0024), then the same expert again under a new sign-in: replaces the expert's assignment,
  // and leaves the staff scorer who happens to share the old sign-in alone.
  next(cycleStream, { type: 'CreditScorerAssigned', data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'scorer-1', body: 'ASSOCIATION', employerCode: '91420100177678329F', expertId: 'EXP0123456789ABCDEF' } }, '2026-01-12T02:00:00.000Z'),
  next(cycleStream, { type: 'CreditScorerAssigned', data: { associationId: ASSOC, cycleId: CYCLE, scorerId: 'expert-zhang', body: 'ASSOCIATION', employerCode: '91420100177678329F', expertId: 'EXP0123456789ABCDEF' } }, '2026-01-12T03:00:00.000Z'),
  filed(S1, '2026-02-10'),
  filed(S2, '2026-02-11'),
  filed(S3, '2026-02-12'),
  scored(S1, 'A1', 30, '2026-04-01T01:00:00.000Z'),
  scored(S1, 'B1', 55, '2026-04-01T02:00:00.000Z'),
  scored(S2, 'A1', 36, '2026-04-02T01:00:00.000Z'),
  // A re-score of A1 replaces the first score.
  scored(S1, 'A1', 36, '2026-04-03T01:00:00.000Z'),
  next(cycleStream, { type: 'CreditCycleClosed', data: { associationId: ASSOC, cycleId: CYCLE, closedOn: '2026-04-30' } }, '2026-04-30T01:00:00.000Z'),
  next(appStream(S1), { type: 'CreditReviewCompleted', data: { ...app(S1), computation: computation('AA', 86), completedOn: '2026-05-01' } }, '2026-05-01T01:00:00.000Z'),
  next(appStream(S2), { type: 'CreditReviewCompleted', data: { ...app(S2), computation: computation('A', 70), completedOn: '2026-05-01' } }, '2026-05-01T02:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditGradeOverrideRequested',
    data: { ...app(S1), fromGrade: 'AA', toGrade: 'AAA', reason: '省级示范工程加分', decision, requestedBy: 'secretary' },
  }, '2026-05-05T01:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditGradeOverridden',
    data: { ...app(S1), fromGrade: 'AA', toGrade: 'AAA', reason: '省级示范工程加分', decision, requestedBy: 'secretary', approvedBy: 'president' },
  }, '2026-06-02T01:00:00.000Z'),
  next(appStream(S1), { type: 'CreditNoticeStarted', data: { ...app(S1), grade: 'AAA', startsOn: '2026-06-03', endsOn: '2026-06-12', noticeDays: 10 } }, '2026-06-03T01:00:00.000Z'),
  next(appStream(S2), { type: 'CreditNoticeStarted', data: { ...app(S2), grade: 'A', startsOn: '2026-06-03', endsOn: '2026-06-12', noticeDays: 10 } }, '2026-06-03T02:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditObjectionFiled',
    data: { ...app(S1), objectionId: 'obj-1', objector: sealed('匿名'), grounds: '示范工程存疑', evidenceReference: null, filedOn: '2026-06-05' },
  }, '2026-06-05T01:00:00.000Z'),
  next(appStream(S2), {
    type: 'CreditObjectionFiled',
    data: { ...app(S2), objectionId: 'obj-2', objector: sealed('某公司'), grounds: '业绩造假', evidenceReference: 'OBJ-EV-2', filedOn: '2026-06-06' },
  }, '2026-06-06T01:00:00.000Z'),
  // From before objectors were sealed: the name in plain is not copied into the read model.
  next(appStream(S2), {
    type: 'CreditObjectionFiled',
    data: { ...app(S2), objectionId: 'obj-3', objector: '某个人', grounds: '安全事故未报', evidenceReference: null, filedOn: '2026-06-07' },
  }, '2026-06-07T01:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditObjectionResolved',
    data: { ...app(S1), objectionId: 'obj-1', outcome: 'DISMISSED', reasons: '经核实示范工程属实', resolvedOn: '2026-06-10' },
  }, '2026-06-10T01:00:00.000Z'),
  // Upheld: the application goes back to review, the computed grade and the notice are cleared.
  next(appStream(S2), {
    type: 'CreditObjectionResolved',
    data: { ...app(S2), objectionId: 'obj-2', outcome: 'UPHELD', reasons: '业绩不实', resolvedOn: '2026-06-11' },
  }, '2026-06-11T01:00:00.000Z'),
  next(creditCertificateStreamId(ASSOC, 'YYXY-2026-0001'), {
    type: 'CreditCertificateReserved',
    data: { associationId: ASSOC, certificateNumber: 'YYXY-2026-0001', cycleId: CYCLE, subjectId: S1 },
  }, '2026-06-15T01:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditRatingIssued',
    data: { ...app(S1), grade: 'AAA', certificateNumber: 'YYXY-2026-0001', validFrom: '2026-06-15', validTo: '2028-06-14', rulebookId: RULEBOOK, rulebookVersion: 1 },
  }, '2026-06-15T01:00:00.000Z'),
  next(creditConductStreamId(S1), { type: 'CreditConductRecorded', data: conductRecord('CR-1', 'D-01') }, '2026-09-02T01:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditRatingDowngraded',
    data: {
      ...app(S1), fromGrade: 'AAA', toGrade: 'AA', levels: 1, effectiveFrom: '2026-09-01', recordId: 'CR-1', conductCode: 'D-01',
      rule: 'rb-enterprise v1 D-01: DOWNGRADE 1', reviewYear: null,
    },
  }, '2026-09-02T02:00:00.000Z'),
  // Recorded before conduct records carried their association: upcast to the recorder's.
  next(creditConductStreamId(S1), oldConduct({ type: 'CreditConductRecorded', data: conductRecord('CR-2', 'D-02') }), '2026-10-02T01:00:00.000Z'),
  // The same, by a recorder with no association: the record has none.
  next(creditConductStreamId(S1), oldConduct({ type: 'CreditConductRecorded', data: conductRecord('CR-3', 'G-01') }), '2026-10-03T01:00:00.000Z', null),
  next(appStream(S1), {
    type: 'CreditRatingSuspended',
    data: { ...app(S1), grade: 'AA', effectiveFrom: '2026-10-01', recordId: 'CR-2', conductCode: 'D-02', rule: 'rb-enterprise v1 D-02: SUSPEND' },
  }, '2026-10-02T02:00:00.000Z'),
  // Downgraded while suspended: the grade changes, the suspension stands.
  next(appStream(S1), {
    type: 'CreditRatingDowngraded',
    data: {
      ...app(S1), fromGrade: 'AA', toGrade: 'A', levels: 1, effectiveFrom: '2026-10-10', recordId: 'CR-4', conductCode: 'D-01',
      rule: 'rb-enterprise v1 D-01: DOWNGRADE 1', reviewYear: null,
    },
  }, '2026-10-11T02:00:00.000Z'),
  // No rating was ever issued to S3: the application changes, but there is no history row to carry the certificate from.
  next(appStream(S3), {
    type: 'CreditRatingSuspended',
    data: { ...app(S3), grade: 'A', effectiveFrom: '2026-10-01', recordId: 'CR-9', conductCode: 'D-02', rule: 'rb-enterprise v1 D-02: SUSPEND' },
  }, '2026-10-02T03:00:00.000Z'),
  next(creditConductStreamId(S1), oldConduct({
    type: 'CreditConductDisclosureShortened',
    data: { associationId: ASSOC, subjectId: S1, recordId: 'CR-2', fromMonths: 12, toMonths: 6, disclosureUntil: '2027-03-01', rectificationEvidence: 'RECT-2' },
  }), '2026-11-01T01:00:00.000Z'),
  next(creditConductStreamId(S1), {
    type: 'CreditConductDisclosureShortened',
    data: { associationId: null, subjectId: S1, recordId: 'CR-3', fromMonths: 12, toMonths: 3, disclosureUntil: '2026-12-01', rectificationEvidence: 'RECT-3' },
  }, '2026-11-02T01:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditRatingReinstated',
    data: { ...app(S1), grade: 'A', effectiveFrom: '2026-11-05', reason: '欠费已补缴', decision },
  }, '2026-11-05T01:00:00.000Z'),
  next(appStream(S2), { type: 'CreditReviewCompleted', data: { ...app(S2), computation: computation('A', 62), completedOn: '2026-07-01' } }, '2026-07-01T01:00:00.000Z'),
  next(appStream(S2), { type: 'CreditNoticeStarted', data: { ...app(S2), grade: 'A', startsOn: '2026-07-02', endsOn: '2026-07-11', noticeDays: 10 } }, '2026-07-02T01:00:00.000Z'),
  next(appStream(S2), {
    type: 'CreditObjectionResolved',
    data: { ...app(S2), objectionId: 'obj-3', outcome: 'DISMISSED', reasons: '事故已按规定上报', resolvedOn: '2026-07-05' },
  }, '2026-07-05T01:00:00.000Z'),
  next(appStream(S2), {
    type: 'CreditRatingIssued',
    data: { ...app(S2), grade: 'A', certificateNumber: 'YYXY-2026-0002', validFrom: '2026-07-15', validTo: '2028-07-14', rulebookId: RULEBOOK, rulebookVersion: 1 },
  }, '2026-07-15T01:00:00.000Z'),
  next(appStream(S2), {
    type: 'CreditRatingRevoked',
    data: { ...app(S2), grade: 'A', effectiveFrom: '2026-12-01', recordId: 'CR-7', conductCode: 'D-03', rule: 'rb-enterprise v1 D-03: REVOKE' },
  }, '2026-12-01T01:00:00.000Z'),
  next(appStream(S1), {
    type: 'CreditRatingConfirmed',
    data: { ...app(S1), grade: 'AA', reviewYear: 2027, reason: '年度复核维持', confirmedOn: '2027-06-15' },
  }, '2027-06-15T01:00:00.000Z'),
  // The earliest expiry events carry no rule.
  next(appStream(S1), { type: 'CreditRatingExpired', data: { ...app(S1), grade: 'AA', validTo: '2028-06-14', expiredOn: '2028-06-15' } }, '2028-06-15T01:00:00.000Z'),
];

const TABLES = ['credit_rulebook_version', 'credit_cycle', 'credit_application', 'credit_rating_history', 'credit_conduct_record'];

/** Every row of every credit table as JSON text, sorted: equal contents give equal lists. */
async function contents(dataSource: DataSource): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = (await dataSource.query(`SELECT to_jsonb(t)::text AS row FROM ${table} t ORDER BY 1`)) as { row: string }[];
    result[table] = rows.map((r) => r.row);
  }
  return result;
}

type Apply = (events: readonly RecordedEvent[], tx: EntityManager) => Promise<void>;

/** Empties the tables, then applies the batches, each in its own transaction as the runner does. */
async function project(dataSource: DataSource, batches: readonly (readonly RecordedEvent[])[], apply: Apply = creditProjection.apply): Promise<Record<string, string[]>> {
  return (await projectStepwise(dataSource, batches, apply)).at(-1)!;
}

/** As `project`, with the contents after each batch (a difference the later events hide still shows). */
async function projectStepwise(
  dataSource: DataSource,
  batches: readonly (readonly RecordedEvent[])[],
  apply: Apply = creditProjection.apply,
): Promise<Record<string, string[]>[]> {
  await dataSource.query(`TRUNCATE ${TABLES.join(', ')}`);
  const steps: Record<string, string[]>[] = [];
  for (const batch of batches) {
    await dataSource.transaction((tx) => apply(batch, tx));
    steps.push(await contents(dataSource));
  }
  return steps;
}

/** Splits the events at random points (a small seeded generator, so a failure can be replayed). */
function randomSplit(seed: number): RecordedEvent[][] {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const batches: RecordedEvent[][] = [[]];
  for (const event of events) {
    if (batches.at(-1)!.length > 0 && random() < 0.3) batches.push([]);
    batches.at(-1)!.push(event);
  }
  return batches;
}

describe('the credit projection', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  /** The reference's contents after each event, and at the end. */
  let expectedSteps: Record<string, string[]>[];
  let expected: Record<string, string[]>;

  beforeAll(async () => {
    database = await createTestDatabase('credit_proj');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    expectedSteps = await projectStepwise(dataSource, events.map((event) => [event]), perEventReference);
    expected = expectedSteps.at(-1)!;
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('handles every credit event type in this sequence, and the reference fills every table', () => {
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(creditProjection.handles));
    for (const table of TABLES) expect(expected[table]!.length).toBeGreaterThan(0);
  });

  it('writes what the per-event statements wrote after every event, one event per batch', async () => {
    const steps = await projectStepwise(dataSource, events.map((event) => [event]));
    steps.forEach((step, i) => expect({ after: events[i]!.type, at: i, ...step }).toEqual({ after: events[i]!.type, at: i, ...expectedSteps[i] }));
  });

  it('changes nothing when each event is delivered a second time right after the first, in its own batch or the same', async () => {
    const twice = events.flatMap((event) => [[event], [event]]);
    const steps = await projectStepwise(dataSource, twice);
    steps.forEach((step, i) => expect({ at: i, ...step }).toEqual({ at: i, ...expectedSteps[Math.floor(i / 2)] }));
    expect(await project(dataSource, [events.flatMap((event) => [event, event])])).toEqual(expected);
  });

  it('writes the same with every event in one batch', async () => {
    expect(await project(dataSource, [events])).toEqual(expected);
  });

  it('changes nothing when the batch is delivered twice, in one transaction or two', async () => {
    expect(await project(dataSource, [events, events])).toEqual(expected);
    expect(await project(dataSource, [[...events, ...events]])).toEqual(expected);
  });

  it.each([1, 2, 3, 5, 8, 13, 21, 34])('writes the same with the events split at random points (seed %i)', async (seed) => {
    const batches = randomSplit(seed);
    expect(batches.length).toBeGreaterThan(1);
    expect(await project(dataSource, batches)).toEqual(expected);
  });

  it('writes the same after a rewound checkpoint replays a tail of the log over rows a split run wrote', async () => {
    const [first, ...rest] = randomSplit(7);
    expect(await project(dataSource, [first!, ...rest, events.slice(10), events.slice(25)])).toEqual(expected);
  });

  it('fails the batch on the resolution of an objection the application never had, as the per-event UPDATE did', async () => {
    const stray = recorded(appStream(S3), 99, {
      type: 'CreditObjectionResolved',
      data: { ...app(S3), objectionId: 'obj-unknown', outcome: 'DISMISSED', reasons: '无此异议', resolvedOn: '2026-07-01' },
    }, '2026-07-01T01:00:00.000Z');
    await project(dataSource, [events]);
    // jsonb_set(objections, …, NULL) is NULL, which the NOT NULL column refuses.
    await expect(dataSource.transaction((tx) => perEventReference([stray], tx))).rejects.toThrow(/objections/);
    await expect(dataSource.transaction((tx) => creditProjection.apply([stray], tx))).rejects.toThrow(/obj-unknown/);
    expect(await contents(dataSource)).toEqual(expected);
  });

  describe('after the whole sequence', () => {
    beforeAll(async () => {
      await project(dataSource, randomSplit(4));
    });

    it('keeps the re-scored indicator once, with its latest points, next to the other', async () => {
      const [row] = await dataSource.query(`SELECT scores FROM credit_application WHERE subject_id = $1`, [S1]);
      expect(Object.keys(row.scores).sort()).toEqual(['A1', 'B1']);
      expect(row.scores.A1).toEqual({
        code: 'A1', points: 36, maxPoints: 40, body: 'ASSOCIATION', scorerId: 'scorer-1', evidenceReference: 'EV-36', scoredAt: '2026-04-03T01:00:00.000Z',
      });
      expect(row.scores.B1).toMatchObject({ points: 55, evidenceReference: null });
    });

    it('keeps each objection with its resolution, the open count, and the upheld objection reset the review', async () => {
      const rows = await dataSource.query(
        `SELECT subject_id, status, grade, computation, objections, open_objections, notice_starts_on::text AS notice FROM credit_application ORDER BY subject_id`,
      );
      expect(rows[0].objections['obj-1']).toEqual({
        objectionId: 'obj-1', objector: sealed('匿名'), grounds: '示范工程存疑', evidenceReference: null, filedOn: '2026-06-05', status: 'DISMISSED',
        reasons: '经核实示范工程属实', resolvedOn: '2026-06-10',
      });
      expect(rows[0]).toMatchObject({ open_objections: 0, status: 'RATED', grade: 'AAA' });
      expect(rows[1].objections['obj-2']).toMatchObject({ status: 'UPHELD', reasons: '业绩不实' });
      expect(rows[1].objections['obj-3']).toMatchObject({ status: 'DISMISSED', grounds: '安全事故未报', objector: null });
      expect(rows[1].objections['obj-2'].objector).toEqual(sealed('某公司'));
      expect(JSON.stringify(rows)).not.toMatch(/匿名|某公司|某个人/);
      expect(rows[1]).toMatchObject({ open_objections: 0, status: 'RATED', grade: 'A', notice: '2026-07-02' });
      expect(rows[1].computation.totalPoints).toBe(62);
      expect(rows[2]).toMatchObject({ subject_id: S3, status: 'UNDER_REVIEW', objections: {}, open_objections: 0, computation: null });
    });

    it('writes the rating history, each change carrying the certificate and validity of the row before it, and what it does not change', async () => {
      const rows = await dataSource.query(
        `SELECT subject_id, revision, event_type, grade, status, certificate_number, valid_from::text AS valid_from, valid_to::text AS valid_to,
           effective_from::text AS effective_from, record_id, rule, rulebook_version
         FROM credit_rating_history ORDER BY subject_id, revision`,
      );
      const certificate1 = { certificate_number: 'YYXY-2026-0001', valid_from: '2026-06-15', valid_to: '2028-06-14', rulebook_version: 1 };
      expect(rows).toEqual([
        { subject_id: S1, revision: 10, event_type: 'CreditRatingIssued', grade: 'AAA', status: 'ACTIVE', ...certificate1, effective_from: '2026-06-15', record_id: null, rule: null },
        { subject_id: S1, revision: 11, event_type: 'CreditRatingDowngraded', grade: 'AA', status: 'ACTIVE', ...certificate1, effective_from: '2026-09-01', record_id: 'CR-1', rule: 'rb-enterprise v1 D-01: DOWNGRADE 1' },
        { subject_id: S1, revision: 12, event_type: 'CreditRatingSuspended', grade: 'AA', status: 'SUSPENDED', ...certificate1, effective_from: '2026-10-01', record_id: 'CR-2', rule: 'rb-enterprise v1 D-02: SUSPEND' },
        { subject_id: S1, revision: 13, event_type: 'CreditRatingDowngraded', grade: 'A', status: 'SUSPENDED', ...certificate1, effective_from: '2026-10-10', record_id: 'CR-4', rule: 'rb-enterprise v1 D-01: DOWNGRADE 1' },
        { subject_id: S1, revision: 14, event_type: 'CreditRatingReinstated', grade: 'A', status: 'ACTIVE', ...certificate1, effective_from: '2026-11-05', record_id: null, rule: 'COUNCIL 岳建协〔2026〕7号: 欠费已补缴' },
        { subject_id: S1, revision: 16, event_type: 'CreditRatingExpired', grade: 'A', status: 'EXPIRED', ...certificate1, effective_from: '2028-06-15', record_id: null, rule: null },
        {
          subject_id: S2, revision: 10, event_type: 'CreditRatingIssued', grade: 'A', status: 'ACTIVE', certificate_number: 'YYXY-2026-0002', valid_from: '2026-07-15',
          valid_to: '2028-07-14', rulebook_version: 1, effective_from: '2026-07-15', record_id: null, rule: null,
        },
        {
          subject_id: S2, revision: 11, event_type: 'CreditRatingRevoked', grade: 'A', status: 'REVOKED', certificate_number: 'YYXY-2026-0002', valid_from: '2026-07-15',
          valid_to: '2028-07-14', rulebook_version: 1, effective_from: '2026-12-01', record_id: 'CR-7', rule: 'rb-enterprise v1 D-03: REVOKE',
        },
      ]);
      const [s3] = await dataSource.query(`SELECT rating_status FROM credit_application WHERE subject_id = $1`, [S3]);
      expect(s3).toEqual({ rating_status: 'SUSPENDED' });
    });

    it('keeps the rulebook amendment, its pin and who defined it; the cycle with the re-assigned scorer once', async () => {
      const rulebooks = await dataSource.query(`SELECT version, rulebook, pinned_by, defined_at, revision FROM credit_rulebook_version ORDER BY version`);
      expect(rulebooks).toMatchObject([
        { version: 1, pinned_by: [CYCLE], defined_at: new Date('2026-01-02T01:00:00.000Z'), revision: 3 },
        { version: 2, pinned_by: [], revision: 2 },
      ]);
      expect(rulebooks[0].rulebook.noticeDays).toBe(10);
      expect(rulebooks[0].rulebook).not.toHaveProperty('reason');
      const [cycle] = await dataSource.query(`SELECT status, scorers, revision FROM credit_cycle`);
      expect(cycle).toEqual({
        status: 'CLOSED',
        revision: 6,
        scorers: [
          { scorerId: 'scorer-2', body: 'DEPARTMENT', employerCode: '91430600MA4L9999X9', expertId: null },
          { scorerId: 'scorer-1', body: 'ASSOCIATION', employerCode: '91430600MA4L8888X8', expertId: null },
          { scorerId: 'expert-zhang', body: 'ASSOCIATION', employerCode: '91420100177678329F', expertId: 'EXP0123456789ABCDEF' },
        ],
      });
    });

    it('keeps conduct records under the recording association, old events upcast, and their shortened disclosure', async () => {
      const rows = await dataSource.query(
        `SELECT record_id, association_id, disclosure_months, disclosure_until::text AS until, shortened FROM credit_conduct_record ORDER BY record_id`,
      );
      expect(rows).toMatchObject([
        { record_id: 'CR-1', association_id: ASSOC, disclosure_months: 12, shortened: null },
        { record_id: 'CR-2', association_id: ASSOC, disclosure_months: 6, until: '2027-03-01', shortened: { fromMonths: 12, rectificationEvidence: 'RECT-2' } },
        { record_id: 'CR-3', association_id: null, disclosure_months: 3, until: '2026-12-01' },
      ]);
    });
  });
});

// ---- reference: the per-event statements this projection replaced -----------------------------------------
// Kept verbatim (statement for statement) so the set-based writes are held to what they wrote.

const perEventReference: Apply = async (events, tx) => {
  for (const event of events) await applyOneReference(event as RecordedEvent<CreditEvent['type']>, tx);
};

type DataOf<T extends CreditEvent['type']> = Extract<CreditEvent, { type: T }>['data'];
function dataOf<T extends CreditEvent['type']>(event: RecordedEvent): DataOf<T> {
  return event.data as unknown as DataOf<T>;
}

async function updateApplication(
  tx: EntityManager,
  event: RecordedEvent,
  key: { associationId: string; cycleId: string; subjectId: string },
  set: string,
  params: unknown[],
): Promise<void> {
  const n = params.length;
  await tx.query(
    `UPDATE credit_application SET ${set}, updated_at = $${n + 1}, revision = $${n + 2}, last_event_id = $${n + 3}, last_position = $${n + 4}
     WHERE association_id = $${n + 5} AND cycle_id = $${n + 6} AND subject_id = $${n + 7} AND revision < $${n + 2}`,
    [...params, event.metadata.recordedAt, event.revision, event.id, event.position, key.associationId, key.cycleId, key.subjectId],
  );
}

async function ratingHistory(
  tx: EntityManager,
  event: RecordedEvent,
  key: { associationId: string; cycleId: string; subjectId: string },
  change: { grade?: string; status?: string; effectiveFrom: string; recordId?: string | null; rule?: string | null },
): Promise<void> {
  // The new row carries the rating's certificate, validity and rule version from the latest earlier row.
  await tx.query(
    `INSERT INTO credit_rating_history (association_id, cycle_id, subject_id, revision, event_type, grade, status, certificate_number,
       valid_from, valid_to, effective_from, recorded_at, record_id, rule, rulebook_id, rulebook_version, last_event_id)
     SELECT association_id, cycle_id, subject_id, $4, $5, COALESCE($6, grade), COALESCE($7, status), certificate_number, valid_from, valid_to, $8, $9, $10, $11,
       rulebook_id, rulebook_version, $12
     FROM credit_rating_history WHERE association_id = $1 AND cycle_id = $2 AND subject_id = $3 AND revision < $4
     ORDER BY revision DESC LIMIT 1
     ON CONFLICT DO NOTHING`,
    [
      key.associationId, key.cycleId, key.subjectId, event.revision, event.type, change.grade ?? null, change.status ?? null, change.effectiveFrom,
      event.metadata.recordedAt, change.recordId ?? null, change.rule ?? null, event.id,
    ],
  );
}

async function applyOneReference(event: RecordedEvent<CreditEvent['type']>, tx: EntityManager): Promise<void> {
  const at = event.metadata.recordedAt;
  const by = event.metadata.actor.userId;
  switch (event.type) {
    case 'CreditRulebookVersionDefined':
    case 'CreditRulebookVersionAmended': {
      const d = dataOf<'CreditRulebookVersionDefined'>(event);
      const { reason: _reason, ...rulebook } = d as typeof d & { reason?: string };
      await tx.query(
        `INSERT INTO credit_rulebook_version (association_id, rulebook_id, version, title, reference_number, effective_from, effective_to,
           subject_kind, rulebook, defined_at, defined_by, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
         ON CONFLICT (association_id, rulebook_id, version) DO UPDATE SET title = EXCLUDED.title, reference_number = EXCLUDED.reference_number,
           effective_from = EXCLUDED.effective_from, effective_to = EXCLUDED.effective_to, subject_kind = EXCLUDED.subject_kind,
           rulebook = EXCLUDED.rulebook, revision = EXCLUDED.revision, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
         WHERE credit_rulebook_version.revision < EXCLUDED.revision`,
        [
          d.associationId, d.rulebookId, d.version, d.title, d.referenceNumber, d.effectiveFrom, d.effectiveTo, d.subjectKind,
          JSON.stringify(rulebook), at, by, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditRulebookVersionPinned': {
      const d = dataOf<'CreditRulebookVersionPinned'>(event);
      await tx.query(
        `UPDATE credit_rulebook_version SET pinned_by = pinned_by || $4::jsonb, revision = $5, last_event_id = $6, last_position = $7
         WHERE association_id = $1 AND rulebook_id = $2 AND version = $3 AND revision < $5`,
        [d.associationId, d.rulebookId, d.version, JSON.stringify([d.cycleId]), event.revision, event.id, event.position],
      );
      return;
    }
    case 'CreditCycleOpened': {
      const d = dataOf<'CreditCycleOpened'>(event);
      await tx.query(
        `INSERT INTO credit_cycle (association_id, cycle_id, title, rulebook_id, rulebook_version, assessment_from, assessment_to, filing_from,
           filing_to, eligibility, status, opened_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'OPEN',$11,$12,$13,$14) ON CONFLICT DO NOTHING`,
        [
          d.associationId, d.cycleId, d.title, d.rulebook.rulebookId, d.rulebook.version, d.assessmentFrom, d.assessmentTo, d.filingFrom,
          d.filingTo, d.eligibility, at, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditScorerAssigned': {
      const d = dataOf<'CreditScorerAssigned'>(event);
      await tx.query(
        `UPDATE credit_cycle SET scorers = COALESCE((SELECT jsonb_agg(s) FROM jsonb_array_elements(scorers) s
             WHERE NOT (s ->> 'body' = $8 AND CASE WHEN $9::text IS NOT NULL OR s ->> 'expertId' IS NOT NULL
                                                   THEN s ->> 'expertId' IS NOT DISTINCT FROM $9::text ELSE s ->> 'scorerId' = $7 END)), '[]'::jsonb) || $3::jsonb,
           revision = $4, last_event_id = $5, last_position = $6
         WHERE association_id = $1 AND cycle_id = $2 AND revision < $4`,
        [
          d.associationId, d.cycleId, JSON.stringify([{ scorerId: d.scorerId, body: d.body, employerCode: d.employerCode, expertId: d.expertId ?? null }]), event.revision, event.id,
          event.position, d.scorerId, d.body, d.expertId ?? null,
        ],
      );
      return;
    }
    case 'CreditCycleClosed': {
      const d = dataOf<'CreditCycleClosed'>(event);
      await tx.query(
        `UPDATE credit_cycle SET status = 'CLOSED', revision = $3, last_event_id = $4, last_position = $5
         WHERE association_id = $1 AND cycle_id = $2 AND revision < $3`,
        [d.associationId, d.cycleId, event.revision, event.id, event.position],
      );
      return;
    }
    case 'CreditApplicationFiled': {
      const d = dataOf<'CreditApplicationFiled'>(event);
      await tx.query(
        `INSERT INTO credit_application (association_id, cycle_id, subject_id, subject_kind, member, rulebook_id, rulebook_version, status,
           filed_on, self_assessment, updated_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,'UNDER_REVIEW',$8,$9,$10,$11,$12,$13) ON CONFLICT DO NOTHING`,
        [
          d.associationId, d.cycleId, d.subjectId, d.subjectKind, d.member, d.rulebookId, d.rulebookVersion, d.filedOn,
          JSON.stringify(d.selfAssessment), at, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditIndicatorScored': {
      const d = dataOf<'CreditIndicatorScored'>(event);
      const score = { code: d.code, points: d.points, maxPoints: d.maxPoints, body: d.body, scorerId: d.scorerId, evidenceReference: d.evidenceReference, scoredAt: at };
      await updateApplication(tx, event, d, `scores = scores || jsonb_build_object($1::text, $2::jsonb)`, [d.code, JSON.stringify(score)]);
      return;
    }
    case 'CreditReviewCompleted': {
      const d = dataOf<'CreditReviewCompleted'>(event);
      await updateApplication(tx, event, d, `status = 'REVIEWED', computation = $1, grade = $2, grade_overridden = NULL`, [
        JSON.stringify(d.computation),
        d.computation.grade,
      ]);
      return;
    }
    case 'CreditGradeOverrideRequested': {
      const d = dataOf<'CreditGradeOverrideRequested'>(event);
      await updateApplication(tx, event, d, `override_pending = $1`, [JSON.stringify({ toGrade: d.toGrade, reason: d.reason, decision: d.decision, requestedBy: d.requestedBy })]);
      return;
    }
    case 'CreditGradeOverridden': {
      const d = dataOf<'CreditGradeOverridden'>(event);
      await updateApplication(tx, event, d, `grade = $1, override_pending = NULL, grade_overridden = $2`, [d.toGrade, JSON.stringify(d)]);
      return;
    }
    case 'CreditNoticeStarted': {
      const d = dataOf<'CreditNoticeStarted'>(event);
      await updateApplication(tx, event, d, `status = 'IN_NOTICE', notice_starts_on = $1, notice_ends_on = $2`, [d.startsOn, d.endsOn]);
      return;
    }
    case 'CreditObjectionFiled': {
      const d = dataOf<'CreditObjectionFiled'>(event);
      const objection = {
        objectionId: d.objectionId, objector: isSealed(d.objector) ? d.objector : null, grounds: d.grounds, evidenceReference: d.evidenceReference,
        filedOn: d.filedOn, status: 'OPEN',
      };
      await updateApplication(tx, event, d, `objections = objections || jsonb_build_object($1::text, $2::jsonb), open_objections = open_objections + 1`, [
        d.objectionId,
        JSON.stringify(objection),
      ]);
      return;
    }
    case 'CreditObjectionResolved': {
      const d = dataOf<'CreditObjectionResolved'>(event);
      const resolution = JSON.stringify({ status: d.outcome, reasons: d.reasons, resolvedOn: d.resolvedOn });
      const upheld = d.outcome === 'UPHELD' ? `, status = 'UNDER_REVIEW', computation = NULL, grade = NULL, notice_starts_on = NULL, notice_ends_on = NULL` : '';
      await updateApplication(
        tx,
        event,
        d,
        `objections = jsonb_set(objections, ARRAY[$1::text], (objections -> $1::text) || $2::jsonb), open_objections = open_objections - 1${upheld}`,
        [d.objectionId, resolution],
      );
      return;
    }
    case 'CreditRatingIssued': {
      const d = dataOf<'CreditRatingIssued'>(event);
      await updateApplication(
        tx,
        event,
        d,
        `status = 'RATED', certificate_number = $1, rating_grade = $2, rating_status = 'ACTIVE', valid_from = $3, valid_to = $4`,
        [d.certificateNumber, d.grade, d.validFrom, d.validTo],
      );
      await tx.query(
        `INSERT INTO credit_rating_history (association_id, cycle_id, subject_id, revision, event_type, grade, status, certificate_number,
           valid_from, valid_to, effective_from, recorded_at, record_id, rule, rulebook_id, rulebook_version, last_event_id)
         VALUES ($1,$2,$3,$4,$5,$6,'ACTIVE',$7,$8,$9,$8,$10,NULL,NULL,$11,$12,$13) ON CONFLICT DO NOTHING`,
        [d.associationId, d.cycleId, d.subjectId, event.revision, event.type, d.grade, d.certificateNumber, d.validFrom, d.validTo, at, d.rulebookId, d.rulebookVersion, event.id],
      );
      return;
    }
    case 'CreditRatingDowngraded': {
      const d = dataOf<'CreditRatingDowngraded'>(event);
      await updateApplication(tx, event, d, `rating_grade = $1`, [d.toGrade]);
      await ratingHistory(tx, event, d, { grade: d.toGrade, effectiveFrom: d.effectiveFrom, recordId: d.recordId, rule: d.rule });
      return;
    }
    case 'CreditRatingSuspended':
    case 'CreditRatingRevoked': {
      const d = dataOf<'CreditRatingSuspended'>(event);
      const status = event.type === 'CreditRatingSuspended' ? 'SUSPENDED' : 'REVOKED';
      await updateApplication(tx, event, d, `rating_status = $1`, [status]);
      await ratingHistory(tx, event, d, { status, effectiveFrom: d.effectiveFrom, recordId: d.recordId, rule: d.rule });
      return;
    }
    case 'CreditRatingReinstated': {
      const d = dataOf<'CreditRatingReinstated'>(event);
      await updateApplication(tx, event, d, `rating_status = 'ACTIVE'`, []);
      await ratingHistory(tx, event, d, { status: 'ACTIVE', effectiveFrom: d.effectiveFrom, rule: `${d.decision.body} ${d.decision.reference}: ${d.reason}` });
      return;
    }
    case 'CreditRatingConfirmed': {
      const d = dataOf<'CreditRatingConfirmed'>(event);
      await updateApplication(tx, event, d, `rating_grade = $1`, [d.grade]);
      return;
    }
    case 'CreditRatingExpired': {
      const d = dataOf<'CreditRatingExpired'>(event);
      await updateApplication(tx, event, d, `rating_status = 'EXPIRED'`, []);
      await ratingHistory(tx, event, d, { status: 'EXPIRED', effectiveFrom: d.expiredOn, rule: d.rule ?? null });
      return;
    }
    case 'CreditCertificateReserved':
      // The reservation streams only guard uniqueness; the certificate is read from the application.
      return;
    case 'CreditConductRecorded': {
      const d = upcastCreditConductEvent(event as unknown as CreditConductRecorded, event.metadata.actor.associationId).data;
      await tx.query(
        `INSERT INTO credit_conduct_record (association_id, subject_id, record_id, code, kind, severity, occurred_on, source_authority, disclosure_months,
           penalty_months, disclosure_until, evidence_reference, description, recorded_at, recorded_by, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) ON CONFLICT DO NOTHING`,
        [
          d.associationId, d.subjectId, d.recordId, d.code, d.kind, d.severity, d.occurredOn, d.sourceAuthority, d.disclosureMonths, d.penaltyMonths,
          d.disclosureUntil, d.evidenceReference, d.description, at, by, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditConductDisclosureShortened': {
      const d = upcastCreditConductEvent(event as unknown as CreditConductDisclosureShortened, event.metadata.actor.associationId).data;
      await tx.query(
        `UPDATE credit_conduct_record SET disclosure_months = $3, disclosure_until = $4, shortened = $5, revision = $6, last_event_id = $7, last_position = $8
         WHERE subject_id = $1 AND record_id = $2 AND association_id IS NOT DISTINCT FROM $9 AND revision < $6`,
        [
          d.subjectId, d.recordId, d.toMonths, d.disclosureUntil, JSON.stringify({ fromMonths: d.fromMonths, rectificationEvidence: d.rectificationEvidence, at }),
          event.revision, event.id, event.position, d.associationId,
        ],
      );
      return;
    }
  }
}
