import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { FIGURE_SOURCES, NORMALISATIONS, TIE_BREAK_FINALS } from '#domain/rankings';
import { CommandPayload } from '../graphql/command.types.js';

// Rankings are about firms: no field here is personal or a staff identity (rankings.personal-fields.ts).

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const NormalisationEnum = asEnum(NORMALISATIONS);
export const FigureSourceEnum = asEnum(FIGURE_SOURCES);
export const TieBreakFinalEnum = asEnum(TIE_BREAK_FINALS);
export const ObjectionOutcomeEnum = asEnum(['UPHELD', 'DISMISSED'] as const);
registerEnumType(NormalisationEnum, {
  name: 'RankingNormalisation',
  description:
    'SHARE_OF_MAX: weight × value / the group maximum (below 0 scores 0). MIN_MAX: weight × (value − min) / (max − min), all equal: full weight. ' +
    'GROWTH: growth over the previous year, then min–max. RANK_POINTS: weight × (n − rank + 1) / n. Each rounded once, half up, to 4 places.',
});
registerEnumType(FigureSourceEnum, { name: 'RankingFigureSource', description: 'Statistics return (统计报表), audited report (审计报告) or certificate.' });
registerEnumType(TieBreakFinalEnum, { name: 'RankingTieBreakFinal', description: 'After the tie-break metrics: a recorded DECISION, or the CREDIT_CODE ascending.' });
registerEnumType(ObjectionOutcomeEnum, { name: 'RankingObjectionOutcome', description: 'UPHELD sets the notice and computation aside (recompute, notice again).' });

@ObjectType()
export class RankingMetric {
  @Field() code: string;
  @Field() name: string;
  @Field(() => Int) weight: number;
  @Field(() => NormalisationEnum) normalisation: string;
  @Field() unit: string;
}

@ObjectType()
export class RankingGroup {
  @Field() code: string;
  @Field() name: string;
  @Field(() => [String]) qualificationGrades: readonly string[];
  @Field(() => Int) listSize: number;
}

@ObjectType()
export class RankingFilters {
  @Field(() => [String]) ownerships: readonly string[];
  @Field(() => [String]) acceptedCreditGrades: readonly string[];
  @Field() memberInGoodStanding: boolean;
  @Field(() => [String]) blacklistConductCodes: readonly string[];
}

@ObjectType()
export class RankingTieBreak {
  @Field(() => [String]) metrics: readonly string[];
  @Field(() => TieBreakFinalEnum) thenBy: string;
}

@ObjectType({ description: 'A methodology version (评选办法): metrics and weights, groups, eligibility filters, list size, tie-break.' })
export class RankingMethodology {
  @Field() associationId: string;
  @Field() methodologyId: string;
  @Field(() => Int) version: number;
  @Field() title: string;
  @Field() referenceNumber: string;
  @Field() effectiveFrom: string;
  @Field(() => [RankingMetric]) metrics: readonly RankingMetric[];
  @Field(() => [RankingGroup]) groups: readonly RankingGroup[];
  @Field(() => RankingFilters) filters: RankingFilters;
  @Field(() => Int) listSize: number;
  @Field(() => RankingTieBreak) tieBreak: RankingTieBreak;
  @Field(() => Int) noticeDays: number;
  @Field(() => GraphQLISODateTime, { nullable: true }) definedAt?: Date;
}

@ObjectType()
export class RankingEdition {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field() title: string;
  @Field(() => Int) year: number;
  @Field(() => RankingMethodology, { description: 'The methodology version the edition froze when it opened.' }) methodology: RankingMethodology;
  @Field() cutOffDate: string;
  @Field() openedOn: string;
  @Field({ description: 'OPEN, COMPUTED, IN_NOTICE or PUBLISHED.' }) status: string;
  @Field(() => Int) figureCount: number;
  @Field(() => Int, { nullable: true }) computationId: number | null;
  @Field(() => String, { nullable: true }) noticeStartsOn: string | null;
  @Field(() => String, { nullable: true }) noticeEndsOn: string | null;
  @Field(() => Int, { nullable: true, description: 'The list version in force (1 at publication, one more per erratum).' }) publishedVersion: number | null;
  @Field(() => String, { nullable: true }) publishedOn: string | null;
}

@ObjectType()
export class RankingMetricScore {
  @Field() code: string;
  @Field({ description: 'The figure, 4 places.' }) value: string;
  @Field(() => String, { nullable: true }) previousValue: string | null;
  @Field({ description: "Points out of the metric's weight, 4 places." }) points: string;
}

@ObjectType({ description: 'One candidate of a result: ranked with its metrics, points and total, or excluded with every ground and its evidence.' })
export class RankingEntry {
  @Field() enterpriseCode: string;
  @Field() excluded: boolean;
  @Field(() => String, { nullable: true }) groupCode: string | null;
  @Field(() => Int, { nullable: true }) groupRank: number | null;
  @Field(() => Int, { nullable: true, description: 'Place in the whole result (groups in order, each by rank).' }) place: number | null;
  @Field() listed: boolean;
  @Field(() => String, { nullable: true, description: 'Total points, 4 places.' }) total: string | null;
  @Field(() => [RankingMetricScore]) metrics: readonly RankingMetricScore[];
  @Field(() => String, {
    nullable: true,
    description: 'What placed it below the firm above: TOTAL, METRIC:<code> (tie-break), DECISION, CREDIT_CODE or TIED; null for the first of a group.',
  })
  placedBy: string | null;
  @Field(() => [String], { description: 'Exclusion grounds: DECISION, OWNERSHIP, CREDIT_GRADE, MEMBERSHIP, BLACKLISTED, MISSING_FIGURES, NO_GROUP.' }) grounds: readonly string[];
  @Field(() => [String], { description: 'One sentence per ground, naming the evidence it used.' }) details: readonly string[];
}

@ObjectType({ description: 'A list (a computation, or an erratum’s recomputation) with its entries.' })
export class RankingList {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field({ description: 'COMPUTATION or ERRATUM.' }) kind: string;
  @Field(() => Int, { nullable: true }) computationId: number | null;
  @Field(() => String, { nullable: true }) erratumId: string | null;
  @Field() computedOn: string;
  @Field(() => Int) methodologyVersion: number;
  @Field(() => Int) listedCount: number;
  @Field(() => Int) candidateCount: number;
  @Field(() => GraphQLISODateTime) recordedAt: Date;
  @Field(() => Int, { nullable: true, description: 'Null while not published.' }) listVersion: number | null;
  @Field(() => String, { nullable: true }) publishedOn: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) publishedAt: Date | null;
  @Field(() => String, { nullable: true }) erratumReason: string | null;
  @Field(() => String, { nullable: true, description: 'Reference number (文号) of the erratum’s decision.' }) erratumDecisionReference: string | null;
  @Field(() => [RankingEntry]) entries: readonly RankingEntry[];
}

@ObjectType()
export class RankingFigure {
  @Field(() => Int) figureId: number;
  @Field() enterpriseCode: string;
  @Field() metric: string;
  @Field() value: string;
  @Field(() => String, { nullable: true }) previousValue: string | null;
  @Field(() => FigureSourceEnum) source: string;
  @Field() evidenceReference: string;
  @Field(() => Int, { nullable: true, description: 'The figure this one corrects.' }) corrects: number | null;
  @Field(() => Int, { nullable: true, description: 'The figure that replaced this one.' }) supersededBy: number | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => String, { nullable: true }) objectionId: string | null;
  @Field(() => String, { nullable: true }) erratumId: string | null;
  @Field() recordedOn: string;
  @Field(() => GraphQLISODateTime) recordedAt: Date;
}

@ObjectType()
export class RankingObjection {
  @Field() objectionId: string;
  @Field() enterpriseCode: string;
  @Field() grounds: string;
  @Field(() => String, { nullable: true }) evidenceReference: string | null;
  @Field() filedOn: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) reasons: string | null;
  @Field(() => String, { nullable: true }) resolvedOn: string | null;
}

@ObjectType({ description: 'A firm in one published edition, as the list stood at the instant asked about.' })
export class RankingHistoryEntry extends RankingEntry {
  @Field() associationId: string;
  @Field() editionId: string;
  @Field() title: string;
  @Field(() => Int) year: number;
  @Field(() => Int) listVersion: number;
  @Field() publishedOn: string;
}

@ObjectType({ description: 'Why a firm stands where it stands: its metrics and points against the neighbours above and below, and what placed each.' })
export class RankingExplanation {
  @Field(() => Int, { nullable: true }) listVersion: number | null;
  @Field() kind: string;
  @Field(() => RankingMethodology) methodology: RankingMethodology;
  @Field(() => RankingEntry) entry: RankingEntry;
  @Field(() => RankingEntry, { nullable: true }) above: RankingEntry | null;
  @Field(() => RankingEntry, { nullable: true }) below: RankingEntry | null;
  @Field() summary: string;
}

@ObjectType()
export class RankingCommandPayload extends CommandPayload {
  @Field(() => RankingMethodology, { nullable: true }) methodology: RankingMethodology | null;
  @Field(() => RankingEdition, { nullable: true }) edition: RankingEdition | null;
}
