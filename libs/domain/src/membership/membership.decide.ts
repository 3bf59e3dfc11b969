import { businessDate, type DecisionContext, type Decider, NotFound, RuleViolation } from '../shared/index.js';
import type { ApplyForMembership, DeemMembershipWithdrawn, MembershipCommand, Parsed, ParsedMembershipCommand, RecordMembershipReminder, WithdrawMembership } from './membership.commands.js';
import { MembershipRules } from './membership.errors.js';
import { COUNCIL_TIERS, MEMBERSHIP_EVENT_TYPES, MEMBERSHIP_TIERS, type MembershipEvent, membershipId, type MembershipStatus, type MembershipTier } from './membership.events.js';
import { parseMembershipCommand } from './membership.parse.js';
import {
  type AdmittedMembership,
  type CurrentMembership,
  evolveMembership,
  initialMembershipState,
  type Member,
  type MembershipState,
  OPEN_STATUSES,
  type PendingApplication,
} from './membership.state.js';
import { requireCouncilVote, requireCountedVoteCarried, requireElectionSitting, requireExpulsionVote } from './membership.votes.js';

// The membership stream of one firm in one association: its applications, admission, tier, sanctions, suspension,
// reminders and ending. Every command's fields are checked by its parse step first; these are the rules on state.

/** Chinese names of the tiers, for messages a secretariat reads. */
export const TIER_LABELS: Record<MembershipTier, string> = {
  PRESIDENT: '会长单位 (president)',
  VICE_PRESIDENT: '副会长单位 (vice-president)',
  EXECUTIVE_DIRECTOR: '常务理事单位 (executive director)',
  DIRECTOR: '理事单位 (director)',
  MEMBER: '会员单位 (member)',
  RESERVE: '储备会员 (reserve member)',
};

/** Decides a parsed membership command on the firm's membership stream. */
export function decideMembership(command: ParsedMembershipCommand, state: MembershipState, context: DecisionContext): MembershipEvent[] {
  switch (command.type) {
    case 'ApplyForMembership':
      return apply(command, state, context);
    case 'AdmitMember':
      return admit(command, current(state, command));
    case 'RejectApplication':
      return reject(command, current(state, command), context);
    case 'ChangeMembershipTier':
      return changeTier(command, current(state, command));
    case 'SanctionMember':
      return sanction(command, current(state, command), context);
    case 'SuspendMembership':
      return suspend(command, current(state, command), context);
    case 'ReinstateMembership':
      return reinstate(command, current(state, command), context);
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
  parse: parseMembershipCommand,
  // The command path decides on what the parse step returned.
  decide: (command, state, context) => decideMembership(command as ParsedMembershipCommand, state, context),
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

function hasStatus<S extends MembershipStatus>(m: CurrentMembership, allowed: readonly S[]): m is CurrentMembership & { readonly status: S } {
  return (allowed as readonly MembershipStatus[]).includes(m.status);
}

function requireStatus<S extends MembershipStatus>(m: CurrentMembership, allowed: readonly S[], rule: string, action: string): CurrentMembership & { readonly status: S } {
  if (!hasStatus(m, allowed)) {
    throw new RuleViolation(rule, `Cannot ${action}: the membership is ${m.status.toLowerCase().replace('_', ' ')}.`, {
      membershipId: m.membershipId,
      status: m.status,
    });
  }
  return m;
}

function requirePending(m: CurrentMembership, action: string): PendingApplication {
  return requireStatus(m, ['PENDING'], MembershipRules.notPending, action);
}

function requireActive(m: CurrentMembership, action: string): Member {
  return requireStatus(m, ['ACTIVE'], MembershipRules.notActive, action);
}

/** A member now: active or suspended. */
function requireCurrent(m: CurrentMembership, action: string): Member {
  return requireStatus(m, ['ACTIVE', 'SUSPENDED'], MembershipRules.notCurrent, action);
}

function notBeforeAdmission(m: AdmittedMembership, date: string, what: string): void {
  if (date < m.admittedOn) {
    throw new RuleViolation(
      MembershipRules.dateBeforeAdmission,
      `The ${what} date ${date} is before the member was admitted on ${m.admittedOn}.`,
      { date, admittedOn: m.admittedOn },
    );
  }
}

function apply(command: ApplyForMembership, state: MembershipState, context: DecisionContext): MembershipEvent[] {
  const appliedOn = command.appliedOn ?? businessDate(context.now);
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
      data: { associationId: command.associationId, enterpriseCode: command.enterpriseCode, membershipId: id, appliedOn, note: command.note ?? null },
    },
  ];
}

function admit(command: Parsed<'AdmitMember'>, m: CurrentMembership): MembershipEvent[] {
  const { tier, certificateNumber, decision: d } = command;
  const admittedOn = command.admittedOn ?? d.decidedOn;
  const application = requirePending(m, 'admit the firm');
  if (!command.admissionBodies.includes(d.body)) {
    throw new RuleViolation(
      MembershipRules.admissionBodyNotAuthorised,
      `The charter lets ${command.admissionBodies.join(', ')} admit members, not ${d.body}.`,
      { body: d.body, allowed: command.admissionBodies },
    );
  }
  requireCountedVoteCarried(d);
  if (admittedOn < application.appliedOn) {
    throw new RuleViolation(
      MembershipRules.dateBeforeAdmission,
      `The admission date ${admittedOn} is before the application of ${application.appliedOn}.`,
      { admittedOn, appliedOn: application.appliedOn },
    );
  }
  return [{ type: 'MembershipAdmitted', data: { ...key(command, m), tier, certificateNumber, admittedOn, decision: d } }];
}

function reject(command: Parsed<'RejectApplication'>, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const { reason, decision: d } = command;
  const rejectedOn = command.rejectedOn ?? businessDate(context.now);
  requirePending(m, 'reject the application');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipRejected', data: { ...key(command, m), reason, rejectedOn, decision: d } }];
}

function changeTier(command: Parsed<'ChangeMembershipTier'>, m: CurrentMembership): MembershipEvent[] {
  const { tier, decision: d } = command;
  const effectiveFrom = command.effectiveFrom ?? d.decidedOn;
  const member = requireActive(m, 'change the tier');
  notBeforeAdmission(member, effectiveFrom, 'tier change');
  const previousTier = member.tier;
  if (previousTier === tier) return [];
  // An election raises a firm to its office's tier; a firm already at that tier or above keeps its own.
  if (command.electionId != null && MEMBERSHIP_TIERS.indexOf(previousTier) < MEMBERSHIP_TIERS.indexOf(tier)) return [];
  if (command.electionId != null) {
    // The election itself is the majority rule (most votes fill the seats); the sitting needs its quorum.
    requireElectionSitting(d);
  } else if (COUNCIL_TIERS.includes(tier) || COUNCIL_TIERS.includes(previousTier)) {
    requireCouncilVote(d, MembershipRules.tierChangeNeedsCouncilDecision, `Changing the tier from ${TIER_LABELS[previousTier]} to ${TIER_LABELS[tier]}`);
  } else {
    requireCountedVoteCarried(d);
  }
  if (tier === 'PRESIDENT') {
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
        tier,
        effectiveFrom,
        decision: d,
        councilTerm: command.councilTerm?.termNumber ?? null,
        electionId: command.electionId ?? null,
      },
    },
  ];
}

function sanction(command: Parsed<'SanctionMember'>, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const { kind, reason, decision: d } = command;
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  notBeforeAdmission(requireCurrent(m, 'sanction the member'), effectiveFrom, 'sanction');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipSanctioned', data: { ...key(command, m), kind, reason, effectiveFrom, decision: d } }];
}

function suspend(command: Parsed<'SuspendMembership'>, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const { reason, decision: d } = command;
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  notBeforeAdmission(requireActive(m, 'suspend the membership'), effectiveFrom, 'suspension');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipSuspended', data: { ...key(command, m), reason, effectiveFrom, decision: d } }];
}

function reinstate(command: Parsed<'ReinstateMembership'>, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const { reason, decision: d } = command;
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  const suspended = requireStatus(m, ['SUSPENDED'], MembershipRules.notSuspended, 'reinstate the member');
  notBeforeAdmission(suspended, effectiveFrom, 'reinstatement');
  requireCountedVoteCarried(d);
  return [{ type: 'MembershipReinstated', data: { ...key(command, m), reason, effectiveFrom, decision: d } }];
}

function remind(command: RecordMembershipReminder, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const sentOn = command.sentOn ?? businessDate(context.now);
  const graceDays = command.graceDays ?? command.charterGraceDays;
  notBeforeAdmission(requireCurrent(m, 'record a dues reminder'), sentOn, 'reminder');
  return [{ type: 'MembershipReminderSent', data: { ...key(command, m), sentOn, unpaidYears: command.unpaidYears, graceDays } }];
}

function withdraw(command: WithdrawMembership, m: CurrentMembership): MembershipEvent[] {
  const { noticeDate } = command;
  const effectiveFrom = command.effectiveFrom ?? noticeDate;
  const member = requireCurrent(m, 'record the withdrawal');
  notBeforeAdmission(member, noticeDate, 'notice');
  return [{ type: 'MembershipWithdrawn', data: { ...key(command, m), noticeDate, effectiveFrom, reason: command.reason ?? null, tier: member.tier } }];
}

/** YYYY-MM-DD plus a number of days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function deemWithdrawn(command: DeemMembershipWithdrawn, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  const member = requireCurrent(m, 'deem the member withdrawn');
  const judged = judgeDeemedWithdrawal({ unpaidYears: command.unpaidYears, requiredYears: command.requiredYears, reminders: member.reminders, effectiveFrom });
  return [
    {
      type: 'MembershipDeemedWithdrawn',
      data: {
        ...key(command, m),
        effectiveFrom,
        unpaidYears: judged.unpaidYears,
        requiredYears: command.requiredYears,
        reminderSentOn: judged.reminderSentOn,
        graceDays: judged.graceDays,
        tier: member.tier,
      },
    },
  ];
}

/**
 * The charter's deemed-withdrawal rule (自动退会) on its inputs: at least the charter's number of unpaid years, and a
 * reminder citing only years still unpaid, sent by the effective date, whose grace period has run out by then.
 * Refuses with the rule that fails; otherwise the unpaid years (sorted, once each) and the reminder that lapsed.
 * What the decider records, and what decision replay re-runs on the recorded inputs.
 */
export function judgeDeemedWithdrawal(input: {
  readonly unpaidYears: readonly number[];
  readonly requiredYears: number;
  readonly reminders: readonly { readonly sentOn: string; readonly unpaidYears: readonly number[]; readonly graceDays: number }[];
  readonly effectiveFrom: string;
}): { unpaidYears: number[]; reminderSentOn: string; graceDays: number } {
  const { effectiveFrom } = input;
  const unpaid = [...new Set(input.unpaidYears)].sort((a, b) => a - b);
  const required = input.requiredYears;
  if (unpaid.length < required) {
    throw new RuleViolation(
      MembershipRules.deemedWithdrawalTooFewUnpaidYears,
      `The charter deems a member withdrawn after ${required} unpaid year${required > 1 ? 's' : ''} of dues; ` +
        (unpaid.length === 0 ? 'this member owes no dues.' : `this member owes dues for ${unpaid.join(', ')} only.`),
      { unpaidYears: unpaid, requiredYears: required },
    );
  }
  // A reminder is unanswered when the years it cited are still unpaid.
  const unanswered = input.reminders.filter((r) => r.unpaidYears.every((y) => unpaid.includes(y)) && r.sentOn <= effectiveFrom);
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
  return { unpaidYears: unpaid, reminderSentOn: lapsed.sentOn, graceDays: lapsed.graceDays };
}

function expel(command: Parsed<'ExpelMember'>, m: CurrentMembership, context: DecisionContext): MembershipEvent[] {
  const { reason, decision: d } = command;
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  const member = requireCurrent(m, 'expel the member');
  notBeforeAdmission(member, effectiveFrom, 'expulsion');
  requireExpulsionVote(d);
  return [{ type: 'MembershipExpelled', data: { ...key(command, m), reason, effectiveFrom, decision: d, tier: member.tier } }];
}
