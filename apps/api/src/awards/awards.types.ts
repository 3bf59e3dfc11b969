import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
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
