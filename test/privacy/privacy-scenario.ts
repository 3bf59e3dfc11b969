/*
 * A 三诚 evaluation of individuals as an association runs it, for the privacy suites: project managers registered in
 * the persons register, rated under a PERSON rulebook, objected to by named members of the public during the notice,
 * a conduct record, look-ups by a tender system, an AUDITOR's export of one person, and one person erased.
 */
import { expect } from '@jest/globals';
import { createLogger, FixedClock } from '#platform';
import type { GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

export const ASSOC = 'hubei-mea';
export const CYCLE = 'sancheng-pm-2022';

/** The persons of the scenario: names and identity-card numbers (valid check characters) that must never be in plain at rest. */
export const PERSONS = [
  { name: '张建国', identityCardNumber: '420106198001010015', phone: '13871234567', address: '武汉市江岸区沿江大道188号' },
  { name: '李秀兰', identityCardNumber: '420102197503150026', phone: '027-85551234', address: '武汉市江汉区解放大道690号' },
  { name: '王德胜', identityCardNumber: '430602198207080039', phone: '13907301234', address: '岳阳市岳阳楼区洞庭南路12号' },
  { name: '赵志强', identityCardNumber: '420111196909230044', phone: null, address: null },
] as const;
/** Members of the public who object during the notice: their names are personal too. */
export const OBJECTORS = ['刘德明', '陈秀英'] as const;

const decision = { body: 'SECRETARIAT', reference: '鄂市政协〔2022〕21号', decidedOn: '2022-06-20' };

export interface PrivacyScenario {
  readonly service: TestService;
  readonly clock: FixedClock;
  /** Every log line the service wrote, at debug level. */
  readonly logLines: string[];
  readonly admin: GraphQLClient;
  readonly secondAdmin: GraphQLClient;
  readonly auditor: GraphQLClient;
  readonly tender: GraphQLClient;
  /** Register ids, in the order of PERSONS. */
  readonly personIds: string[];
}

const rulebook = {
  associationId: ASSOC,
  rulebookId: 'sancheng-pm',
  title: '湖北省市政工程协会诚信项目经理评价办法',
  referenceNumber: '鄂市政协〔2022〕2号',
  effectiveFrom: '2022-01-01',
  subjectKind: 'PERSON',
  indicators: [
    { code: 'PERFORMANCE', name: '履约表现', category: '协会评价', maxPoints: 60, body: 'ASSOCIATION', evidenceRequired: false },
    { code: 'SAFETY', name: '安全记录', category: '主管部门评价', maxPoints: 40, body: 'DEPARTMENT', evidenceRequired: true },
  ],
  thresholds: [
    { grade: 'AAA', minPoints: 90 },
    { grade: 'AA', minPoints: 80 },
    { grade: 'A', minPoints: 60 },
  ],
  validityYears: 3,
  noticeDays: 5,
  vetoRules: [],
  dynamicRules: [{ conductCode: 'SAFETY_ACCIDENT', action: 'SUSPEND' }],
};

/** Starts a service and runs the evaluation up to issued ratings, a conduct record and an export (no erasure yet). */
export async function runPrivacyScenario(): Promise<PrivacyScenario> {
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', service: 'register-privacy', destination: { write: (line: string) => void logLines.push(line) } });
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  const service = await startTestService({ clock, logger });
  const admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
  const secondAdmin = service.client('ADMIN', { associationId: ASSOC, userId: 'vice-sec-li' });
  const expert = service.client('EXPERT', { userId: 'expert-zhao' });
  const officer = service.client('EXPERT', { userId: 'dept-officer-qian' });
  const auditor = service.client('AUDITOR', { userId: 'audit-office-sun' });
  const tender = service.client('TENDER', { userId: 'tender-platform' });

  const personIds: string[] = [];
  for (const person of PERSONS) {
    const registered = await admin.ok<{ registerPerson: { person: { personId: string } } }>(
      `mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { person { personId } } }`,
      { input: { associationId: ASSOC, ...person } },
    );
    personIds.push(registered.registerPerson.person.personId);
  }
  // A second registration of the same number is refused (naming the existing register id, never the number).
  const duplicate = await admin.request(`mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { person { personId } } }`, {
    input: { associationId: ASSOC, ...PERSONS[0] },
  });
  expect(duplicate.errors?.[0]?.extensions?.rule).toBe('PERSON_ALREADY_REGISTERED');

  await admin.ok(`mutation ($input: DefineCreditRulebookInput!) { defineCreditRulebook(input: $input) { revision } }`, { input: rulebook });
  await admin.ok(`mutation ($input: OpenCreditCycleInput!) { openCreditCycle(input: $input) { revision } }`, {
    input: {
      associationId: ASSOC, cycleId: CYCLE, title: '2022年度诚信项目经理评价', rulebookId: 'sancheng-pm', rulebookVersion: 1,
      assessmentFrom: '2020-01-01', assessmentTo: '2021-12-31', filingFrom: '2022-05-01', filingTo: '2022-05-15', eligibility: 'ALL',
    },
  });
  for (const [scorerId, body] of [['expert-zhao', 'ASSOCIATION'], ['dept-officer-qian', 'DEPARTMENT']]) {
    await admin.ok(`mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { revision } }`, { input: { associationId: ASSOC, cycleId: CYCLE, scorerId, body } });
  }
  const key = (subjectId: string) => ({ associationId: ASSOC, cycleId: CYCLE, subjectId });
  const rated = personIds.slice(0, 3);
  const points: Record<string, [number, number]> = { [rated[0]!]: [56, 38], [rated[1]!]: [50, 34], [rated[2]!]: [45, 30] };
  for (const subjectId of rated) {
    await admin.ok(`mutation ($input: FileCreditApplicationInput!) { fileCreditApplication(input: $input) { duplicate } }`, { input: { ...key(subjectId), selfAssessment: [] } });
    const [performance, safety] = points[subjectId]!;
    await expert.ok(`mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { duplicate } }`, {
      input: { ...key(subjectId), scores: [{ code: 'PERFORMANCE', points: performance, evidenceReference: `PM-${subjectId.slice(-4)}-P` }] },
    });
    await officer.ok(`mutation ($input: ScoreCreditIndicatorsInput!) { scoreCreditIndicators(input: $input) { duplicate } }`, {
      input: { ...key(subjectId), scores: [{ code: 'SAFETY', points: safety, evidenceReference: `PM-${subjectId.slice(-4)}-S` }] },
    });
  }
  clock.set('2022-05-20T02:00:00.000Z');
  await admin.ok(`mutation { completeCreditReviews(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}" }) { written } }`);
  await admin.ok(`mutation { startCreditNotices(input: { associationId: "${ASSOC}", cycleId: "${CYCLE}", startsOn: "2022-05-21" }) { written } }`);
  clock.set('2022-05-22T02:00:00.000Z');
  for (const [i, objector] of OBJECTORS.entries()) {
    await admin.ok(`mutation ($input: FileCreditObjectionInput!) { fileCreditObjection(input: $input) { duplicate } }`, {
      input: { ...key(rated[i]!), objectionId: `obj-${i + 1}`, objector, grounds: '反映项目现场安全管理记录与实际不符' },
    });
    await admin.ok(`mutation ($input: ResolveCreditObjectionInput!) { resolveCreditObjection(input: $input) { duplicate } }`, {
      input: { ...key(rated[i]!), objectionId: `obj-${i + 1}`, outcome: 'DISMISSED', reasons: '经核查，现场记录与评分一致' },
    });
  }
  clock.set('2022-05-27T02:00:00.000Z');
  for (const [i, subjectId] of rated.entries()) {
    await admin.ok(`mutation ($input: IssueCreditRatingInput!) { issueCreditRating(input: $input) { duplicate } }`, {
      input: { ...key(subjectId), certificateNumber: `HBSZ-PM-2022-${String(i + 1).padStart(3, '0')}`, validFrom: '2022-06-01' },
    });
  }
  clock.set('2022-07-01T02:00:00.000Z');
  await admin.ok(`mutation ($input: RecordCreditConductInput!) { recordCreditConduct(input: $input) { conductRecord { recordId } } }`, {
    input: {
      associationId: ASSOC, subjectId: rated[2], recordId: 'aj-2022-17', code: 'SAFETY_ACCIDENT', kind: 'ADVERSE', severity: 'SERIOUS', occurredOn: '2022-06-25',
      sourceAuthority: '岳阳市住房和城乡建设局', disclosureMonths: 12, penaltyMonths: 6, evidenceReference: '岳建罚〔2022〕17号', description: '项目发生一般安全事故',
    },
  });
  await tender.ok(`{ creditRatingsAsOf(subjectIds: ${JSON.stringify(rated)}) { subjectId ratings { grade status } } }`);
  await auditor.ok(`query ($personId: ID!) { personalDataExport(personId: $personId) { personId } }`, { personId: personIds[1] });
  await service.settled();
  return { service, clock, logLines, admin, secondAdmin, auditor, tender, personIds };
}

/** Erases one person: requested by one admin, approved by another. */
export async function erasePerson(scenario: PrivacyScenario, personId: string, requestId: string): Promise<void> {
  const { admin, secondAdmin } = scenario;
  await admin.ok(`mutation ($input: RequestPersonErasureInput!) { requestPersonErasure(input: $input) { person { personId } } }`, {
    input: { associationId: ASSOC, personId, requestId, legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision },
  });
  await secondAdmin.ok(`mutation ($input: ApprovePersonErasureInput!) { approvePersonErasure(input: $input) { person { personId } } }`, {
    input: { associationId: ASSOC, personId, requestId },
  });
}
