/** Stable rule codes of associations, memberships and council elections (clients switch on these). */
export const AssociationRules = {
  alreadyRegistered: 'ASSOCIATION_ALREADY_REGISTERED',
  waiverApproverAlreadyGranted: 'ASSOCIATION_WAIVER_APPROVER_ALREADY_GRANTED',
  waiverApproverNotGranted: 'ASSOCIATION_WAIVER_APPROVER_NOT_GRANTED',
  councilTermExists: 'ASSOCIATION_COUNCIL_TERM_EXISTS',
  councilTermOverlaps: 'ASSOCIATION_COUNCIL_TERM_OVERLAPS',
} as const;

export const MembershipRules = {
  associationNotRegistered: 'MEMBERSHIP_ASSOCIATION_NOT_REGISTERED',
  enterpriseNotRegistered: 'MEMBERSHIP_ENTERPRISE_NOT_REGISTERED',
  alreadyOpen: 'MEMBERSHIP_ALREADY_OPEN',
  notPending: 'MEMBERSHIP_NOT_PENDING',
  notActive: 'MEMBERSHIP_NOT_ACTIVE',
  notSuspended: 'MEMBERSHIP_NOT_SUSPENDED',
  notCurrent: 'MEMBERSHIP_NOT_CURRENT',
  admissionBodyNotAuthorised: 'MEMBERSHIP_ADMISSION_BODY_NOT_AUTHORISED',
  certificateNumberTaken: 'MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN',
  tierChangeNeedsCouncilDecision: 'MEMBERSHIP_TIER_CHANGE_NEEDS_COUNCIL_DECISION',
  decisionWithoutQuorum: 'MEMBERSHIP_DECISION_WITHOUT_QUORUM',
  decisionNotCarried: 'MEMBERSHIP_DECISION_NOT_CARRIED',
  noCouncilTerm: 'MEMBERSHIP_NO_COUNCIL_TERM',
  presidentSeatTaken: 'MEMBERSHIP_PRESIDENT_SEAT_TAKEN',
  expulsionNeedsCouncilVote: 'MEMBERSHIP_EXPULSION_NEEDS_COUNCIL_VOTE',
  deemedWithdrawalTooFewUnpaidYears: 'MEMBERSHIP_DEEMED_WITHDRAWAL_TOO_FEW_UNPAID_YEARS',
  deemedWithdrawalNoReminder: 'MEMBERSHIP_DEEMED_WITHDRAWAL_NO_REMINDER',
  deemedWithdrawalGraceNotOver: 'MEMBERSHIP_DEEMED_WITHDRAWAL_GRACE_NOT_OVER',
  dateBeforeAdmission: 'MEMBERSHIP_DATE_BEFORE_ADMISSION',
} as const;

export const CouncilRules = {
  termNotRecorded: 'COUNCIL_TERM_NOT_RECORDED',
  presidentSeatTaken: 'COUNCIL_PRESIDENT_SEAT_TAKEN',
  electionAlreadyHeld: 'COUNCIL_ELECTION_ALREADY_HELD',
  electionNotCompetitive: 'COUNCIL_ELECTION_NOT_COMPETITIVE',
  electionTieAtLastSeat: 'COUNCIL_ELECTION_TIE_AT_LAST_SEAT',
  electionRunOffUnresolved: 'COUNCIL_ELECTION_RUN_OFF_UNRESOLVED',
  electionWithoutQuorum: 'COUNCIL_ELECTION_WITHOUT_QUORUM',
  candidateNotMember: 'COUNCIL_CANDIDATE_NOT_A_MEMBER',
  candidateNotEligible: 'COUNCIL_CANDIDATE_NOT_ELIGIBLE',
  certificateNumberTaken: 'MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN',
} as const;
