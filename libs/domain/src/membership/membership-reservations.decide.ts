import {
  type DecisionContext,
  MEMBERSHIP_CERTIFICATE_RULE,
  type MultiStreamDecider,
  normaliseCreditCode,
  normaliseDocumentNumber,
} from '../shared/index.js';
import { certificateDecider, type CertificateState, certificateStreamId } from './certificate.decide.js';
import { councilTermDecider } from './council-term.decide.js';
import type { CouncilTermEvent } from './council-term.events.js';
import { councilTermStreamId } from './council-term.events.js';
import type { CouncilTermState } from './council-term.state.js';
import type {
  AdmitMember,
  ChangeMembershipTier,
  DeemMembershipWithdrawn,
  ExpelMember,
  Parsed,
  WithCheckedDecision,
  WithdrawMembership,
} from './membership.commands.js';
import { decideMembership, membershipDecider } from './membership.decide.js';
import { type MembershipEvent, membershipStreamId } from './membership.events.js';
import { parseAdmitMember, parseMembershipEnding, parseTierChange } from './membership.parse.js';
import { type MembershipState, presidentSeatTermOf } from './membership.state.js';

/*
 * Membership decisions that need a reservation in another stream, each one atomic append (ADR 0012): the
 * certificate number an admission issues, and the president's seat (one president firm per council term) that a
 * tier change takes or gives up and that an ending gives up. A refused decision reserves and releases nothing.
 */

const membershipRef = (command: { associationId: string; enterpriseCode: string }) => ({
  streamId: membershipStreamId(command.associationId, normaliseCreditCode(command.enterpriseCode)),
  evolver: membershipDecider,
});

/** The seat a membership holds (its council term's stream), read once the membership is folded. */
const heldSeatRef = (associationId: string) => ({
  dependsOn: (states: { membership: MembershipState }) => {
    const term = presidentSeatTermOf(states.membership);
    return term === null ? null : councilTermStreamId(associationId, term);
  },
  evolver: councilTermDecider,
});

/** Releases the seat if the decided events end a president's hold on it; nothing otherwise. */
function releaseSeat(events: readonly MembershipEvent[], membership: MembershipState, seat: CouncilTermState | undefined, context: DecisionContext): CouncilTermEvent[] {
  const term = presidentSeatTermOf(membership);
  if (term === null || seat === undefined) return [];
  const leaves = events.some(
    (e) =>
      (e.type === 'MembershipTierChanged' && e.data.previousTier === 'PRESIDENT' && e.data.tier !== 'PRESIDENT') ||
      e.type === 'MembershipWithdrawn' ||
      e.type === 'MembershipDeemedWithdrawn' ||
      e.type === 'MembershipExpelled',
  );
  const current = membership.current!;
  return leaves
    ? councilTermDecider.decide(
        { type: 'ReleasePresidentSeat', associationId: events[0]!.data.associationId, termNumber: term, enterpriseCode: events[0]!.data.enterpriseCode, membershipId: current.membershipId },
        seat,
        context,
      )
    : [];
}

// ---- admission and its certificate number ---------------------------------------------------------------------

export interface AdmissionStreams extends Record<string, unknown> {
  readonly membership: MembershipState;
  readonly certificate: CertificateState;
}

/**
 * Admits the firm and reserves its certificate number in the association: a number issued to another firm is
 * refused (MEMBERSHIP_CERTIFICATE_NUMBER_TAKEN); a readmitted firm may be issued its own number again.
 */
export const admitMemberDecider: MultiStreamDecider<AdmitMember, AdmissionStreams> = {
  parse: parseAdmitMember,
  streams: (command) => {
    const checked = normaliseDocumentNumber(command.certificateNumber, MEMBERSHIP_CERTIFICATE_RULE);
    return {
      membership: membershipRef(command),
      // The parse step refuses a number that breaks the rule; one not yet parsed names a stream only read.
      certificate: { streamId: certificateStreamId(command.associationId, 'number' in checked ? checked.number : '?'), evolver: certificateDecider },
    };
  },
  decide(command, states, context) {
    // The command path decides on what the parse step returned.
    const admitted = decideMembership(command as Parsed<'AdmitMember'>, states.membership, context);
    const certificate = admitted.flatMap((event) =>
      event.type === 'MembershipAdmitted'
        ? certificateDecider.decide(
            {
              type: 'ReserveCertificateNumber',
              associationId: event.data.associationId,
              certificateNumber: event.data.certificateNumber,
              enterpriseCode: event.data.enterpriseCode,
              membershipId: event.data.membershipId,
            },
            states.certificate,
            context,
          )
        : [],
    );
    return { membership: admitted, certificate };
  },
};

// ---- tier changes and the president's seat ------------------------------------------------------------------------

/**
 * A tier change as the command layer sends it: `councilTermNumber` is the term covering the change's date (from the
 * association's record of terms), or null. Who holds that term's seat is read from the term's own stream.
 */
export type ChangeTier = Omit<ChangeMembershipTier, 'councilTerm'> & { readonly councilTermNumber: number | null };

export interface TierChangeStreams extends Record<string, unknown> {
  readonly membership: MembershipState;
  /** The seat's term: the one the firm holds the seat in, else the term covering the change; absent without either. */
  readonly seat?: CouncilTermState;
}

/**
 * Changes a tier. Becoming president takes the seat of the term covering the change (refused while another firm
 * holds it); leaving the president tier releases the seat the firm holds. Both in the same append as the change.
 */
export const changeTierDecider: MultiStreamDecider<ChangeTier, TierChangeStreams> = {
  parse: parseTierChange,
  streams: (command) => ({
    membership: membershipRef(command),
    seat: {
      dependsOn: (states: TierChangeStreams) => {
        const term = presidentSeatTermOf(states.membership) ?? command.councilTermNumber;
        return term === null ? null : councilTermStreamId(command.associationId, term);
      },
      evolver: councilTermDecider,
    },
  }),
  decide(command, states, context) {
    // The command path decides on what the parse step returned.
    const { councilTermNumber, ...rest } = command as WithCheckedDecision<ChangeTier>;
    const holdsSeat = presidentSeatTermOf(states.membership);
    // The seat stream read is the covering term's unless the firm holds another term's seat; then the covering
    // term's holder does not matter: the firm is president already and the change is not to president.
    const holder = holdsSeat === null ? (states.seat?.president?.enterpriseCode ?? null) : null;
    const changed = decideMembership(
      {
        ...rest,
        councilTerm:
          councilTermNumber === null ? null : { termNumber: councilTermNumber, presidentEnterpriseCode: holder === command.enterpriseCode ? null : holder },
      },
      states.membership,
      context,
    );
    const tookSeat = changed.flatMap((event) =>
      event.type === 'MembershipTierChanged' && event.data.tier === 'PRESIDENT' && states.seat !== undefined && event.data.councilTerm !== null
        ? councilTermDecider.decide(
            {
              type: 'TakePresidentSeat',
              associationId: event.data.associationId,
              termNumber: event.data.councilTerm,
              enterpriseCode: event.data.enterpriseCode,
              membershipId: event.data.membershipId,
              termRecorded: true,
            },
            states.seat,
            context,
          )
        : [],
    );
    return { membership: changed, seat: [...tookSeat, ...releaseSeat(changed, states.membership, states.seat, context)] };
  },
};

// ---- endings --------------------------------------------------------------------------------------------------------

export type MembershipEnding = WithdrawMembership | DeemMembershipWithdrawn | ExpelMember;

export interface EndingStreams extends Record<string, unknown> {
  readonly membership: MembershipState;
  /** The term whose president seat the firm holds, if it does. */
  readonly seat?: CouncilTermState;
}

/** A withdrawal, deemed withdrawal or expulsion; a president firm's seat is released with it. */
export const endMembershipDecider: MultiStreamDecider<MembershipEnding, EndingStreams> = {
  parse: parseMembershipEnding,
  streams: (command) => ({ membership: membershipRef(command), seat: heldSeatRef(command.associationId) }),
  decide(command, states, context) {
    // The command path decides on what the parse step returned.
    const ended = decideMembership(command as Parsed<MembershipEnding['type']>, states.membership, context);
    return { membership: ended, seat: releaseSeat(ended, states.membership, states.seat, context) };
  },
};
