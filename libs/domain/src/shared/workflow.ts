import type { DomainEvent } from './decider.js';

/**
 * A process that spans streams and is not one atomic append (an election, after which every elected firm takes its
 * office's tier): a pure workflow in the manner of Emmett's, `decide(input, state) → commands` and `evolve`.
 *
 * Its inputs are the trigger that starts it and the outcome of every command it sent. The runner (libs/platform)
 * sends each command under an id derived from the trigger's command id, the workflow's name and the command's key, and
 * feeds the outcome back, until `decide` has nothing more to send. Running it again for the same trigger sends the
 * same ids, so a re-sent trigger completes what a crash left undone and duplicates nothing. Where a step reserved
 * something a later refusal makes useless, `decide` answers the refusal with the command that releases it.
 */
export type WorkflowInput<Trigger> =
  | { readonly kind: 'started'; readonly trigger: Trigger }
  /** The command took effect (or had already): the events it wrote. */
  | { readonly kind: 'accepted'; readonly key: string; readonly events: readonly DomainEvent[] }
  /** A decider refused the command. */
  | { readonly kind: 'refused'; readonly key: string; readonly rule: string; readonly message: string };

export interface WorkflowCommand<Command> {
  /** Unique within one run: the command id derives from it. */
  readonly key: string;
  readonly command: Command;
}

export interface Workflow<Trigger, State, Command> {
  readonly name: string;
  readonly initialState: State;
  decide(input: WorkflowInput<Trigger>, state: State): readonly WorkflowCommand<Command>[];
  evolve(state: State, input: WorkflowInput<Trigger>): State;
}
