import type { DecidingBody } from '../shared/index.js';

export interface RegisterAssociation {
  readonly type: 'RegisterAssociation';
  readonly associationId: string;
  readonly name: string;
  readonly regionCode: string;
  readonly deemedWithdrawalYears: number;
  readonly reminderGraceDays?: number | null;
  readonly admissionBodies: readonly string[];
  readonly waiverApprovers?: readonly string[] | null;
}

export interface GrantWaiverApprover {
  readonly type: 'GrantWaiverApprover';
  readonly associationId: string;
  readonly userId: string;
  readonly reason?: string | null;
  readonly effectiveFrom?: string | null;
}

export interface RevokeWaiverApprover {
  readonly type: 'RevokeWaiverApprover';
  readonly associationId: string;
  readonly userId: string;
  readonly reason?: string | null;
  readonly effectiveFrom?: string | null;
}

export interface RecordCouncilTerm {
  readonly type: 'RecordCouncilTerm';
  readonly associationId: string;
  readonly termNumber: number;
  readonly startsOn: string;
  readonly endsOn: string;
}

export type AssociationCommand = RegisterAssociation | GrantWaiverApprover | RevokeWaiverApprover | RecordCouncilTerm;

/** A registration as its parse step returns it: the charter's settings checked, defaults filled, bodies named once. */
export type ParsedRegisterAssociation = Omit<RegisterAssociation, 'deemedWithdrawalYears' | 'reminderGraceDays' | 'admissionBodies' | 'waiverApprovers'> & {
  readonly deemedWithdrawalYears: 1 | 2;
  readonly reminderGraceDays: number;
  readonly admissionBodies: readonly DecidingBody[];
  readonly waiverApprovers: readonly string[];
};

/** The association commands as the decider decides on them, after the parse step. */
export type ParsedAssociationCommand = ParsedRegisterAssociation | GrantWaiverApprover | RevokeWaiverApprover | RecordCouncilTerm;
