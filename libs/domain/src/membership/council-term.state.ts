import type { CouncilTermEvent, ElectionOffice } from './council-term.events.js';

export interface CouncilTermState {
  readonly president: { readonly enterpriseCode: string; readonly membershipId: string } | null;
  readonly elections: ReadonlyMap<ElectionOffice, readonly string[]>;
}

export const initialCouncilTermState: CouncilTermState = { president: null, elections: new Map() };

export function evolveCouncilTerm(state: CouncilTermState, event: CouncilTermEvent): CouncilTermState {
  switch (event.type) {
    case 'PresidentSeatTaken':
      return { ...state, president: { enterpriseCode: event.data.enterpriseCode, membershipId: event.data.membershipId } };
    case 'PresidentSeatReleased':
      return { ...state, president: null };
    case 'CouncilElectionHeld': {
      const elections = new Map(state.elections);
      elections.set(event.data.office, event.data.elected);
      return { ...state, elections };
    }
  }
}
