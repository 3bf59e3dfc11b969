/*
 * Valid arguments of every GraphQL query and mutation, about the records of the access matrix's fixtures: association
 * A, its member firm F (the subject of its credit cycle C) and the firm whose membership the membership mutations
 * change (so F's membership stays as the other cells expect). Each operation is sent with exactly these arguments by
 * every caller; an operation without an entry fails the matrix.
 */

export interface MatrixRecords {
  /** Association A, and another association B. */
  readonly association: string;
  readonly otherAssociation: string;
  /** A's member firm F: a credit applicant in cycle C, the MEMBER own token's firm. */
  readonly firm: string;
  /** A member firm of A whose membership the membership mutations act on. */
  readonly changedMember: string;
  /** A code the register does not know yet. */
  readonly unregisteredFirm: string;
  readonly cycle: string;
  readonly rulebook: string;
  /** The instant the service's clock stands at (ISO), and its year. */
  readonly now: string;
  readonly year: number;
}

export type Arguments = Record<string, unknown>;

const COUNCIL = { body: 'COUNCIL', reference: '武建协〔2026〕3号', decidedOn: '2026-02-20' };
const COUNCIL_VOTE = { ...COUNCIL, votes: { entitled: 45, present: 40, inFavour: 36, against: 2, abstaining: 2 } };
const COMMITTEE = { body: 'CREDIT_COMMITTEE', reference: '武建协信〔2026〕2号', decidedOn: '2026-02-25' };

/** The rulebook of cycle C: the association's and the department's indicator, 50 points each. */
export function rulebookInput(records: MatrixRecords, rulebookId = records.rulebook): Arguments {
  return {
    associationId: records.association,
    rulebookId,
    title: '武汉市建筑业企业信用评价办法',
    referenceNumber: '武建协〔2026〕1号',
    effectiveFrom: '2026-01-01',
    subjectKind: 'ENTERPRISE',
    indicators: [
      { code: 'MANAGEMENT', name: '经营管理', category: '协会评价', maxPoints: 50, body: 'ASSOCIATION', evidenceRequired: false },
      { code: 'COMPLIANCE', name: '合规记录', category: '主管部门评价', maxPoints: 50, body: 'DEPARTMENT', evidenceRequired: false },
    ],
    thresholds: [
      { grade: 'AAA', minPoints: 90 },
      { grade: 'AA', minPoints: 80 },
      { grade: 'A', minPoints: 60 },
    ],
    validityYears: 3,
    noticeDays: 5,
    vetoRules: [],
    dynamicRules: [{ conductCode: 'WAGE_ARREARS', action: 'SUSPEND' }],
  };
}

export function cycleInput(records: MatrixRecords, cycleId = records.cycle): Arguments {
  return {
    associationId: records.association,
    cycleId,
    title: '2026年度信用评价',
    rulebookId: records.rulebook,
    rulebookVersion: 1,
    assessmentFrom: '2024-01-01',
    assessmentTo: '2025-12-31',
    filingFrom: '2026-01-01',
    filingTo: '2026-12-31',
    eligibility: 'ALL',
  };
}

/** The arguments of each operation, by name (mutations take them as `input`). */
export function matrixArguments(records: MatrixRecords): { queries: Record<string, Arguments>; mutations: Record<string, Arguments> } {
  const { association, firm, cycle, year } = records;
  const inA = { associationId: association };
  const application = { ...inA, cycleId: cycle, subjectId: firm };
  const cycleRef = { ...inA, cycleId: cycle };
  const account = { ...inA, enterpriseCode: firm, year };
  const member = { ...inA, enterpriseCode: records.changedMember };
  const queries: Record<string, Arguments> = {
    association: inA,
    associations: {},
    auditSeals: { first: 10 },
    auditTrail: { filter: { firmCode: firm }, first: 10 },
    councilElections: inA,
    councilTerms: inA,
    creditApplication: application,
    creditApplications: cycleRef,
    creditConductRecords: { subjectId: firm, associationId: association },
    creditCycle: cycleRef,
    creditExplanation: application,
    creditHistory: { subjectId: firm },
    creditRatingsAsOf: { subjectIds: [firm] },
    creditRulebooks: inA,
    deemedWithdrawalCandidates: inA,
    duesAnnualReport: { ...inA, year },
    duesArrears: inA,
    duesStatement: { ...inA, enterpriseCode: firm },
    duesWaiverRegister: { ...inA, year },
    enterprise: { code: firm },
    enterpriseHistory: { code: firm },
    enterprises: { filter: { nameContains: '建设' } },
    feeSchedules: inA,
    memberDirectory: inA,
    membership: { ...inA, enterpriseCode: firm },
    membershipAsOf: { ...inA, enterpriseCode: firm, asOf: records.now },
    // No person is registered in the matrix's fixtures: past the guards, the auditor gets NOT_FOUND.
    personalDataExport: { personId: 'PSN0000000000000000' },
    // Past the guards: null (no such person), and for the number, null before registerPerson runs.
    person: { personId: 'PSN0000000000000000' },
    personByIdentityCardNumber: { identityCardNumber: '11010519491231002X' },
    persons: inA,
    ratingChanges: { associationId: association, first: 10 },
    waiverPolicies: inA,
    // No expert is enrolled in the matrix's fixtures: null, NOT_FOUND, and an empty pool past the guards.
    expert: { ...inA, expertId: 'EXP0000000000000000' },
    expertHistory: { ...inA, expertId: 'EXP0000000000000000' },
    expertPool: { ...inA, onDate: '2026-03-01' },
    experts: inA,
    rankingMethodologies: inA,
    rankingEditions: inA,
    rankingList: { ...inA, editionId: 'promising-2026' },
    rankingHistory: { enterpriseCode: firm },
    rankingExplanation: { ...inA, editionId: 'promising-2026', enterpriseCode: firm },
    rankingFigures: { ...inA, editionId: 'promising-2026' },
    rankingObjections: { ...inA, editionId: 'promising-2026' },
    // No award edition is opened in the matrix's fixtures: empty lists and null past the guards.
    awardEdition: { ...inA, editionId: 'huanghe-2026' },
    awardEditions: inA,
    awardEntries: { ...inA, editionId: 'huanghe-2026' },
    awardEntry: { ...inA, editionId: 'huanghe-2026', entryId: 'e-1' },
    awardHistory: { subjectId: firm },
    awardPanelDraws: { ...inA, editionId: 'huanghe-2026' },
    awardRanking: { ...inA, editionId: 'huanghe-2026', roundCode: 'DOCS' },
    awardResults: { ...inA, editionId: 'huanghe-2026' },
    awardObjections: { ...inA, editionId: 'huanghe-2026', status: 'OPEN' },
    awardRulebook: { ...inA, rulebookId: 'huanghe' },
    awardRulebooks: inA,
  };
  // The persons commands address a register id nobody holds: past the guards, PERSON_NOT_REGISTERED.
  const person = { ...inA, personId: 'PSN0000000000000000' };
  const expert = { ...inA, expertId: 'EXP0000000000000000' };
  const edition = { ...inA, editionId: 'huanghe-2026' };
  const awardEntry = { ...edition, entryId: 'e-1' };
  const mutations: Record<string, Arguments> = {
    admitMember: { ...member, tier: 'MEMBER', certificateNumber: 'WJX-2026-0999', decision: COUNCIL },
    adoptFeeSchedule: {
      ...inA,
      amounts: [
        { tier: 'MEMBER', annualFen: 300_000 },
        { tier: 'RESERVE', annualFen: 100_000 },
      ],
      effectiveFrom: '2026-01-01',
      decision: { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2025〕9号', decidedOn: '2025-12-20', votes: { entitled: 300, present: 260, inFavour: 250, against: 5, abstaining: 5 } },
    },
    adoptWaiverPolicy: {
      ...inA,
      policyId: 'small-micro-2026',
      title: '2026年度小微企业会费减免',
      reason: '减轻小微企业负担',
      reasonCategory: 'SMALL_MICRO_RELIEF',
      defaultPercent: 0,
      sizeClassPercents: [{ sizeClass: 'MICRO', percent: 100 }],
      year,
      decision: COUNCIL_VOTE,
    },
    amendCreditRulebook: { ...rulebookInput(records), version: 1, reason: '修正指标说明' },
    applyForMembership: { ...member },
    applyWaiverPolicy: { ...inA, policyId: 'small-micro-2026' },
    approvePersonErasure: { ...person, requestId: 'erasure-1' },
    approveCreditGradeOverride: application,
    approveDuesWaiver: { ...account, waiverId: 'waiver-1' },
    assignCreditScorer: { ...cycleRef, scorerId: 'dept-officer-qian', body: 'DEPARTMENT' },
    changeMembershipTier: { ...member, tier: 'RESERVE', decision: COUNCIL },
    closeCreditCycle: cycleRef,
    completeCreditReview: application,
    completeCreditReviews: cycleRef,
    correctPersonDetails: { ...person, phone: '027-87654321' },
    deemMembershipWithdrawn: member,
    defineCreditRulebook: rulebookInput(records, `${records.rulebook}-next`),
    expelMember: { ...member, reason: '严重违反协会章程', decision: COUNCIL_VOTE },
    fileCreditApplication: { ...application, selfAssessment: [{ code: 'MANAGEMENT', points: 45 }] },
    fileCreditApplications: { ...cycleRef, applications: [{ subjectId: records.changedMember, selfAssessment: [] }] },
    fileCreditObjection: { ...application, objectionId: 'objection-1', objector: '某投标人', grounds: '得分依据不足' },
    grantWaiverApprover: { ...inA, userId: 'finance-zhou' },
    invoiceDuesYear: { ...inA, year },
    issueCreditRating: { ...application, certificateNumber: 'WJX-XY-0001' },
    issueCreditRatings: { ...cycleRef, certificatePrefix: 'WJXXY' },
    issueDuesInvoice: account,
    openCreditCycle: cycleInput(records, `${cycle}-next`),
    recordCouncilElection: {
      ...inA,
      termNumber: 1,
      office: 'VICE_PRESIDENT',
      seats: 1,
      candidates: [{ enterpriseCode: firm, votes: 30 }],
      decision: { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2026〕4号', decidedOn: '2026-02-28', votes: { entitled: 45, present: 40, inFavour: 30, against: 5, abstaining: 5 } },
    },
    recordCouncilTerm: { ...inA, termNumber: 1, startsOn: '2024-01-01', endsOn: '2028-12-31' },
    recordCreditConduct: {
      ...inA,
      subjectId: firm,
      recordId: 'conduct-1',
      code: 'WAGE_ARREARS',
      kind: 'ADVERSE',
      severity: 'SERIOUS',
      occurredOn: '2026-02-01',
      sourceAuthority: '武汉市人力资源和社会保障局',
      disclosureMonths: 12,
      penaltyMonths: 6,
      evidenceReference: '武人社监〔2026〕5号',
      description: '拖欠农民工工资',
    },
    recordCreditExpiries: cycleRef,
    recordDuesPayment: { ...account, amountFen: 300_000, receiptNumber: 'WJX-R-2026-0001' },
    recordMembershipReminder: { ...member, unpaidYears: [year - 1] },
    recordQualification: { code: firm, category: 'GENERAL_CONTRACTING', specialty: '市政公用工程', grade: 'GRADE_2' },
    registerAssociation: { ...inA, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
    registerEnterprise: { code: records.unregisteredFirm, name: '武汉新登记建设有限公司', legalRepresentative: '孙八', regionCode: '420106', ownership: 'PRIVATE' },
    registerPerson: { ...inA, name: '孙丽', identityCardNumber: '420106198503121233', phone: '13871234567', address: '武汉市武昌区中南路99号' },
    reinstateCreditRating: { ...application, reason: '已完成整改', decision: COMMITTEE },
    reinstateMembership: { ...member, reason: '已补缴会费', decision: COUNCIL },
    rejectDuesWaiver: { ...account, waiverId: 'waiver-1', reason: '材料不全' },
    rejectMembershipApplication: { ...member, reason: '不符合入会条件' },
    rejectPersonErasure: { ...person, requestId: 'erasure-1', reason: '仍在公示期内' },
    requestCreditGradeOverride: { ...application, toGrade: 'AA', reason: '信评委复核', decision: COMMITTEE },
    requestDuesWaiver: { ...account, reason: '受灾停工', reasonCategory: 'HARDSHIP_VISIT', full: true },
    requestPersonErasure: { ...person, legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision: COUNCIL },
    resolveCreditObjection: { ...application, objectionId: 'objection-1', outcome: 'DISMISSED', reasons: '评分依据充分' },
    reviewCreditRating: { ...application, reviewYear: year, outcome: 'CONFIRMED', reason: '年度复核无异常' },
    revokeDuesWaiver: { ...account, waiverId: 'waiver-1', reason: '减免依据不实' },
    revokeWaiverApprover: { ...inA, userId: 'finance-zhou' },
    sanctionMember: { ...member, kind: 'CRITICISM', reason: '未按时报送统计资料', decision: COUNCIL },
    scoreCreditApplications: { ...cycleRef, applications: [{ subjectId: firm, scores: [{ code: 'MANAGEMENT', points: 44 }] }] },
    scoreCreditIndicators: { ...application, scores: [{ code: 'MANAGEMENT', points: 44 }] },
    setEnterpriseSizeClass: { code: firm, sizeClass: 'SMALL' },
    shortenCreditConductDisclosure: { ...inA, subjectId: firm, recordId: 'conduct-1', disclosureMonths: 6, rectificationEvidence: '整改完成报告' },
    startCreditNotice: application,
    startCreditNotices: cycleRef,
    suspendMembership: { ...member, reason: '连续两年未参加年检', decision: COUNCIL },
    updateEnterpriseProfile: { code: firm, legalRepresentative: '李四', reason: '法定代表人变更' },
    withdrawMembership: { ...member, noticeDate: '2026-02-27' },
    withdrawQualification: { code: firm, category: 'GENERAL_CONTRACTING', specialty: '市政公用工程', reason: '资质证书注销' },
    // The expert commands address a register id and an expert nobody holds: past the guards, EXPERT_PERSON_NOT_REGISTERED
    // and EXPERT_NOT_ENROLLED.
    enrolExpert: { ...inA, personId: 'PSN0000000000000000', specialties: ['BUILDING_CONSTRUCTION'], employerCode: firm, title: '高级工程师' },
    changeExpertProfile: { ...expert, title: '正高级工程师' },
    declareExpertConflict: { ...expert, conflictId: 'conflict-1', enterpriseCode: firm, reason: '曾任该公司技术负责人', from: '2026-01-01', to: '2026-12-31' },
    reinstateExpert: { ...expert, reason: '考核合格' },
    retireExpert: { ...expert, reason: '年满70周岁' },
    suspendExpert: { ...expert, reason: '年度考核不合格' },
    withdrawExpertConflict: { ...expert, conflictId: 'conflict-1', reason: '已离职' },
    defineRankingMethodology: rankingMethodologyInput(records),
    openRankingEdition: { ...inA, editionId: 'promising-2026', title: '2026年度最具成长性民营建筑企业', year, methodologyId: 'promising', methodologyVersion: 1, cutOffDate: '2026-12-31' },
    recordRankingFigures: { ...inA, editionId: 'promising-2026', rows: [{ enterpriseCode: firm, metric: 'OUTPUT', value: '12345.6', source: 'STATISTICS_RETURN', evidenceReference: '2025年统计年报' }] },
    correctRankingFigure: { ...inA, editionId: 'promising-2026', correction: { figureId: 1, value: '12400', source: 'AUDITED_REPORT', evidenceReference: '审计报告' }, reason: '以审计报告为准' },
    excludeRankingFirm: { ...inA, editionId: 'promising-2026', enterpriseCode: firm, grounds: '申报材料不实', decision: COUNCIL },
    computeRanking: { ...inA, editionId: 'promising-2026' },
    startRankingNotice: { ...inA, editionId: 'promising-2026' },
    fileRankingObjection: { ...inA, editionId: 'promising-2026', objectionId: 'objection-1', enterpriseCode: firm, grounds: '产值统计有误' },
    resolveRankingObjection: { ...inA, editionId: 'promising-2026', objectionId: 'objection-1', outcome: 'DISMISSED', reasons: '统计口径无误' },
    publishRanking: { ...inA, editionId: 'promising-2026' },
    issueRankingErratum: { ...inA, editionId: 'promising-2026', erratumId: 'erratum-1', reason: '产值更正', decision: COUNCIL, corrections: [{ figureId: 1, value: '12400', source: 'AUDITED_REPORT', evidenceReference: '审计报告' }] },
    // The awards commands address an edition nobody opened: past the guards, NOT_FOUND or the entry's own rule.
    defineAwardRulebook: { ...inA, rulebook: awardRulebookInput() },
    openAwardEdition: { ...edition, programmeCode: 'HUANGHE', title: '黄鹤奖', year: 2026, rulebookId: 'no-such-rulebook', rulebookVersion: 1 },
    openAwardRound: { ...edition, roundCode: 'DOCS' },
    closeAwardRound: { ...edition, roundCode: 'DOCS' },
    rankAwardRound: { ...edition, roundCode: 'DOCS' },
    startAwardNotice: edition,
    publishAwardResults: edition,
    submitAwardEntries: { ...edition, entries: [{ entryId: 'e-1', category: 'BUILDING', channel: 'DISTRICT_A', subjectKind: 'ENTERPRISE', subjectId: firm, applicantCode: firm, specialty: 'BUILDING_CONSTRUCTION' }] },
    submitAwardEntry: { ...awardEntry, category: 'BUILDING', channel: 'DISTRICT_A', subjectKind: 'ENTERPRISE', subjectId: firm, applicantCode: firm, specialty: 'BUILDING_CONSTRUCTION' },
    checkAwardEligibility: awardEntry,
    drawAwardPanel: { ...awardEntry, roundCode: 'DOCS' },
    scoreAwardEntry: { ...awardEntry, roundCode: 'DOCS', expertId: 'EXP0000000000000000', items: [{ code: 'QUALITY', points: 5000 }] },
    recuseAwardExpert: { ...awardEntry, roundCode: 'DOCS', expertId: 'EXP0000000000000000', reason: '曾任该公司顾问' },
    reportSiteInspection: { ...awardEntry, roundCode: 'SITE', inspectorExpertId: 'EXP0000000000000000', reportReference: 'HH-SITE-001', findings: '现场质量良好', passed: true },
    recordAwardVote: { ...awardEntry, ballot: 'SECRET', decision: { ...COUNCIL, body: 'COUNCIL' } },
    fileAwardObjection: { ...awardEntry, objectionId: 'objection-1', objector: '王五', grounds: '工期造假' },
    resolveAwardObjection: { ...awardEntry, objectionId: 'objection-1', outcome: 'DISMISSED', reasons: '经核实不成立' },
    grantAward: { ...awardEntry, certificateNumber: 'HH2026-001' },
    declineAward: { ...awardEntry, reason: '未入选' },
    requestAwardRevocation: { ...awardEntry, grounds: 'FRAUD', reason: '申报材料造假', decision: COUNCIL },
    approveAwardRevocation: awardEntry,
  };
  return { queries, mutations };
}

/** A ranking methodology: output 60, growth 30, awards 10; private firms rated at least A, members in good standing. */
export function rankingMethodologyInput(records: MatrixRecords): Arguments {
  return {
    associationId: records.association,
    methodologyId: 'promising',
    title: '最具成长性民营建筑企业评选办法',
    referenceNumber: '武建协〔2026〕8号',
    effectiveFrom: '2026-01-01',
    metrics: [
      { code: 'OUTPUT', name: '建筑业总产值', weight: 60, normalisation: 'SHARE_OF_MAX', unit: '万元' },
      { code: 'OUTPUT_GROWTH', name: '产值增长率', weight: 30, normalisation: 'GROWTH', unit: '万元' },
      { code: 'AWARDS', name: '获奖数', weight: 10, normalisation: 'RANK_POINTS', unit: '项' },
    ],
    groups: [{ code: 'ALL', name: '全部', qualificationGrades: [], listSize: 55 }],
    filters: { ownerships: ['PRIVATE'], acceptedCreditGrades: ['AAA', 'AA', 'A'], memberInGoodStanding: true, blacklistConductCodes: ['BLACKLISTED'] },
    listSize: 55,
    tieBreak: { metrics: ['OUTPUT'], thenBy: 'DECISION' },
    noticeDays: 7,
  };
}

/** A rulebook the awards decider accepts (黄鹤奖-like): project-free firm entries, one scored round and the vote. */
export function awardRulebookInput(rulebookId = 'huanghe'): Record<string, unknown> {
  return {
    rulebookId,
    referenceNumber: '武建协〔2026〕5号',
    effectiveFrom: '2026-01-01',
    programmeKind: 'QUALITY_AWARD',
    subjectKind: 'ENTERPRISE',
    categories: [{ code: 'BUILDING', name: '房屋建筑', places: 10, amountFen: null }],
    channels: [{ code: 'DISTRICT_A', name: '江岸区', quota: 5 }],
    eligibility: { membershipInGoodStanding: true, minimumCreditGrade: null, creditGrades: [], yearsSinceAcceptance: null, noMajorAccident: true, barsReentryAfterFailure: false },
    rubric: [{ code: 'QUALITY', name: '工程质量', maxHundredths: 10000, weight: 100 }],
    normalisation: 'NONE',
    rounds: [
      { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 1, advancement: null },
      { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
    ],
    votes: { ballot: 'SECRET', quorum: { atLeast: [2, 3] }, pass: { moreThan: [1, 2] } },
    grading: 'NONE',
    grades: [],
    noticeDays: 7,
    tieBreak: [{ by: 'ENTRY_ID' }],
    budgetFen: null,
  };
}
