import type { PublicNotice } from '../shared/index.js';
import type { EligibilityEvidence, FirmInput, RankingInputs, RankingResult, TieResolution } from './rankings.compute.js';
import type { FigureData, RankingEditionEvent, RankingEditionOpened, RankingMethodologyEvent } from './rankings.events.js';
import type { MethodologyVersion } from './rankings.methodology.js';

// ---- methodology -----------------------------------------------------------------------------------------------

export interface RankingMethodologyState {
  readonly versions: readonly MethodologyVersion[];
}

export const initialRankingMethodologyState: RankingMethodologyState = { versions: [] };

export function evolveRankingMethodology(state: RankingMethodologyState, event: RankingMethodologyEvent): RankingMethodologyState {
  return { versions: [...state.versions, event.data] };
}

// ---- edition ---------------------------------------------------------------------------------------------------

export interface FigureState extends FigureData {
  /** The figure that replaced this one, if any. */
  readonly supersededBy: number | null;
}

export interface ComputationState {
  readonly computationId: number;
  readonly computedOn: string;
  readonly eligibility: ReadonlyMap<string, EligibilityEvidence>;
  readonly tieResolutions: readonly TieResolution[];
  readonly result: RankingResult;
}

export interface ObjectionState {
  readonly enterpriseCode: string;
  readonly status: 'OPEN' | 'UPHELD' | 'DISMISSED';
}

export interface RankingEditionState {
  readonly edition: RankingEditionOpened['data'] | null;
  readonly figures: ReadonlyMap<number, FigureState>;
  /** The figure in force per firm and metric (`code metric` → figure id). */
  readonly current: ReadonlyMap<string, number>;
  readonly exclusions: ReadonlyMap<string, { readonly grounds: string; readonly reference: string }>;
  /** The computation the edition stands on; set aside by an upheld objection. */
  readonly computation: ComputationState | null;
  /** The latest computation ever made (errata take their eligibility evidence from it). */
  readonly lastComputation: ComputationState | null;
  readonly computations: number;
  readonly notice: (PublicNotice & { readonly computationId: number }) | null;
  readonly objections: ReadonlyMap<string, ObjectionState>;
  /** The list as published, latest version; null before publication. */
  readonly published: { readonly listVersion: number; readonly result: RankingResult } | null;
  readonly errata: ReadonlySet<string>;
}

export const initialRankingEditionState: RankingEditionState = {
  edition: null,
  figures: new Map(),
  current: new Map(),
  exclusions: new Map(),
  computation: null,
  lastComputation: null,
  computations: 0,
  notice: null,
  objections: new Map(),
  published: null,
  errata: new Set(),
};

export const figureKey = (enterpriseCode: string, metric: string) => `${enterpriseCode} ${metric}`;

function withFigure(state: RankingEditionState, figure: FigureData, corrects: number | null): RankingEditionState {
  const figures = new Map(state.figures);
  if (corrects !== null) figures.set(corrects, { ...figures.get(corrects)!, supersededBy: figure.figureId });
  const { figureId, enterpriseCode, metric, value, previousValue, source, evidenceReference } = figure;
  figures.set(figureId, { figureId, enterpriseCode, metric, value, previousValue, source, evidenceReference, supersededBy: null });
  const current = new Map(state.current).set(figureKey(enterpriseCode, metric), figureId);
  return { ...state, figures, current };
}

export function evolveRankingEdition(state: RankingEditionState, event: RankingEditionEvent): RankingEditionState {
  switch (event.type) {
    case 'RankingEditionOpened':
      return { ...state, edition: event.data };
    case 'RankingFigureRecorded':
      return withFigure(state, event.data, null);
    case 'RankingFigureCorrected':
      return withFigure(state, event.data, event.data.corrects);
    case 'RankingFirmExcluded':
      return {
        ...state,
        exclusions: new Map(state.exclusions).set(event.data.enterpriseCode, { grounds: event.data.grounds, reference: event.data.decision.reference }),
      };
    case 'RankingComputed': {
      const { computationId, computedOn, eligibility, tieResolutions, result } = event.data;
      const computation: ComputationState = {
        computationId,
        computedOn,
        eligibility: new Map(eligibility.map(({ enterpriseCode, ...evidence }) => [enterpriseCode, evidence])),
        tieResolutions,
        result,
      };
      return { ...state, computation, lastComputation: computation, computations: computationId, notice: null };
    }
    case 'RankingNoticeStarted': {
      const { startsOn, endsOn, noticeDays, computationId } = event.data;
      return { ...state, notice: { startsOn, endsOn, days: noticeDays, computationId } };
    }
    case 'RankingObjectionFiled':
      return { ...state, objections: new Map(state.objections).set(event.data.objectionId, { enterpriseCode: event.data.enterpriseCode, status: 'OPEN' }) };
    case 'RankingObjectionResolved': {
      const objection = state.objections.get(event.data.objectionId)!;
      const objections = new Map(state.objections).set(event.data.objectionId, { ...objection, status: event.data.outcome });
      return event.data.outcome === 'UPHELD' ? { ...state, objections, computation: null, notice: null } : { ...state, objections };
    }
    case 'RankingPublished':
      return { ...state, published: { listVersion: event.data.listVersion, result: state.computation!.result } };
    case 'RankingErratumIssued':
      return { ...state, published: { listVersion: event.data.listVersion, result: event.data.result }, errata: new Set(state.errata).add(event.data.erratumId) };
  }
}

/** The candidates: every firm with a figure in force, with its figures and any exclusion decided. */
export function candidatesOf(state: RankingEditionState): { readonly enterpriseCode: string; readonly figures: FirmInput['figures']; readonly excludedByDecision: FirmInput['excludedByDecision'] }[] {
  const byFirm = new Map<string, { metric: string; value: string; previousValue: string | null }[]>();
  for (const id of state.current.values()) {
    const figure = state.figures.get(id)!;
    byFirm.set(figure.enterpriseCode, [...(byFirm.get(figure.enterpriseCode) ?? []), { metric: figure.metric, value: figure.value, previousValue: figure.previousValue }]);
  }
  return [...byFirm.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([enterpriseCode, figures]) => ({ enterpriseCode, figures, excludedByDecision: state.exclusions.get(enterpriseCode) ?? null }));
}

/** The frozen inputs of a computation over the edition as it stands: its figures and exclusions, with this evidence and these tie orders. */
export function rankingInputsOf(
  state: RankingEditionState,
  eligibility: ReadonlyMap<string, EligibilityEvidence>,
  tieResolutions: readonly TieResolution[],
): RankingInputs {
  const firms = candidatesOf(state).map((c): FirmInput => ({ ...c, eligibility: eligibility.get(c.enterpriseCode)! }));
  return { methodology: state.edition!.methodology, firms, tieResolutions };
}
