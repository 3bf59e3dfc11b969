import { AssociationCommandInput } from '../graphql/command.types.js';
import { DecisionRecordInput } from '../graphql/decision.input.js';
import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { FEE_TIERS, POLICY_SIZE_CLASSES, WAIVER_REASONS, type FeeTier, type PolicySizeClass, type WaiverReason } from '#domain/dues';
import { FenScalar } from './fen.scalar.js';
import { FeeTierEnum, PolicySizeClassEnum, WaiverReasonEnum } from './dues.types.js';
import { IsAssociationId, IsFreeText, IsLineText } from '../graphql/identifier.validators.js';

// Shape limits only; the deciders own the rules and give the precise messages.
const TEXT_LIMIT = 2000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'must be a date written YYYY-MM-DD.';

@InputType()
export class TierAmountInput {
  @Field(() => FeeTierEnum)
  @IsIn(FEE_TIERS)
  tier: FeeTier;

  @Field(() => FenScalar, { description: 'Annual dues in whole fen (e.g. 200000 for ¥2,000.00).' })
  @IsNumber()
  annualFen: number;
}

@InputType()
export class AdoptFeeScheduleInput extends AssociationCommandInput {
  @Field(() => [TierAmountInput])
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TierAmountInput)
  amounts: TierAmountInput[];

  @Field(() => Int, { nullable: true, description: 'Percent a member admitted in July or later pays in its first year (e.g. 50).' })
  @IsOptional()
  @IsInt()
  secondHalfPercent?: number | null;

  @Field()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom: string;

  @Field(() => DecisionRecordInput, { description: 'The general assembly decision (会员大会决议).' })
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType({ isAbstract: true })
abstract class AccountInput extends AssociationCommandInput {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(18)
  enterpriseCode: string;

  @Field(() => Int)
  @IsInt()
  year: number;
}

@InputType()
export class IssueDuesInvoiceInput extends AccountInput {}

@InputType()
export class InvoiceDuesYearInput {
  @Field()
  @IsAssociationId()
  associationId: string;

  @Field(() => Int)
  @IsInt()
  year: number;
}

@InputType()
export class RecordDuesPaymentInput extends AccountInput {
  @Field({ description: 'Receipt number (收据号), unique within the association.' })
  @IsString()
  @IsLineText({ nfkc: true })
  @MaxLength(64)
  receiptNumber: string;

  @Field(() => FenScalar)
  @IsNumber()
  amountFen: number;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  paidOn?: string | null;
}

@InputType()
export class RequestDuesWaiverInput extends AccountInput {
  @Field(() => Boolean, { nullable: true, description: 'Waive whatever is unpaid when approved (instead of amountFen).' })
  @IsOptional()
  @IsBoolean()
  full?: boolean | null;

  @Field(() => FenScalar, { nullable: true })
  @IsOptional()
  @IsNumber()
  amountFen?: number | null;

  @Field(() => WaiverReasonEnum)
  @IsIn(WAIVER_REASONS)
  reasonCategory: WaiverReason;

  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;

  @Field(() => String, { nullable: true, description: 'Where the evidence is filed (e.g. visit record number).' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(200)
  evidenceReference?: string | null;
}

@InputType({ isAbstract: true })
abstract class WaiverDecisionInput extends AccountInput {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(64)
  waiverId: string;
}

@InputType()
export class ApproveDuesWaiverInput extends WaiverDecisionInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  note?: string | null;
}

@InputType()
export class RejectDuesWaiverInput extends WaiverDecisionInput {
  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;
}

@InputType()
export class RevokeDuesWaiverInput extends WaiverDecisionInput {
  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;

  @Field(() => FenScalar, { nullable: true, description: 'Revoke only this much of the waiver (default: all of it).' })
  @IsOptional()
  @IsNumber()
  amountFen?: number | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom?: string | null;
}

@InputType()
export class SizeClassPercentInput {
  @Field(() => PolicySizeClassEnum)
  @IsIn(POLICY_SIZE_CLASSES)
  sizeClass: PolicySizeClass;

  @Field(() => Int)
  @IsInt()
  percent: number;
}

@InputType()
export class AdoptWaiverPolicyInput extends AssociationCommandInput {
  @Field({ description: 'Your id for the policy, e.g. relief-2020 (letters, digits, . _ -).' })
  @IsString()
  @IsLineText()
  @MaxLength(64)
  policyId: string;

  @Field(() => Int)
  @IsInt()
  year: number;

  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(200)
  title: string;

  @Field(() => WaiverReasonEnum)
  @IsIn(WAIVER_REASONS)
  reasonCategory: WaiverReason;

  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;

  @Field(() => Int, { description: 'Percent of every invoice of the year waived (0–100).' })
  @IsInt()
  defaultPercent: number;

  @Field(() => [SizeClassPercentInput], { nullable: true, description: 'Other percents for firms of these size classes.' })
  @IsOptional()
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => SizeClassPercentInput)
  sizeClassPercents?: SizeClassPercentInput[] | null;

  @Field(() => DecisionRecordInput)
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType()
export class ApplyWaiverPolicyInput {
  @Field()
  @IsAssociationId()
  associationId: string;

  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(64)
  policyId: string;
}

@ArgsType()
export class AssociationArgs {
  @Field()
  @IsAssociationId()
  associationId: string;
}

@ArgsType()
export class AssociationYearArgs extends AssociationArgs {
  @Field(() => Int)
  @IsInt()
  year: number;
}

@ArgsType()
export class StatementArgs extends AssociationArgs {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(18)
  enterpriseCode: string;
}
