import { v5 as uuidv5 } from 'uuid';
import { InvalidInput, NotFound, RuleViolation, type Workflow, type WorkflowInput } from '#domain/shared';
import type { CommandResult } from './command-handler.js';

/** Fixed namespace of the command ids workflows derive (never change it: ids are stored). */
const WORKFLOW_COMMAND_NAMESPACE = '2c9d4b7e-51a3-4f08-b6e2-7d0a9c3f1e58';

/** The id of the command a workflow sends for `key` in the run its trigger (a command id) started. */
export function workflowCommandId(workflow: string, triggerCommandId: string, key: string): string {
  return uuidv5(`${workflow}\u0000${triggerCommandId}\u0000${key}`, WORKFLOW_COMMAND_NAMESPACE);
}

export interface WorkflowRun<State> {
  readonly state: State;
  /** The results of the commands that took effect (or had already), in the order they were sent. */
  readonly results: readonly CommandResult[];
}

/**
 * Runs a pure workflow (libs/domain/src/shared/workflow.ts) for one trigger: asks it for commands, sends each
 * through `send` (the application's command path, which loads, decides and appends) under an id derived from the
 * trigger's command id and the command's key, and feeds each outcome back until it asks for nothing more. A refusal
 * by a decider is an outcome the workflow decides on; any other failure ends the run, and running it again for the
 * same trigger resumes it: commands that took effect answer as duplicates.
 */
export async function runWorkflow<Trigger, State, Command>(
  workflow: Workflow<Trigger, State, Command>,
  trigger: Trigger,
  triggerCommandId: string,
  send: (command: Command, commandId: string) => Promise<CommandResult>,
): Promise<WorkflowRun<State>> {
  let state = workflow.initialState;
  const results: CommandResult[] = [];
  const inputs: WorkflowInput<Trigger>[] = [{ kind: 'started', trigger }];
  const keys = new Set<string>();
  for (let input = inputs.shift(); input !== undefined; input = inputs.shift()) {
    const commands = workflow.decide(input, state);
    state = workflow.evolve(state, input);
    for (const { key, command } of commands) {
      if (keys.has(key)) throw new Error(`workflow ${workflow.name} sent two commands with key ${key} in one run`);
      keys.add(key);
      try {
        const result = await send(command, workflowCommandId(workflow.name, triggerCommandId, key));
        results.push(result);
        inputs.push({ kind: 'accepted', key, events: result.streams.flatMap((s) => s.events) });
      } catch (error) {
        if (!(error instanceof RuleViolation || error instanceof NotFound || error instanceof InvalidInput)) throw error;
        inputs.push({ kind: 'refused', key, rule: error instanceof RuleViolation ? error.rule : error instanceof NotFound ? 'NOT_FOUND' : 'BAD_USER_INPUT', message: error.message });
      }
    }
  }
  return { state, results };
}
