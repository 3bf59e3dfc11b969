import type { BulkTally, Workflow } from '#domain/shared';
import { comparePositions, type Position } from '#eventstore';
import { type CommandResult, newId, runWorkflow } from '#platform';
import type { EventSourcedCommands } from './event-sourced-commands.js';

/** Commands of one bulk run in flight at once: enough to overlap round trips, few enough to leave the pool to others. */
export const BULK_CONCURRENCY = 8;

export interface BulkOutcome extends BulkTally {
  /** False when the read models had not applied the run's last write within the bounded wait. */
  readonly readModelCurrent: boolean;
}

/**
 * Runs a bulk workflow over its items (each command through `send`, BULK_CONCURRENCY at a time), then waits once
 * for the read models the answer reads.
 */
export async function runBulk<Item, Command>(
  commands: EventSourcedCommands,
  workflow: Workflow<readonly Item[], BulkTally, Command>,
  items: readonly Item[],
  send: (command: Command, commandId: string) => Promise<CommandResult>,
  reads: readonly string[],
): Promise<BulkOutcome> {
  const run = await runWorkflow(workflow, items, newId(), send, { concurrency: BULK_CONCURRENCY });
  const last = run.results.reduce<Position | null>((latest, r) => (comparePositions(r.position, latest) > 0 ? r.position : latest), null);
  return { ...run.state, readModelCurrent: await commands.awaitReadModels(last, reads) };
}
