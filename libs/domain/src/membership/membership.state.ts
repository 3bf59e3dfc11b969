import type { MembershipEvent, MembershipStatus, MembershipTier } from './membership.events.js';

export interface Reminder {
  readonly sentOn: string;
  readonly unpaidYears: readonly number[];
  readonly graceDays: number;
}

/** What every application has, whatever became of it. */
interface ApplicationRecord {
  readonly membershipId: string;
  readonly applicationNumber: number;
  readonly appliedOn: string;
}

/** An application not yet decided: no tier, no certificate, no admission date. */
export interface PendingApplication extends ApplicationRecord {
  readonly status: 'PENDING';
}

/** An application refused: the firm was never a member on it. */
export interface RejectedApplication extends ApplicationRecord {
  readonly status: 'REJECTED';
}

/** Statuses of a firm admitted on the application: a member now (ACTIVE, SUSPENDED), or no longer (the others). */
export type AdmittedStatus = Exclude<MembershipStatus, 'PENDING' | 'REJECTED'>;

/** A firm admitted on this application, a member now or formerly: it has a tier, a certificate and an admission date. */
export interface AdmittedMembership<Status extends AdmittedStatus = AdmittedStatus> extends ApplicationRecord {
  readonly status: Status;
  readonly tier: MembershipTier;
  readonly admittedOn: string;
  readonly certificateNumber: string;
  readonly reminders: readonly Reminder[];
  /**
   * The council term whose president seat this membership holds (it took the PRESIDENT tier in it), or null. An ending
   * keeps it, so a re-sent ending reads the seat stream it released.
   */
  readonly presidentSeatTerm: number | null;
}

/** An admitted firm that is a member now: what sanctions, reminders, withdrawal and expulsion act on. */
export type Member = AdmittedMembership<'ACTIVE' | 'SUSPENDED'>;

/** The latest application of a firm to an association, in whichever status it is. */
export type CurrentMembership = PendingApplication | RejectedApplication | AdmittedMembership;

/** Every application of one enterprise to one association: the latest one is `current`. */
export interface MembershipState {
  readonly applications: number;
  readonly current: CurrentMembership | null;
}

export const initialMembershipState: MembershipState = { applications: 0, current: null };

/** Statuses in which a membership is open: at most one per association and enterprise. */
export const OPEN_STATUSES: readonly MembershipStatus[] = ['PENDING', 'ACTIVE', 'SUSPENDED'];

/** The council term whose president seat the firm's latest membership holds, or null. */
export function presidentSeatTermOf(state: MembershipState): number | null {
  const current = state.current;
  return current !== null && 'presidentSeatTerm' in current ? current.presidentSeatTerm : null;
}

function applicationOf(current: CurrentMembership): ApplicationRecord {
  return { membershipId: current.membershipId, applicationNumber: current.applicationNumber, appliedOn: current.appliedOn };
}

/**
 * Folds one event. Total: an event that does not fit the latest application's status (one the decider never writes,
 * such as a suspension of a pending application) leaves the state as it is.
 */
export function evolveMembership(state: MembershipState, event: MembershipEvent): MembershipState {
  if (event.type === 'MembershipApplied') {
    const applicationNumber = state.applications + 1;
    return {
      applications: applicationNumber,
      current: { membershipId: event.data.membershipId, applicationNumber, status: 'PENDING', appliedOn: event.data.appliedOn },
    };
  }
  const current = state.current;
  if (!current) return state;
  const next = (membership: CurrentMembership): MembershipState => ({ ...state, current: membership });
  switch (event.type) {
    case 'MembershipAdmitted': {
      const { tier, admittedOn, certificateNumber } = event.data;
      return next({ ...applicationOf(current), status: 'ACTIVE', tier, admittedOn, certificateNumber, reminders: [], presidentSeatTerm: null });
    }
    case 'MembershipRejected':
      return next({ ...applicationOf(current), status: 'REJECTED' });
    case 'MembershipSanctioned':
      return state;
  }
  if (current.status === 'PENDING' || current.status === 'REJECTED') return state;
  switch (event.type) {
    case 'MembershipTierChanged':
      return next({ ...current, tier: event.data.tier, presidentSeatTerm: event.data.tier === 'PRESIDENT' ? event.data.councilTerm : null });
    case 'MembershipSuspended':
      return next({ ...current, status: 'SUSPENDED' });
    case 'MembershipReinstated':
      return next({ ...current, status: 'ACTIVE' });
    case 'MembershipReminderSent': {
      const { sentOn, unpaidYears, graceDays } = event.data;
      return next({ ...current, reminders: [...current.reminders, { sentOn, unpaidYears, graceDays }] });
    }
    case 'MembershipWithdrawn':
      return next({ ...current, status: 'WITHDRAWN' });
    case 'MembershipDeemedWithdrawn':
      return next({ ...current, status: 'DEEMED_WITHDRAWN' });
    case 'MembershipExpelled':
      return next({ ...current, status: 'EXPELLED' });
  }
}
