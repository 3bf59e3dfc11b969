import { type DecidingBody, defineStreamKind, type DomainEvent } from '../shared/index.js';

/** The charter (章程) settings the register enforces. */
export interface Charter {
  /** Years of unpaid dues after which a member may be deemed to have withdrawn (1 or 2). */
  readonly deemedWithdrawalYears: 1 | 2;
  /** Days a dues reminder must go unanswered before deemed withdrawal (default 30). */
  readonly reminderGraceDays: number;
  /** Bodies whose decision may admit a member. */
  readonly admissionBodies: readonly DecidingBody[];
}

export type AssociationRegistered = DomainEvent<
  'AssociationRegistered',
  {
    readonly associationId: string;
    readonly name: string;
    readonly regionCode: string;
    readonly charter: Charter;
    /** User ids authorised to approve dues waivers at registration. */
    readonly waiverApprovers: readonly string[];
  }
>;

export type WaiverApproverGranted = DomainEvent<
  'WaiverApproverGranted',
  { readonly associationId: string; readonly userId: string; readonly reason: string | null; readonly effectiveFrom: string }
>;

export type WaiverApproverRevoked = DomainEvent<
  'WaiverApproverRevoked',
  { readonly associationId: string; readonly userId: string; readonly reason: string | null; readonly effectiveFrom: string }
>;

export type CouncilTermRecorded = DomainEvent<
  'CouncilTermRecorded',
  { readonly associationId: string; readonly termNumber: number; readonly startsOn: string; readonly endsOn: string }
>;

export type AssociationEvent = AssociationRegistered | WaiverApproverGranted | WaiverApproverRevoked | CouncilTermRecorded;

export const ASSOCIATION_EVENT_TYPES: readonly AssociationEvent['type'][] = [
  'AssociationRegistered',
  'WaiverApproverGranted',
  'WaiverApproverRevoked',
  'CouncilTermRecorded',
];

/** `association-<association id>`: the association, its charter, waiver approvers and council terms. */
export const AssociationStream = defineStreamKind<[associationId: string]>('association', ['associationId']);

export function associationStreamId(associationId: string): string {
  return AssociationStream.id(associationId);
}
