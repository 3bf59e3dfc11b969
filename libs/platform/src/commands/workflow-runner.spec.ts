import { describe, expect, it } from '@jest/globals';
import { bulkWorkflow, RuleViolation } from '#domain/shared';
import { derivedCommandId } from './command-ids.js';
import type { CommandResult } from './command-handler.js';
import { runWorkflow, workflowCommandId } from './workflow-runner.js';

const NAMESPACE = '6b0c5f7a-3d2e-4b1a-9c8d-7e6f5a4b3c2d';
const touchAll = (identity: boolean) =>
  bulkWorkflow<string, string>({
    name: 'touch-all',
    commandNamespace: NAMESPACE,
    refusalsListed: 10,
    commandFor: (code) => ({ key: code, command: code, ...(identity ? { identity: ['touch', code] } : {}) }),
  });

const written = (streamId: string): CommandResult => ({
  streamId,
  commandId: 'x',
  revision: 0,
  position: '1',
  duplicate: false,
  eventCount: 1,
  streams: [{ streamId, revision: 0, position: '1', events: [{ id: 'e', type: 'Touched', data: {}, revision: 0 }] }],
});

describe('the workflow runner', () => {
  it("sends a command that names its identity under the id of that identity, and others under the trigger's", async () => {
    const ids: string[] = [];
    await runWorkflow(touchAll(true), ['A'], 'trigger-1', async (command, id) => (ids.push(id), written(command)));
    await runWorkflow(touchAll(false), ['A'], 'trigger-1', async (command, id) => (ids.push(id), written(command)));
    expect(ids).toEqual([derivedCommandId(NAMESPACE, 'touch', 'A'), workflowCommandId('touch-all', 'trigger-1', 'A')]);
  });

  it('feeds a refusal back to the workflow and goes on; keeps at most `concurrency` commands in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const run = await runWorkflow(
      touchAll(true),
      ['A', 'B', 'C', 'D', 'E'],
      'trigger-2',
      async (command) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        if (command === 'C') throw new RuleViolation('NOT_A_MEMBER', 'C is not a member.');
        return written(command);
      },
      { concurrency: 2 },
    );
    expect(run.state).toMatchObject({ considered: 5, written: 4, refused: 1, refusals: [{ key: 'C', rule: 'NOT_A_MEMBER' }] });
    expect(most).toBe(2);
  });

  it('ends the run on a failure that is not a refusal, so that running it again resumes it', async () => {
    await expect(runWorkflow(touchAll(true), ['A'], 'trigger-3', async () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
  });
});
