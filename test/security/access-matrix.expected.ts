/*
 * The expected answer of every GraphQL query and mutation for every kind of caller (ADR 0014, layers 1 and 2, and
 * the enterprise-facts rule). test/security/access-matrix.spec.ts sends each cell over HTTP to a running service and
 * compares; an operation in the printed schema without a row here fails it, and so does a row without an operation.
 * docs/security.md ("Access") shows this table as rendered by `renderAccessTable`, checked by the same spec.
 *
 * The callers, for an operation about association A, its member firm F and its credit cycle C:
 *   anonymous          no token
 *   ADMIN own          an admin of A
 *   ADMIN other        an admin of another association, B
 *   EXPERT assigned    an expert assigned to score C
 *   EXPERT unassigned  an expert not assigned to C
 *   AUDITOR, TENDER
 *   MEMBER own         F's own member token
 *   MEMBER other       the member token of another firm of A
 */

/** What a cell answers. */
export type Outcome =
  /** Past every access layer: data, or a domain refusal, NOT_FOUND or CONFLICT about the records themselves. */
  | 'ALLOWED'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  /** Past the guards, refused by the enterprise decider: the acting association holds no tie to the firm. */
  | 'NOT_RELATED';

export const CALLERS = [
  'anonymous',
  'ADMIN own',
  'ADMIN other',
  'EXPERT assigned',
  'EXPERT unassigned',
  'AUDITOR',
  'TENDER',
  'MEMBER own',
  'MEMBER other',
] as const;
export type Caller = (typeof CALLERS)[number];

/** One outcome per caller, in the order of CALLERS. */
export type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

const A: Outcome = 'ALLOWED';
const F: Outcome = 'FORBIDDEN';
const U: Outcome = 'UNAUTHENTICATED';
const R: Outcome = 'NOT_RELATED';

/** Readable by every role: public profiles. */
const PUBLIC: Row = [U, A, A, A, A, A, A, A, A];
/** The owning association's admins and auditors. */
const OWN_ADMIN_AND_AUDITOR: Row = [U, A, F, F, F, A, F, F, F];
/** The owning association's admins, auditors and the firm itself. */
const OWN_ADMIN_AUDITOR_AND_FIRM: Row = [U, A, F, F, F, A, F, A, F];
/** A write of the owning association's admins only. */
const OWN_ADMIN_WRITES: Row = [U, A, F, F, F, F, F, F, F];
/** A change of a firm's national facts: any admin passes the guards, the enterprise decider refuses an unrelated one. */
const RELATED_ADMIN_WRITES: Row = [U, A, R, F, F, F, F, F, F];
/** A scorer's write: the owning association's admins (the decider then wants them assigned) and assigned experts. */
const ASSIGNED_SCORER_WRITES: Row = [U, A, F, A, F, F, F, F, F];
/** A published result (a ranking list): every admin, auditors, tender systems and member firms; unpublished parts stay with the owner. */
const PUBLISHED_RESULT: Row = [U, A, A, F, F, A, A, A, A];

export const QUERIES: Readonly<Record<string, Row>> = {
  association: PUBLIC,
  associations: PUBLIC,
  // The seals of the whole log (ADR 0017): auditors only.
  auditSeals: [U, F, F, F, F, A, F, F, F],
  // The trail across every context and association: auditors only.
  auditTrail: [U, F, F, F, F, A, F, F, F],
  councilElections: PUBLIC,
  councilTerms: PUBLIC,
  creditApplication: OWN_ADMIN_AUDITOR_AND_FIRM,
  creditApplications: OWN_ADMIN_AND_AUDITOR,
  creditConductRecords: [U, A, F, F, F, A, A, A, F],
  creditCycle: OWN_ADMIN_AND_AUDITOR,
  creditExplanation: OWN_ADMIN_AUDITOR_AND_FIRM,
  // Another association's admin reads only its own association's steps of the firm's history.
  creditHistory: [U, A, A, F, F, A, F, A, F],
  creditRatingsAsOf: [U, A, A, F, F, A, A, A, F],
  creditRulebooks: [U, A, F, A, A, A, A, F, F],
  deemedWithdrawalCandidates: OWN_ADMIN_AND_AUDITOR,
  duesAnnualReport: OWN_ADMIN_AND_AUDITOR,
  duesArrears: OWN_ADMIN_AND_AUDITOR,
  duesStatement: OWN_ADMIN_AUDITOR_AND_FIRM,
  duesWaiverRegister: OWN_ADMIN_AND_AUDITOR,
  enterprise: [U, A, A, A, A, A, A, A, F],
  enterpriseHistory: [U, A, A, A, A, A, A, A, F],
  enterprises: [U, A, A, A, A, A, A, F, F],
  feeSchedules: OWN_ADMIN_AND_AUDITOR,
  memberDirectory: OWN_ADMIN_AND_AUDITOR,
  membership: OWN_ADMIN_AUDITOR_AND_FIRM,
  membershipAsOf: OWN_ADMIN_AUDITOR_AND_FIRM,
  // A person's own access (PIPL Art. 45): every person's data, opened, for the auditor alone.
  personalDataExport: [U, F, F, F, F, A, F, F, F],
  // A person is no one association's record: any admin reads the public fields by id (the field layer decides the
  // personal ones), tender systems the public fields; the look-up by number is for admins and auditors.
  person: [U, A, A, F, F, A, A, F, F],
  personByIdentityCardNumber: [U, A, A, F, F, A, F, F, F],
  persons: OWN_ADMIN_AND_AUDITOR,
  // Tender systems and auditors follow every association's rating changes; an admin its own association's (ADR 0018).
  ratingChanges: [U, A, F, F, F, A, A, F, F],
  waiverPolicies: OWN_ADMIN_AND_AUDITOR,
  // The expert pool (ADR 0021): the owning association's admins and the auditor. An EXPERT reads only their own record
  // and history; the matrix's experts are enrolled nowhere, so any expert id is FORBIDDEN to them.
  expert: OWN_ADMIN_AND_AUDITOR,
  expertHistory: OWN_ADMIN_AND_AUDITOR,
  expertPool: OWN_ADMIN_AND_AUDITOR,
  experts: OWN_ADMIN_AND_AUDITOR,
  rankingMethodologies: OWN_ADMIN_AND_AUDITOR,
  rankingEditions: PUBLISHED_RESULT,
  rankingList: PUBLISHED_RESULT,
  rankingHistory: PUBLISHED_RESULT,
  rankingExplanation: PUBLISHED_RESULT,
  rankingFigures: OWN_ADMIN_AND_AUDITOR,
  rankingObjections: OWN_ADMIN_AND_AUDITOR,
  // Awards (ADR 0023): editions and published results for every signed-in caller; entries for the owning admins, the
  // auditor, an expert on an entry's panel (the matrix's experts are in no pool: FORBIDDEN) and a member firm of the
  // association (its own entries only); rankings and draws for the owning admins and the auditor; award history for
  // every role but EXPERT (others than the owning admins and the auditor see awards and revocations only).
  awardEdition: PUBLIC,
  awardEditions: PUBLIC,
  awardEntries: [U, A, F, F, F, A, F, A, A],
  awardEntry: OWN_ADMIN_AND_AUDITOR,
  awardHistory: [U, A, A, F, F, A, A, A, A],
  // Objections for the owning admins and the auditor; rulebooks are published rules, for every signed-in caller.
  awardObjections: OWN_ADMIN_AND_AUDITOR,
  awardPanelDraws: OWN_ADMIN_AND_AUDITOR,
  awardRanking: OWN_ADMIN_AND_AUDITOR,
  awardResults: PUBLIC,
  awardRulebook: PUBLIC,
  awardRulebooks: PUBLIC,
};

export const MUTATIONS: Readonly<Record<string, Row>> = {
  admitMember: OWN_ADMIN_WRITES,
  adoptFeeSchedule: OWN_ADMIN_WRITES,
  adoptWaiverPolicy: OWN_ADMIN_WRITES,
  amendCreditRulebook: OWN_ADMIN_WRITES,
  applyForMembership: OWN_ADMIN_WRITES,
  applyWaiverPolicy: OWN_ADMIN_WRITES,
  approvePersonErasure: OWN_ADMIN_WRITES,
  approveCreditGradeOverride: OWN_ADMIN_WRITES,
  approveDuesWaiver: OWN_ADMIN_WRITES,
  assignCreditScorer: OWN_ADMIN_WRITES,
  changeMembershipTier: OWN_ADMIN_WRITES,
  closeCreditCycle: OWN_ADMIN_WRITES,
  completeCreditReview: OWN_ADMIN_WRITES,
  completeCreditReviews: OWN_ADMIN_WRITES,
  correctPersonDetails: OWN_ADMIN_WRITES,
  deemMembershipWithdrawn: OWN_ADMIN_WRITES,
  defineCreditRulebook: OWN_ADMIN_WRITES,
  expelMember: OWN_ADMIN_WRITES,
  fileCreditApplication: [U, A, F, F, F, F, F, A, F],
  fileCreditApplications: OWN_ADMIN_WRITES,
  fileCreditObjection: OWN_ADMIN_WRITES,
  grantWaiverApprover: OWN_ADMIN_WRITES,
  invoiceDuesYear: OWN_ADMIN_WRITES,
  issueCreditRating: OWN_ADMIN_WRITES,
  issueCreditRatings: OWN_ADMIN_WRITES,
  issueDuesInvoice: OWN_ADMIN_WRITES,
  openCreditCycle: OWN_ADMIN_WRITES,
  recordCouncilElection: OWN_ADMIN_WRITES,
  recordCouncilTerm: OWN_ADMIN_WRITES,
  recordCreditConduct: OWN_ADMIN_WRITES,
  recordCreditExpiries: OWN_ADMIN_WRITES,
  recordDuesPayment: OWN_ADMIN_WRITES,
  recordMembershipReminder: OWN_ADMIN_WRITES,
  recordQualification: RELATED_ADMIN_WRITES,
  registerAssociation: OWN_ADMIN_WRITES,
  // A firm the register does not know yet: any admin may register it.
  registerEnterprise: [U, A, A, F, F, F, F, F, F],
  registerPerson: OWN_ADMIN_WRITES,
  reinstateCreditRating: OWN_ADMIN_WRITES,
  reinstateMembership: OWN_ADMIN_WRITES,
  rejectDuesWaiver: OWN_ADMIN_WRITES,
  rejectMembershipApplication: OWN_ADMIN_WRITES,
  rejectPersonErasure: OWN_ADMIN_WRITES,
  requestCreditGradeOverride: OWN_ADMIN_WRITES,
  requestDuesWaiver: OWN_ADMIN_WRITES,
  requestPersonErasure: OWN_ADMIN_WRITES,
  resolveCreditObjection: OWN_ADMIN_WRITES,
  reviewCreditRating: OWN_ADMIN_WRITES,
  revokeDuesWaiver: OWN_ADMIN_WRITES,
  revokeWaiverApprover: OWN_ADMIN_WRITES,
  sanctionMember: OWN_ADMIN_WRITES,
  scoreCreditApplications: ASSIGNED_SCORER_WRITES,
  scoreCreditIndicators: ASSIGNED_SCORER_WRITES,
  setEnterpriseSizeClass: RELATED_ADMIN_WRITES,
  shortenCreditConductDisclosure: OWN_ADMIN_WRITES,
  startCreditNotice: OWN_ADMIN_WRITES,
  startCreditNotices: OWN_ADMIN_WRITES,
  suspendMembership: OWN_ADMIN_WRITES,
  updateEnterpriseProfile: RELATED_ADMIN_WRITES,
  withdrawMembership: OWN_ADMIN_WRITES,
  withdrawQualification: RELATED_ADMIN_WRITES,
  changeExpertProfile: OWN_ADMIN_WRITES,
  declareExpertConflict: OWN_ADMIN_WRITES,
  enrolExpert: OWN_ADMIN_WRITES,
  reinstateExpert: OWN_ADMIN_WRITES,
  retireExpert: OWN_ADMIN_WRITES,
  suspendExpert: OWN_ADMIN_WRITES,
  withdrawExpertConflict: OWN_ADMIN_WRITES,
  defineRankingMethodology: OWN_ADMIN_WRITES,
  openRankingEdition: OWN_ADMIN_WRITES,
  recordRankingFigures: OWN_ADMIN_WRITES,
  correctRankingFigure: OWN_ADMIN_WRITES,
  excludeRankingFirm: OWN_ADMIN_WRITES,
  computeRanking: OWN_ADMIN_WRITES,
  startRankingNotice: OWN_ADMIN_WRITES,
  fileRankingObjection: OWN_ADMIN_WRITES,
  resolveRankingObjection: OWN_ADMIN_WRITES,
  publishRanking: OWN_ADMIN_WRITES,
  issueRankingErratum: OWN_ADMIN_WRITES,
  // Awards: the owning association's admins run editions; scores, recusals and inspection reports also by an expert on
  // the entry's panel (none in the matrix).
  approveAwardRevocation: OWN_ADMIN_WRITES,
  checkAwardEligibility: OWN_ADMIN_WRITES,
  closeAwardRound: OWN_ADMIN_WRITES,
  declineAward: OWN_ADMIN_WRITES,
  defineAwardRulebook: OWN_ADMIN_WRITES,
  drawAwardPanel: OWN_ADMIN_WRITES,
  fileAwardObjection: OWN_ADMIN_WRITES,
  grantAward: OWN_ADMIN_WRITES,
  openAwardEdition: OWN_ADMIN_WRITES,
  openAwardRound: OWN_ADMIN_WRITES,
  publishAwardResults: OWN_ADMIN_WRITES,
  rankAwardRound: OWN_ADMIN_WRITES,
  recordAwardVote: OWN_ADMIN_WRITES,
  recuseAwardExpert: OWN_ADMIN_WRITES,
  reportSiteInspection: OWN_ADMIN_WRITES,
  requestAwardRevocation: OWN_ADMIN_WRITES,
  resolveAwardObjection: OWN_ADMIN_WRITES,
  scoreAwardEntry: OWN_ADMIN_WRITES,
  startAwardNotice: OWN_ADMIN_WRITES,
  submitAwardEntries: OWN_ADMIN_WRITES,
  submitAwardEntry: OWN_ADMIN_WRITES,
};

/** How a cell reads in docs/security.md. */
const SHOWN: Record<Outcome, string> = { ALLOWED: 'allowed', FORBIDDEN: 'FORBIDDEN', UNAUTHENTICATED: 'UNAUTHENTICATED', NOT_RELATED: 'NOT_RELATED' };

/** The table as docs/security.md shows it: one line per operation, queries then mutations, by name. */
export function renderAccessTable(): string[] {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const rows = (kind: string, table: Readonly<Record<string, Row>>) =>
    Object.keys(table)
      .sort()
      .map((name) => line([`\`${name}\``, kind, ...table[name]!.map((outcome) => SHOWN[outcome])]));
  return [line(['Operation', 'Kind', ...CALLERS]), line(['---', '---', ...CALLERS.map(() => '---')]), ...rows('query', QUERIES), ...rows('mutation', MUTATIONS)];
}
