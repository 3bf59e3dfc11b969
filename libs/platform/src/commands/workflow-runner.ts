import { InvalidInput, NotFound, RuleViolation, type Workflow, type WorkflowCommand, type WorkflowInput } from '#domain/shared';
import { derivedCommandId } from './command-ids.js';
import type { CommandResult } from './command-handler.js';

/** Fixed namespace of the command ids workflows derive from their trigger (never change it: ids are stored). */
const WORKFLOW_COMMAND_NAMESPACE = '2c9d4b7e-51a3-4f08-b6e2-7d0a9c3f1e58';

/** The id of the command a workflow sends for `key` in the run its trigger (a command id) started. */
export function workflowCommandId(workflow: string, triggerCommandId: string, key: string): string {
  return derivedCommandId(WORKFLOW_COMMAND_NAMESPACE, workflow, triggerCommandId, key);
}

export interface WorkflowRun<State> {
  readonly state: State;
  /** The results of the commands that took effect (or had already), in the order their outcomes came in. */
  readonly results: readonly CommandResult[];
}

export interface RunWorkflowOptions {
  /** How many of the commands one step asks for are sent at once (they are independent by construction). */
  readonly concurrency?: number;
}

/**
 * Runs a pure workflow (libs/domain/src/shared/workflow.ts) for one trigger: asks it for commands, sends each
 * through `send` (the application's command path, which loads, decides and appends) under its id, and feeds each
 * outcome back until it asks for nothing more. A refusal by a decider is an outcome the workflow decides on; any
 * other failure ends the run, and running it again for the same trigger resumes it: commands that took effect
 * answer as duplicates. Every cross-stream process and every bulk run of the register goes through here.
 */
export async function runWorkflow<Trigger, State, Command>(
  workflow: Workflow<Trigger, State, Command>,
  trigger: Trigger,
  triggerCommandId: string,
  send: (command: Command, commandId: string) => Promise<CommandResult>,
  options: RunWorkflowOptions = {},
): Promise<WorkflowRun<State>> {
  let state = workflow.initialState;
  const results: CommandResult[] = [];
  const pending: WorkflowInput<Trigger>[] = [{ kind: 'started', trigger }];
  const keys = new Set<string>();
  const idOf = (step: WorkflowCommand<Command>): string => {
    if (step.identity === undefined) return workflowCommandId(workflow.name, triggerCommandId, step.key);
    if (workflow.commandNamespace === undefined) throw new Error(`workflow ${workflow.name} names command identities but has no commandNamespace`);
    return derivedCommandId(workflow.commandNamespace, ...step.identity);
  };
  const outcomeOf = async (step: WorkflowCommand<Command>): Promise<WorkflowInput<Trigger>> => {
    try {
      const result = await send(step.command, idOf(step));
      results.push(result);
      return { kind: 'accepted', key: step.key, events: result.streams.flatMap((s) => s.events), duplicate: result.duplicate };
    } catch (error) {
      if (!(error instanceof RuleViolation || error instanceof NotFound || error instanceof InvalidInput)) throw error;
      const rule = error instanceof RuleViolation ? error.rule : error instanceof NotFound ? 'NOT_FOUND' : 'BAD_USER_INPUT';
      return { kind: 'refused', key: step.key, rule, message: error.message };
    }
  };
  for (let input = pending.shift(); input !== undefined; input = pending.shift()) {
    const steps = workflow.decide(input, state);
    state = workflow.evolve(state, input);
    for (const { key } of steps) {
      if (keys.has(key)) throw new Error(`workflow ${workflow.name} sent two commands with key ${key} in one run`);
      keys.add(key);
    }
    pending.push(...(await inBatches(steps, options.concurrency ?? 1, outcomeOf)));
  }
  return { state, results };
}

/** Maps the items through `run` with at most `concurrency` in flight; outcomes in the order they complete. */
async function inBatches<T, R>(items: readonly T[], concurrency: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const outcomes: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) outcomes.push(await run(items[next++]!));
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  return outcomes;
}
