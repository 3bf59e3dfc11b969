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
  /** The command took effect (or had already: `duplicate`, and nothing new was written): the events it wrote. */
  | { readonly kind: 'accepted'; readonly key: string; readonly events: readonly DomainEvent[]; readonly duplicate: boolean }
  /** A decider refused the command. */
  | { readonly kind: 'refused'; readonly key: string; readonly rule: string; readonly message: string };

export interface WorkflowCommand<Command> {
  /** Unique within one run: the command id derives from it and the trigger's command id. */
  readonly key: string;
  readonly command: Command;
  /**
   * What the command addresses, when that alone is its identity (one invoice per account and year): the id then
   * derives from these parts in the workflow's `commandNamespace`, so every run and the single command send it alike.
   */
  readonly identity?: readonly (string | number)[];
}

export interface Workflow<Trigger, State, Command> {
  readonly name: string;
  /** UUID namespace of the ids of commands that carry an `identity` (never change it: ids are stored). */
  readonly commandNamespace?: string;
  readonly initialState: State;
  decide(input: WorkflowInput<Trigger>, state: State): readonly WorkflowCommand<Command>[];
  evolve(state: State, input: WorkflowInput<Trigger>): State;
}
