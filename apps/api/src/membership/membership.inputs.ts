import { AssociationCommandInput } from '../graphql/command.types.js';
import { DecisionRecordInput } from '../graphql/decision.input.js';
import { ArgsType, Field, GraphQLISODateTime, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DECIDING_BODIES } from '#domain/shared';
import { SIZE_CLASSES, type SizeClass } from '#domain/enterprise';
import {
  ELECTION_OFFICES,
  MEMBERSHIP_STATUSES,
  MEMBERSHIP_TIERS,
  SANCTION_KINDS,
  type ElectionOffice,
  type MembershipStatus,
  type MembershipTier,
  type SanctionKind,
} from '#domain/membership';
import { SizeClassEnum } from '../enterprise/enterprise.types.js';
import { ElectionOfficeEnum, MembershipStatusEnum, MembershipTierEnum, SanctionKindEnum } from './membership.types.js';
import { IsAssociationId, IsFreeText, IsLineText } from '../graphql/identifier.validators.js';

// Shape limits only; the deciders own the rules and give the precise messages.
const TEXT_LIMIT = 2000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'must be a date written YYYY-MM-DD.';

@InputType({ isAbstract: true })
abstract class MembershipInput extends AssociationCommandInput {
  @Field({ description: 'Unified social credit code of the member firm.' })
  @IsString()
  @IsLineText()
  @MaxLength(18, { message: 'The unified social credit code has 18 characters.' })
  enterpriseCode: string;
}

@InputType()
export class RegisterAssociationInput extends AssociationCommandInput {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(200)
  name: string;

  @Field({ description: '6-digit administrative division code.' })
  @IsString()
  @IsLineText()
  @MaxLength(6)
  regionCode: string;

  @Field(() => Int, { description: 'Charter: unpaid years before deemed withdrawal, 1 or 2.' })
  @IsInt()
  deemedWithdrawalYears: number;

  @Field(() => Int, { nullable: true, description: 'Charter: days a dues reminder may go unanswered (default 30).' })
  @IsOptional()
  @IsInt()
  reminderGraceDays?: number | null;

  @Field(() => [String], { description: `Bodies that may admit members: ${DECIDING_BODIES.join(', ')}.` })
  @ArrayMaxSize(DECIDING_BODIES.length)
  @IsString({ each: true })
  @IsLineText({ each: true })
  @MaxLength(40, { each: true })
  admissionBodies: string[];

  @Field(() => [String], { nullable: true, description: 'User ids authorised to approve dues waivers.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsLineText({ each: true })
  @MaxLength(100, { each: true })
  waiverApprovers?: string[] | null;
}

@InputType()
export class WaiverApproverInput extends AssociationCommandInput {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  userId: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom?: string | null;
}

@InputType()
export class RecordCouncilTermInput extends AssociationCommandInput {
  @Field(() => Int, { description: 'Term number (第N届).' })
  @IsInt()
  termNumber: number;

  @Field()
  @Matches(DATE, { message: DATE_MESSAGE })
  startsOn: string;

  @Field()
  @Matches(DATE, { message: DATE_MESSAGE })
  endsOn: string;
}

@InputType()
export class ApplyForMembershipInput extends MembershipInput {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  appliedOn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  note?: string | null;
}

@InputType()
export class AdmitMemberInput extends MembershipInput {
  @Field(() => MembershipTierEnum, { description: 'MEMBER or RESERVE.' })
  @IsIn(MEMBERSHIP_TIERS)
  tier: MembershipTier;

  @Field({ description: 'Membership certificate number (会员证书编号), unique in the association.' })
  @IsString()
  @IsLineText({ nfkc: true })
  @MaxLength(64)
  certificateNumber: string;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD (default: the decision's date)." })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  admittedOn?: string | null;

  @Field(() => DecisionRecordInput)
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType()
export class RejectApplicationInput extends MembershipInput {
  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  rejectedOn?: string | null;

  @Field(() => DecisionRecordInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision?: DecisionRecordInput | null;
}

@InputType()
export class ChangeMembershipTierInput extends MembershipInput {
  @Field(() => MembershipTierEnum)
  @IsIn(MEMBERSHIP_TIERS)
  tier: MembershipTier;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD (default: the decision's date)." })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom?: string | null;

  @Field(() => DecisionRecordInput, { description: 'Above MEMBER: a council or general-assembly vote with quorum and majority.' })
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType({ isAbstract: true })
abstract class DecidedChangeInput extends MembershipInput {
  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom?: string | null;

  @Field(() => DecisionRecordInput)
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType()
export class SanctionMemberInput extends DecidedChangeInput {
  @Field(() => SanctionKindEnum)
  @IsIn(SANCTION_KINDS)
  kind: SanctionKind;
}

@InputType()
export class SuspendMembershipInput extends DecidedChangeInput {}

@InputType()
export class ReinstateMembershipInput extends DecidedChangeInput {}

@InputType({ description: 'Expulsion (除名): a council vote with quorum and majority.' })
export class ExpelMemberInput extends DecidedChangeInput {}

@InputType()
export class RecordMembershipReminderInput extends MembershipInput {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  sentOn?: string | null;

  @Field(() => [Int], { description: 'The unpaid years the reminder cites.' })
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  unpaidYears: number[];

  @Field(() => Int, { nullable: true, description: "Days to answer (default: the charter's grace period)." })
  @IsOptional()
  @IsInt()
  graceDays?: number | null;
}

@InputType()
export class WithdrawMembershipInput extends MembershipInput {
  @Field({ description: 'Date of the written notice (书面退会申请), YYYY-MM-DD.' })
  @Matches(DATE, { message: DATE_MESSAGE })
  noticeDate: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: the notice date).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason?: string | null;
}

@InputType({ description: 'Deemed withdrawal (自动退会): the unpaid years are read from the dues accounts.' })
export class DeemMembershipWithdrawnInput extends MembershipInput {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(DATE, { message: DATE_MESSAGE })
  effectiveFrom?: string | null;
}

@InputType()
export class CandidateVotesInput {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(18)
  enterpriseCode: string;

  @Field(() => Int)
  @IsInt()
  votes: number;
}

@InputType()
export class RecordCouncilElectionInput extends AssociationCommandInput {
  @Field(() => Int)
  @IsInt()
  termNumber: number;

  @Field(() => ElectionOfficeEnum)
  @IsIn(ELECTION_OFFICES)
  office: ElectionOffice;

  @Field(() => Int)
  @IsInt()
  seats: number;

  @Field(() => [CandidateVotesInput])
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CandidateVotesInput)
  candidates: CandidateVotesInput[];

  @Field(() => [CandidateVotesInput], { nullable: true, description: 'Run-off votes among the candidates tied at the last seat.' })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => CandidateVotesInput)
  runOff?: CandidateVotesInput[] | null;

  @Field(() => DecisionRecordInput, { description: 'The sitting (general assembly or council) with its attendance.' })
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType({ description: 'Filters for the member directory; all given filters must hold.' })
export class MemberDirectoryFilter {
  @Field(() => MembershipTierEnum, { nullable: true })
  @IsOptional()
  @IsIn(MEMBERSHIP_TIERS)
  tier?: MembershipTier | null;

  @Field(() => MembershipStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(MEMBERSHIP_STATUSES)
  status?: MembershipStatus | null;

  @Field(() => String, { nullable: true, description: "Division code of the firm's registered address: province, city or district." })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code.' })
  region?: string | null;

  @Field(() => SizeClassEnum, { nullable: true })
  @IsOptional()
  @IsIn(SIZE_CLASSES)
  sizeClass?: SizeClass | null;

  @Field(() => String, { nullable: true, description: 'Part of the firm\'s current name.' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  nameContains?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True: members with dues unpaid for a completed year (before this year); false: members with none.',
  })
  @IsOptional()
  @IsBoolean()
  inArrears?: boolean | null;
}

@ArgsType()
export class MembershipKeyArgs {
  @Field()
  @IsAssociationId()
  associationId: string;

  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(18)
  enterpriseCode: string;
}

@ArgsType()
export class MembershipAsOfArgs extends MembershipKeyArgs {
  @Field(() => GraphQLISODateTime, {
    description:
      'Knowledge instant: only what the register had recorded by then counts (not in the future). A change recorded later, even one dated back, does not change what this `asOf` answers.',
  })
  @IsDate()
  asOf: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'Business date (YYYY-MM-DD, China) the standing is asked for: the latest recorded change in effect that day (default: the date of `asOf` in China). A change back-dated before it counts once `asOf` is after its recording.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  effectiveAt?: string | null;
}

@ArgsType()
export class AssociationIdArgs {
  @Field()
  @IsAssociationId()
  associationId: string;
}

@ArgsType()
export class CouncilElectionsArgs extends AssociationIdArgs {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  termNumber?: number | null;
}
