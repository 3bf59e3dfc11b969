import type { DomainEvent } from './decider.js';
import type { Workflow, WorkflowCommand } from './workflow.js';

/** What a bulk run did, item by item: written, already done (re-run), or refused with the rule. */
export interface BulkTally {
  readonly considered: number;
  readonly written: number;
  readonly unchanged: number;
  readonly refused: number;
  /** The first refusals, in the order they came (at most the run's limit). */
  readonly refusals: readonly { readonly key: string; readonly rule: string; readonly message: string }[];
  /** The sum of `measure` over the events written (e.g. the fen invoiced); 0 without a measure. */
  readonly total: number;
}

export interface BulkWorkflowDefinition<Item, Command> {
  readonly name: string;
  /** UUID namespace of the commands' ids, when each command's identity is what it addresses. */
  readonly commandNamespace?: string;
  /** The command one item asks for (its key names the item in refusals). */
  commandFor(item: Item): WorkflowCommand<Command>;
  /** What an accepted command's events add to the run's total. */
  measure?(events: readonly DomainEvent[]): number;
  /** How many refusals the tally lists (all are counted). */
  readonly refusalsListed: number;
}

/**
 * One command per item, independent of each other (invoice every member, grant a policy's waiver on every account,
 * complete every review of a cycle): a workflow whose trigger is the list of items and whose state is the tally.
 * A re-run sends the same ids, so what took effect counts as unchanged and nothing is written twice.
 */
export function bulkWorkflow<Item, Command>(definition: BulkWorkflowDefinition<Item, Command>): Workflow<readonly Item[], BulkTally, Command> {
  const initialState: BulkTally = { considered: 0, written: 0, unchanged: 0, refused: 0, refusals: [], total: 0 };
  return {
    name: definition.name,
    commandNamespace: definition.commandNamespace,
    initialState,
    decide: (input) => (input.kind === 'started' ? input.trigger.map(definition.commandFor) : []),
    evolve(state, input) {
      switch (input.kind) {
        case 'started':
          return { ...state, considered: input.trigger.length };
        case 'accepted':
          return input.duplicate || input.events.length === 0
            ? { ...state, unchanged: state.unchanged + 1 }
            : { ...state, written: state.written + 1, total: state.total + (definition.measure?.(input.events) ?? 0) };
        case 'refused':
          return {
            ...state,
            refused: state.refused + 1,
            refusals:
              state.refusals.length < definition.refusalsListed ? [...state.refusals, { key: input.key, rule: input.rule, message: input.message }] : state.refusals,
          };
      }
    },
  };
}
