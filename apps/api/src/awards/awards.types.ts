import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { CommandPayload } from '../graphql/command.types.js';
import { ownedByItsAssociation, RestrictedField } from '../graphql/field-visibility.js';
import { JSONScalar } from '../graphql/json.scalar.js';

const STAFF = (what: string) => `Staff: ${what}; null unless the caller is an admin of the edition's association or an auditor.`;

@ObjectType('AwardRound', { description: 'A round of an edition, in the order opened.' })
export class AwardRoundType {
  @Field() roundCode: string;
  @Field({ description: 'DOCUMENT_REVIEW, SITE_INSPECTION or COMMITTEE_VOTE.' }) kind: string;
  @Field() openedOn: string;
  @Field(() => String, { nullable: true, description: 'Closing locks the scores.' }) closedOn: string | null;
  @Field(() => String, { nullable: true }) rankedOn: string | null;
}

@ObjectType('AwardEdition', { description: 'An edition of an award programme (评优评奖) on its pinned rulebook.' })
export class AwardEditionType {
  @Field() associationId: string;
  @Field(() => ID) editionId: string;
  @Field() programmeCode: string;
  @Field() programmeKind: string;
  @Field() subjectKind: string;
  @Field() title: string;
  @Field(() => Int) year: number;
  @Field({ description: 'OPEN, IN_ROUND, BETWEEN_ROUNDS, ON_NOTICE or PUBLISHED.' }) status: string;
  @Field(() => JSONScalar, { description: 'The rulebook version the edition runs under, as pinned.' }) rulebook: unknown;
  @Field() openedOn: string;
  @Field(() => [AwardRoundType]) rounds: AwardRoundType[];
  @Field(() => String, { nullable: true }) noticeStartsOn: string | null;
  @Field(() => String, { nullable: true }) noticeEndsOn: string | null;
  @Field(() => String, { nullable: true }) publishedOn: string | null;
  @Field(() => String, { nullable: true, description: 'The published total in fen, as a decimal integer string.' }) totalFen: string | null;
}

@ObjectType('AwardPanelMember', { description: 'One expert of an entry’s panel in a round and their score, as the caller may see it.' })
export class AwardPanelMemberType {
  associationId: string;
  @Field() roundCode: string;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the expert’s pool id') }) expertId: string | null;
  @Field({ description: 'ON_PANEL or RECUSED.' }) status: string;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('why the expert recused') }) recusalReason: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'Item scores in hundredths; an expert sees only their own until the round closes.' }) items: unknown;
  @Field(() => String, { nullable: true, description: 'Σ points × weight, as a decimal integer string.' }) weightedTotal: string | null;
}

@ObjectType('AwardEntry', { description: 'An entry of an edition: its subject, eligibility, panels and scores, vote and award.' })
export class AwardEntryType {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field(() => ID) entryId: string;
  @Field() category: string;
  @Field() channel: string;
  @Field() subjectKind: string;
  @Field({ description: 'A credit code, a project id or a person’s register id.' }) subjectId: string;
  @Field() applicantCode: string;
  @Field(() => String, { nullable: true }) builderCode: string | null;
  @Field() specialty: string;
  @Field() submittedOn: string;
  @Field({ description: 'SUBMITTED, ELIGIBLE, INELIGIBLE, AWARDED, NOT_AWARDED or REVOKED.' }) status: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Each eligibility condition with the evidence it used.' }) eligibility: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'The committee vote with its counts.' }) vote: unknown;
  @Field(() => Boolean, { nullable: true }) votePassed: boolean | null;
  @Field(() => String, { nullable: true }) certificateNumber: string | null;
  @Field(() => String, { nullable: true }) grade: string | null;
  @Field(() => String, { nullable: true, description: 'Fen, as a decimal integer string.' }) amountFen: string | null;
  @Field(() => Int, { nullable: true }) rank: number | null;
  @Field(() => String, { nullable: true }) awardedOn: string | null;
  @Field(() => String, { nullable: true }) revokedOn: string | null;
  @Field(() => [AwardPanelMemberType]) panel: AwardPanelMemberType[];
  @Field(() => [AwardObjectionType], { description: 'Objections to the entry filed during the notice, as recorded now; the objector as the caller may see it.' })
  objections: AwardObjectionType[];
}

@ObjectType('AwardEntryList', { description: 'Entries of an edition as the caller may see them, by entry id.' })
export class AwardEntryListType {
  @Field(() => Int) totalCount: number;
  @Field(() => String, { nullable: true }) endCursor: string | null;
  @Field() hasNextPage: boolean;
  @Field(() => [AwardEntryType]) entries: AwardEntryType[];
}

@ObjectType('AwardRankingLine', { description: 'One entry of a round’s ranking: its exact score as a fraction.' })
export class AwardRankingLineType {
  @Field() entryId: string;
  @Field() category: string;
  @Field(() => Int) rank: number;
  @Field({ description: 'Numerator of the exact score.' }) scoreNumerator: string;
  @Field({ description: 'Denominator of the exact score.' }) scoreDenominator: string;
  @Field() advances: boolean;
  @Field(() => String, { nullable: true }) grade: string | null;
}

@ObjectType('AwardResult', { description: 'One line of a published result list.' })
export class AwardResultType {
  @Field() entryId: string;
  @Field() category: string;
  @Field(() => Int) rank: number;
  @Field(() => String, { nullable: true }) grade: string | null;
  @Field(() => String, { nullable: true, description: 'Fen, as a decimal integer string.' }) amountFen: string | null;
}

@ObjectType('AwardRevokedResult', { description: 'An entry struck from the list by a revocation, and the day it was published.' })
export class AwardRevokedResultType {
  @Field() entryId: string;
  @Field() publishedOn: string;
}

@ObjectType('AwardResultList', { description: 'The published list as recorded by `asOf`.' })
export class AwardResultListType {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field() asOf: Date;
  @Field(() => String, { nullable: true }) publishedOn: string | null;
  @Field(() => [AwardResultType]) results: AwardResultType[];
  @Field({ description: 'Σ amounts in fen, as a decimal integer string.' }) totalFen: string;
  @Field(() => [AwardRevokedResultType]) revoked: AwardRevokedResultType[];
}

@ObjectType('AwardPanelDraw', { description: 'A recorded draw with everything it depended on, and whether replaying it gives the recorded panel.' })
export class AwardPanelDrawType {
  associationId: string;
  @Field() entryId: string;
  @Field(() => Int) revision: number;
  @Field() roundCode: string;
  @Field({ description: 'DRAW or REPLACEMENT.' }) kind: string;
  @Field({ description: 'The 32-byte seed, hex.' }) seed: string;
  @Field(() => Int) startPosition: number;
  @Field(() => Int) endPosition: number;
  @Field() poolDigest: string;
  @RestrictedField(() => JSONScalar, 'staff', ownedByItsAssociation, { description: STAFF('the whole draw record: pool snapshot, exclusions, panel') }) draw: unknown;
  @Field({ description: 'True when the recorded inputs give exactly the recorded panel, exclusions, end position and digest.' }) reproduces: boolean;
}

@ObjectType('AwardHistoryEntry', { description: 'An entry of a firm or person in any edition.' })
export class AwardHistoryEntryType {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field() editionTitle: string;
  @Field(() => Int) year: number;
  @Field() entryId: string;
  @Field() category: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) grade: string | null;
  @Field(() => String, { nullable: true }) certificateNumber: string | null;
  @Field(() => String, { nullable: true }) awardedOn: string | null;
  @Field(() => String, { nullable: true }) revokedOn: string | null;
}

@ObjectType({ description: 'The outcome of an awards command.' })
export class AwardCommandPayload extends CommandPayload {
  @Field() associationId: string;
  @Field(() => String, { nullable: true }) editionId: string | null;
  @Field(() => String, { nullable: true }) entryId: string | null;
  @Field(() => Int, { nullable: true, description: 'A rulebook definition: the version it gave.' }) rulebookVersion: number | null;
}

// ---- objections and rulebooks (reads) ---------------------------------------------------------------------

/** The objector is the applicant firm's personal data, as credit's objectors are the rated firm's (ADR 0016). */
const ownerOfObjection = (o: { readonly associationId: string; readonly applicantCode: string | null }) => ({ associationId: o.associationId, firm: o.applicantCode });

@ObjectType('AwardObjection', { description: 'An objection (异议) filed against an entry during the notice, and how it was resolved, as recorded by `asOf`.' })
export class AwardObjectionType {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field() entryId: string;
  @Field(() => String, { nullable: true, description: 'The firm the entry is for (applicant).' }) applicantCode: string | null;
  @Field(() => ID) objectionId: string;
  @RestrictedField(() => String, 'personal', ownerOfObjection, {
    description:
      'Personal: the objector’s name, stored sealed; shown to an admin of the edition’s association, an auditor or the applicant firm (null to anyone else, and once erased).',
  })
  objector: unknown;
  @Field() grounds: string;
  @Field(() => String, { nullable: true }) evidenceReference: string | null;
  @Field() filedOn: string;
  @Field({ description: 'OPEN, UPHELD or DISMISSED.' }) status: string;
  @Field(() => String, { nullable: true, description: 'Why it was upheld or dismissed.' }) reasons: string | null;
  @Field(() => String, { nullable: true }) resolvedOn: string | null;
  @Field({ description: 'When the register recorded the filing.' }) filedAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the register recorded the resolution.' }) resolvedAt: Date | null;
}

@ObjectType('AwardObjectionList', { description: 'Objections of an edition as recorded by `asOf`, by entry then objection id.' })
export class AwardObjectionListType {
  @Field() asOf: Date;
  @Field(() => Int) totalCount: number;
  @Field(() => String, { nullable: true }) endCursor: string | null;
  @Field() hasNextPage: boolean;
  @Field(() => [AwardObjectionType]) objections: AwardObjectionType[];
}

@ObjectType('AwardThreshold', { description: 'A fraction to reach: MORE_THAN or AT_LEAST numerator/denominator.' })
export class AwardThresholdType {
  @Field({ description: 'MORE_THAN or AT_LEAST.' }) comparison: string;
  @Field(() => Int) numerator: number;
  @Field(() => Int) denominator: number;
}

@ObjectType('AwardRulebookCategory', { description: 'A category: its places and, for a monetary award, the amount per place.' })
export class AwardRulebookCategoryType {
  @Field() code: string;
  @Field() name: string;
  @Field(() => Int, { nullable: true, description: 'Null: no limit.' }) places: number | null;
  @Field(() => String, { nullable: true, description: 'Fen per place, as a decimal integer string.' }) amountFen: string | null;
}

@ObjectType('AwardRulebookChannel', { description: 'A recommending channel (推荐渠道) and its quota of entries.' })
export class AwardRulebookChannelType {
  @Field() code: string;
  @Field() name: string;
  @Field(() => Int) quota: number;
}

@ObjectType('AwardRulebookEligibility', { description: 'The eligibility conditions an entry is checked against.' })
export class AwardRulebookEligibilityType {
  @Field() membershipInGoodStanding: boolean;
  @Field(() => String, { nullable: true }) minimumCreditGrade: string | null;
  @Field(() => [String], { description: 'Best first.' }) creditGrades: string[];
  @Field(() => Int, { nullable: true }) yearsSinceAcceptance: number | null;
  @Field() noMajorAccident: boolean;
  @Field() barsReentryAfterFailure: boolean;
}

@ObjectType('AwardRubricItem', { description: 'A rubric item: points in hundredths up to its maximum, counted by its weight.' })
export class AwardRubricItemType {
  @Field() code: string;
  @Field() name: string;
  @Field(() => Int) maxHundredths: number;
  @Field(() => Int) weight: number;
}

@ObjectType('AwardAdvancementRule', { description: 'The best numerator/denominator of the ranked entries go on, rounded UP or DOWN.' })
export class AwardAdvancementRuleType {
  @Field(() => Int) numerator: number;
  @Field(() => Int) denominator: number;
  @Field() rounding: string;
}

@ObjectType('AwardRulebookRound', { description: 'A round the rulebook sets, in order.' })
export class AwardRulebookRoundType {
  @Field() code: string;
  @Field({ description: 'DOCUMENT_REVIEW, SITE_INSPECTION or COMMITTEE_VOTE.' }) kind: string;
  @Field(() => Int) panelSize: number;
  @Field(() => AwardAdvancementRuleType, { nullable: true, description: 'Null: every ranked entry goes on.' }) advancement: AwardAdvancementRuleType | null;
}

@ObjectType('AwardVoteRules', { description: 'The committee vote: ballot, quorum (present of entitled) and pass (for of present).' })
export class AwardVoteRulesType {
  @Field() ballot: string;
  @Field(() => AwardThresholdType) quorum: AwardThresholdType;
  @Field(() => AwardThresholdType) pass: AwardThresholdType;
}

@ObjectType('AwardRulebookGrade', { description: 'A grade, best first: its least score (BANDS) or its quota (QUOTAS), and the vote it needs.' })
export class AwardRulebookGradeType {
  @Field() code: string;
  @Field(() => String, { nullable: true, description: 'Weighted units, as a decimal integer string.' }) minScore: string | null;
  @Field(() => Int, { nullable: true }) quota: number | null;
  @Field(() => AwardThresholdType) vote: AwardThresholdType;
}

@ObjectType('AwardTieBreakKey', { description: 'One key of the tie-break, in order: ITEM (with its item), SUBMITTED_FIRST or ENTRY_ID.' })
export class AwardTieBreakKeyType {
  @Field() by: string;
  @Field(() => String, { nullable: true }) item: string | null;
}

@ObjectType('AwardRulebookEdition', { description: 'An edition that runs under a rulebook version.' })
export class AwardRulebookEditionType {
  @Field() editionId: string;
  @Field(() => String, { nullable: true }) title: string | null;
  @Field(() => Int, { nullable: true }) year: number | null;
  @Field({ description: 'When the register recorded the pin.' }) pinnedAt: Date;
}

@ObjectType('AwardRulebookVersion', { description: 'One version of a rulebook (评选办法) as defined; a defined version never changes.' })
export class AwardRulebookVersionType {
  @Field(() => Int) version: number;
  @Field() referenceNumber: string;
  @Field() effectiveFrom: string;
  @Field(() => String, { nullable: true, description: 'The day a later version takes effect; null while this is the latest.' }) supersededOn: string | null;
  @Field() definedOn: string;
  @Field() definedAt: Date;
  @Field() programmeKind: string;
  @Field() subjectKind: string;
  @Field(() => [AwardRulebookCategoryType]) categories: AwardRulebookCategoryType[];
  @Field(() => [AwardRulebookChannelType]) channels: AwardRulebookChannelType[];
  @Field(() => AwardRulebookEligibilityType) eligibility: AwardRulebookEligibilityType;
  @Field(() => [AwardRubricItemType]) rubric: AwardRubricItemType[];
  @Field({ description: 'NONE or JUDGE_MEAN_CENTRED.' }) normalisation: string;
  @Field(() => [AwardRulebookRoundType]) rounds: AwardRulebookRoundType[];
  @Field(() => AwardVoteRulesType) votes: AwardVoteRulesType;
  @Field({ description: 'NONE, BANDS or QUOTAS.' }) grading: string;
  @Field(() => [AwardRulebookGradeType]) grades: AwardRulebookGradeType[];
  @Field(() => Int) noticeDays: number;
  @Field(() => [AwardTieBreakKeyType]) tieBreak: AwardTieBreakKeyType[];
  @Field(() => String, { nullable: true, description: 'The whole purse in fen, as a decimal integer string.' }) budgetFen: string | null;
  @Field(() => [AwardRulebookEditionType], { description: 'The editions pinned to this version.' }) editions: AwardRulebookEditionType[];
}

@ObjectType('AwardRulebook', { description: 'A rulebook of the association and every version of it.' })
export class AwardRulebookType {
  @Field() associationId: string;
  @Field(() => ID) rulebookId: string;
  @Field(() => [AwardRulebookVersionType], { description: 'In the order defined.' }) versions: AwardRulebookVersionType[];
}

@ObjectType({ description: 'An entry of a list that a rule refused (nothing was written for it).' })
export class AwardEntryRefusal {
  @Field() entryId: string;
  @Field() rule: string;
  @Field() message: string;
}

@ObjectType({ description: 'A list of entries submitted at once: one submission (and its own events) per entry.' })
export class AwardBulkPayload {
  @Field(() => Int) considered: number;
  @Field(() => Int, { description: 'Entries submitted by this request.' }) written: number;
  @Field(() => Int, { description: 'Entries this request had already submitted (a re-send).' }) unchanged: number;
  @Field(() => Int) refused: number;
  @Field(() => [AwardEntryRefusal], { description: 'Every refused entry, in the order refused.' }) refusals: AwardEntryRefusal[];
  @Field() readModelCurrent: boolean;
}
