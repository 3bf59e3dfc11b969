import type { MembershipEvent, MembershipStatus, MembershipTier } from './membership.events.js';

export interface Reminder {
  readonly sentOn: string;
  readonly unpaidYears: readonly number[];
  readonly graceDays: number;
}

export interface CurrentMembership {
  readonly membershipId: string;
  readonly applicationNumber: number;
  readonly status: MembershipStatus;
  readonly tier: MembershipTier | null;
  readonly appliedOn: string;
  readonly admittedOn: string | null;
  readonly certificateNumber: string | null;
  readonly reminders: readonly Reminder[];
  /** The council term whose president seat this membership holds (it took the PRESIDENT tier in it), or null. */
  readonly presidentSeatTerm: number | null;
}

/** Every application of one enterprise to one association: the latest one is `current`. */
export interface MembershipState {
  readonly applications: number;
  readonly current: CurrentMembership | null;
}

export const initialMembershipState: MembershipState = { applications: 0, current: null };

/** Statuses in which a membership is open: at most one per association and enterprise. */
export const OPEN_STATUSES: readonly MembershipStatus[] = ['PENDING', 'ACTIVE', 'SUSPENDED'];

export function evolveMembership(state: MembershipState, event: MembershipEvent): MembershipState {
  if (event.type === 'MembershipApplied') {
    const applicationNumber = state.applications + 1;
    return {
      applications: applicationNumber,
      current: {
        membershipId: event.data.membershipId,
        applicationNumber,
        status: 'PENDING',
        tier: null,
        appliedOn: event.data.appliedOn,
        admittedOn: null,
        certificateNumber: null,
        reminders: [],
        presidentSeatTerm: null,
      },
    };
  }
  const current = state.current;
  if (!current) return state;
  const next = (patch: Partial<CurrentMembership>): MembershipState => ({ ...state, current: { ...current, ...patch } });
  switch (event.type) {
    case 'MembershipAdmitted':
      return next({
        status: 'ACTIVE',
        tier: event.data.tier,
        admittedOn: event.data.admittedOn,
        certificateNumber: event.data.certificateNumber,
      });
    case 'MembershipRejected':
      return next({ status: 'REJECTED' });
    case 'MembershipTierChanged':
      return next({ tier: event.data.tier, presidentSeatTerm: event.data.tier === 'PRESIDENT' ? event.data.councilTerm : null });
    case 'MembershipSanctioned':
      return state;
    case 'MembershipSuspended':
      return next({ status: 'SUSPENDED' });
    case 'MembershipReinstated':
      return next({ status: 'ACTIVE' });
    case 'MembershipReminderSent': {
      const { sentOn, unpaidYears, graceDays } = event.data;
      return next({ reminders: [...current.reminders, { sentOn, unpaidYears, graceDays }] });
    }
    case 'MembershipWithdrawn':
      return next({ status: 'WITHDRAWN' });
    case 'MembershipDeemedWithdrawn':
      return next({ status: 'DEEMED_WITHDRAWN' });
    case 'MembershipExpelled':
      return next({ status: 'EXPELLED' });
  }
}
