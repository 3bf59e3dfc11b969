import type { Workflow, WorkflowInput } from '../shared/index.js';
import type { CouncilElectionHeld } from './council-term.events.js';
import type { ChangeTier } from './membership-reservations.decide.js';

/** What an election's follow-up did: raised, left alone (already at the tier or above), or refused, per firm. */
export interface ElectionFollowUp {
  readonly electionId: string | null;
  readonly raised: readonly string[];
  readonly unchanged: readonly string[];
  readonly refused: readonly { readonly enterpriseCode: string; readonly rule: string; readonly message: string }[];
}

const initialFollowUp: ElectionFollowUp = { electionId: null, raised: [], unchanged: [], refused: [] };

/**
 * After a council election is recorded, every elected firm takes the office's tier, citing the election as its
 * decision from the election's date (the membership decider leaves a firm already at that tier or above as it is).
 * Each tier change is its own command on the firm's membership stream; nothing is reserved, so a refused change
 * (the membership ended since the candidates were checked) releases nothing: it is reported, and the election stands.
 */
export const electionWorkflow: Workflow<CouncilElectionHeld['data'], ElectionFollowUp, ChangeTier> = {
  name: 'council-election-tiers',
  initialState: initialFollowUp,
  decide(input: WorkflowInput<CouncilElectionHeld['data']>) {
    if (input.kind !== 'started') return [];
    const election = input.trigger;
    return election.elected.map((enterpriseCode) => ({
      key: enterpriseCode,
      command: {
        type: 'ChangeMembershipTier',
        associationId: election.associationId,
        enterpriseCode,
        tier: election.tier,
        decision: election.decision,
        effectiveFrom: election.decision.decidedOn,
        electionId: election.electionId,
        councilTermNumber: election.termNumber,
      },
    }));
  },
  evolve(state, input) {
    switch (input.kind) {
      case 'started':
        return { ...state, electionId: input.trigger.electionId };
      case 'accepted':
        return input.events.length > 0 ? { ...state, raised: [...state.raised, input.key] } : { ...state, unchanged: [...state.unchanged, input.key] };
      case 'refused':
        return { ...state, refused: [...state.refused, { enterpriseCode: input.key, rule: input.rule, message: input.message }] };
    }
  },
};
