import { describe, expect, it } from '@jest/globals';
import type { WorkflowInput } from '../shared/index.js';
import { conductOnRatingsWorkflow, type RecordedConduct } from './credit-conduct.workflow.js';

const SUBJECT = '91430600MA4L000012';
const recorded: RecordedConduct = {
  recordCommandId: '0d3c2b1a-9f8e-4d7c-b6a5-443322110000',
  associationId: 'yueyang-ucca',
  subjectId: SUBJECT,
  recordId: 'rec-1',
  ratings: [
    { associationId: 'yueyang-ucca', cycleId: 'credit-2019' },
    { associationId: 'yueyang-ucca', cycleId: 'credit-2020' },
    { associationId: 'yueyang-ucca', cycleId: 'credit-2021' },
  ],
};

/** Given a recorded conduct record, when each rating command has the given outcome, then: the commands sent and the state. */
function run(outcome: (key: string) => WorkflowInput<RecordedConduct>) {
  let state = conductOnRatingsWorkflow.initialState;
  const sent: unknown[] = [];
  const inputs: WorkflowInput<RecordedConduct>[] = [{ kind: 'started', trigger: recorded }];
  for (let input = inputs.shift(); input; input = inputs.shift()) {
    const commands = conductOnRatingsWorkflow.decide(input, state);
    state = conductOnRatingsWorkflow.evolve(state, input);
    for (const command of commands) {
      sent.push(command);
      inputs.push(outcome(command.key));
    }
  }
  return { state, sent };
}

describe('the conduct-on-ratings workflow', () => {
  it('applies the record to every listed rating, each under an id of the record command and the rating', () => {
    const { sent } = run((key) => ({ kind: 'accepted', key, events: [{ type: 'CreditRatingDowngraded', data: {} }], duplicate: false }));
    expect(sent).toEqual(
      ['credit-2019', 'credit-2020', 'credit-2021'].map((cycleId) => ({
        key: `yueyang-ucca/${cycleId}`,
        command: { type: 'ApplyConductToCreditRating', associationId: 'yueyang-ucca', cycleId, subjectId: SUBJECT, recordId: 'rec-1' },
        identity: ['apply-conduct', recorded.recordCommandId, 'yueyang-ucca', cycleId],
      })),
    );
  });

  it('reports the ratings it changed; one the record leaves as it is, or that lapsed since it was listed (refused), is not among them', () => {
    const { state, sent } = run((key) => {
      if (key === 'yueyang-ucca/credit-2019') return { kind: 'refused', key, rule: 'CREDIT_NO_VALID_RATING', message: 'no valid rating' };
      if (key === 'yueyang-ucca/credit-2020') return { kind: 'accepted', key, events: [], duplicate: false };
      return { kind: 'accepted', key, events: [{ type: 'CreditRatingSuspended', data: {} }], duplicate: false };
    });
    expect(sent).toHaveLength(3);
    expect(state.changed).toEqual([{ associationId: 'yueyang-ucca', cycleId: 'credit-2021' }]);
    expect(state.refused).toEqual([{ key: 'yueyang-ucca/credit-2019', rule: 'CREDIT_NO_VALID_RATING' }]);
  });

  it('sends nothing for a subject without a rating in force', () => {
    expect(conductOnRatingsWorkflow.decide({ kind: 'started', trigger: { ...recorded, ratings: [] } }, conductOnRatingsWorkflow.initialState)).toEqual([]);
  });
});
