import { type DecisionRecord, defineStreamKind, type DomainEvent } from '../shared/index.js';
import type { EligibilityEvidence, RankingResult, TieResolution } from './rankings.compute.js';
import type { FigureSource, MethodologyVersion } from './rankings.methodology.js';

// ---- methodology: rankingMethodology-<associationId>:<methodologyId> ------------------------------------------

/** A version of a methodology, whole; a version is never changed (a change is the next version). */
export type RankingMethodologyVersionDefined = DomainEvent<'RankingMethodologyVersionDefined', MethodologyVersion>;
export type RankingMethodologyEvent = RankingMethodologyVersionDefined;

// ---- edition: rankingEdition-<associationId>:<editionId> ------------------------------------------------------

interface EditionKey {
  readonly associationId: string;
  readonly editionId: string;
}

export type RankingEditionOpened = DomainEvent<
  'RankingEditionOpened',
  EditionKey & {
    readonly title: string;
    readonly year: number;
    /** The methodology version, copied whole: frozen before any figure comes in. */
    readonly methodology: MethodologyVersion;
    /** Figures are taken up to and including this day; eligibility is judged as of it. */
    readonly cutOffDate: string;
    readonly openedOn: string;
  }
>;

export interface FigureData {
  /** Numbered in the edition from 1, in the order recorded. */
  readonly figureId: number;
  readonly enterpriseCode: string;
  readonly metric: string;
  readonly value: string;
  readonly previousValue: string | null;
  readonly source: FigureSource;
  readonly evidenceReference: string;
}

export type RankingFigureRecorded = DomainEvent<'RankingFigureRecorded', EditionKey & FigureData & { readonly recordedOn: string }>;
/** A new figure that replaces an earlier one (named by `corrects`), before the cut-off, on an upheld objection or in an erratum. */
export type RankingFigureCorrected = DomainEvent<
  'RankingFigureCorrected',
  EditionKey &
    FigureData & {
      readonly corrects: number;
      readonly reason: string;
      readonly objectionId: string | null;
      readonly erratumId: string | null;
      readonly correctedOn: string;
    }
>;
export type RankingFirmExcluded = DomainEvent<
  'RankingFirmExcluded',
  EditionKey & { readonly enterpriseCode: string; readonly grounds: string; readonly decision: DecisionRecord; readonly erratumId: string | null; readonly excludedOn: string }
>;
/** A computation with the inputs it took from outside the stream (eligibility evidence, decided tie orders) and its result. */
export type RankingComputed = DomainEvent<
  'RankingComputed',
  EditionKey & {
    readonly computationId: number;
    readonly computedOn: string;
    readonly eligibility: readonly ({ readonly enterpriseCode: string } & EligibilityEvidence)[];
    readonly tieResolutions: readonly TieResolution[];
    readonly result: RankingResult;
  }
>;
export type RankingNoticeStarted = DomainEvent<
  'RankingNoticeStarted',
  EditionKey & { readonly computationId: number; readonly startsOn: string; readonly endsOn: string; readonly noticeDays: number }
>;
export type RankingObjectionFiled = DomainEvent<
  'RankingObjectionFiled',
  EditionKey & { readonly objectionId: string; readonly enterpriseCode: string; readonly grounds: string; readonly evidenceReference: string | null; readonly filedOn: string }
>;
/** Upheld, the notice and the computation it showed are set aside: the edition is computed and noticed again. */
export type RankingObjectionResolved = DomainEvent<
  'RankingObjectionResolved',
  EditionKey & { readonly objectionId: string; readonly outcome: 'UPHELD' | 'DISMISSED'; readonly reasons: string; readonly resolvedOn: string }
>;
export type RankingPublished = DomainEvent<
  'RankingPublished',
  EditionKey & { readonly computationId: number; readonly listVersion: number; readonly publishedOn: string }
>;
/** A correction of the published list: a new list version, recomputed, on a decision; the earlier version stays answerable. */
export type RankingErratumIssued = DomainEvent<
  'RankingErratumIssued',
  EditionKey & {
    readonly erratumId: string;
    readonly listVersion: number;
    readonly reason: string;
    readonly decision: DecisionRecord;
    readonly tieResolutions: readonly TieResolution[];
    readonly result: RankingResult;
    readonly issuedOn: string;
  }
>;

export type RankingEditionEvent =
  | RankingEditionOpened
  | RankingFigureRecorded
  | RankingFigureCorrected
  | RankingFirmExcluded
  | RankingComputed
  | RankingNoticeStarted
  | RankingObjectionFiled
  | RankingObjectionResolved
  | RankingPublished
  | RankingErratumIssued;

export type RankingEvent = RankingMethodologyEvent | RankingEditionEvent;

export const RANKING_METHODOLOGY_EVENT_TYPES: readonly RankingMethodologyEvent['type'][] = ['RankingMethodologyVersionDefined'];
export const RANKING_EDITION_EVENT_TYPES: readonly RankingEditionEvent['type'][] = [
  'RankingEditionOpened',
  'RankingFigureRecorded',
  'RankingFigureCorrected',
  'RankingFirmExcluded',
  'RankingComputed',
  'RankingNoticeStarted',
  'RankingObjectionFiled',
  'RankingObjectionResolved',
  'RankingPublished',
  'RankingErratumIssued',
];
/** Every rankings event type: what the rankings projection handles. */
export const RANKING_EVENT_TYPES: readonly RankingEvent['type'][] = [...RANKING_METHODOLOGY_EVENT_TYPES, ...RANKING_EDITION_EVENT_TYPES];

/** `rankingMethodology-<association>:<methodology>`: the versions of one methodology. */
export const RankingMethodologyStream = defineStreamKind<[associationId: string, methodologyId: string]>('rankingMethodology', ['associationId', 'methodologyId']);
/** `rankingEdition-<association>:<edition>`: one edition, its figures, exclusions, computations, notice, objections, publication and errata. */
export const RankingEditionStream = defineStreamKind<[associationId: string, editionId: string]>('rankingEdition', ['associationId', 'editionId']);

export function rankingMethodologyStreamId(associationId: string, methodologyId: string): string {
  return RankingMethodologyStream.id(associationId, methodologyId);
}
export function rankingEditionStreamId(associationId: string, editionId: string): string {
  return RankingEditionStream.id(associationId, editionId);
}
