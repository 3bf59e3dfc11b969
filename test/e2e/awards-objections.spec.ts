// Objections to an award edition's notice and the rulebook's versions, read over real HTTP (ADR 0023). A small edition
// (one document round scored by a panel of one, then the committee vote) goes on notice; objections are filed against
// two entries, listed by status and by entry, answered as recorded by an earlier instant, and resolved. The objector's
// name is opened only where the personal-data layer allows it (the owning admin, the auditor, the applicant firm on
// its own entry) and is stored sealed. The rulebook query shows every version with its rules and the editions pinned
// to each, to every signed-in role. Another association's admin is FORBIDDEN before its arguments are looked at; a
// malformed edition id is a field error.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { type GraphQLClient, scenario } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia';
const OTHER = 'yueyang-ucca';
const EDITION = 'huanghe-2026';
const EMPLOYER = withCheckCharacter('91420100MA4K2JQ51');
const FIRMS = [1, 2].map((n) => withCheckCharacter(`91420100MA4K3100${n}`));
const COUNCIL = { body: 'COUNCIL', reference: '武建协〔2026〕3号', decidedOn: '2026-01-20' };
/** A resident identity number with its GB 11643 check character. */
function identityNumber(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return body17 + '10X98765432'[sum % 11]!;
}
const OBJECTORS = { 'obj-1': '周德福', 'obj-2': '吴桂兰', 'obj-3': '郑国栋' } as const;

const RULEBOOK = {
  rulebookId: 'huanghe',
  referenceNumber: '武建协〔2026〕5号',
  effectiveFrom: '2026-01-01',
  programmeKind: 'QUALITY_AWARD',
  subjectKind: 'ENTERPRISE',
  categories: [{ code: 'BUILDING', name: '房屋建筑', places: 2, amountFen: 100_000_00 }],
  channels: [{ code: 'DISTRICT_A', name: '江岸区', quota: 5 }],
  eligibility: { membershipInGoodStanding: true, minimumCreditGrade: null, creditGrades: [], yearsSinceAcceptance: null, noMajorAccident: true, barsReentryAfterFailure: false },
  rubric: [
    { code: 'QUALITY', name: '工程质量', maxHundredths: 6000, weight: 60 },
    { code: 'SAFETY', name: '安全文明', maxHundredths: 4000, weight: 40 },
  ],
  normalisation: 'NONE',
  rounds: [
    { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 1, advancement: null },
    { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
  ],
  votes: { ballot: 'SECRET', quorum: { atLeast: [2, 3] }, pass: { moreThan: [1, 2] } },
  grading: 'NONE',
  grades: [],
  noticeDays: 7,
  tieBreak: [{ by: 'ITEM', item: 'QUALITY' }, { by: 'ENTRY_ID' }],
  budgetFen: 200_000_00,
};
/** The next version: in force from 1 June, a ten-day notice and a stricter pass. */
const RULEBOOK_V2 = { ...RULEBOOK, referenceNumber: '武建协〔2026〕31号', effectiveFrom: '2026-06-01', noticeDays: 10, votes: { ...RULEBOOK.votes, pass: { atLeast: [2, 3] } } };

const ROUND_COMMANDS = ['openAwardRound', 'closeAwardRound', 'rankAwardRound'];
const inputTypeOf = (name: string) => (ROUND_COMMANDS.includes(name) ? 'AwardRoundInput' : `${name[0]!.toUpperCase()}${name.slice(1)}Input`);
const mutation = (name: string, selection = '__typename') => `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { ${selection} } }`;

const OBJECTIONS = `query ($a: String!, $e: String!, $status: String, $entry: String, $first: Int, $after: String, $at: DateTime) {
  awardObjections(associationId: $a, editionId: $e, status: $status, entryId: $entry, first: $first, after: $after, asOf: $at) {
    asOf totalCount endCursor hasNextPage
    objections { entryId applicantCode objectionId objector grounds evidenceReference filedOn status reasons resolvedOn filedAt resolvedAt }
  }
}`;
const ENTRY_OBJECTIONS = `query ($a: String!, $e: String!) { awardEntries(associationId: $a, editionId: $e) { entries { entryId objections { objectionId objector status } } } }`;
const RULEBOOK_QUERY = `query ($a: String!, $r: String!) {
  awardRulebook(associationId: $a, rulebookId: $r) {
    rulebookId
    versions {
      version referenceNumber effectiveFrom supersededOn definedOn programmeKind subjectKind normalisation grading noticeDays budgetFen
      categories { code name places amountFen }
      channels { code name quota }
      eligibility { membershipInGoodStanding minimumCreditGrade creditGrades yearsSinceAcceptance noMajorAccident barsReentryAfterFailure }
      rubric { code name maxHundredths weight }
      rounds { code kind panelSize advancement { numerator denominator rounding } }
      votes { ballot quorum { comparison numerator denominator } pass { comparison numerator denominator } }
      grades { code minScore quota }
      tieBreak { by item }
      editions { editionId title year }
    }
  }
}`;
const RULEBOOKS = `query ($a: String!) { awardRulebooks(associationId: $a) { rulebookId versions { version editions { editionId } } } }`;

interface Objection {
  entryId: string;
  applicantCode: string;
  objectionId: string;
  objector: string | null;
  grounds: string;
  evidenceReference: string | null;
  filedOn: string;
  status: string;
  reasons: string | null;
  resolvedOn: string | null;
  filedAt: string;
  resolvedAt: string | null;
}
interface ObjectionList {
  asOf: string;
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
  objections: Objection[];
}

describe('objections to an award notice and the rulebook’s versions, over the API', () => {
  const clock = new FixedClock('2026-03-02T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let outsider: GraphQLClient;
  let auditor: GraphQLClient;
  let tender: GraphQLClient;
  let firmOne: GraphQLClient;
  let expert: GraphQLClient;
  let eventCount: () => Promise<number>;
  const edition = { associationId: ASSOC, editionId: EDITION };
  const ok = (as: GraphQLClient, name: string, input: Record<string, unknown>) => as.ok<Record<string, { rulebookVersion: number | null }>>(mutation(name), { input });
  const objections = async (as: GraphQLClient, variables: Record<string, unknown> = {}) =>
    (await as.ok<{ awardObjections: ObjectionList }>(OBJECTIONS, { a: ASSOC, e: EDITION, ...variables })).awardObjections;

  beforeAll(async () => {
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    outsider = service.client('ADMIN', { associationId: OTHER, userId: 'yueyang-sec' });
    auditor = service.client('AUDITOR');
    tender = service.client('TENDER');
    firmOne = service.client('MEMBER', { associationId: ASSOC, enterpriseCode: FIRMS[0], userId: 'firm-one' });
    expert = service.client('EXPERT', { associationId: ASSOC, userId: 'expert-qian' });
    eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;

    // The association, its member firms, and a pool of one expert (employed by a firm that does not enter).
    await ok(admin, 'registerAssociation', { associationId: ASSOC, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] });
    for (const [n, code] of [EMPLOYER, ...FIRMS].entries()) {
      await ok(admin, 'registerEnterprise', { code, name: `武汉第${n + 1}建工有限公司`, legalRepresentative: '张三', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'MEDIUM' });
      if (n === 0) continue;
      await ok(admin, 'applyForMembership', { associationId: ASSOC, enterpriseCode: code, appliedOn: '2026-01-05' });
      await ok(admin, 'admitMember', { associationId: ASSOC, enterpriseCode: code, tier: 'MEMBER', certificateNumber: `WJX-2026-010${n}`, admittedOn: '2026-01-20', decision: COUNCIL });
    }
    const { registerPerson } = await admin.ok<{ registerPerson: { personId: string } }>(`mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { personId } }`, {
      input: { associationId: ASSOC, name: '钱学工', identityCardNumber: identityNumber('42010619850312130'), phone: null, address: null },
    });
    await admin.ok(`mutation ($input: EnrolExpertInput!) { enrolExpert(input: $input) { expertId } }`, {
      input: { associationId: ASSOC, personId: registerPerson.personId, specialties: ['BUILDING_CONSTRUCTION'], employerCode: EMPLOYER, title: '高级工程师', userId: 'expert-qian' },
    });

    // Two versions of the rulebook; the edition opens on the first (the second is not yet in force).
    await admin.ok(mutation('defineAwardRulebook', 'rulebookVersion'), { input: { associationId: ASSOC, rulebook: RULEBOOK } });
    await admin.ok(mutation('defineAwardRulebook', 'rulebookVersion'), { input: { associationId: ASSOC, rulebook: RULEBOOK_V2 } });
    await ok(admin, 'openAwardEdition', { ...edition, programmeCode: 'HUANGHE', title: '2026年度黄鹤奖', year: 2026, rulebookId: 'huanghe', rulebookVersion: 1 });
    for (const [n, firm] of FIRMS.entries()) {
      const entry = { ...edition, entryId: `e-${n + 1}` };
      await ok(admin, 'submitAwardEntry', { ...entry, category: 'BUILDING', channel: 'DISTRICT_A', subjectKind: 'ENTERPRISE', subjectId: firm, applicantCode: firm, specialty: 'BUILDING_CONSTRUCTION' });
      await ok(admin, 'checkAwardEligibility', entry);
    }

    // The document round (the one expert is every panel), the vote, and the notice from 2 April to 8 April.
    clock.set('2026-04-01T02:00:00.000Z');
    await ok(admin, 'openAwardRound', { ...edition, roundCode: 'DOCS' });
    for (const [n, entryId] of ['e-1', 'e-2'].entries()) {
      await ok(admin, 'drawAwardPanel', { ...edition, entryId, roundCode: 'DOCS' });
      const { awardEntry } = await admin.ok<{ awardEntry: { panel: { expertId: string }[] } }>(
        `query ($a: String!, $e: String!, $n: String!) { awardEntry(associationId: $a, editionId: $e, entryId: $n) { panel { expertId } } }`,
        { a: ASSOC, e: EDITION, n: entryId },
      );
      const items = [{ code: 'QUALITY', points: 5800 - n * 300 }, { code: 'SAFETY', points: 3600 }];
      await ok(expert, 'scoreAwardEntry', { ...edition, entryId, roundCode: 'DOCS', expertId: awardEntry.panel[0]!.expertId, items });
    }
    await ok(admin, 'closeAwardRound', { ...edition, roundCode: 'DOCS' });
    await ok(admin, 'rankAwardRound', { ...edition, roundCode: 'DOCS' });
    await ok(admin, 'openAwardRound', { ...edition, roundCode: 'VOTE' });
    for (const [n, entryId] of ['e-1', 'e-2'].entries()) {
      const votes = { entitled: 15, present: 13, inFavour: 11, against: 1, abstaining: 1 };
      await ok(admin, 'recordAwardVote', { ...edition, entryId, ballot: 'SECRET', decision: { body: 'COUNCIL', reference: `武建协评〔2026〕${n + 1}号`, decidedOn: '2026-04-01', votes } });
    }
    await ok(admin, 'closeAwardRound', { ...edition, roundCode: 'VOTE' });
    clock.set('2026-04-02T02:00:00.000Z');
    await ok(admin, 'startAwardNotice', edition);
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('lists the objections filed during the notice, by entry then objection id, all OPEN, the objector named to the owning admin', async () => {
    clock.set('2026-04-03T02:00:00.000Z');
    await ok(admin, 'fileAwardObjection', { ...edition, entryId: 'e-1', objectionId: 'obj-1', objector: OBJECTORS['obj-1'], grounds: '申报工程存在质量投诉', evidenceReference: 'TS-2026-018' });
    await ok(admin, 'fileAwardObjection', { ...edition, entryId: 'e-2', objectionId: 'obj-2', objector: OBJECTORS['obj-2'], grounds: '安全事故未如实申报' });
    await ok(admin, 'fileAwardObjection', { ...edition, entryId: 'e-1', objectionId: 'obj-3', objector: OBJECTORS['obj-3'], grounds: '竣工验收资料不全' });
    await service.settled();
    const listed = await objections(admin);
    expect(listed.totalCount).toBe(3);
    expect(listed.objections.map((o) => [o.entryId, o.objectionId, o.status, o.objector, o.filedOn, o.applicantCode])).toEqual([
      ['e-1', 'obj-1', 'OPEN', OBJECTORS['obj-1'], '2026-04-03', FIRMS[0]],
      ['e-1', 'obj-3', 'OPEN', OBJECTORS['obj-3'], '2026-04-03', FIRMS[0]],
      ['e-2', 'obj-2', 'OPEN', OBJECTORS['obj-2'], '2026-04-03', FIRMS[1]],
    ]);
    expect(listed.objections[0]).toMatchObject({ grounds: '申报工程存在质量投诉', evidenceReference: 'TS-2026-018', reasons: null, resolvedOn: null, resolvedAt: null, filedAt: '2026-04-03T02:00:00.000Z' });
    // Paged as the other awards lists are.
    const page = await objections(admin, { first: 2 });
    expect(page).toMatchObject({ totalCount: 3, hasNextPage: true });
    const rest = await objections(admin, { first: 2, after: page.endCursor });
    expect(rest.objections.map((o) => o.objectionId)).toEqual(['obj-2']);
    expect(rest.hasNextPage).toBe(false);
    expect((await objections(admin, { entry: 'e-2' })).objections.map((o) => o.objectionId)).toEqual(['obj-2']);
  });

  it('resolves them; the list narrows by status, and an earlier asOf answers them as still open', async () => {
    const beforeResolution = clock.now().toISOString();
    clock.set('2026-04-05T02:00:00.000Z');
    await ok(admin, 'resolveAwardObjection', { ...edition, entryId: 'e-1', objectionId: 'obj-1', outcome: 'DISMISSED', reasons: '经核实投诉已整改完毕' });
    await ok(admin, 'resolveAwardObjection', { ...edition, entryId: 'e-2', objectionId: 'obj-2', outcome: 'UPHELD', reasons: '经核实存在未申报的一般安全事故' });
    await service.settled();
    expect((await objections(admin, { status: 'OPEN' })).objections.map((o) => o.objectionId)).toEqual(['obj-3']);
    expect((await objections(admin, { status: 'UPHELD' })).objections.map((o) => [o.objectionId, o.reasons, o.resolvedOn, o.resolvedAt])).toEqual([
      ['obj-2', '经核实存在未申报的一般安全事故', '2026-04-05', '2026-04-05T02:00:00.000Z'],
    ]);
    expect((await objections(admin, { status: 'DISMISSED', entry: 'e-1' })).objections.map((o) => o.objectionId)).toEqual(['obj-1']);
    const earlier = await objections(admin, { at: beforeResolution });
    expect(earlier.asOf).toBe(beforeResolution);
    expect(earlier.objections.map((o) => [o.objectionId, o.status, o.reasons])).toEqual([
      ['obj-1', 'OPEN', null],
      ['obj-3', 'OPEN', null],
      ['obj-2', 'OPEN', null],
    ]);
    expect((await objections(admin, { at: '2026-04-02T23:00:00.000Z' })).totalCount).toBe(0);

    // The department checks that every objection was answered: one is still open, then none.
    expect((await objections(auditor, { status: 'OPEN' })).totalCount).toBe(1);
    await ok(admin, 'resolveAwardObjection', { ...edition, entryId: 'e-1', objectionId: 'obj-3', outcome: 'DISMISSED', reasons: '验收资料已补齐' });
    await service.settled();
    expect((await objections(auditor, { status: 'OPEN' })).totalCount).toBe(0);
  });

  it('opens the objector’s name for the owning admin, the auditor and the applicant firm on its own entry only', async () => {
    const names = (list: { objector: string | null }[]) => list.map((o) => o.objector);
    expect(names((await objections(auditor)).objections)).toEqual([OBJECTORS['obj-1'], OBJECTORS['obj-3'], OBJECTORS['obj-2']]);
    // The firm reads its own entry (the entries query's rule) and sees who objected to it.
    const own = (await firmOne.ok<{ awardEntries: { entries: { entryId: string; objections: { objectionId: string; objector: string | null }[] }[] } }>(ENTRY_OBJECTIONS, { a: ASSOC, e: EDITION }))
      .awardEntries.entries;
    expect(own.map((e) => [e.entryId, e.objections.map((o) => [o.objectionId, o.objector])])).toEqual([
      ['e-1', [['obj-1', OBJECTORS['obj-1']], ['obj-3', OBJECTORS['obj-3']]]],
    ]);
    // The expert on the panel reads the entries, and the objections on them, without the objector.
    const seenByExpert = (await expert.ok<{ awardEntries: { entries: { entryId: string; objections: { objectionId: string; objector: string | null; status: string }[] }[] } }>(
      ENTRY_OBJECTIONS,
      { a: ASSOC, e: EDITION },
    )).awardEntries.entries;
    expect(seenByExpert.flatMap((e) => e.objections.map((o) => [o.objectionId, o.status, o.objector]))).toEqual([
      ['obj-1', 'DISMISSED', null],
      ['obj-3', 'DISMISSED', null],
      ['obj-2', 'UPHELD', null],
    ]);
    // At rest the name is sealed: neither the read model nor the event log holds it in plain.
    const stored = await service.pool.query<{ objector: string | null }>(`SELECT objector::text AS objector FROM award_objection ORDER BY objection_id`);
    expect(stored.rows).toHaveLength(3);
    for (const row of stored.rows) {
      expect(row.objector).toContain('"sealed"');
      for (const name of Object.values(OBJECTORS)) expect(row.objector).not.toContain(name);
    }
    for (const name of Object.values(OBJECTORS)) {
      const plain = await service.pool.query(`SELECT 1 FROM es_events WHERE data::text LIKE $1 OR metadata::text LIKE $1`, [`%${name}%`]);
      expect(plain.rowCount).toBe(0);
    }
  });

  it('refuses the objections to another association’s admin (before its arguments), a tender system and a member firm; a malformed edition id is a field error', async () => {
    const before = await eventCount();
    await scenario().when({ as: outsider, query: OBJECTIONS, variables: { a: ASSOC, e: EDITION } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: outsider, query: OBJECTIONS, variables: { a: ASSOC, e: 'Not An Id!', status: 'SOMETIMES' } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: tender, query: OBJECTIONS, variables: { a: ASSOC, e: EDITION } }).thenRefuses({ code: 'FORBIDDEN' });
    await scenario().when({ as: firmOne, query: OBJECTIONS, variables: { a: ASSOC, e: EDITION } }).thenRefuses({ code: 'FORBIDDEN' });
    const malformed = await admin.request(OBJECTIONS, { a: ASSOC, e: 'Not An Id!', status: 'SOMETIMES' });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((malformed.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((f) => f.field).sort()).toEqual(['editionId', 'status']);
    const badCursor = await admin.request(OBJECTIONS, { a: ASSOC, e: EDITION, after: 'not-a-cursor' });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await eventCount()).toBe(before);
  });

  it('answers the rulebook with every version, its rules and the editions pinned to each, to every signed-in role', async () => {
    const { awardRulebook } = await tender.ok<{ awardRulebook: { rulebookId: string; versions: Record<string, unknown>[] } }>(RULEBOOK_QUERY, { a: ASSOC, r: 'huanghe' });
    expect(awardRulebook.rulebookId).toBe('huanghe');
    expect(awardRulebook.versions.map((v) => [v.version, v.referenceNumber, v.effectiveFrom, v.supersededOn, v.definedOn, v.noticeDays])).toEqual([
      [1, '武建协〔2026〕5号', '2026-01-01', '2026-06-01', '2026-03-02', 7],
      [2, '武建协〔2026〕31号', '2026-06-01', null, '2026-03-02', 10],
    ]);
    expect(awardRulebook.versions[0]).toMatchObject({
      programmeKind: 'QUALITY_AWARD',
      subjectKind: 'ENTERPRISE',
      budgetFen: '20000000',
      categories: [{ code: 'BUILDING', name: '房屋建筑', places: 2, amountFen: '10000000' }],
      channels: [{ code: 'DISTRICT_A', name: '江岸区', quota: 5 }],
      eligibility: { membershipInGoodStanding: true, minimumCreditGrade: null, creditGrades: [], yearsSinceAcceptance: null, noMajorAccident: true, barsReentryAfterFailure: false },
      rubric: [
        { code: 'QUALITY', name: '工程质量', maxHundredths: 6000, weight: 60 },
        { code: 'SAFETY', name: '安全文明', maxHundredths: 4000, weight: 40 },
      ],
      rounds: [
        { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 1, advancement: null },
        { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
      ],
      votes: { ballot: 'SECRET', quorum: { comparison: 'AT_LEAST', numerator: 2, denominator: 3 }, pass: { comparison: 'MORE_THAN', numerator: 1, denominator: 2 } },
      grading: 'NONE',
      grades: [],
      tieBreak: [{ by: 'ITEM', item: 'QUALITY' }, { by: 'ENTRY_ID', item: null }],
      editions: [{ editionId: EDITION, title: '2026年度黄鹤奖', year: 2026 }],
    });
    expect(awardRulebook.versions[1]).toMatchObject({ votes: { pass: { comparison: 'AT_LEAST', numerator: 2, denominator: 3 } }, editions: [] });
    for (const as of [outsider, auditor, firmOne, expert]) {
      const { awardRulebooks } = await as.ok<{ awardRulebooks: { rulebookId: string; versions: { version: number; editions: { editionId: string }[] }[] }[] }>(RULEBOOKS, { a: ASSOC });
      expect(awardRulebooks).toEqual([{ rulebookId: 'huanghe', versions: [{ version: 1, editions: [{ editionId: EDITION }] }, { version: 2, editions: [] }] }]);
    }
    expect((await admin.ok<{ awardRulebook: unknown }>(RULEBOOK_QUERY, { a: ASSOC, r: 'no-such-rulebook' })).awardRulebook).toBeNull();
    const malformed = await admin.request(RULEBOOK_QUERY, { a: ASSOC, r: 'Not An Id!' });
    expect((malformed.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((f) => f.field)).toEqual(['rulebookId']);
  });
});
