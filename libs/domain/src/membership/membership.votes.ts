import { type DecisionRecord, isCarried, meetsQuorum, RuleViolation } from '../shared/index.js';
import { MembershipRules } from './membership.errors.js';

// The rules a membership decision's vote must meet: quorum (more than half of those entitled present) and a
// majority (more than half of those present for), and which bodies must have voted.

/** A vote of the council or the general assembly with quorum and a majority of those present. */
export function requireCouncilVote(d: DecisionRecord, rule: string, what: string): void {
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

/** An election's sitting: held by the council or the general assembly, with its attendance recorded and a quorum. */
export function requireElectionSitting(d: DecisionRecord): void {
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

/** Expulsion (除名) is the council's own vote, with the counts recorded, quorum and majority. */
export function requireExpulsionVote(d: DecisionRecord): void {
  if (d.body !== 'COUNCIL' || d.votes === null) {
    throw new RuleViolation(
      MembershipRules.expulsionNeedsCouncilVote,
      `Expulsion (除名) needs a council (理事会) vote with the counts recorded; this decision is by ${d.body}` +
        `${d.votes === null ? ' without vote counts' : ''}.`,
      { body: d.body },
    );
  }
  requireQuorumAndMajority(d);
}

/** A decision that records vote counts stands only if the vote had its quorum and was carried. */
export function requireCountedVoteCarried(d: DecisionRecord | null): void {
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
