import type { DecisionRecord } from '../shared/index.js';
import type { TieResolution } from './rankings.compute.js';
import type { EligibilityFilters, FigureSource, RankingGroup, RankingMetric, TieBreak } from './rankings.methodology.js';

// ---- methodology -----------------------------------------------------------------------------------------------

export interface DefineRankingMethodologyVersion {
  readonly type: 'DefineRankingMethodologyVersion';
  readonly associationId: string;
  readonly methodologyId: string;
  readonly title: string;
  readonly referenceNumber: string;
  readonly effectiveFrom: string;
  readonly metrics: readonly RankingMetric[];
  readonly groups: readonly RankingGroup[];
  readonly filters: EligibilityFilters;
  readonly listSize: number;
  readonly tieBreak: TieBreak;
  readonly noticeDays: number;
}
export type RankingMethodologyCommand = DefineRankingMethodologyVersion;

// ---- edition ---------------------------------------------------------------------------------------------------

interface EditionCommand {
  readonly associationId: string;
  readonly editionId: string;
}

export interface OpenRankingEdition extends EditionCommand {
  readonly type: 'OpenRankingEdition';
  readonly title: string;
  readonly year: number;
  readonly methodologyId: string;
  readonly methodologyVersion: number;
  readonly cutOffDate: string;
}

export interface FigureRow {
  readonly enterpriseCode: string;
  readonly metric: string;
  readonly value: string;
  readonly previousValue?: string | null;
  readonly source: FigureSource;
  readonly evidenceReference: string;
}

/** One figure or a whole upload: every row is checked, and one wrong row refuses the upload with each row's error. */
export interface RecordRankingFigures extends EditionCommand {
  readonly type: 'RecordRankingFigures';
  readonly rows: readonly FigureRow[];
}

export interface FigureCorrection {
  /** The figure replaced. */
  readonly figureId: number;
  readonly value: string;
  readonly previousValue?: string | null;
  readonly source: FigureSource;
  readonly evidenceReference: string;
}

/** A correction before the cut-off. */
export interface CorrectRankingFigure extends EditionCommand, FigureCorrection {
  readonly type: 'CorrectRankingFigure';
  readonly reason: string;
}

export interface ExcludeRankingFirm extends EditionCommand {
  readonly type: 'ExcludeRankingFirm';
  readonly enterpriseCode: string;
  readonly grounds: string;
  readonly decision: DecisionRecord;
}

/** Computes the list; the eligibility evidence comes with the decider's facts. */
export interface ComputeRanking extends EditionCommand {
  readonly type: 'ComputeRanking';
  readonly tieResolutions: readonly TieResolution[];
}

export interface StartRankingNotice extends EditionCommand {
  readonly type: 'StartRankingNotice';
  readonly startsOn?: string | null;
}

export interface FileRankingObjection extends EditionCommand {
  readonly type: 'FileRankingObjection';
  readonly objectionId: string;
  /** The firm that objects (or whose position is objected to). */
  readonly enterpriseCode: string;
  readonly grounds: string;
  readonly evidenceReference?: string | null;
}

export interface ResolveRankingObjection extends EditionCommand {
  readonly type: 'ResolveRankingObjection';
  readonly objectionId: string;
  readonly outcome: 'UPHELD' | 'DISMISSED';
  readonly reasons: string;
  /** Figures the upheld objection corrects. */
  readonly corrections: readonly FigureCorrection[];
}

export interface PublishRanking extends EditionCommand {
  readonly type: 'PublishRanking';
}

export interface IssueRankingErratum extends EditionCommand {
  readonly type: 'IssueRankingErratum';
  readonly erratumId: string;
  readonly reason: string;
  readonly decision: DecisionRecord;
  readonly corrections: readonly FigureCorrection[];
  readonly exclusions: readonly { readonly enterpriseCode: string; readonly grounds: string }[];
  readonly tieResolutions: readonly TieResolution[];
}

export type RankingEditionCommand =
  | OpenRankingEdition
  | RecordRankingFigures
  | CorrectRankingFigure
  | ExcludeRankingFirm
  | ComputeRanking
  | StartRankingNotice
  | FileRankingObjection
  | ResolveRankingObjection
  | PublishRanking
  | IssueRankingErratum;

export const OBJECTION_OUTCOMES = ['UPHELD', 'DISMISSED'] as const;
/** Most rows one upload takes. */
export const FIGURE_ROWS_MAX = 2000;
export const METRICS_MAX = 20;
export const GROUPS_MAX = 20;
export const CORRECTIONS_MAX = 200;
export const TIE_RESOLUTIONS_MAX = 50;
