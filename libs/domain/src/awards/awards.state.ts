import type { PublicNotice } from '../shared/index.js';
import type {
  AwardCertificateReserved,
  AwardChannelSlotTaken,
  AwardEditionEvent,
  AwardEditionOpened,
  AwardEligibilityChecked,
  AwardEntryEvent,
  AwardEntrySubmitted,
  AwardGranted,
  AwardRevocationRequested,
  AwardRevoked,
  AwardRoundRanked,
  AwardRulebookEvent,
  AwardSiteInspected,
  AwardSubjectEntered,
  AwardVoteRecorded,
  EditionResult,
  ItemScore,
} from './awards.events.js';
import type { AwardRulebook } from './awards.rulebook.js';
import type { PanelDrawRecord } from './panel-draw.js';

// ---- rulebook ------------------------------------------------------------------------------------------------

export interface AwardRulebookState {
  readonly versions: readonly AwardRulebook[];
  /** Editions by version that run under it. */
  readonly pins: Readonly<Record<number, readonly string[]>>;
}
export const initialAwardRulebookState: AwardRulebookState = { versions: [], pins: {} };
export function evolveAwardRulebook(state: AwardRulebookState, event: AwardRulebookEvent): AwardRulebookState {
  switch (event.type) {
    case 'AwardRulebookVersionDefined':
      return { ...state, versions: [...state.versions, event.data.rulebook] };
    case 'AwardRulebookVersionPinned':
      return { ...state, pins: { ...state.pins, [event.data.version]: [...(state.pins[event.data.version] ?? []), event.data.editionId] } };
  }
}

// ---- edition -------------------------------------------------------------------------------------------------

export interface RoundState {
  readonly openedOn: string;
  readonly closedOn: string | null;
  readonly ranking: AwardRoundRanked['data'] | null;
}

export interface AwardEditionState {
  readonly opened: AwardEditionOpened['data'] | null;
  /** Rounds by code, in the order they were opened. */
  readonly rounds: Readonly<Record<string, RoundState>>;
  readonly notice: (PublicNotice & { readonly results: readonly EditionResult[] }) | null;
  readonly publishedOn: string | null;
}

export const initialAwardEditionState: AwardEditionState = { opened: null, rounds: {}, notice: null, publishedOn: null };

export function evolveAwardEdition(state: AwardEditionState, event: AwardEditionEvent): AwardEditionState {
  switch (event.type) {
    case 'AwardEditionOpened':
      return { ...state, opened: event.data };
    case 'AwardRoundOpened':
      return { ...state, rounds: { ...state.rounds, [event.data.roundCode]: { openedOn: event.data.openedOn, closedOn: null, ranking: null } } };
    case 'AwardRoundClosed':
      return { ...state, rounds: { ...state.rounds, [event.data.roundCode]: { ...state.rounds[event.data.roundCode]!, closedOn: event.data.closedOn } } };
    case 'AwardRoundRanked':
      return { ...state, rounds: { ...state.rounds, [event.data.roundCode]: { ...state.rounds[event.data.roundCode]!, ranking: event.data } } };
    case 'AwardNoticeStarted':
      return { ...state, notice: { startsOn: event.data.startsOn, endsOn: event.data.endsOn, days: event.data.noticeDays, results: event.data.results } };
    case 'AwardResultsPublished':
      return { ...state, publishedOn: event.data.publishedOn };
  }
}

/** The round that is open now (opened and not closed), or null. */
export function openRoundOf(state: AwardEditionState): string | null {
  return Object.entries(state.rounds).find(([, r]) => r.closedOn === null)?.[0] ?? null;
}

/** Whether the round's scores are locked (it has closed). */
export function isRoundLocked(state: AwardEditionState, roundCode: string): boolean {
  return (state.rounds[roundCode]?.closedOn ?? null) !== null;
}

/** The scored round before `roundCode` in the rulebook, or null when it is the first. */
export function previousScoredRound(state: AwardEditionState, roundCode: string): string | null {
  const rounds = state.opened?.rulebook.rounds ?? [];
  const at = rounds.findIndex((r) => r.code === roundCode);
  for (let i = at - 1; i >= 0; i--) if (rounds[i]!.kind !== 'COMMITTEE_VOTE') return rounds[i]!.code;
  return null;
}

/** The last scored round of the rulebook: its ranking carries grades, places and amounts. */
export function finalScoredRound(state: AwardEditionState): string | null {
  const rounds = (state.opened?.rulebook.rounds ?? []).filter((r) => r.kind !== 'COMMITTEE_VOTE');
  return rounds[rounds.length - 1]?.code ?? null;
}

/**
 * Whether an entry takes part in a round: every eligible entry in the first scored round; in a later one, those the
 * previous scored round's ranking advanced.
 */
export function entryIsInRound(state: AwardEditionState, roundCode: string, entryId: string): boolean {
  const previous = previousScoredRound(state, roundCode);
  if (previous === null) return true;
  const ranking = state.rounds[previous]?.ranking;
  return ranking?.ranking.some((r) => r.entryId === entryId && r.advances) ?? false;
}

// ---- entry ---------------------------------------------------------------------------------------------------

export interface PanelState {
  /** Every draw for the entry in this round (the first, then each replacement), in order. */
  readonly draws: readonly PanelDrawRecord[];
  /** The experts on the panel now. */
  readonly members: readonly string[];
  readonly recused: readonly string[];
  /** Each member's current score. */
  readonly scores: Readonly<Record<string, { readonly items: readonly ItemScore[]; readonly weightedTotal: number }>>;
}

export interface ObjectionState {
  readonly objectionId: string;
  readonly filedOn: string;
  readonly resolved: 'UPHELD' | 'DISMISSED' | null;
}

export interface AwardEntryState {
  readonly submitted: AwardEntrySubmitted['data'] | null;
  readonly eligibility: AwardEligibilityChecked['data'] | null;
  readonly panels: Readonly<Record<string, PanelState>>;
  readonly inspections: readonly AwardSiteInspected['data'][];
  readonly vote: AwardVoteRecorded['data'] | null;
  readonly objections: readonly ObjectionState[];
  readonly granted: AwardGranted['data'] | null;
  readonly notGranted: { readonly reason: string; readonly decidedOn: string } | null;
  readonly revocationRequest: AwardRevocationRequested['data'] | null;
  readonly revoked: AwardRevoked['data'] | null;
}

export const initialAwardEntryState: AwardEntryState = {
  submitted: null,
  eligibility: null,
  panels: {},
  inspections: [],
  vote: null,
  objections: [],
  granted: null,
  notGranted: null,
  revocationRequest: null,
  revoked: null,
};

function withPanel(state: AwardEntryState, roundCode: string, change: (panel: PanelState) => PanelState): AwardEntryState {
  const panel = state.panels[roundCode] ?? { draws: [], members: [], recused: [], scores: {} };
  return { ...state, panels: { ...state.panels, [roundCode]: change(panel) } };
}

export function evolveAwardEntry(state: AwardEntryState, event: AwardEntryEvent): AwardEntryState {
  switch (event.type) {
    case 'AwardEntrySubmitted':
      return { ...state, submitted: event.data };
    case 'AwardEligibilityChecked':
      return { ...state, eligibility: event.data };
    case 'AwardPanelDrawn':
      return withPanel(state, event.data.roundCode, (p) => ({ ...p, draws: [...p.draws, event.data.draw], members: [...event.data.draw.panel] }));
    case 'AwardEntryScored':
      return withPanel(state, event.data.roundCode, (p) => ({
        ...p,
        scores: { ...p.scores, [event.data.expertId]: { items: event.data.items, weightedTotal: event.data.weightedTotal } },
      }));
    case 'AwardExpertRecused':
      return withPanel(state, event.data.roundCode, (p) => {
        const scores = { ...p.scores };
        delete scores[event.data.expertId];
        return { ...p, members: p.members.filter((m) => m !== event.data.expertId), recused: [...p.recused, event.data.expertId], scores };
      });
    case 'AwardReplacementDrawn':
      return withPanel(state, event.data.roundCode, (p) => ({ ...p, draws: [...p.draws, event.data.draw], members: [...p.members, ...event.data.draw.panel] }));
    case 'AwardSiteInspected':
      return { ...state, inspections: [...state.inspections, event.data] };
    case 'AwardVoteRecorded':
      return { ...state, vote: event.data };
    case 'AwardObjectionFiled':
      return { ...state, objections: [...state.objections, { objectionId: event.data.objectionId, filedOn: event.data.filedOn, resolved: null }] };
    case 'AwardObjectionResolved':
      return { ...state, objections: state.objections.map((o) => (o.objectionId === event.data.objectionId ? { ...o, resolved: event.data.outcome } : o)) };
    case 'AwardGranted':
      return { ...state, granted: event.data };
    case 'AwardNotGranted':
      return { ...state, notGranted: { reason: event.data.reason, decidedOn: event.data.decidedOn } };
    case 'AwardRevocationRequested':
      return { ...state, revocationRequest: event.data };
    case 'AwardRevoked':
      return { ...state, revocationRequest: null, revoked: event.data };
  }
}

/** Where the entry's next draw in this round starts on the seed stream: after the last draw's words. */
export function nextSeedPosition(panel: PanelState | undefined): number {
  const last = panel?.draws[panel.draws.length - 1];
  return last ? last.endPosition : 0;
}

/**
 * The scores of an entry a viewer may see: an expert sees only their own until the round closes (independent
 * scoring); once it has closed, and for the secretariat, every score.
 */
export function scoresVisibleTo(panel: PanelState, viewer: { readonly expertId: string } | 'SECRETARIAT', roundLocked: boolean): PanelState['scores'] {
  if (viewer === 'SECRETARIAT' || roundLocked) return panel.scores;
  const own = panel.scores[viewer.expertId];
  return own ? { [viewer.expertId]: own } : {};
}

// ---- reservations ---------------------------------------------------------------------------------------------

export interface AwardSubjectState {
  readonly entered: AwardSubjectEntered['data'] | null;
}
export const initialAwardSubjectState: AwardSubjectState = { entered: null };
export function evolveAwardSubject(_state: AwardSubjectState, event: AwardSubjectEntered): AwardSubjectState {
  return { entered: event.data };
}

export interface AwardChannelState {
  readonly entries: readonly string[];
}
export const initialAwardChannelState: AwardChannelState = { entries: [] };
export function evolveAwardChannel(state: AwardChannelState, event: AwardChannelSlotTaken): AwardChannelState {
  return { entries: [...state.entries, event.data.entryId] };
}

export interface AwardCertificateState {
  readonly reserved: AwardCertificateReserved['data'] | null;
}
export const initialAwardCertificateState: AwardCertificateState = { reserved: null };
export function evolveAwardCertificate(_state: AwardCertificateState, event: AwardCertificateReserved): AwardCertificateState {
  return { reserved: event.data };
}
