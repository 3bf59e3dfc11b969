import type { Workflow } from '../shared/index.js';
import { CREDIT_COMMAND_NAMESPACE, type CreditCycleRef } from './credit-bulk.workflows.js';
import type { ApplyConductToCreditRating } from './credit.commands.js';

/** A conduct record just recorded, and the ratings in force that its association issued to the subject. */
export interface RecordedConduct {
  /** The id of the command that recorded it: each rating's command id derives from it. */
  readonly recordCommandId: string;
  readonly associationId: string;
  readonly subjectId: string;
  readonly recordId: string;
  readonly ratings: readonly CreditCycleRef[];
}

export interface ConductOnRatingsState {
  /** The ratings the record was applied to. */
  readonly ratings: readonly CreditCycleRef[];
  /** Those it changed, in the order the changes came. */
  readonly changed: readonly CreditCycleRef[];
  /** Ratings that did not take the record (e.g. one that lapsed since it was listed): not valid any more. */
  readonly refused: readonly { readonly key: string; readonly rule: string }[];
}

const ratingKey = (rating: CreditCycleRef) => `${rating.associationId}/${rating.cycleId}`;

/**
 * Applies a conduct record at once, by the dynamic rules, to every listed rating (another association's ratings are
 * not its to change, so the list holds only the recorder's). Each rating is its own stream and its own command.
 */
export const conductOnRatingsWorkflow: Workflow<RecordedConduct, ConductOnRatingsState, ApplyConductToCreditRating> = {
  name: 'credit-conduct-on-ratings',
  commandNamespace: CREDIT_COMMAND_NAMESPACE,
  initialState: { ratings: [], changed: [], refused: [] },
  decide: (input) =>
    input.kind === 'started'
      ? input.trigger.ratings.map((rating) => ({
          key: ratingKey(rating),
          command: {
            type: 'ApplyConductToCreditRating',
            associationId: rating.associationId,
            cycleId: rating.cycleId,
            subjectId: input.trigger.subjectId,
            recordId: input.trigger.recordId,
          },
          identity: ['apply-conduct', input.trigger.recordCommandId, rating.associationId, rating.cycleId],
        }))
      : [],
  evolve(state, input) {
    switch (input.kind) {
      case 'started':
        return { ...state, ratings: input.trigger.ratings };
      case 'accepted': {
        const rating = state.ratings.find((r) => ratingKey(r) === input.key);
        return rating && input.events.length > 0 ? { ...state, changed: [...state.changed, rating] } : state;
      }
      case 'refused':
        return { ...state, refused: [...state.refused, { key: input.key, rule: input.rule }] };
    }
  },
};
