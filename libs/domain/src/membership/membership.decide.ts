import {
  businessDate,
  checkCreditCode,
  type DecisionContext,
  type DecisionRecord,
  type Decider,
  effectiveDate,
  FieldErrors,
  isCarried,
  isIsoDate,
  meetsQuorum,
  MEMBERSHIP_CERTIFICATE_RULE,
  NotFound,
  optionalText,
  requiredText,
  RuleViolation,
  validDecisionRecord,
  validDocumentNumber,
} from '../shared/index.js';
import type {
  AdmitMember,
  ApplyForMembership,
  ChangeMembershipTier,
  DeemMembershipWithdrawn,
  ExpelMember,
  MembershipCommand,
  RecordMembershipReminder,
  RejectApplication,
  SanctionMember,
  WithdrawMembership,
} from './membership.commands.js';
import { MembershipRules } from './membership.errors.js';
import {
  ADMISSION_TIERS,
  COUNCIL_TIERS,
  MEMBERSHIP_EVENT_TYPES,
  MEMBERSHIP_TIERS,
  type MembershipEvent,
  membershipId,
  type MembershipTier,
  SANCTION_KINDS,
} from './membership.events.js';
import { type CurrentMembership, evolveMembership, initialMembershipState, type MembershipState, OPEN_STATUSES } from './membership.state.js';

const REASON_MAX = 2000;

/** Chinese names of the tiers, for messages a secretariat reads. */
export const TIER_LABELS: Record<MembershipTier, string> = {
  PRESIDENT: '会长单位 (president)',
  VICE_PRESIDENT: '副会长单位 (vice-president)',
  EXECUTIVE_DIRECTOR: '常务理事单位 (executive director)',
  DIRECTOR: '理事单位 (director)',
  MEMBER: '会员单位 (member)',
  RESERVE: '储备会员 (reserve member)',
};

export function decideMembership(command: MembershipCommand, state: MembershipState, context: DecisionContext): MembershipEvent[] {
  switch (command.type) {
    case 'ApplyForMembership':
      return apply(command, state, context);
    case 'AdmitMember':
      return admit(command, current(state, command));
    case 'RejectApplication':
      return reject(command, current(state, command), context);
    case 'ChangeMembershipTier':
      return changeTier(command, current(state, command), context);
    case 'SanctionMember':
      return sanction(command, current(state, command), context);
    case 'SuspendMembership':
    case 'ReinstateMembership':
      return suspendOrReinstate(command, current(state, command), context);
    case 'RecordMembershipReminder':
      return remind(command, current(state, command), context);
    case 'WithdrawMembership':
      return withdraw(command, current(state, command));
    case 'DeemMembershipWithdrawn':
      return deemWithdrawn(command, current(state, command), context);
    case 'ExpelMember':
      return expel(command, current(state, command), context);
  }
}

export const membershipDecider: Decider<MembershipCommand, MembershipEvent, MembershipState> = {
  initialState: initialMembershipState,
  eventTypes: MEMBERSHIP_EVENT_TYPES,
  decide: decideMembership,
  evolve: evolveMembership,
};

function current(state: MembershipState, command: { associationId: string; enterpriseCode: string }): CurrentMembership {
  if (!state.current) {
    throw new NotFound(
      'Membership',
      `${command.associationId}/${command.enterpriseCode}`,
      `Enterprise ${command.enterpriseCode} has never applied to join association ${command.associationId}.`,
    );
  }
  return state.current;
}

function key(command: { associationId: string; enterpriseCode: string }, m: CurrentMembership) {
  return { associationId: command.associationId, enterpriseCode: command.enterpriseCode, membershipId: m.membershipId };
}

function decision(errors: FieldErrors, value: unknown, field = 'decision'): DecisionRecord {
  return validDecisionRecord(errors, field, value);
}

function requireStatus(m: CurrentMembership, allowed: readonly CurrentMembership['status'][], rule: string, action: string): void {
  if (!allowed.includes(m.status)) {
    throw new RuleViolation(rule, `Cannot ${action}: the membership is ${m.status.toLowerCase().replace('_', ' ')}.`, {
      membershipId: m.membershipId,
      status: m.status,
    });
  }
}

function requireActive(m: CurrentMembership, action: string): void {
  requireStatus(m, ['ACTIVE'], MembershipRules.notActive, action);
}

function requireCurrent(m: CurrentMembership, action: string): void {
  requireStatus(m, ['ACTIVE', 'SUSPENDED'], MembershipRules.notCurrent, action);
}

function notBeforeAdmission(m: CurrentMembership, date: string, what: string): void {
  if (m.admittedOn !== null && date < m.admittedOn) {
    throw new RuleViolation(
      MembershipRules.dateBeforeAdmission,
      `The ${what} date ${date} is before the member was admitted on ${m.admittedOn}.`,
      { date, admittedOn: m.admittedOn },
    );
  }
}

/** A vote of the council or the general assembly with quorum and a majority of those present. */
function requireCouncilVote(d: DecisionRecord, rule: string, what: string): void {
  if ((d.body !== 'COUNCIL' && d.body !== 'GENERAL_ASSEMBLY') || d.votes === null) {
    throw new RuleViolation(
      rule,
      `${what} needs a vote of the council (理事会) or the general assembly (会员大会) with the vote counts recorded; ` +
        `this decision is by ${d.body}${d.votes === null ? ' without vote counts' : ''}.`,
      { body: d.body },
    );
  }
  requireQuorumAndMajority(d);
}

function requireElectionSitting(d: DecisionRecord): void {
  if ((d.body !== 'COUNCIL' && d.body !== 'GENERAL_ASSEMBLY') || d.votes === null) {
    throw new RuleViolation(
      MembershipRules.tierChangeNeedsCouncilDecision,
      `A tier follows an election only when the council or the general assembly held it with the attendance recorded; this one is by ${d.body}.`,
      { body: d.body },
    );
  }
  if (!meetsQuorum(d.votes)) {
    throw new RuleViolation(
      MembershipRules.decisionWithoutQuorum,
      `The election ${d.reference} had no quorum: ${d.votes.present} of ${d.votes.entitled} entitled members were present.`,
      { present: d.votes.present, entitled: d.votes.entitled },
    );
  }
}

/** A decision that records vote counts stands only if the vote had its quorum and was carried. */
function requireCountedVoteCarried(d: DecisionRecord | null): void {
  if (d?.votes) requireQuorumAndMajority(d);
}

function requireQuorumAndMajority(d: DecisionRecord): void {
  const v = d.votes!;
  if (!meetsQuorum(v)) {
    throw new RuleViolation(
      MembershipRules.decisionWithoutQuorum,
      `The vote ${d.reference} had no quorum: ${v.present} of ${v.entitled} entitled members were present; more than half must attend.`,
      { present: v.present, entitled: v.entitled },
    );
  }
  if (!isCarried(v)) {
    throw new RuleViolation(
      MembershipRules.decisionNotCarried,
      `The vote ${d.reference} was not carried: ${v.inFavour} of ${v.present} present voted for; more than half must vote for.`,
      { inFavour: v.inFavour, present: v.present },
    );
  }
}

function apply(command: ApplyForMembership, state: MembershipState, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  const check = checkCreditCode(typeof command.enterpriseCode === 'string' ? command.enterpriseCode : '');
  if (check.kind === 'malformed') errors.add('enterpriseCode', `The unified social credit code ${check.reason}.`);
  const appliedOn = effectiveDate(errors, 'appliedOn', command.appliedOn, context.now);
  const note = optionalText(errors, 'note', command.note, { max: REASON_MAX, label: 'The note' }) ?? null;
  errors.throwIfAny();
  if (!command.associationRegistered) {
    throw new RuleViolation(
      MembershipRules.associationNotRegistered,
      `Association ${command.associationId} is not registered: register it before taking applications.`,
    );
  }
  if (!command.enterpriseRegistered) {
    throw new RuleViolation(
      MembershipRules.enterpriseNotRegistered,
      `Enterprise ${command.enterpriseCode} is not in the enterprise register: register the firm before it applies.`,
      { enterpriseCode: command.enterpriseCode },
    );
  }
  if (state.current && OPEN_STATUSES.includes(state.current.status)) {
    throw new RuleViolation(
      MembershipRules.alreadyOpen,
      `Enterprise ${command.enterpriseCode} already has a ${state.current.status.toLowerCase()} membership of ${command.associationId}; ` +
        'a firm holds at most one open application or membership per association.',
      { membershipId: state.current.membershipId, status: state.current.status },
    );
  }
  const id = membershipId(command.associationId, command.enterpriseCode, state.applications + 1);
  return [
    {
      type: 'MembershipApplied',
      data: { associationId: command.associationId, enterpriseCode: command.enterpriseCode, membershipId: id, appliedOn, note },
    },
  ];
}

function admit(command: AdmitMember, m: CurrentMembership): MembershipEvent[] {
  const errors = new FieldErrors();
  if (!ADMISSION_TIERS.includes(command.tier)) {
    errors.add('tier', 'A new member is admitted as MEMBER or RESERVE; higher tiers follow by a council or general-assembly vote.');
  }
  const certificateNumber = validDocumentNumber(errors, 'certificateNumber', command.certificateNumber, MEMBERSHIP_CERTIFICATE_RULE);
  const d = decision(errors, command.decision);
  const admittedOn = command.admittedOn ?? d.decidedOn;
  if (command.admittedOn != null && !isIsoDate(command.admittedOn)) errors.add('admittedOn', 'must be a calendar date written YYYY-MM-DD.');
  errors.throwIfAny();
  requireStatus(m, ['PENDING'], MembershipRules.notPending, 'admit the firm');
  if (!command.admissionBodies.includes(d.body)) {
    throw new RuleViolation(
      MembershipRules.admissionBodyNotAuthorised,
      `The charter lets ${command.admissionBodies.join(', ')} admit members, not ${d.body}.`,
      { body: d.body, allowed: command.admissionBodies },
    );
  }
  requireCountedVoteCarried(d);
  if (admittedOn < m.appliedOn) {
    throw new RuleViolation(
      MembershipRules.dateBeforeAdmission,
      `The admission date ${admittedOn} is before the application of ${m.appliedOn}.`,
      { admittedOn, appliedOn: m.appliedOn },
    );
  }
  return [{ type: 'MembershipAdmitted', data: { ...key(command, m), tier: command.tier, certificateNumber, admittedOn, decision: d } }];
}

function reject(command: RejectApplication, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const rejectedOn = effectiveDate(errors, 'rejectedOn', command.rejectedOn, context.now);
  const d = command.decision == null ? null : decision(errors, command.decision);
  errors.throwIfAny();
  requireStatus(m, ['PENDING'], MembershipRules.notPending, 'reject the application');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipRejected', data: { ...key(command, m), reason, rejectedOn, decision: d } }];
}

function changeTier(command: ChangeMembershipTier, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  if (!MEMBERSHIP_TIERS.includes(command.tier)) errors.add('tier', `must be one of ${MEMBERSHIP_TIERS.join(', ')}.`);
  const d = decision(errors, command.decision);
  const effectiveFrom = command.effectiveFrom == null ? d.decidedOn || businessDate(context.now) : command.effectiveFrom;
  if (command.effectiveFrom != null && !isIsoDate(command.effectiveFrom)) errors.add('effectiveFrom', 'must be a calendar date written YYYY-MM-DD.');
  errors.throwIfAny();
  requireActive(m, 'change the tier');
  notBeforeAdmission(m, effectiveFrom, 'tier change');
  const previousTier = m.tier!;
  if (previousTier === command.tier) return [];
  // An election raises a firm to its office's tier; a firm already at that tier or above keeps its own.
  if (command.electionId != null && MEMBERSHIP_TIERS.indexOf(previousTier) < MEMBERSHIP_TIERS.indexOf(command.tier)) return [];
  if (command.electionId != null) {
    // The election itself is the majority rule (most votes fill the seats); the sitting needs its quorum.
    requireElectionSitting(d);
  } else if (COUNCIL_TIERS.includes(command.tier) || COUNCIL_TIERS.includes(previousTier)) {
    requireCouncilVote(
      d,
      MembershipRules.tierChangeNeedsCouncilDecision,
      `Changing the tier from ${TIER_LABELS[previousTier]} to ${TIER_LABELS[command.tier]}`,
    );
  } else {
    requireCountedVoteCarried(d);
  }
  if (command.tier === 'PRESIDENT') {
    if (command.councilTerm === null) {
      throw new RuleViolation(
        MembershipRules.noCouncilTerm,
        `No council term covers ${effectiveFrom}: record the council term before naming its president firm.`,
        { effectiveFrom },
      );
    }
    const holder = command.councilTerm.presidentEnterpriseCode;
    if (holder !== null && holder !== command.enterpriseCode) {
      throw new RuleViolation(
        MembershipRules.presidentSeatTaken,
        `Council term ${command.councilTerm.termNumber} already has a president firm (${holder}); ` +
          'there is one president firm per term: move it to another tier first.',
        { termNumber: command.councilTerm.termNumber, holder },
      );
    }
  }
  return [
    {
      type: 'MembershipTierChanged',
      data: {
        ...key(command, m),
        previousTier,
        tier: command.tier,
        effectiveFrom,
        decision: d,
        councilTerm: command.councilTerm?.termNumber ?? null,
        electionId: command.electionId ?? null,
      },
    },
  ];
}

function sanction(command: SanctionMember, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  if (!SANCTION_KINDS.includes(command.kind)) errors.add('kind', `must be one of ${SANCTION_KINDS.join(', ')}.`);
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  const d = decision(errors, command.decision);
  errors.throwIfAny();
  requireCurrent(m, 'sanction the member');
  notBeforeAdmission(m, effectiveFrom, 'sanction');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipSanctioned', data: { ...key(command, m), kind: command.kind, reason, effectiveFrom, decision: d } }];
}

function suspendOrReinstate(
  command: Extract<MembershipCommand, { type: 'SuspendMembership' | 'ReinstateMembership' }>,
  m: CurrentMembership,
  context: DecisionContext,
): MembershipEvent[] {
  const errors = new FieldErrors();
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  const d = decision(errors, command.decision);
  errors.throwIfAny();
  if (command.type === 'SuspendMembership') {
    requireActive(m, 'suspend the membership');
    notBeforeAdmission(m, effectiveFrom, 'suspension');
    requireCountedVoteCarried(d);
    return [{ type: 'MembershipSuspended', data: { ...key(command, m), reason, effectiveFrom, decision: d } }];
  }
  requireStatus(m, ['SUSPENDED'], MembershipRules.notSuspended, 'reinstate the member');
  notBeforeAdmission(m, effectiveFrom, 'reinstatement');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipReinstated', data: { ...key(command, m), reason, effectiveFrom, decision: d } }];
}

function validYears(errors: FieldErrors, field: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.add(field, 'Name at least one year whose dues are unpaid.');
    return [];
  }
  const years = value.filter((y): y is number => Number.isInteger(y) && y >= 1990 && y <= 2200);
  if (years.length !== value.length) errors.add(field, 'Years are written as four digits, e.g. 2024.');
  return [...new Set(years)].sort((a, b) => a - b);
}

function remind(command: RecordMembershipReminder, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  const sentOn = effectiveDate(errors, 'sentOn', command.sentOn, context.now);
  const unpaidYears = validYears(errors, 'unpaidYears', command.unpaidYears);
  const graceDays = command.graceDays ?? command.charterGraceDays;
  if (!Number.isInteger(graceDays) || graceDays < 1 || graceDays > 365) {
    errors.add('graceDays', 'The grace period is a whole number of days from 1 to 365.');
  }
  errors.throwIfAny();
  requireCurrent(m, 'record a dues reminder');
  notBeforeAdmission(m, sentOn, 'reminder');
  return [{ type: 'MembershipReminderSent', data: { ...key(command, m), sentOn, unpaidYears, graceDays } }];
}

function withdraw(command: WithdrawMembership, m: CurrentMembership): MembershipEvent[] {
  const errors = new FieldErrors();
  const noticeDate = typeof command.noticeDate === 'string' ? command.noticeDate : '';
  if (!isIsoDate(noticeDate)) errors.add('noticeDate', 'The date of the written notice is required, written YYYY-MM-DD.');
  const effectiveFrom = command.effectiveFrom ?? noticeDate;
  if (command.effectiveFrom != null && !isIsoDate(command.effectiveFrom)) errors.add('effectiveFrom', 'must be a calendar date written YYYY-MM-DD.');
  else if (command.effectiveFrom != null && isIsoDate(noticeDate) && command.effectiveFrom < noticeDate) {
    errors.add('effectiveFrom', 'A withdrawal takes effect on or after the date of the written notice.');
  }
  const reason = optionalText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' }) ?? null;
  errors.throwIfAny();
  requireCurrent(m, 'record the withdrawal');
  notBeforeAdmission(m, noticeDate, 'notice');
  return [{ type: 'MembershipWithdrawn', data: { ...key(command, m), noticeDate, effectiveFrom, reason, tier: m.tier! } }];
}

/** YYYY-MM-DD plus a number of days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function deemWithdrawn(command: DeemMembershipWithdrawn, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  errors.throwIfAny();
  requireCurrent(m, 'deem the member withdrawn');
  const unpaid = [...new Set(command.unpaidYears)].sort((a, b) => a - b);
  const required = command.requiredYears;
  if (unpaid.length < required) {
    throw new RuleViolation(
      MembershipRules.deemedWithdrawalTooFewUnpaidYears,
      `The charter deems a member withdrawn after ${required} unpaid year${required > 1 ? 's' : ''} of dues; ` +
        (unpaid.length === 0 ? 'this member owes no dues.' : `this member owes dues for ${unpaid.join(', ')} only.`),
      { unpaidYears: unpaid, requiredYears: required },
    );
  }
  // A reminder is unanswered when the years it cited are still unpaid.
  const unanswered = m.reminders.filter((r) => r.unpaidYears.every((y) => unpaid.includes(y)) && r.sentOn <= effectiveFrom);
  if (unanswered.length === 0) {
    throw new RuleViolation(
      MembershipRules.deemedWithdrawalNoReminder,
      'Before a member is deemed withdrawn, a dues reminder citing the unpaid years must be recorded and go unanswered; ' +
        'no such reminder is on this membership.',
      { unpaidYears: unpaid },
    );
  }
  const lapsed = unanswered.find((r) => addDays(r.sentOn, r.graceDays) <= effectiveFrom);
  if (!lapsed) {
    const first = unanswered[0]!;
    const ends = addDays(first.sentOn, first.graceDays);
    throw new RuleViolation(
      MembershipRules.deemedWithdrawalGraceNotOver,
      `The reminder sent on ${first.sentOn} gives the member ${first.graceDays} days to answer: ` +
        `deemed withdrawal is possible from ${ends}, not ${effectiveFrom}.`,
      { reminderSentOn: first.sentOn, graceEndsOn: ends },
    );
  }
  return [
    {
      type: 'MembershipDeemedWithdrawn',
      data: {
        ...key(command, m),
        effectiveFrom,
        unpaidYears: unpaid,
        requiredYears: required,
        reminderSentOn: lapsed.sentOn,
        graceDays: lapsed.graceDays,
        tier: m.tier!,
      },
    },
  ];
}

function expel(command: ExpelMember, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const errors = new FieldErrors();
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  const d = decision(errors, command.decision);
  errors.throwIfAny();
  requireCurrent(m, 'expel the member');
  notBeforeAdmission(m, effectiveFrom, 'expulsion');
  if (d.body !== 'COUNCIL' || d.votes === null) {
    throw new RuleViolation(
      MembershipRules.expulsionNeedsCouncilVote,
      `Expulsion (除名) needs a council (理事会) vote with the counts recorded; this decision is by ${d.body}` +
        `${d.votes === null ? ' without vote counts' : ''}.`,
      { body: d.body },
    );
  }
  requireQuorumAndMajority(d);
  return [{ type: 'MembershipExpelled', data: { ...key(command, m), reason, effectiveFrom, decision: d, tier: m.tier! } }];
}
