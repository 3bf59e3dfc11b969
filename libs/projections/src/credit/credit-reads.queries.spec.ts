import { beforeAll, describe, expect, it } from '@jest/globals';
import { creditApplicationStreamId, creditConductStreamId } from '#domain/credit';
import { InvalidInput } from '#domain/shared';
import { createReadModelDataSource } from '../data-source.js';
import { LAST_EVENT, migratedReadModels } from '../read-models/query-spec-database.fixture.js';
import { encodeCursor } from '../read-models/page.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { CreditQueries } from './credit.queries.js';

/** 2025-03-01 in China (the business date every "now" below is judged on). */
const NOW = new Date('2025-03-01T04:00:00Z');
const ZERO_ID = '00000000-0000-0000-0000-000000000000';

const rulebook = (associationId: string, rulebookId: string, version: number) => ({
  associationId,
  rulebookId,
  version,
  title: `${rulebookId} v${version}`,
  referenceNumber: `No. ${version}`,
  effectiveFrom: '2024-01-01',
  effectiveTo: null,
  subjectKind: 'ENTERPRISE',
  indicators: [{ code: 'I1', name: 'Management', category: 'M', maxPoints: 70, body: 'ASSOCIATION', evidenceRequired: false }],
  thresholds: [
    { grade: 'AAA', minPoints: 85 },
    { grade: 'AA', minPoints: 70 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 3,
  noticeDays: 7,
  vetoRules: [],
  dynamicRules: [],
});

const score = (code: string, points: number, evidenceReference: string | null = null) => ({
  code,
  maxPoints: 70,
  points,
  body: 'ASSOCIATION',
  scorerId: 'scorer-1',
  evidenceReference,
});

const computation = (points: number[], recordedGrade: string | null) => ({
  rulebookId: 'rb',
  rulebookVersion: 1,
  scores: points.map((p, i) => score(`I${i + 1}`, p)),
  thresholds: rulebook('a1', 'rb', 1).thresholds,
  vetoes: [],
  totalPoints: points.reduce((a, b) => a + b, 0),
  thresholdGrade: recordedGrade,
  grade: recordedGrade,
});

interface ApplicationRow {
  association?: string;
  cycle?: string;
  subject: string;
  kind?: string;
  status: string;
  grade?: string | null;
  computation?: unknown;
  scores?: Record<string, unknown>;
  overridden?: unknown;
  rating?: { grade: string; status: string; validFrom: string; validTo: string } | null;
}

describe('CreditQueries: the reads of the API', () => {
  const db = migratedReadModels('credit_reads');
  let queries: CreditQueries;

  const insertApplication = (a: ApplicationRow) =>
    db.dataSource().query(
      `INSERT INTO credit_application (association_id, cycle_id, subject_id, subject_kind, member, rulebook_id, rulebook_version, status,
         filed_on, self_assessment, scores, computation, grade, grade_overridden, certificate_number, rating_grade, rating_status, valid_from,
         valid_to, updated_at, revision, last_event_id, last_position)
       VALUES ($1, $2, $3, $4, true, 'rb', 1, $5, '2024-03-01', '[{"code":"I1","points":65}]', $6, $7, $8, $9, $10, $11, $12, $13, $14, ${LAST_EVENT})`,
      [
        a.association ?? 'a1',
        a.cycle ?? '2024',
        a.subject,
        a.kind ?? 'ENTERPRISE',
        a.status,
        JSON.stringify(a.scores ?? {}),
        a.computation === undefined ? null : JSON.stringify(a.computation),
        a.grade ?? null,
        a.overridden === undefined ? null : JSON.stringify(a.overridden),
        a.rating ? `CERT-${a.subject}` : null,
        a.rating?.grade ?? null,
        a.rating?.status ?? null,
        a.rating?.validFrom ?? null,
        a.rating?.validTo ?? null,
      ],
    );

  const insertRating = (
    key: { association: string; cycle: string; subject: string },
    revision: number,
    eventType: string,
    grade: string,
    status: string,
    validity: [string, string],
    effectiveFrom: string,
    recordedAt: string,
  ) =>
    db.dataSource().query(
      `INSERT INTO credit_rating_history (association_id, cycle_id, subject_id, revision, event_type, grade, status, certificate_number,
         valid_from, valid_to, effective_from, recorded_at, record_id, rule, rulebook_id, rulebook_version, last_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, 'rb', 1, '${ZERO_ID}')`,
      [key.association, key.cycle, key.subject, revision, eventType, grade, status, `CERT-${key.subject}`, ...validity, effectiveFrom, recordedAt],
    );

  let auditPosition = 0;
  const insertAuditEvent = (streamId: string, type: string, data: Record<string, unknown>, actorAssociationId: string | null, recordedAt: string) => {
    auditPosition += 1;
    const position = String(auditPosition).padStart(4, '0');
    return db.dataSource().query(
      `INSERT INTO audit_event (position, event_id, stream_id, revision, event_type, data, actor_user_id, actor_role, actor_association_id,
         command_id, command_type, correlation_id, recorded_at, prev_hash, hash)
       VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, 'user-1', 'ADMIN', $6, 'cmd', NULL, 'corr', $7, 'prev', $8)`,
      [position, streamId, auditPosition, type, JSON.stringify(data), actorAssociationId, recordedAt, `hash-${position}`],
    );
  };

  const S1_2024 = { association: 'a1', cycle: '2024', subject: 'S1' };

  beforeAll(async () => {
    queries = new CreditQueries(db.dataSource());
    const sql = db.dataSource();
    for (const [association, rulebookId, version, pinnedBy] of [
      ['a1', 'rb', 2, []],
      ['a1', 'rb', 1, ['2024']],
      ['a1', 'other', 1, []],
      ['a2', 'rb', 1, []],
    ] as const) {
      await sql.query(
        `INSERT INTO credit_rulebook_version (association_id, rulebook_id, version, title, reference_number, effective_from, subject_kind, rulebook,
           pinned_by, defined_at, defined_by, revision, last_event_id, last_position)
         VALUES ($1, $2, $3, 't', 'r', '2024-01-01', 'ENTERPRISE', $4, $5, now(), 'u', 1, '${ZERO_ID}', '0')`,
        [association, rulebookId, version, JSON.stringify(rulebook(association, rulebookId, version)), JSON.stringify(pinnedBy)],
      );
    }
    await sql.query(
      `INSERT INTO credit_cycle (association_id, cycle_id, title, rulebook_id, rulebook_version, assessment_from, assessment_to, filing_from, filing_to,
         eligibility, status, scorers, opened_at, revision, last_event_id, last_position)
       VALUES ('a1', '2024', 'Cycle 2024', 'rb', 1, '2023-01-01', '2023-12-31', '2024-02-01', '2024-03-31', 'ALL', 'OPEN', $1, now(), 1, '${ZERO_ID}', '0')`,
      [JSON.stringify([{ scorerId: 'scorer-1', body: 'ASSOCIATION', employerCode: null }])],
    );

    const inForce = { validFrom: '2024-07-01', validTo: '2027-06-30' };
    await insertApplication({
      subject: 'S1',
      status: 'RATED',
      grade: 'AAA',
      computation: computation([60, 30], 'AAA'),
      scores: { I2: score('I2', 30, 'EV-2'), I1: score('I1', 60) },
      rating: { grade: 'AA', status: 'ACTIVE', ...inForce },
    });
    // Recorded as A although its scores reach AA: the recomputation tells.
    await insertApplication({
      subject: 'S2',
      status: 'RATED',
      grade: 'AA',
      computation: computation([72], 'A'),
      overridden: { fromGrade: 'A', toGrade: 'AA' },
      rating: { grade: 'AA', status: 'ACTIVE', validFrom: '2022-03-01', validTo: '2025-02-28' },
    });
    await insertApplication({ subject: 'S3', status: 'RATED', grade: 'AA', rating: { grade: 'AA', status: 'SUSPENDED', ...inForce } });
    await insertApplication({ subject: 'S4', status: 'REVIEWED', grade: null, computation: computation([10], null) });
    await insertApplication({ subject: 'S5', status: 'UNDER_REVIEW' });
    await insertApplication({ subject: 'S6', status: 'IN_NOTICE', grade: 'AA' });
    await insertApplication({ subject: 'S7', status: 'RATED', grade: 'AAA', rating: { grade: 'AAA', status: 'ACTIVE', validFrom: '2025-06-01', validTo: '2028-05-31' } });
    await insertApplication({ subject: 'S8', status: 'RATED', grade: 'A', rating: { grade: 'A', status: 'ACTIVE', ...inForce } });
    await insertApplication({ cycle: '2023', subject: 'S1', status: 'RATED', grade: 'A', rating: { grade: 'A', status: 'EXPIRED', validFrom: '2021-07-01', validTo: '2024-06-30' } });
    await insertApplication({ association: 'a2', subject: 'S1', status: 'RATED', grade: 'AA', rating: { grade: 'AA', status: 'ACTIVE', ...inForce } });
    await insertApplication({ cycle: '2024P', subject: 'P1', kind: 'PERSON', status: 'UNDER_REVIEW' });

    await insertRating(S1_2024, 5, 'CreditRatingIssued', 'AAA', 'ACTIVE', ['2024-07-01', '2027-06-30'], '2024-07-01', '2024-06-20T02:00:00Z');
    await insertRating(S1_2024, 6, 'CreditRatingDowngraded', 'AA', 'ACTIVE', ['2024-07-01', '2027-06-30'], '2025-01-10', '2025-01-05T02:00:00Z');
    // Recorded in February, in effect only from April.
    await insertRating(S1_2024, 7, 'CreditRatingSuspended', 'AA', 'SUSPENDED', ['2024-07-01', '2027-06-30'], '2025-04-01', '2025-02-01T02:00:00Z');
    await insertRating({ association: 'a1', cycle: '2023', subject: 'S1' }, 4, 'CreditRatingExpired', 'A', 'EXPIRED', ['2021-07-01', '2024-06-30'], '2024-07-01', '2024-07-01T02:00:00Z');
    await insertRating({ association: 'a2', cycle: '2024', subject: 'S1' }, 3, 'CreditRatingIssued', 'AA', 'ACTIVE', ['2024-05-01', '2027-04-30'], '2024-05-01', '2024-04-25T02:00:00Z');
    // Its expiry is not recorded: it counts from the day after valid-to all the same.
    await insertRating({ association: 'a1', cycle: '2024', subject: 'S2' }, 5, 'CreditRatingIssued', 'AA', 'ACTIVE', ['2022-03-01', '2025-02-28'], '2022-03-01', '2022-02-20T02:00:00Z');

    await sql.query(
      `INSERT INTO enterprise (code, name, legal_representative, region_code, province_code, city_code, ownership, size_class,
         registered_at, registered_by, updated_at, revision, last_event_id, last_position)
       VALUES ('S1', 'New name', 'R', '420106', '420000', '420100', 'PRIVATE', NULL, '2024-01-01T00:00:00Z', 'u', ${LAST_EVENT}),
              ('S9', 'Nine', 'R', '420106', '420000', '420100', 'PRIVATE', NULL, '2025-02-10T00:00:00Z', 'u', ${LAST_EVENT})`,
    );
    await sql.query(
      `INSERT INTO enterprise_name (code, revision, name, effective_from, reason, recorded_at, last_event_id)
       VALUES ('S1', 0, 'Old name', NULL, NULL, '2024-01-01T00:00:00Z', '${ZERO_ID}'),
              ('S1', 1, 'New name', '2025-02-15', 'renamed', '2025-02-01T00:00:00Z', '${ZERO_ID}'),
              ('S9', 0, 'Nine', NULL, NULL, '2025-02-10T00:00:00Z', '${ZERO_ID}')`,
    );

    const conductRecord = (association: string | null, recordId: string, occurredOn: string, disclosureUntil: string) =>
      sql.query(
        `INSERT INTO credit_conduct_record (association_id, subject_id, record_id, code, kind, severity, occurred_on, source_authority, disclosure_months,
           penalty_months, disclosure_until, evidence_reference, description, shortened, recorded_at, recorded_by, revision, last_event_id, last_position)
         VALUES ($1, 'S1', $2, 'C01', 'ADVERSE', 'MAJOR', $3, 'Bureau', 12, NULL, $4, 'EV', 'late filing', NULL, now(), 'u', 1, '${ZERO_ID}', '0')`,
        [association, recordId, occurredOn, disclosureUntil],
      );
    await conductRecord('a1', 'R1', '2024-09-01', '2026-01-01');
    await conductRecord('a2', 'R1', '2024-08-01', '2026-01-01');
    await conductRecord(null, 'R0', '2023-01-01', '2024-01-01');

    const conduct = creditConductStreamId('S1');
    await insertAuditEvent(creditApplicationStreamId('a1', '2024', 'S1'), 'CreditApplicationReviewed', {
      computation: { rulebookId: 'rb', rulebookVersion: 1, scores: [{ evidenceReference: 'EV-2' }, { evidenceReference: null }] },
    }, 'a1', '2024-05-01T00:00:00Z');
    await insertAuditEvent(conduct, 'CreditConductRecorded', { associationId: 'a1', sourceAuthority: 'Bureau', evidenceReference: 'EV-1' }, 'a1', '2024-09-02T00:00:00Z');
    await insertAuditEvent(conduct, 'CreditConductRecorded', { associationId: 'a2', sourceAuthority: 'Bureau' }, 'a2', '2024-09-03T00:00:00Z');
    // From before conduct events carried their association: the recorder's association stands for it.
    await insertAuditEvent(conduct, 'CreditConductRecorded', { sourceAuthority: 'Old bureau' }, 'a2', '2024-09-04T00:00:00Z');
    await insertAuditEvent(conduct, 'CreditConductRecorded', { rule: 'legacy rule' }, null, '2024-09-05T00:00:00Z');
    await insertAuditEvent(creditApplicationStreamId('a1', '2024', 'S1'), 'CreditRatingReinstated', {
      decision: { body: 'Council', reference: 'No. 5' },
      rectificationEvidence: 'EV-3',
    }, 'a1', '2024-10-01T00:00:00Z');
    await insertAuditEvent(creditApplicationStreamId('a2', '2024', 'S1'), 'CreditRatingIssued', { rulebookId: 'rb', rulebookVersion: 1 }, 'a2', '2024-04-25T00:00:00Z');
  });

  it('lists rulebook versions by rulebook and version, with the cycles pinned to each', async () => {
    const all = await queries.rulebooks('a1', null);
    expect(all.map((r) => [r.rulebookId, r.version, r.pinnedBy])).toEqual([
      ['other', 1, []],
      ['rb', 1, ['2024']],
      ['rb', 2, []],
    ]);
    expect(all[1]).toEqual({ ...rulebook('a1', 'rb', 1), pinnedBy: ['2024'] });
    expect((await queries.rulebooks('a1', 'rb')).map((r) => r.version)).toEqual([1, 2]);
    expect((await queries.rulebook('a1', 'rb', 2))?.title).toBe('rb v2');
    expect(await queries.rulebook('a1', 'rb', 3)).toBeNull();
  });

  it('gives a cycle its applications by proposed grade and its ratings by status on the day of "now"', async () => {
    const cycle = await queries.cycle('a1', '2024', NOW);
    expect(cycle).toMatchObject({ title: 'Cycle 2024', assessmentFrom: '2023-01-01', filingTo: '2024-03-31', scorers: [{ scorerId: 'scorer-1', body: 'ASSOCIATION', employerCode: null }] });
    expect(cycle?.applicationCount).toBe(8);
    expect(cycle?.gradeDistribution).toEqual([
      { grade: 'A', underReview: false, count: 1 },
      { grade: 'AA', underReview: false, count: 3 },
      { grade: 'AAA', underReview: false, count: 2 },
      { grade: null, underReview: false, count: 1 },
      { grade: null, underReview: true, count: 1 },
    ]);
    // S2's valid-to passed on the last day of February: expired, although no expiry is recorded.
    expect(cycle?.ratingsByStatus).toEqual([
      { grade: 'A', status: 'ACTIVE', inForce: true, count: 1 },
      { grade: 'AA', status: 'ACTIVE', inForce: true, count: 1 },
      { grade: 'AAA', status: 'ACTIVE', inForce: false, count: 1 },
      { grade: 'AA', status: 'SUSPENDED', inForce: false, count: 1 },
      { grade: 'AA', status: 'EXPIRED', inForce: false, count: 1 },
    ]);
    expect(cycle?.ratingCount).toBe(5);
    expect(cycle?.ratingsInForce).toBe(2);
    expect(cycle?.ratedDistribution).toEqual([
      { grade: 'A', underReview: false, count: 1 },
      { grade: 'AA', underReview: false, count: 1 },
    ]);
    // The day before, S2 was still in force.
    const dayBefore = await queries.cycle('a1', '2024', new Date('2025-02-28T15:59:59Z'));
    expect(dayBefore?.ratingsInForce).toBe(3);
    expect(await queries.cycle('a1', 'none', NOW)).toBeNull();
  });

  it('reads one application with its scores by indicator code and its rating status on the day of "now"', async () => {
    const s1 = await queries.application('a1', '2024', 'S1', NOW);
    expect(s1).toMatchObject({ subjectKind: 'ENTERPRISE', member: true, filedOn: '2024-03-01', selfAssessment: [{ code: 'I1', points: 65 }] });
    expect(s1?.scores).toEqual([
      { ...score('I1', 60), name: null },
      { ...score('I2', 30, 'EV-2'), name: null },
    ]);
    expect(s1).toMatchObject({ totalPoints: 90, computedGrade: 'AAA', grade: 'AAA', ratingGrade: 'AA', ratingStatus: 'ACTIVE', validTo: '2027-06-30' });
    expect((await queries.application('a1', '2024', 'S2', NOW))?.ratingStatus).toBe('EXPIRED');
    expect(await queries.application('a1', '2024', 'S5', NOW)).toMatchObject({ totalPoints: null, computedGrade: null, ratingStatus: null, objections: [] });
    expect(await queries.application('a1', '2024', 'S0', NOW)).toBeNull();
  });

  it('pages a cycle’s applications by subject, filtered by status or grade, with the count across pages', async () => {
    const first = await queries.applications('a1', '2024', { status: 'RATED', grade: null }, 2, null, NOW);
    expect(first.edges.map((e) => e.node.subjectId)).toEqual(['S1', 'S2']);
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: first.edges[0]!.cursor, endCursor: first.edges[1]!.cursor });
    const second = await queries.applications('a1', '2024', { status: 'RATED', grade: null }, 2, first.pageInfo.endCursor, NOW);
    expect(second.edges.map((e) => e.node.subjectId)).toEqual(['S3', 'S7']);
    const last = await queries.applications('a1', '2024', { status: 'RATED', grade: null }, 2, second.pageInfo.endCursor, NOW);
    expect(last.edges.map((e) => e.node.subjectId)).toEqual(['S8']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const aa = await queries.applications('a1', '2024', { status: null, grade: 'AA' }, 20, null, NOW);
    expect(aa.edges.map((e) => [e.node.subjectId, e.node.ratingStatus])).toEqual([
      ['S2', 'EXPIRED'],
      ['S3', 'SUSPENDED'],
      ['S6', null],
    ]);
    expect(aa.totalCount).toBe(3);
  });

  it('refuses a cursor this list did not return, on the after field', async () => {
    for (const after of ['not-a-cursor', encodeCursor(['S1', 2])]) {
      const refusal = queries.applications('a1', '2024', { status: null, grade: null }, 2, after, NOW);
      await expect(refusal).rejects.toBeInstanceOf(InvalidInput);
      await expect(refusal).rejects.toMatchObject({ fieldErrors: [{ field: 'after' }] });
    }
  });

  it('gives the ratings a conduct record changed: the subject’s applications on those streams', async () => {
    const changed = await queries.changedRatings('S1', [creditApplicationStreamId('a2', '2024', 'S1'), creditApplicationStreamId('a1', '2023', 'S1')], NOW);
    expect(changed.map((a) => [a.associationId, a.cycleId, a.ratingStatus])).toEqual([
      ['a1', '2023', 'EXPIRED'],
      ['a2', '2024', 'ACTIVE'],
    ]);
    expect(await queries.changedRatings('S1', [], NOW)).toEqual([]);
  });

  describe('the tender look-up', () => {
    it('answers every subject asked for, in order and with duplicates, with what the register knew at the instant', async () => {
      const answers = await queries.lookUpSubjects([' s1 ', 'S9', 'S1', 'P1', 'ZZ'], NOW);
      expect(answers.map((a) => [a.subjectId, a.code, a.registered, a.person, a.enterpriseName, a.inForce, a.ratings.length])).toEqual([
        [' s1 ', 'S1', true, false, 'New name', true, 3],
        ['S9', 'S9', true, false, 'Nine', false, 0],
        ['S1', 'S1', true, false, 'New name', true, 3],
        ['P1', 'P1', false, true, null, false, 0],
        ['ZZ', 'ZZ', false, false, null, false, 0],
      ]);
      expect(answers.every((a) => a.asOf === NOW)).toBe(true);
      expect(answers[0]!.ratings.map((r) => [r.associationId, r.cycleId, r.grade, r.status, r.inForce, r.changedBy])).toEqual([
        ['a1', '2023', 'A', 'EXPIRED', false, 'CreditRatingExpired'],
        // The suspension recorded in February is in effect only from April.
        ['a1', '2024', 'AA', 'ACTIVE', true, 'CreditRatingDowngraded'],
        ['a2', '2024', 'AA', 'ACTIVE', true, 'CreditRatingIssued'],
      ]);
      expect(answers[0]!.ratings[1]).toMatchObject({
        subjectId: 'S1',
        certificateNumber: 'CERT-S1',
        validFrom: '2024-07-01',
        validTo: '2027-06-30',
        effectiveFrom: '2025-01-10',
        recordedAt: new Date('2025-01-05T02:00:00Z'),
        rulebookId: 'rb',
        rulebookVersion: 1,
      });
    });

    it('knows a person by register id once the persons register holds them, and never names them', async () => {
      const person = (personId: string, registeredAt: string) =>
        db.dataSource().query(
          `INSERT INTO person (person_id, association_id, status, registered_on, registered_at, revision, last_event_id, last_position)
           VALUES ($1, 'a1', 'REGISTERED', $2::timestamptz::date, $2, 0, '${ZERO_ID}', '0')`,
          [personId, registeredAt],
        );
      await person('PSN0000000000000001', '2025-02-01T00:00:00Z');
      await person('PSN0000000000000002', '2025-04-01T00:00:00Z');
      const answers = await queries.lookUpSubjects(['PSN0000000000000001', 'PSN0000000000000002', 'PSN0000000000000003'], NOW);
      expect(answers.map((a) => [a.code, a.registered, a.person, a.enterpriseName])).toEqual([
        ['PSN0000000000000001', false, true, null],
        // Registered after the instant asked.
        ['PSN0000000000000002', false, false, null],
        ['PSN0000000000000003', false, false, null],
      ]);
    });

    it('cuts by recording time and business date: a state recorded but not yet in effect, a name not yet changed, a firm not yet registered', async () => {
      const [s1, s9] = await queries.lookUpSubjects(['S1', 'S9'], new Date('2025-01-07T00:00:00Z'));
      expect(s1!.ratings.find((r) => r.cycleId === '2024' && r.associationId === 'a1')).toMatchObject({ grade: 'AAA', changedBy: 'CreditRatingIssued' });
      expect(s1!.enterpriseName).toBe('Old name');
      expect(s9).toMatchObject({ registered: false, enterpriseName: null });
      const april = await queries.lookUpSubjects(['S1'], new Date('2025-04-02T00:00:00Z'));
      expect(april[0]!.ratings.find((r) => r.cycleId === '2024' && r.associationId === 'a1')).toMatchObject({ status: 'SUSPENDED', inForce: false });
      expect((await queries.lookUpSubjects(['S1'], new Date('2024-01-02T00:00:00Z')))[0]).toMatchObject({ registered: true, ratings: [], inForce: false });
    });

    it('judges expiry on the date in China: from the day after valid-to', async () => {
      const lastDay = await queries.lookUpSubjects(['S2'], new Date('2025-02-28T15:59:59Z'));
      expect(lastDay[0]!.ratings).toMatchObject([{ status: 'ACTIVE', inForce: true }]);
      const dayAfter = await queries.lookUpSubjects(['S2'], new Date('2025-02-28T16:00:00Z'));
      expect(dayAfter[0]!.ratings).toMatchObject([{ status: 'EXPIRED', inForce: false }]);
      expect(dayAfter[0]!.inForce).toBe(false);
    });

    it('reads names only when asked for them', async () => {
      const [s1] = await queries.lookUpSubjects(['S1'], NOW, false);
      expect(s1).toMatchObject({ registered: true, enterpriseName: null, inForce: true });
    });

    it('is sent as a named prepared statement, planned once per connection', async () => {
      const url = (db.dataSource().options as { url?: string }).url;
      const single = createReadModelDataSource({ url: url!, entities: [...registerEntities], migrations: [...registerMigrations], poolSize: 1 });
      await single.initialize();
      try {
        const onOneConnection = new CreditQueries(single);
        const before = await onOneConnection.lookUpSubjects(['S1'], NOW);
        const again = await onOneConnection.lookUpSubjects(['S1', 'S9'], NOW);
        expect(again[0]).toEqual(before[0]);
        const prepared = (await single.query(`SELECT name FROM pg_prepared_statements`)) as { name: string }[];
        expect(prepared.map((p) => p.name)).toContain('credit_subject_lookup');
      } finally {
        await single.destroy();
      }
    });
  });

  describe('a subject’s history', () => {
    const conduct = creditConductStreamId('S1');

    it('covers its conduct stream and its applications, one association’s or every one', async () => {
      expect(new Set(await queries.historyStreams('S1', 'a1'))).toEqual(
        new Set([conduct, creditApplicationStreamId('a1', '2023', 'S1'), creditApplicationStreamId('a1', '2024', 'S1')]),
      );
      expect((await queries.historyStreams('S1', null)).length).toBe(4);
      expect(await queries.historyStreams('S0', null)).toEqual([creditConductStreamId('S0')]);
    });

    it('gives an association its own conduct records and those of no association, in recording order, with authority, rule version and evidence', async () => {
      const streams = await queries.historyStreams('S1', 'a1');
      const steps = await queries.history('S1', 'a1', streams, null);
      expect(steps.map((s) => [s.type, s.authority, s.ruleVersion, s.evidence])).toEqual([
        ['CreditApplicationReviewed', null, 'rb v1', ['EV-2']],
        ['CreditConductRecorded', 'Bureau', null, ['EV-1']],
        ['CreditConductRecorded', 'legacy rule', null, []],
        ['CreditRatingReinstated', 'Council No. 5', null, ['EV-3']],
      ]);
      expect(steps[1]).toMatchObject({ streamId: conduct, actor: { userId: 'user-1', role: 'ADMIN', associationId: 'a1' }, recordedAt: new Date('2024-09-02T00:00:00Z') });
      expect(steps[1]!.hash).toMatch(/^hash-/);
    });

    it('gives a reader of every association every step', async () => {
      const steps = await queries.history('S1', null, await queries.historyStreams('S1', null), null);
      expect(steps.map((s) => s.recordedAt.toISOString())).toEqual([
        '2024-04-25T00:00:00.000Z',
        '2024-05-01T00:00:00.000Z',
        '2024-09-02T00:00:00.000Z',
        '2024-09-03T00:00:00.000Z',
        '2024-09-04T00:00:00.000Z',
        '2024-09-05T00:00:00.000Z',
        '2024-10-01T00:00:00.000Z',
      ]);
      expect(steps[0]).toMatchObject({ type: 'CreditRatingIssued', ruleVersion: 'rb v1' });
    });

    it('leaves out, on a day given, the steps of a conduct record whose disclosure ended before it, and keeps the rating changes naming it', async () => {
      const s7 = creditConductStreamId('S7');
      const record = (recordId: string, disclosureUntil: string, at: string) =>
        insertAuditEvent(s7, 'CreditConductRecorded', { associationId: 'a1', subjectId: 'S7', recordId, sourceAuthority: 'Bureau', disclosureUntil }, 'a1', at);
      await record('R5', '2025-09-01', '2024-03-01T00:00:00Z');
      // Shortened after rectification: its disclosure now ends in December.
      await insertAuditEvent(s7, 'CreditConductDisclosureShortened', { associationId: 'a1', subjectId: 'S7', recordId: 'R5', disclosureUntil: '2024-12-01' }, 'a1', '2024-06-01T00:00:00Z');
      await record('R6', '2025-01-15', '2024-07-01T00:00:00Z');
      await insertAuditEvent(creditApplicationStreamId('a1', '2024', 'S7'), 'CreditRatingSuspended', { recordId: 'R5', rule: 'rb v1 C01 → SUSPEND' }, 'a1', '2024-03-02T00:00:00Z');
      const streams = await queries.historyStreams('S7', null);
      const shown = (on: string | null) => queries.history('S7', null, streams, on).then((steps) => steps.map((s) => [s.type, s.data.recordId]));
      expect(await shown(null)).toEqual([
        ['CreditConductRecorded', 'R5'],
        ['CreditRatingSuspended', 'R5'],
        ['CreditConductDisclosureShortened', 'R5'],
        ['CreditConductRecorded', 'R6'],
      ]);
      // Disclosed through its last day.
      expect(await shown('2025-01-15')).toEqual([
        ['CreditRatingSuspended', 'R5'],
        ['CreditConductRecorded', 'R6'],
      ]);
      expect(await shown('2025-01-16')).toEqual([['CreditRatingSuspended', 'R5']]);
      expect(await shown('2024-12-01')).toEqual(await shown(null));
    });
  });

  it('explains a grade from the recorded computation, recomputed, with the rulebook’s indicator names', async () => {
    const s1 = await queries.explanation('a1', '2024', 'S1', NOW);
    expect(s1).toEqual({
      associationId: 'a1',
      cycleId: '2024',
      subjectId: 'S1',
      rulebookId: 'rb',
      rulebookVersion: 1,
      referenceNumber: 'No. 1',
      indicators: [
        { ...score('I1', 60), name: 'Management' },
        { ...score('I2', 30), name: null },
      ],
      thresholds: rulebook('a1', 'rb', 1).thresholds,
      vetoes: [],
      recorded: { totalPoints: 90, thresholdGrade: 'AAA', grade: 'AAA' },
      recomputed: { totalPoints: 90, thresholdGrade: 'AAA', grade: 'AAA' },
      recomputationMatches: true,
      override: null,
      proposedGrade: 'AAA',
      issuedGrade: 'AAA',
      ratingGradeNow: 'AA',
    });
    const s2 = await queries.explanation('a1', '2024', 'S2', NOW);
    expect(s2).toMatchObject({
      recorded: { grade: 'A' },
      recomputed: { totalPoints: 72, thresholdGrade: 'AA', grade: 'AA' },
      recomputationMatches: false,
      override: { fromGrade: 'A', toGrade: 'AA' },
      issuedGrade: 'AA',
      // Expired on the day of "now".
      ratingGradeNow: null,
    });
    expect(await queries.explanation('a1', '2024', 'S5', NOW)).toBeNull();
    expect(await queries.explanation('a1', '2024', 'S0', NOW)).toBeNull();
  });

  it('lists conduct records of one association (with those of no association) or of every association, by date', async () => {
    expect((await queries.conductRecords('S1', 'a1', null)).map((r) => [r.associationId, r.recordId, r.occurredOn])).toEqual([
      [null, 'R0', '2023-01-01'],
      ['a1', 'R1', '2024-09-01'],
    ]);
    const all = await queries.conductRecords('S1', null, null);
    expect(all.map((r) => [r.associationId, r.recordId])).toEqual([
      [null, 'R0'],
      ['a2', 'R1'],
      ['a1', 'R1'],
    ]);
    expect(all[2]).toMatchObject({ code: 'C01', kind: 'ADVERSE', disclosureMonths: 12, penaltyMonths: null, disclosureUntil: '2026-01-01', shortened: null });
    expect((await queries.conductRecord('a1', 'S1', 'R1', null))?.associationId).toBe('a1');
    // An association's own record only: not one recorded by no association.
    expect(await queries.conductRecord('a1', 'S1', 'R0', null)).toBeNull();
  });

  it('lists, on a day given, only the conduct records still disclosed that day (through their last day)', async () => {
    const on = async (day: string) => (await queries.conductRecords('S1', null, day)).map((r) => [r.associationId, r.recordId]);
    expect(await on('2024-01-01')).toEqual([[null, 'R0'], ['a2', 'R1'], ['a1', 'R1']]);
    expect(await on('2024-01-02')).toEqual([['a2', 'R1'], ['a1', 'R1']]);
    expect(await on('2026-01-02')).toEqual([]);
    expect((await queries.conductRecords('S1', 'a1', '2025-06-01')).map((r) => r.recordId)).toEqual(['R1']);
    expect(await queries.conductRecord('a1', 'S1', 'R1', '2026-01-01')).not.toBeNull();
    expect(await queries.conductRecord('a1', 'S1', 'R1', '2026-01-02')).toBeNull();
  });
});
