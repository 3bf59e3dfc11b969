import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { OWNERSHIPS, type Ownership, QUALIFICATION_GRADES, type QualificationGrade } from '#domain/enterprise';
import { FIGURE_SOURCES, type FigureSource, NORMALISATIONS, type Normalisation, TIE_BREAK_FINALS } from '#domain/rankings';
import { AssociationCommandInput } from '../graphql/command.types.js';
import { DecisionRecordInput } from '../graphql/decision.input.js';
import { IsFreeText, IsLineText } from '../graphql/identifier.validators.js';
import { FigureSourceEnum, NormalisationEnum, ObjectionOutcomeEnum, TieBreakFinalEnum } from './rankings.types.js';

// Shape limits only; the deciders own the rules and give the precise, field-level messages.
const TEXT = 2000;
const CODE = 40;
const ID = 64;
/** A credit code, with room for the spaces a paste may bring (the decider trims and checks it). */
const FIRM = 24;
/** A decimal figure: sign, 15 digits, point, 4 decimals, and room for a typo the decider names. */
const FIGURE = 24;
const EVIDENCE = 200;

@InputType()
export class RankingMetricInput {
  @Field() @IsString() @IsLineText() @MaxLength(CODE) code: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) name: string;
  @Field(() => Int, { description: 'Whole points; the weights of a methodology add up to 100.' }) @IsInt() weight: number;
  @Field(() => NormalisationEnum) @IsIn(NORMALISATIONS) normalisation: Normalisation;
  @Field({ description: 'Unit of the figure, e.g. 万元.' }) @IsString() @IsLineText() @MaxLength(20) unit: string;
}

@InputType()
export class RankingGroupInput {
  @Field() @IsString() @IsLineText() @MaxLength(CODE) code: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) name: string;
  @Field(() => [String], { description: `Qualification grades of the group (${QUALIFICATION_GRADES.join(', ')}); empty: every firm.` })
  @ArrayMaxSize(QUALIFICATION_GRADES.length)
  @IsIn(QUALIFICATION_GRADES, { each: true })
  qualificationGrades: QualificationGrade[];
  @Field(() => Int) @IsInt() listSize: number;
}

@InputType()
export class RankingFiltersInput {
  @Field(() => [String], { description: `Ownerships admitted (${OWNERSHIPS.join(', ')}); empty: all.` })
  @ArrayMaxSize(OWNERSHIPS.length)
  @IsIn(OWNERSHIPS, { each: true })
  ownerships: Ownership[];
  @Field(() => [String], { description: 'Credit grades in force on the cut-off that admit a firm, e.g. AAA, AA, A; empty: no credit filter.' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsLineText({ each: true })
  @MaxLength(10, { each: true })
  acceptedCreditGrades: string[];
  @Field() @IsBoolean() memberInGoodStanding: boolean;
  @Field(() => [String], { description: 'Conduct codes that blacklist a firm while disclosed on the cut-off; empty: none.' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsLineText({ each: true })
  @MaxLength(CODE, { each: true })
  blacklistConductCodes: string[];
}

@InputType()
export class RankingTieBreakInput {
  @Field(() => [String], { description: 'Metric codes compared in order when totals are equal (larger points first).' })
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsLineText({ each: true })
  @MaxLength(CODE, { each: true })
  metrics: string[];
  @Field(() => TieBreakFinalEnum) @IsIn(TIE_BREAK_FINALS) thenBy: 'DECISION' | 'CREDIT_CODE';
}

@InputType({ description: 'A version of a ranking methodology (评选办法), frozen into an edition when one opens on it.' })
export class DefineRankingMethodologyInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(ID) methodologyId: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) title: string;
  @Field() @IsString() @IsLineText() @MaxLength(100) referenceNumber: string;
  @Field() @IsString() @IsLineText() @MaxLength(10) effectiveFrom: string;
  @Field(() => [RankingMetricInput]) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => RankingMetricInput) metrics: RankingMetricInput[];
  @Field(() => [RankingGroupInput]) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => RankingGroupInput) groups: RankingGroupInput[];
  @Field(() => RankingFiltersInput) @ValidateNested() @Type(() => RankingFiltersInput) filters: RankingFiltersInput;
  @Field(() => Int) @IsInt() listSize: number;
  @Field(() => RankingTieBreakInput) @ValidateNested() @Type(() => RankingTieBreakInput) tieBreak: RankingTieBreakInput;
  @Field(() => Int, { description: 'Days of public notice (公示).' }) @IsInt() noticeDays: number;
}

@InputType({ isAbstract: true })
export abstract class RankingEditionInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(ID) editionId: string;
}

@InputType({ description: 'An edition, opened on a methodology version with its cut-off date.' })
export class OpenRankingEditionInput extends RankingEditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(200) title: string;
  @Field(() => Int) @IsInt() year: number;
  @Field() @IsString() @IsLineText() @MaxLength(ID) methodologyId: string;
  @Field(() => Int) @IsInt() methodologyVersion: number;
  @Field({ description: 'Last day figures are taken (YYYY-MM-DD); eligibility is judged as of it.' }) @IsString() @IsLineText() @MaxLength(10) cutOffDate: string;
}

@InputType()
export class RankingFigureRowInput {
  @Field() @IsString() @IsLineText() @MaxLength(FIRM) enterpriseCode: string;
  @Field() @IsString() @IsLineText() @MaxLength(CODE) metric: string;
  @Field({ description: 'A decimal, at most 4 places, e.g. 12345.67.' }) @IsString() @IsLineText() @MaxLength(FIGURE) value: string;
  @Field(() => String, { nullable: true, description: "The previous year's value (growth metrics)." })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(FIGURE)
  previousValue?: string | null;
  @Field(() => FigureSourceEnum) @IsIn(FIGURE_SOURCES) source: FigureSource;
  @Field() @IsString() @IsLineText() @MaxLength(EVIDENCE) evidenceReference: string;
}

@InputType({ description: 'Figures of an edition, one row per firm and metric; one wrong row refuses the upload, with every row’s error.' })
export class RecordRankingFiguresInput extends RankingEditionInput {
  @Field(() => [RankingFigureRowInput]) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => RankingFigureRowInput) rows: RankingFigureRowInput[];
}

@InputType()
export class RankingFigureCorrectionInput {
  @Field(() => Int, { description: 'The figure replaced.' }) @IsInt() figureId: number;
  @Field() @IsString() @IsLineText() @MaxLength(FIGURE) value: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(FIGURE) previousValue?: string | null;
  @Field(() => FigureSourceEnum) @IsIn(FIGURE_SOURCES) source: FigureSource;
  @Field() @IsString() @IsLineText() @MaxLength(EVIDENCE) evidenceReference: string;
}

@InputType({ description: 'A correction before the cut-off: a new figure naming the one it replaces.' })
export class CorrectRankingFigureInput extends RankingEditionInput {
  @Field(() => RankingFigureCorrectionInput) @ValidateNested() @Type(() => RankingFigureCorrectionInput) correction: RankingFigureCorrectionInput;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reason: string;
}

@InputType()
export class ExcludeRankingFirmInput extends RankingEditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(FIRM) enterpriseCode: string;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) grounds: string;
  @Field(() => DecisionRecordInput) @ValidateNested() @Type(() => DecisionRecordInput) decision: DecisionRecordInput;
}

@InputType({ description: 'The order a body decided for firms the methodology leaves tied.' })
export class RankingTieResolutionInput {
  @Field(() => [String], { description: 'Credit codes, first ranked first.' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsLineText({ each: true })
  @MaxLength(FIRM, { each: true })
  order: string[];
  @Field(() => DecisionRecordInput) @ValidateNested() @Type(() => DecisionRecordInput) decision: DecisionRecordInput;
}

@InputType()
export class ComputeRankingInput extends RankingEditionInput {
  @Field(() => [RankingTieResolutionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RankingTieResolutionInput)
  tieResolutions?: RankingTieResolutionInput[] | null;
}

@InputType()
export class StartRankingNoticeInput extends RankingEditionInput {
  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD); default today.' }) @IsOptional() @IsString() @IsLineText() @MaxLength(10) startsOn?: string | null;
}

@InputType()
export class FileRankingObjectionInput extends RankingEditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(ID) objectionId: string;
  @Field({ description: 'The firm that objects.' }) @IsString() @IsLineText() @MaxLength(FIRM) enterpriseCode: string;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) grounds: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(EVIDENCE) evidenceReference?: string | null;
}

@InputType()
export class ResolveRankingObjectionInput extends RankingEditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(ID) objectionId: string;
  @Field(() => ObjectionOutcomeEnum) @IsIn(['UPHELD', 'DISMISSED']) outcome: 'UPHELD' | 'DISMISSED';
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reasons: string;
  @Field(() => [RankingFigureCorrectionInput], { nullable: true, description: 'Figures an upheld objection corrects.' })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RankingFigureCorrectionInput)
  corrections?: RankingFigureCorrectionInput[] | null;
}

@InputType()
export class PublishRankingInput extends RankingEditionInput {}

@InputType()
export class RankingErratumExclusionInput {
  @Field() @IsString() @IsLineText() @MaxLength(FIRM) enterpriseCode: string;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) grounds: string;
}

@InputType({ description: 'A correction of a published list on a decision: a new list version; the earlier one stays answerable with asOf.' })
export class IssueRankingErratumInput extends RankingEditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(ID) erratumId: string;
  @Field() @IsString() @IsFreeText() @MaxLength(TEXT) reason: string;
  @Field(() => DecisionRecordInput) @ValidateNested() @Type(() => DecisionRecordInput) decision: DecisionRecordInput;
  @Field(() => [RankingFigureCorrectionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RankingFigureCorrectionInput)
  corrections?: RankingFigureCorrectionInput[] | null;
  @Field(() => [RankingErratumExclusionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RankingErratumExclusionInput)
  exclusions?: RankingErratumExclusionInput[] | null;
  @Field(() => [RankingTieResolutionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RankingTieResolutionInput)
  tieResolutions?: RankingTieResolutionInput[] | null;
}
