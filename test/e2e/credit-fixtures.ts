/*
 * A small credit cycle driven over GraphQL, step by step, for suites that need rated, suspended, revoked or
 * still-ungraded applications: a rulebook of two indicators (the association's and the department's, 50
 * points each; AAA from 90, AA from 80, A from 60), wage arrears suspending a rating and bribery revoking it.
 * The caller moves the fixed clock between steps (filing window, notice, issue).
 */
import type { FixedClock } from '#platform';
import type { GraphQLClient } from '#testing';
import type { TestService } from '../support/service.js';

export interface CreditCycleOptions {
  readonly associationId: string;
  readonly cycleId: string;
  /** Filing window; the notice of 5 days runs from `noticeStartsOn`. */
  readonly filingFrom: string;
  readonly filingTo: string;
}

export class CreditCycleScenario {
  readonly admin: GraphQLClient;
  private readonly expert: GraphQLClient;
  private readonly officer: GraphQLClient;

  constructor(
    service: TestService,
    readonly clock: FixedClock,
    private readonly options: CreditCycleOptions,
  ) {
    this.admin = service.client('ADMIN', { associationId: options.associationId, userId: `${options.associationId}-secretariat` });
    this.expert = service.client('EXPERT', { userId: `${options.associationId}-expert` });
    this.officer = service.client('EXPERT', { userId: `${options.associationId}-officer` });
  }

  private key(subjectId: string) {
    return { associationId: this.options.associationId, cycleId: this.options.cycleId, subjectId };
  }

  private mutate(name: string, input: string, variables: Record<string, unknown>, client = this.admin): Promise<unknown> {
    return client.ok(`mutation ($input: ${input}!) { ${name}(input: $input) { __typename } }`, { input: variables });
  }

  async registerFirm(code: string, name: string, sizeClass = 'MEDIUM'): Promise<void> {
    await this.mutate('registerEnterprise', 'RegisterEnterpriseInput', { code, name, legalRepresentative: '王五', regionCode: '420106', ownership: 'PRIVATE', sizeClass });
  }

  /** Defines the rulebook, opens the cycle on it and assigns a scorer for each body. */
  async open(): Promise<void> {
    const { associationId, cycleId, filingFrom, filingTo } = this.options;
    await this.mutate('defineCreditRulebook', 'DefineCreditRulebookInput', {
      associationId,
      rulebookId: `${cycleId}-rules`,
      title: '建筑业企业信用评价办法',
      referenceNumber: '协〔2022〕1号',
      effectiveFrom: '2022-01-01',
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
      dynamicRules: [
        { conductCode: 'WAGE_ARREARS', action: 'SUSPEND' },
        { conductCode: 'BRIBERY', action: 'REVOKE' },
      ],
    });
    await this.mutate('openCreditCycle', 'OpenCreditCycleInput', {
      associationId, cycleId, title: `${cycleId} 信用评价`, rulebookId: `${cycleId}-rules`, rulebookVersion: 1,
      assessmentFrom: '2020-01-01', assessmentTo: '2021-12-31', filingFrom, filingTo, eligibility: 'ALL',
    });
    for (const [scorerId, body] of [
      [`${associationId}-expert`, 'ASSOCIATION'],
      [`${associationId}-officer`, 'DEPARTMENT'],
    ] as const) {
      await this.mutate('assignCreditScorer', 'AssignCreditScorerInput', { associationId, cycleId, scorerId, body });
    }
  }

  async file(subjectId: string): Promise<void> {
    await this.mutate('fileCreditApplication', 'FileCreditApplicationInput', { ...this.key(subjectId), selfAssessment: [] });
  }

  /** Both bodies score the application (management + compliance = total points). */
  async score(subjectId: string, management: number, compliance: number): Promise<void> {
    await this.mutate('scoreCreditIndicators', 'ScoreCreditIndicatorsInput', { ...this.key(subjectId), scores: [{ code: 'MANAGEMENT', points: management }] }, this.expert);
    await this.mutate('scoreCreditIndicators', 'ScoreCreditIndicatorsInput', { ...this.key(subjectId), scores: [{ code: 'COMPLIANCE', points: compliance }] }, this.officer);
  }

  async completeReview(subjectId: string): Promise<void> {
    await this.mutate('completeCreditReview', 'CreditApplicationRefInput', this.key(subjectId));
  }

  async startNotice(subjectId: string, startsOn: string): Promise<void> {
    await this.mutate('startCreditNotice', 'StartCreditNoticeInput', { ...this.key(subjectId), startsOn });
  }

  /** An objection that is upheld: the application goes back to its scorers with no grade. */
  async upholdObjection(subjectId: string, objectionId: string): Promise<void> {
    await this.mutate('fileCreditObjection', 'FileCreditObjectionInput', { ...this.key(subjectId), objectionId, objector: '某投标人', grounds: '得分依据不足' });
    await this.mutate('resolveCreditObjection', 'ResolveCreditObjectionInput', { ...this.key(subjectId), objectionId, outcome: 'UPHELD', reasons: '核实属实，重新评分' });
  }

  async issue(subjectId: string, certificateNumber: string, validFrom: string): Promise<void> {
    await this.mutate('issueCreditRating', 'IssueCreditRatingInput', { ...this.key(subjectId), certificateNumber, validFrom });
  }

  /** An adverse record the dynamic rules act on at once: WAGE_ARREARS suspends, BRIBERY revokes. */
  async recordConduct(subjectId: string, recordId: string, code: 'WAGE_ARREARS' | 'BRIBERY', occurredOn: string): Promise<void> {
    await this.mutate('recordCreditConduct', 'RecordCreditConductInput', {
      associationId: this.options.associationId, subjectId, recordId, code, kind: 'ADVERSE', severity: 'SERIOUS', occurredOn,
      sourceAuthority: '武汉市人力资源和社会保障局', disclosureMonths: 12, penaltyMonths: 6, evidenceReference: `${recordId}-决定书`, description: '不良行为记录',
    });
  }
}
