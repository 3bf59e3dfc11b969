import { describe, expect, it } from '@jest/globals';
import type { WorkflowInput } from '../shared/index.js';
import type { CouncilElectionHeld } from './council-term.events.js';
import { electionWorkflow } from './election.workflow.js';

const election: CouncilElectionHeld['data'] = {
  associationId: 'yueyang-ucca',
  termNumber: 5,
  electionId: 'yueyang-ucca:5:VICE_PRESIDENT',
  office: 'VICE_PRESIDENT',
  tier: 'VICE_PRESIDENT',
  seats: 2,
  candidates: [],
  elected: ['91430600MA4L000012', '91430600MA4L000020'],
  decision: { body: 'GENERAL_ASSEMBLY', reference: '岳城建协〔2020〕5号', decidedOn: '2020-11-28', votes: { entitled: 120, present: 101, inFavour: 101, against: 0, abstaining: 0 } },
};

function run(outcomes: (input: { key: string }) => WorkflowInput<CouncilElectionHeld['data']>) {
  let state = electionWorkflow.initialState;
  const sent: unknown[] = [];
  const inputs: WorkflowInput<CouncilElectionHeld['data']>[] = [{ kind: 'started', trigger: election }];
  for (let input = inputs.shift(); input; input = inputs.shift()) {
    const commands = electionWorkflow.decide(input, state);
    state = electionWorkflow.evolve(state, input);
    for (const command of commands) {
      sent.push(command);
      inputs.push(outcomes(command));
    }
  }
  return { state, sent };
}

describe('the election workflow', () => {
  it("sends each elected firm a change to the office's tier citing the election", () => {
    const { sent } = run(({ key }) => ({ kind: 'accepted', key, events: [{ type: 'MembershipTierChanged', data: {} }], duplicate: false }));
    expect(sent).toEqual(
      election.elected.map((enterpriseCode) => ({
        key: enterpriseCode,
        command: {
          type: 'ChangeMembershipTier',
          associationId: 'yueyang-ucca',
          enterpriseCode,
          tier: 'VICE_PRESIDENT',
          decision: election.decision,
          effectiveFrom: '2020-11-28',
          electionId: 'yueyang-ucca:5:VICE_PRESIDENT',
          councilTermNumber: 5,
        },
      })),
    );
  });

  it('reports raised, unchanged and refused firms, and sends nothing more after a refusal', () => {
    const [raised, refused] = election.elected;
    const { state, sent } = run(({ key }) =>
      key === refused ? { kind: 'refused', key, rule: 'MEMBERSHIP_NOT_ACTIVE', message: 'suspended' } : { kind: 'accepted', key, events: [{ type: 'MembershipTierChanged', data: {} }], duplicate: false },
    );
    expect(sent).toHaveLength(2);
    expect(state).toEqual({ electionId: election.electionId, raised: [raised], unchanged: [], refused: [{ enterpriseCode: refused, rule: 'MEMBERSHIP_NOT_ACTIVE', message: 'suspended' }] });
  });

  it('counts a firm already at the tier or above as unchanged', () => {
    const { state } = run(({ key }) => ({ kind: 'accepted', key, events: [], duplicate: true }));
    expect(state.unchanged).toEqual(election.elected);
  });
});
