import { DecisionRecordInput } from '../graphql/decision.input.js';
import { AssociationCommandInput } from '../graphql/command.types.js';
import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import {
  CONDUCT_KINDS,
  CONDUCT_SEVERITIES,
  type ConductKind,
  type ConductSeverity,
  DYNAMIC_ACTIONS,
  type DynamicAction,
  ELIGIBILITIES,
  type Eligibility,
  SCORING_BODIES,
  type ScoringBody,
  SUBJECT_KINDS,
  type SubjectKind,
  VETO_EFFECTS,
  type VetoEffect,
} from '#domain/credit';
import { EXPERT_ID } from '#domain/experts';
import {
  ConductKindEnum,
  ConductSeverityEnum,
  DynamicActionEnum,
  EligibilityEnum,
  ObjectionOutcomeEnum,
  ReviewOutcomeEnum,
  ScoringBodyEnum,
  SubjectKindEnum,
  VetoEffectEnum,
} from './credit.types.js';
import { WithinBulkBudget } from '../graphql/bulk-budget.js';
import { IsAssociationId, IsFreeText, IsLineText } from '../graphql/identifier.validators.js';

// Shape limits only; the deciders own the rules and give the precise, field-level messages.
const TEXT = 2000;

@InputType()
export class CreditIndicatorInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) code: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) name: string;
  @Field() @IsString() @IsLineText() @MaxLength(100) category: string;
  @Field(() => Int) @IsInt() maxPoints: number;
  @Field(() => ScoringBodyEnum) @IsIn(SCORING_BODIES) body: ScoringBody;
  @Field({ defaultValue: false }) @IsBoolean() evidenceRequired: boolean;
}

@InputType()
export class GradeThresholdInput {
  @Field() @IsString() @IsLineText() @MaxLength(8) grade: string;
  @Field(() => Int) @IsInt() minPoints: number;
}

@InputType()
export class VetoRuleInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) conductCode: string;
  @Field(() => VetoEffectEnum) @IsIn(VETO_EFFECTS) effect: VetoEffect;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(8) capGrade?: string | null;
}

@InputType()
export class DynamicRuleInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) conductCode: string;
  @Field(() => DynamicActionEnum) @IsIn(DYNAMIC_ACTIONS) action: DynamicAction;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() levels?: number | null;
}

@InputType({ description: 'A version of a credit rulebook (评价办法).' })
export class DefineCreditRulebookInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) rulebookId: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) title: string;
  @Field() @IsString() @IsLineText() @MaxLength(100) referenceNumber: string;
  @Field() @IsString() @IsLineText() @MaxLength(10) effectiveFrom: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) effectiveTo?: string | null;
  @Field(() => SubjectKindEnum) @IsIn(SUBJECT_KINDS) subjectKind: SubjectKind;
  @Field(() => [CreditIndicatorInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => CreditIndicatorInput) indicators: CreditIndicatorInput[];
  @Field(() => [GradeThresholdInput]) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => GradeThresholdInput) thresholds: GradeThresholdInput[];
  @Field(() => Int) @IsInt() validityYears: number;
  @Field(() => Int, { nullable: true, description: 'Days of public notice (公示); default 7.' }) @IsOptional() @IsInt() noticeDays?: number | null;
  @Field(() => [VetoRuleInput], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => VetoRuleInput) vetoRules?: VetoRuleInput[] | null;
  @Field(() => [DynamicRuleInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DynamicRuleInput)
  dynamicRules?: DynamicRuleInput[] | null;
}

@InputType({ description: 'Replaces a version no cycle uses yet.' })
export class AmendCreditRulebookInput extends DefineCreditRulebookInput {
  @Field(() => Int) @IsInt() version: number;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reason: string;
}

@InputType()
export class OpenCreditCycleInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) cycleId: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) title: string;
  @Field() @IsString() @IsLineText() @MaxLength(64) rulebookId: string;
  @Field(() => Int) @IsInt() rulebookVersion: number;
  @Field() @IsString() @IsLineText() @MaxLength(10) assessmentFrom: string;
  @Field() @IsString() @IsLineText() @MaxLength(10) assessmentTo: string;
  @Field() @IsString() @IsLineText() @MaxLength(10) filingFrom: string;
  @Field() @IsString() @IsLineText() @MaxLength(10) filingTo: string;
  @Field(() => EligibilityEnum) @IsIn(ELIGIBILITIES) eligibility: Eligibility;
}

@InputType()
export class AssignCreditScorerInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) cycleId: string;
  @Field(() => String, { nullable: true, description: 'A staff scorer (e.g. a department officer) by the user id they sign in with. Give this or expertId, not both.' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  scorerId?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      "An expert of the association's pool (EXP and 16 characters), instead of scorerId: the expert must be active and have a sign-in user id; " +
      'their user id and employer are read from the pool. Their assignment and each of their scores are recorded in the expert history.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(19)
  @Matches(EXPERT_ID, { message: 'must be an expert id: EXP and 16 characters of Crockford base32.' })
  expertId?: string | null;
  @Field(() => ScoringBodyEnum) @IsIn(SCORING_BODIES) body: ScoringBody;
  @Field(() => String, { nullable: true, description: "Credit code of a staff scorer's employer (conflict of interest); not given with expertId." })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(18)
  employerCode?: string | null;
}

@InputType()
export class CreditCycleRefInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) cycleId: string;
}

@InputType()
export class CreditApplicationRefInput extends CreditCycleRefInput {
  @Field() @IsString() @IsLineText() @MaxLength(32) subjectId: string;
}

@InputType()
export class IndicatorPointsInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) code: string;
  @Field(() => Int) @IsInt() points: number;
}

@InputType()
export class FileCreditApplicationInput extends CreditApplicationRefInput {
  @Field(() => [IndicatorPointsInput], { description: 'The applicant’s self-assessment (自评).' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => IndicatorPointsInput)
  selfAssessment: IndicatorPointsInput[];
}

@InputType()
export class CreditApplicantInput {
  @Field() @IsString() @IsLineText() @MaxLength(32) subjectId: string;
  @Field(() => [IndicatorPointsInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => IndicatorPointsInput) selfAssessment: IndicatorPointsInput[];
}

@InputType()
export class FileCreditApplicationsInput extends CreditCycleRefInput {
  @Field(() => [CreditApplicantInput])
  @ArrayMaxSize(1000)
  @WithinBulkBudget({ list: 'selfAssessment', maxItems: 10_000 })
  @ValidateNested({ each: true })
  @Type(() => CreditApplicantInput)
  applications: CreditApplicantInput[];
}

@InputType()
export class IndicatorScoreInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) code: string;
  @Field(() => Int) @IsInt() points: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(500) evidenceReference?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsFreeText() @MaxLength(TEXT) note?: string | null;
}

@InputType()
export class ScoreCreditIndicatorsInput extends CreditApplicationRefInput {
  @Field(() => [IndicatorScoreInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => IndicatorScoreInput) scores: IndicatorScoreInput[];
}

@InputType()
export class ApplicationScoresInput {
  @Field() @IsString() @IsLineText() @MaxLength(32) subjectId: string;
  @Field(() => [IndicatorScoreInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => IndicatorScoreInput) scores: IndicatorScoreInput[];
}

@InputType({ description: "One scorer's scores for many applications of a cycle: one command (and one event per indicator) per application." })
export class ScoreCreditApplicationsInput extends CreditCycleRefInput {
  @Field(() => [ApplicationScoresInput])
  @ArrayMaxSize(1000)
  @WithinBulkBudget({ list: 'scores', maxItems: 5_000, textFields: ['evidenceReference', 'note'], maxTextCharacters: 600_000 })
  @ValidateNested({ each: true })
  @Type(() => ApplicationScoresInput)
  applications: ApplicationScoresInput[];
}

@InputType()
export class RequestCreditGradeOverrideInput extends CreditApplicationRefInput {
  @Field(() => String, { nullable: true, description: 'The grade to give; null for no grade.' }) @IsOptional() @IsString() @IsLineText() @MaxLength(8) toGrade: string | null;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reason: string;
  @Field(() => DecisionRecordInput, { description: 'The credit committee decision (信评委).' }) @ValidateNested() @Type(() => DecisionRecordInput) decision: DecisionRecordInput;
}

@InputType()
export class StartCreditNoticeInput extends CreditApplicationRefInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) startsOn?: string | null;
}

@InputType()
export class StartCreditNoticesInput extends CreditCycleRefInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) startsOn?: string | null;
}

@InputType()
export class FileCreditObjectionInput extends CreditApplicationRefInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) objectionId: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) objector: string;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) grounds: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(500) evidenceReference?: string | null;
}

@InputType()
export class ResolveCreditObjectionInput extends CreditApplicationRefInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) objectionId: string;
  @Field(() => ObjectionOutcomeEnum) @IsIn(['UPHELD', 'DISMISSED']) outcome: 'UPHELD' | 'DISMISSED';
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reasons: string;
}

@InputType()
export class IssueCreditRatingInput extends CreditApplicationRefInput {
  @Field() @IsString() @IsLineText({ nfkc: true }) @MaxLength(40) certificateNumber: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) validFrom?: string | null;
}

@InputType()
export class IssueCreditRatingsInput extends CreditCycleRefInput {
  @Field({ description: 'Certificates are numbered <prefix>-0001 … by the subject’s place in the cycle.' }) @IsString() @IsLineText() @MaxLength(30) certificatePrefix: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) validFrom?: string | null;
}

@InputType()
export class ReviewCreditRatingInput extends CreditApplicationRefInput {
  @Field(() => Int) @IsInt() reviewYear: number;
  @Field(() => ReviewOutcomeEnum) @IsIn(['CONFIRMED', 'DOWNGRADED']) outcome: 'CONFIRMED' | 'DOWNGRADED';
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() levels?: number | null;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reason: string;
}

@InputType()
export class ReinstateCreditRatingInput extends CreditApplicationRefInput {
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reason: string;
  @Field(() => DecisionRecordInput) @ValidateNested() @Type(() => DecisionRecordInput) decision: DecisionRecordInput;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) effectiveFrom?: string | null;
}

@InputType({ description: 'A conduct record (不良/良好行为) from the association or another authority.' })
export class RecordCreditConductInput {
  @Field(() => String, { nullable: true }) @IsOptional() @IsUUID() commandId?: string | null;
  @Field({ description: 'The association recording it: the record changes only the ratings this association issued.' }) @IsAssociationId()
  associationId: string;
  @Field() @IsString() @IsLineText() @MaxLength(32) subjectId: string;
  @Field() @IsString() @IsLineText() @MaxLength(64) recordId: string;
  @Field({ description: 'e.g. MAJOR_SAFETY_ACCIDENT, WAGE_ARREARS, BRIBERY, BLACKLISTED, FALSE_MATERIALS.' }) @IsString() @IsLineText() @MaxLength(40) code: string;
  @Field(() => ConductKindEnum) @IsIn(CONDUCT_KINDS) kind: ConductKind;
  @Field(() => ConductSeverityEnum) @IsIn(CONDUCT_SEVERITIES) severity: ConductSeverity;
  @Field() @IsString() @IsLineText() @MaxLength(10) occurredOn: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) sourceAuthority: string;
  @Field(() => Int, { description: 'Months the record is disclosed: 6 to 36, not shorter than the penalty.' }) @IsInt() disclosureMonths: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() penaltyMonths?: number | null;
  @Field() @IsString() @IsLineText() @MaxLength(500) evidenceReference: string;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) description: string;
}

@InputType()
export class ShortenCreditConductDisclosureInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(32) subjectId: string;
  @Field() @IsString() @IsLineText() @MaxLength(64) recordId: string;
  @Field(() => Int) @IsInt() disclosureMonths: number;
  @Field() @IsString() @IsFreeText() @MaxLength(500) rectificationEvidence: string;
}
