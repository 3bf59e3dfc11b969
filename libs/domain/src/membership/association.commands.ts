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
