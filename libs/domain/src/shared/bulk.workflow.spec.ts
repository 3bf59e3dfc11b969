import { describe, expect, it } from '@jest/globals';
import { bulkWorkflow } from './bulk.workflow.js';
import type { WorkflowInput } from './workflow.js';

const workflow = bulkWorkflow<string, { type: 'Touch'; code: string }>({
  name: 'touch-all',
  commandNamespace: '6b0c5f7a-3d2e-4b1a-9c8d-7e6f5a4b3c2d',
  refusalsListed: 1,
  commandFor: (code) => ({ key: code, command: { type: 'Touch', code }, identity: ['touch', code] }),
  measure: (events) => events.length * 10,
});

const run = (inputs: WorkflowInput<readonly string[]>[]) => inputs.reduce(workflow.evolve, workflow.initialState);

describe('a bulk workflow', () => {
  it('asks for one command per item, each named by what it addresses, when started, and for nothing after', () => {
    expect(workflow.decide({ kind: 'started', trigger: ['A', 'B'] }, workflow.initialState)).toEqual([
      { key: 'A', command: { type: 'Touch', code: 'A' }, identity: ['touch', 'A'] },
      { key: 'B', command: { type: 'Touch', code: 'B' }, identity: ['touch', 'B'] },
    ]);
    expect(workflow.decide({ kind: 'accepted', key: 'A', events: [], duplicate: false }, workflow.initialState)).toEqual([]);
  });

  it('tallies written, unchanged (a re-run or nothing to do) and refused items, listing refusals up to its limit', () => {
    expect(
      run([
        { kind: 'started', trigger: ['A', 'B', 'C', 'D', 'E'] },
        { kind: 'accepted', key: 'A', events: [{ type: 'Touched', data: {} }], duplicate: false },
        { kind: 'accepted', key: 'B', events: [{ type: 'Touched', data: {} }], duplicate: true },
        { kind: 'accepted', key: 'C', events: [], duplicate: false },
        { kind: 'refused', key: 'D', rule: 'NOT_A_MEMBER', message: 'D is not a member.' },
        { kind: 'refused', key: 'E', rule: 'NOT_A_MEMBER', message: 'E is not a member.' },
      ]),
    ).toEqual({ considered: 5, written: 1, unchanged: 2, refused: 2, refusals: [{ key: 'D', rule: 'NOT_A_MEMBER', message: 'D is not a member.' }], total: 10 });
  });
});
