import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FEE_TIERS, POLICY_SIZE_CLASSES, WAIVER_REASONS, type FeeTier, type WaiverReason } from '#domain/dues';
import { CommandPayload } from '../graphql/command.types.js';
import { ConnectionType } from '../graphql/connection.js';
import { handsDownOwner, ownedByItsAssociation, ownerHandedDown, RestrictedField } from '../graphql/field-visibility.js';
import { JSONScalar } from '../graphql/json.scalar.js';
import { FenScalar } from './fen.scalar.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const FeeTierEnum = asEnum(FEE_TIERS);
export const WaiverReasonEnum = asEnum(WAIVER_REASONS);
export const PolicySizeClassEnum = asEnum(POLICY_SIZE_CLASSES);
export const WaiverStatusEnum = asEnum(['REQUESTED', 'APPROVED', 'REJECTED', 'REVOKED'] as const);
export const WaiverAuthorityKindEnum = asEnum(['APPROVAL', 'POLICY'] as const);
export type WaiverAuthorityKind = keyof typeof WaiverAuthorityKindEnum;
/** A staff identity's description: what it is, and who sees it (ADR 0014). */
const STAFF_OF_ASSOCIATION = (what: string) => `Staff: ${what}; null unless the caller is an admin of the association whose record it is, or an auditor.`;

registerEnumType(FeeTierEnum, {
  name: 'FeeTier',
  description: '会长单位 PRESIDENT, 副会长单位 VICE_PRESIDENT, 常务理事单位 EXECUTIVE_DIRECTOR, 理事单位 DIRECTOR, 会员单位 MEMBER, 储备会员 RESERVE.',
});
registerEnumType(WaiverReasonEnum, {
  name: 'WaiverReason',
  description: '小微企业纾困 SMALL_MICRO_RELIEF, 灾害/疫情 DISASTER_EPIDEMIC_RELIEF, 特困走访 HARDSHIP_VISIT, 理事会动议 COUNCIL_MOTION, OTHER.',
});
registerEnumType(PolicySizeClassEnum, { name: 'PolicySizeClass', description: 'Size class a waiver policy singles out.' });
registerEnumType(WaiverStatusEnum, { name: 'WaiverStatus', description: 'REQUESTED → APPROVED or REJECTED; APPROVED → REVOKED.' });
registerEnumType(WaiverAuthorityKindEnum, {
  name: 'WaiverAuthorityKind',
  description: 'APPROVAL: approved by an authorised person who did not request it (maker-checker). POLICY: granted under a waiver policy on its decision.',
});

@ObjectType()
export class TierAmountView {
  @Field(() => FeeTierEnum)
  tier: FeeTier;

  @Field(() => FenScalar)
  annualFen: number;
}

@ObjectType()
export class VoteCountView {
  @Field(() => Int) entitled: number;
  @Field(() => Int) present: number;
  @Field(() => Int) inFavour: number;
  @Field(() => Int) against: number;
  @Field(() => Int) abstaining: number;
}

@ObjectType({ description: 'The decision a dues rule or waiver cites (body, reference number 文号, date, votes).' })
export class DecisionView {
  @Field() body: string;
  @Field() reference: string;
  @Field() decidedOn: string;
  @Field(() => VoteCountView, { nullable: true }) votes: VoteCountView | null;
}

@ObjectType({ description: 'One version of the fee schedule (收费标准).' })
export class FeeScheduleVersionView {
  @Field() associationId: string;
  @Field(() => Int) version: number;
  @Field() effectiveFrom: string;
  @Field(() => [TierAmountView]) amounts: TierAmountView[];
  @Field(() => Int, { nullable: true, description: 'Percent a member admitted in the second half of a year pays.' })
  secondHalfPercent: number | null;
  @Field(() => DecisionView) decision: DecisionView;
  @Field(() => [String]) warnings: string[];
  @Field(() => GraphQLISODateTime) adoptedAt: Date;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF_OF_ASSOCIATION('the user who recorded the adoption') })
  adoptedBy: string | null;
}

@ObjectType({
  description:
    'What a waiver is in effect on: an approval (who approved it, when) or a waiver policy (the policy and the decision that adopted it). Nobody approves a policy grant; its decision is the authority.',
})
export class WaiverAuthorityView {
  @Field(() => WaiverAuthorityKindEnum) kind: WaiverAuthorityKind;
  @RestrictedField(() => String, 'staff', ownerHandedDown, { description: STAFF_OF_ASSOCIATION('the approver of an APPROVAL') })
  approvedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'APPROVAL: when the approval was recorded.' }) approvedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'POLICY: the waiver policy.' }) policyId: string | null;
  @Field(() => String, { nullable: true, description: 'POLICY: its title.' }) policyTitle: string | null;
  @Field(() => DecisionView, { nullable: true, description: 'POLICY: the decision that adopted the policy (body, reference, date, votes).' })
  decision: DecisionView | null;
}

@ObjectType({ description: 'A waiver on a dues account.' })
export class WaiverView {
  @Field(() => ID) waiverId: string;
  @Field() associationId: string;
  @Field() enterpriseCode: string;
  @Field(() => String, { nullable: true, description: "The firm's current name in the enterprise register." }) enterpriseName: string | null;
  @Field(() => Int) year: number;
  @Field(() => WaiverStatusEnum) status: string;
  @Field({ description: 'Asked to waive whatever is unpaid at approval.' }) full: boolean;
  @Field(() => FenScalar, { nullable: true }) requestedFen: number | null;
  @Field(() => FenScalar, { description: 'Amount waived (as of the asOf instant where the query takes one).' }) inEffectFen: number;
  @Field(() => FenScalar) revokedFen: number;
  @Field(() => WaiverReasonEnum) reasonCategory: WaiverReason;
  @Field() reason: string;
  @Field(() => String, { nullable: true }) evidenceReference: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF_OF_ASSOCIATION('who requested it') }) requestedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) requestedAt: Date | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, {
    description: STAFF_OF_ASSOCIATION('who approved it (maker-checker); null for a policy grant, which nobody approves'),
  })
  approvedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the approval was recorded; null for a policy grant.' })
  approvedAt: Date | null;
  @Field(() => WaiverAuthorityView, {
    nullable: true,
    description: 'What the waiver is in effect on; null while requested, or once rejected.',
    middleware: [handsDownOwner(ownedByItsAssociation)],
  })
  authority: WaiverAuthorityView | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, {
    description: STAFF_OF_ASSOCIATION('who recorded the event that put the waiver in effect: the approver, or the operator who applied the policy'),
  })
  recordedBy: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When that event was recorded.' }) recordedAt: Date | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF_OF_ASSOCIATION('who rejected it') }) rejectedBy: string | null;
  @Field(() => String, { nullable: true }) rejectionReason: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF_OF_ASSOCIATION('who revoked it') }) revokedBy: string | null;
  @Field(() => String, { nullable: true }) revocationReason: string | null;
  @Field(() => String, { nullable: true, description: 'The waiver policy it was granted under, if any.' }) policyId: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'The decision of the policy it was granted under.' }) decision: unknown;
}

export const WaiverConnection = ConnectionType(WaiverView, 'Waiver');

@ObjectType()
export class PaymentView {
  @Field() receiptNumber: string;
  @Field() enterpriseCode: string;
  @Field(() => Int) year: number;
  @Field(() => FenScalar) amountFen: number;
  @Field() paidOn: string;
  @Field(() => GraphQLISODateTime) recordedAt: Date;
  @RestrictedField(() => String, 'staff', ownerHandedDown, { description: STAFF_OF_ASSOCIATION('who recorded the payment') })
  recordedBy: string | null;
}

@ObjectType({ description: "One year of a member's dues." })
export class DuesYearView {
  @Field() associationId: string;
  @Field() enterpriseCode: string;
  @Field(() => Int) year: number;
  @Field(() => FeeTierEnum) tier: FeeTier;
  @Field(() => Int, { description: 'Fee schedule version the invoice was computed under.' }) scheduleVersion: number;
  @Field(() => Int, { nullable: true }) proRatedPercent: number | null;
  @Field(() => FenScalar) invoicedFen: number;
  @Field(() => FenScalar) paidFen: number;
  @Field(() => FenScalar) waivedFen: number;
  @Field(() => FenScalar) balanceFen: number;
  @Field(() => [PaymentView], { middleware: [handsDownOwner(ownedByItsAssociation)] }) payments: PaymentView[];
  @Field(() => [WaiverView], { description: 'Waivers in effect (with reason and approver) or awaiting a decision.' }) waivers: WaiverView[];
}

@ObjectType({
  description:
    "A member's dues statement (会费对账单), year by year. Asked for a code that is malformed, not registered or never a member of the association, the query is refused instead (BAD_USER_INPUT or NOT_FOUND).",
})
export class DuesStatement {
  @Field() associationId: string;
  @Field({ description: 'The code as the register writes it (trimmed, upper case).' }) enterpriseCode: string;
  @Field(() => String, { nullable: true, description: "The firm's current name in the enterprise register." }) enterpriseName: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Membership status (PENDING, ACTIVE, SUSPENDED, WITHDRAWN, …) on `effectiveAt` as recorded by `asOf`; null: no membership in effect then, as far as was recorded.',
  })
  membershipStatus: string | null;
  @Field(() => GraphQLISODateTime, { description: 'The knowledge instant the statement describes: only what was recorded by then counts.' }) asOf: Date;
  @Field({ description: 'The business date (YYYY-MM-DD) the amounts are on: payments paid and waivers approved by that day.' }) effectiveAt: string;
  @Field(() => [DuesYearView]) years: DuesYearView[];
  @Field(() => FenScalar) balanceFen: number;
}

@ObjectType()
export class ReasonTotal {
  @Field(() => WaiverReasonEnum) reasonCategory: WaiverReason;
  @Field(() => FenScalar) amountFen: number;
  @Field(() => Int) waivers: number;
}

@ObjectType({ description: 'A tier of the report; lists of them run from PRESIDENT down to RESERVE (the membership tiers in rank order).' })
export class TierTotal {
  @Field() tier: string;
  @Field(() => Int) count: number;
  @Field(() => FenScalar, { nullable: true, description: 'Dues invoiced for the year (as recorded at `asOf`) to the accounts or members counted.' })
  invoicedFen: number | null;
}

@ObjectType({ description: 'Dues figures for the annual work report (年度工作报告).' })
export class DuesAnnualReport {
  @Field() associationId: string;
  @Field(() => Int) year: number;
  @Field(() => GraphQLISODateTime) asOf: Date;
  @Field(() => Int) accountsInvoiced: number;
  @Field(() => FenScalar) invoicedFen: number;
  @Field(() => FenScalar) collectedFen: number;
  @Field(() => FenScalar) waivedFen: number;
  @Field(() => FenScalar) outstandingFen: number;
  @Field(() => [ReasonTotal], { description: 'Total dues waived, by reason.' }) waivedByReason: ReasonTotal[];
  @Field(() => [TierTotal], { description: 'Accounts invoiced and amounts by the tier on the invoice, in rank order.' }) invoicedByTier: TierTotal[];
  @Field(() => [TierTotal], {
    description:
      "Members active at `asOf` by their tier then (from the membership register's history), in rank order, with the year's dues invoiced to them.",
  })
  membersByTier: TierTotal[];
}

@ObjectType({ description: "A member's dues arrears: completed years still unpaid." })
export class ArrearsView {
  @Field() enterpriseCode: string;
  @Field(() => String, { nullable: true, description: "The firm's name on `effectiveAt` as the enterprise register had recorded it by `asOf`." })
  enterpriseName: string | null;
  @Field(() => [Int]) unpaidYears: number[];
  @Field(() => Int) unpaidYearCount: number;
  @Field(() => FenScalar) owedFen: number;
  @Field(() => String, { nullable: true, description: 'Membership status on `effectiveAt` as recorded by `asOf` (from the membership register).' })
  membershipStatus: string | null;
}

export const ArrearsConnection = ConnectionType(ArrearsView, 'Arrears');

@ObjectType()
export class DeemedWithdrawalCandidates {
  @Field(() => Int, { description: "Unpaid years after which the charter deems a member withdrawn." }) charterYears: number;
  @Field(() => GraphQLISODateTime, { description: 'The knowledge instant answered for.' }) asOf: Date;
  @Field({ description: 'The business date (YYYY-MM-DD) answered for.' }) effectiveAt: string;
  @Field(() => [ArrearsView]) members: ArrearsView[];
}

@ObjectType({ description: 'A waiver policy (减免政策) with what it granted so far.' })
export class WaiverPolicyView {
  @Field(() => ID) policyId: string;
  @Field() associationId: string;
  @Field(() => Int) year: number;
  @Field() title: string;
  @Field(() => WaiverReasonEnum) reasonCategory: WaiverReason;
  @Field() reason: string;
  @Field(() => Int) defaultPercent: number;
  @Field(() => JSONScalar) sizeClassPercents: unknown;
  @Field(() => DecisionView) decision: DecisionView;
  @Field(() => Int) waiversGranted: number;
  @Field(() => FenScalar) waivedFen: number;
}

@ObjectType({ description: 'The outcome of a dues command on one stream.' })
export class DuesCommandPayload extends CommandPayload {
  @Field(() => [String], { description: 'Accepted, but worth a second look (e.g. more than four tiers).' }) warnings: string[];
  @Field(() => DuesYearView, { nullable: true, description: 'The account after the command (account commands).' }) account: DuesYearView | null;
  @Field(() => WaiverView, { nullable: true }) waiver: WaiverView | null;
  @Field(() => FeeScheduleVersionView, { nullable: true }) feeSchedule: FeeScheduleVersionView | null;
  @Field(() => WaiverPolicyView, { nullable: true }) waiverPolicy: WaiverPolicyView | null;
}

@ObjectType()
export class BulkRefusal {
  @Field() enterpriseCode: string;
  @Field() rule: string;
  @Field() message: string;
}

@ObjectType({ description: 'The outcome of a bulk dues command: one event per account, idempotent when re-run.' })
export class DuesBulkPayload {
  @Field(() => Int, { description: 'Accounts considered.' }) considered: number;
  @Field(() => Int, { description: 'Accounts where this run wrote an event.' }) written: number;
  @Field(() => Int, { description: 'Accounts already done (a re-run, or nothing to do).' }) unchanged: number;
  @Field(() => Int) refused: number;
  @Field(() => [BulkRefusal], { description: 'Why accounts were refused (at most 100 listed).' }) refusals: BulkRefusal[];
  @Field(() => FenScalar, { description: 'Total amount of the events this run wrote.' }) amountFen: number;
  @Field() readModelCurrent: boolean;
}
