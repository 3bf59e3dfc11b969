import type { AssociationEvent, Charter } from './association.events.js';

export interface CouncilTerm {
  readonly termNumber: number;
  readonly startsOn: string;
  readonly endsOn: string;
}

export type AssociationState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly associationId: string;
      readonly name: string;
      readonly regionCode: string;
      readonly charter: Charter;
      readonly waiverApprovers: readonly string[];
      readonly councilTerms: readonly CouncilTerm[];
    };

export type RegisteredAssociationState = Extract<AssociationState, { status: 'registered' }>;

export const initialAssociationState: AssociationState = { status: 'unregistered' };

export function evolveAssociation(state: AssociationState, event: AssociationEvent): AssociationState {
  if (event.type === 'AssociationRegistered') {
    const d = event.data;
    return {
      status: 'registered',
      associationId: d.associationId,
      name: d.name,
      regionCode: d.regionCode,
      charter: d.charter,
      waiverApprovers: d.waiverApprovers,
      councilTerms: [],
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'WaiverApproverGranted':
      return { ...state, waiverApprovers: [...state.waiverApprovers, event.data.userId] };
    case 'WaiverApproverRevoked':
      return { ...state, waiverApprovers: state.waiverApprovers.filter((u) => u !== event.data.userId) };
    case 'CouncilTermRecorded': {
      const { termNumber, startsOn, endsOn } = event.data;
      return { ...state, councilTerms: [...state.councilTerms, { termNumber, startsOn, endsOn }] };
    }
  }
}

/** The council term whose dates include `date` (YYYY-MM-DD), if any. */
export function councilTermOn(state: AssociationState, date: string): CouncilTerm | null {
  if (state.status !== 'registered') return null;
  return state.councilTerms.find((t) => t.startsOn <= date && date <= t.endsOn) ?? null;
}
