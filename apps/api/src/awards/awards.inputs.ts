import { ArgsType, Field, GraphQLISODateTime, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { BALLOT_MODES, ENTRY_SUBJECT_KINDS, MAX_ENTRIES_PER_SUBMISSION, REVOCATION_GROUNDS } from '#domain/awards';
import { AssociationCommandInput } from '../graphql/command.types.js';
import { DecisionRecordInput } from '../graphql/decision.input.js';
import { IsAssociationId, IsFreeText, IsLineText } from '../graphql/identifier.validators.js';

// Shape limits only; the awards deciders own the rules (and report every field of a command at once).
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'must be a date written YYYY-MM-DD.';

const CODE_FIELD = () => [IsString(), IsLineText(), MaxLength(40)];
const applyAll = (decorators: PropertyDecorator[]): PropertyDecorator => (target, key) => decorators.forEach((d) => d(target, key));
const Code = () => applyAll(CODE_FIELD());
const Name = () => applyAll([IsString(), IsLineText(), MaxLength(200)]);

@InputType({ description: 'A category of the programme: its places and, for a monetary award, the amount per place in fen.' })
export class AwardCategoryInput {
  @Field() @Code() code: string;
  @Field() @Name() name: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() places?: number | null;
  @Field(() => Int, { nullable: true, description: 'Fen per place.' }) @IsOptional() @IsInt() amountFen?: number | null;
}

@InputType({ description: 'A recommending channel (推荐渠道) and its quota of entries.' })
export class RecommendingChannelInput {
  @Field() @Code() code: string;
  @Field() @Name() name: string;
  @Field(() => Int) @IsInt() quota: number;
}

@InputType({ description: 'The eligibility conditions the rulebook sets.' })
export class EligibilityRulesInput {
  @Field() @IsBoolean() membershipInGoodStanding: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @Code() minimumCreditGrade?: string | null;
  @Field(() => [String], { description: 'Best first.' }) @ArrayMaxSize(20) @IsString({ each: true }) @IsLineText({ each: true }) @MaxLength(40, { each: true }) creditGrades: string[];
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() yearsSinceAcceptance?: number | null;
  @Field() @IsBoolean() noMajorAccident: boolean;
  @Field() @IsBoolean() barsReentryAfterFailure: boolean;
}

@InputType({ description: 'A rubric item: points in hundredths, at most maxHundredths, counted with its weight (weights add up to 100).' })
export class RubricItemInput {
  @Field() @Code() code: string;
  @Field() @Name() name: string;
  @Field(() => Int) @IsInt() maxHundredths: number;
  @Field(() => Int) @IsInt() weight: number;
}

@InputType({ description: 'Who advances: the best numerator/denominator of those ranked, rounded UP or DOWN.' })
export class AdvancementRuleInput {
  @Field(() => [Int], { description: '[numerator, denominator]' }) @ArrayMaxSize(2) @IsInt({ each: true }) fraction: number[];
  @Field() @IsIn(['UP', 'DOWN']) rounding: string;
}

@InputType({ description: 'A round of the rulebook, in order; the last is the committee vote.' })
export class AwardRoundRuleInput {
  @Field() @Code() code: string;
  @Field({ description: 'DOCUMENT_REVIEW, SITE_INSPECTION or COMMITTEE_VOTE.' }) @Code() kind: string;
  @Field(() => Int) @IsInt() panelSize: number;
  @Field(() => AdvancementRuleInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => AdvancementRuleInput) advancement?: AdvancementRuleInput | null;
}

@InputType({ description: 'A threshold: more than, or at least, numerator/denominator (give one).' })
export class ThresholdInput {
  @Field(() => [Int], { nullable: true }) @IsOptional() @ArrayMaxSize(2) @IsInt({ each: true }) moreThan?: number[] | null;
  @Field(() => [Int], { nullable: true }) @IsOptional() @ArrayMaxSize(2) @IsInt({ each: true }) atLeast?: number[] | null;
}

@InputType({ description: 'How the committee votes: the ballot, the quorum and the pass threshold.' })
export class VoteRulesInput {
  @Field() @IsIn(BALLOT_MODES) ballot: string;
  @Field(() => ThresholdInput) @ValidateNested() @Type(() => ThresholdInput) quorum: ThresholdInput;
  @Field(() => ThresholdInput) @ValidateNested() @Type(() => ThresholdInput) pass: ThresholdInput;
}

@InputType({ description: 'A grade, best first: its least score (BANDS) or its quota (QUOTAS), and the vote it needs.' })
export class AwardGradeInput {
  @Field() @Code() code: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() minScore?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() quota?: number | null;
  @Field(() => ThresholdInput) @ValidateNested() @Type(() => ThresholdInput) vote: ThresholdInput;
}

@InputType({ description: 'One key of the tie-break: ITEM (with its item), SUBMITTED_FIRST, ENTRY_ID (last).' })
export class TieBreakKeyInput {
  @Field() @IsIn(['ITEM', 'SUBMITTED_FIRST', 'ENTRY_ID']) by: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Code() item?: string | null;
}

@InputType({ description: 'A rulebook (评选办法) without its version number, which its stream gives.' })
export class AwardRulebookInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) rulebookId: string;
  @Field() @IsString() @IsLineText() @MaxLength(100) referenceNumber: string;
  @Field({ description: 'YYYY-MM-DD' }) @Matches(DATE, { message: DATE_MESSAGE }) effectiveFrom: string;
  @Field() @Code() programmeKind: string;
  @Field(() => String, { description: ENTRY_SUBJECT_KINDS.join(', ') }) @IsIn(ENTRY_SUBJECT_KINDS) subjectKind: string;
  @Field(() => [AwardCategoryInput]) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AwardCategoryInput) categories: AwardCategoryInput[];
  @Field(() => [RecommendingChannelInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RecommendingChannelInput) channels: RecommendingChannelInput[];
  @Field(() => EligibilityRulesInput) @ValidateNested() @Type(() => EligibilityRulesInput) eligibility: EligibilityRulesInput;
  @Field(() => [RubricItemInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RubricItemInput) rubric: RubricItemInput[];
  @Field({ description: 'NONE or JUDGE_MEAN_CENTRED.' }) @IsIn(['NONE', 'JUDGE_MEAN_CENTRED']) normalisation: string;
  @Field(() => [AwardRoundRuleInput]) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => AwardRoundRuleInput) rounds: AwardRoundRuleInput[];
  @Field(() => VoteRulesInput) @ValidateNested() @Type(() => VoteRulesInput) votes: VoteRulesInput;
  @Field({ description: 'NONE, BANDS or QUOTAS.' }) @IsIn(['NONE', 'BANDS', 'QUOTAS']) grading: string;
  @Field(() => [AwardGradeInput]) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => AwardGradeInput) grades: AwardGradeInput[];
  @Field(() => Int) @IsInt() noticeDays: number;
  @Field(() => [TieBreakKeyInput]) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => TieBreakKeyInput) tieBreak: TieBreakKeyInput[];
  @Field(() => Int, { nullable: true, description: 'The whole purse in fen when categories carry money.' }) @IsOptional() @IsInt() budgetFen?: number | null;
}

@InputType({ description: 'Defines the next version of a rulebook (评选办法); the version number is the next in its stream.' })
export class DefineAwardRulebookInput extends AssociationCommandInput {
  @Field(() => AwardRulebookInput) @ValidateNested() @Type(() => AwardRulebookInput) rulebook: AwardRulebookInput;
}

@InputType({ isAbstract: true })
abstract class EditionInput extends AssociationCommandInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) editionId: string;
}

@InputType({ isAbstract: true })
abstract class EntryInput extends EditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) entryId: string;
}

@InputType({ description: 'Opens an edition on a defined rulebook version, copied whole and pinned.' })
export class OpenAwardEditionInput extends EditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) programmeCode: string;
  @Field() @IsString() @IsLineText() @MaxLength(200) title: string;
  @Field(() => Int) @IsInt() year: number;
  @Field() @IsString() @IsLineText() @MaxLength(64) rulebookId: string;
  @Field(() => Int) @IsInt() rulebookVersion: number;
}

@InputType({ description: 'A round of the edition, by its code in the rulebook.' })
export class AwardRoundInput extends EditionInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) roundCode: string;
}

@InputType({ description: 'Starts the public notice (today, or a later day; never back-dated).' })
export class StartAwardNoticeInput extends EditionInput {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) @IsOptional() @Matches(DATE, { message: DATE_MESSAGE }) startsOn?: string | null;
}

@InputType({ description: 'Publishes the results once the notice is over and every objection resolved.' })
export class PublishAwardResultsInput extends EditionInput {}

@InputType({ description: 'A project entry’s completion and acceptance dates.' })
export class ProjectFactsInput {
  @Field({ description: 'YYYY-MM-DD' }) @Matches(DATE, { message: DATE_MESSAGE }) completedOn: string;
  @Field({ description: 'YYYY-MM-DD' }) @Matches(DATE, { message: DATE_MESSAGE }) acceptedOn: string;
}

@InputType({ description: 'Submits an entry through one recommending channel (one per subject, within the channel’s quota).' })
export class SubmitAwardEntryInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) category: string;
  @Field() @IsString() @IsLineText() @MaxLength(40) channel: string;
  @Field(() => String, { description: ENTRY_SUBJECT_KINDS.join(', ') }) @IsIn(ENTRY_SUBJECT_KINDS) subjectKind: (typeof ENTRY_SUBJECT_KINDS)[number];
  @Field({ description: 'A credit code, a project id, or a person’s register id (never a name).' }) @IsString() @IsLineText() @MaxLength(64) subjectId: string;
  @Field({ description: 'The applicant firm’s unified social credit code.' }) @IsString() @IsLineText() @MaxLength(40) applicantCode: string;
  @Field(() => String, { nullable: true, description: 'The builder (施工单位) of a project entry.' }) @IsOptional() @IsString() @IsLineText() @MaxLength(40) builderCode?: string | null;
  @Field() @IsString() @IsLineText() @MaxLength(40) specialty: string;
  @Field(() => ProjectFactsInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ProjectFactsInput) project?: ProjectFactsInput | null;
}

@InputType({ description: 'Checks the entry’s eligibility; each condition is recorded with the evidence it used.' })
export class CheckAwardEligibilityInput extends EntryInput {}

@InputType({ description: 'Draws the entry’s panel for the open round from the pool; the seed is chosen by the register and recorded.' })
export class DrawAwardPanelInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) roundCode: string;
}

@InputType({ description: 'One rubric item’s points, in hundredths of a point.' })
export class ItemScoreInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) code: string;
  @Field(() => Int) @IsInt() points: number;
}

@InputType({ description: 'A panel member’s score of the entry (revisable until the round closes).' })
export class ScoreAwardEntryInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) roundCode: string;
  @Field() @IsString() @IsLineText() @MaxLength(64) expertId: string;
  @Field(() => [ItemScoreInput]) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => ItemScoreInput) items: ItemScoreInput[];
}

@InputType({ description: 'A panel member recuses (回避); a replacement is drawn from the recorded seed stream.' })
export class RecuseAwardExpertInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) roundCode: string;
  @Field() @IsString() @IsLineText() @MaxLength(64) expertId: string;
  @Field() @IsString() @IsFreeText() @MaxLength(2000) reason: string;
}

@InputType({ description: 'The site inspection report of a panel member.' })
export class ReportSiteInspectionInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) roundCode: string;
  @Field() @IsString() @IsLineText() @MaxLength(64) inspectorExpertId: string;
  @Field() @IsString() @IsLineText() @MaxLength(100) reportReference: string;
  @Field() @IsString() @IsFreeText() @MaxLength(2000) findings: string;
  @Field() @IsBoolean() passed: boolean;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) @IsOptional() @Matches(DATE, { message: DATE_MESSAGE }) inspectedOn?: string | null;
}

@InputType({ description: 'The committee’s vote on the entry, with its counts.' })
export class RecordAwardVoteInput extends EntryInput {
  @Field(() => String, { description: BALLOT_MODES.join(', ') }) @IsIn(BALLOT_MODES) ballot: (typeof BALLOT_MODES)[number];
  @Field(() => DecisionRecordInput) @ValidateNested() @Type(() => DecisionRecordInput) decision: DecisionRecordInput;
}

@InputType({ description: 'An objection filed during the notice; the objector’s name is sealed.' })
export class FileAwardObjectionInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) objectionId: string;
  @Field() @IsString() @IsLineText() @MaxLength(100) objector: string;
  @Field() @IsString() @IsFreeText() @MaxLength(2000) grounds: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @IsLineText() @MaxLength(200) evidenceReference?: string | null;
}

@InputType({ description: 'Resolves an objection: UPHELD strikes the entry from the list, DISMISSED leaves it.' })
export class ResolveAwardObjectionInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) objectionId: string;
  @Field(() => String, { description: 'UPHELD or DISMISSED' }) @IsIn(['UPHELD', 'DISMISSED']) outcome: 'UPHELD' | 'DISMISSED';
  @Field() @IsString() @IsFreeText() @MaxLength(2000) reasons: string;
}

@InputType({ description: 'Grants the award the noticed list gives the entry, under a certificate number reserved with it.' })
export class GrantAwardInput extends EntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(40) certificateNumber: string;
}

@InputType({ description: 'Records that the entry is not awarded, with the reason.' })
export class DeclineAwardInput extends EntryInput {
  @Field() @IsString() @IsFreeText() @MaxLength(2000) reason: string;
}

@InputType({ description: 'Requests the revocation of an award, citing the decision that took it; a second person approves.' })
export class RequestAwardRevocationInput extends EntryInput {
  @Field(() => String, { description: REVOCATION_GROUNDS.join(', ') }) @IsIn(REVOCATION_GROUNDS) grounds: (typeof REVOCATION_GROUNDS)[number];
  @Field() @IsString() @IsFreeText() @MaxLength(2000) reason: string;
  @Field(() => DecisionRecordInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => DecisionRecordInput) decision?: DecisionRecordInput | null;
}

@InputType({ description: 'Approves a pending revocation (by someone other than who requested it) and publishes it.' })
export class ApproveAwardRevocationInput extends EntryInput {
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, today or later.' }) @IsOptional() @Matches(DATE, { message: DATE_MESSAGE }) publishedOn?: string | null;
}

@ArgsType()
export class AwardAssociationArgs {
  @Field() @IsAssociationId() associationId: string;
}

@ArgsType()
export class AwardEditionArgs extends AwardAssociationArgs {
  @Field() @IsString() @IsLineText() @MaxLength(64) editionId: string;
}

@ArgsType()
export class AwardEntryArgs extends AwardEditionArgs {
  @Field() @IsString() @IsLineText() @MaxLength(64) entryId: string;
}

@ArgsType()
export class AwardEntriesArgs extends AwardEditionArgs {
  @Field(() => Int, { defaultValue: 100, description: 'At most 500.' }) @IsInt() first: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) after?: string | null;
}

@ArgsType()
export class AwardRankingArgs extends AwardEditionArgs {
  @Field() @IsString() @IsLineText() @MaxLength(40) roundCode: string;
}

@ArgsType()
export class AwardResultsArgs extends AwardEditionArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The list as recorded by this instant (default now): a later revocation does not change it.' })
  @IsOptional()
  asOf?: Date | null;
}

@ArgsType()
export class AwardHistoryArgs {
  @Field({ description: 'A credit code or a person’s register id.' }) @IsString() @IsLineText() @MaxLength(64) subjectId: string;
}

// ---- objections and rulebooks (reads) ---------------------------------------------------------------------

/** The ids the awards deciders give editions, entries, objections and rulebooks (lower case, digits, hyphens). */
const RECORD_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const RECORD_ID_MESSAGE = 'must be lower-case letters, digits and hyphens (at most 64).';

export const AWARD_OBJECTION_STATUSES = ['OPEN', 'UPHELD', 'DISMISSED'] as const;

@ArgsType()
export class AwardObjectionsArgs extends AwardAssociationArgs {
  @Field() @IsString() @Matches(RECORD_ID, { message: RECORD_ID_MESSAGE }) editionId: string;
  @Field(() => String, { nullable: true, description: 'OPEN, UPHELD or DISMISSED (as recorded by `asOf`).' })
  @IsOptional()
  @IsIn(AWARD_OBJECTION_STATUSES)
  status?: (typeof AWARD_OBJECTION_STATUSES)[number] | null;
  @Field(() => String, { nullable: true, description: 'Only this entry’s objections.' }) @IsOptional() @IsString() @Matches(RECORD_ID, { message: RECORD_ID_MESSAGE }) entryId?: string | null;
  @Field(() => Int, { defaultValue: 100, description: 'At most 500.' }) @IsInt() first: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) after?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'The objections as recorded by this instant (default now): a later filing or resolution does not count.' })
  @IsOptional()
  asOf?: Date | null;
}

@ArgsType()
export class AwardRulebookArgs extends AwardAssociationArgs {
  @Field() @IsString() @Matches(RECORD_ID, { message: RECORD_ID_MESSAGE }) rulebookId: string;
}

@InputType({ description: 'One entry of a list: the fields of SubmitAwardEntryInput, less the edition the list names.' })
export class ListedAwardEntryInput {
  @Field() @IsString() @IsLineText() @MaxLength(64) entryId: string;
  @Field() @IsString() @IsLineText() @MaxLength(40) category: string;
  @Field() @IsString() @IsLineText() @MaxLength(40) channel: string;
  @Field(() => String, { description: ENTRY_SUBJECT_KINDS.join(', ') }) @IsIn(ENTRY_SUBJECT_KINDS) subjectKind: (typeof ENTRY_SUBJECT_KINDS)[number];
  @Field({ description: 'A credit code, a project id, or a person’s register id (never a name).' }) @IsString() @IsLineText() @MaxLength(64) subjectId: string;
  @Field({ description: 'The applicant firm’s unified social credit code.' }) @IsString() @IsLineText() @MaxLength(40) applicantCode: string;
  @Field(() => String, { nullable: true, description: 'The builder (施工单位) of a project entry.' }) @IsOptional() @IsString() @IsLineText() @MaxLength(40) builderCode?: string | null;
  @Field() @IsString() @IsLineText() @MaxLength(40) specialty: string;
  @Field(() => ProjectFactsInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ProjectFactsInput) project?: ProjectFactsInput | null;
}

@InputType({
  description: `Submits a list of entries (a channel's, or several channels'), each as submitAwardEntry takes it: at most ${MAX_ENTRIES_PER_SUBMISSION} in one request. A malformed entry refuses the list on its fields (entries.<index>.<field>), writing nothing; an entry a rule refuses is listed by entry id while the others are written. Re-sent with the same commandId, it writes nothing more.`,
})
export class SubmitAwardEntriesInput extends EditionInput {
  @Field(() => [ListedAwardEntryInput])
  @ArrayMaxSize(MAX_ENTRIES_PER_SUBMISSION)
  @ValidateNested({ each: true })
  @Type(() => ListedAwardEntryInput)
  entries: ListedAwardEntryInput[];
}
