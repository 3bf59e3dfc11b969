import { describe, expect, it } from '@jest/globals';
import { InvalidInput, withCheckCharacter, type WorkflowInput } from '../shared/index.js';
import { AWARDS_COMMAND_NAMESPACE, type ListedEntryItem, listedEntrySubmissions, MAX_ENTRIES_PER_SUBMISSION, submitAwardEntriesWorkflow } from './award-bulk.workflows.js';
import type { ListedAwardEntry } from './awards.commands.js';

const EDITION = { associationId: 'hubei-mea', editionId: 'qc-2022' };
const firm = (n: number) => withCheckCharacter(`91420100MA6K${String(n).padStart(5, '0')}`);
const entry = (n: number, channel: string, overrides: Partial<ListedAwardEntry> = {}): ListedAwardEntry => ({
  entryId: `qc-${n}`,
  category: 'QC',
  channel,
  subjectKind: 'ENTERPRISE',
  subjectId: firm(n),
  applicantCode: firm(n),
  specialty: 'BUILDING_CONSTRUCTION',
  ...overrides,
});

function refusalOf(entries: readonly ListedAwardEntry[]): InvalidInput {
  try {
    listedEntrySubmissions({ ...EDITION, batchId: 'batch-1', entries });
  } catch (error) {
    if (error instanceof InvalidInput) return error;
    throw error;
  }
  throw new Error('the list was not refused');
}

type Input = WorkflowInput<readonly ListedEntryItem[]>;
const run = (inputs: Input[]) => inputs.reduce(submitAwardEntriesWorkflow.evolve, submitAwardEntriesWorkflow.initialState);

describe('submitting a list of award entries', () => {
  it('sends each entry as a single submission would, named by the request and the entry, channels interleaved and each in list order', () => {
    const items = listedEntrySubmissions({ ...EDITION, batchId: 'batch-1', entries: [entry(1, 'BRANCH_1'), entry(2, 'BRANCH_1'), entry(3, 'BRANCH_1'), entry(4, 'BRANCH_2')] });
    const sent = submitAwardEntriesWorkflow.decide({ kind: 'started', trigger: items }, submitAwardEntriesWorkflow.initialState);
    expect(sent.map((s) => [s.key, s.command.channel])).toEqual([
      ['qc-1', 'BRANCH_1'],
      ['qc-4', 'BRANCH_2'],
      ['qc-2', 'BRANCH_1'],
      ['qc-3', 'BRANCH_1'],
    ]);
    expect(sent[0]).toEqual({
      key: 'qc-1',
      command: { type: 'SubmitAwardEntry', ...EDITION, ...entry(1, 'BRANCH_1'), builderCode: null, project: null },
      identity: ['submit', 'batch-1', 'qc-1'],
    });
    expect(submitAwardEntriesWorkflow.commandNamespace).toBe(AWARDS_COMMAND_NAMESPACE);
    expect(AWARDS_COMMAND_NAMESPACE).toBe('3f7b2a90-6c1d-4e8f-a5b3-0d9e7c4f1a62');
  });

  it('tallies written, unchanged on a re-send, and every refusal by entry id', () => {
    const items = listedEntrySubmissions({ ...EDITION, batchId: 'batch-1', entries: [entry(1, 'B'), entry(2, 'B'), entry(3, 'B')] });
    const slot = [{ type: 'AwardEntrySubmitted', data: {} }];
    const quota = { rule: 'AWARDS_CHANNEL_QUOTA_EXCEEDED', message: 'Channel B has put forward its quota of 2 entries in edition qc-2022.' };
    const first = run([
      { kind: 'started', trigger: items },
      { kind: 'accepted', key: 'qc-1', events: slot, duplicate: false },
      { kind: 'accepted', key: 'qc-2', events: slot, duplicate: false },
      { kind: 'refused', key: 'qc-3', ...quota },
    ]);
    expect(first).toEqual({ considered: 3, written: 2, unchanged: 0, refused: 1, refusals: [{ key: 'qc-3', ...quota }], total: 0 });
    const again = run([
      { kind: 'started', trigger: items },
      { kind: 'accepted', key: 'qc-1', events: slot, duplicate: true },
      { kind: 'accepted', key: 'qc-2', events: slot, duplicate: true },
      { kind: 'refused', key: 'qc-3', ...quota },
    ]);
    expect(again).toMatchObject({ written: 0, unchanged: 2, refused: 1, refusals: first.refusals });
  });

  it('refuses the whole list on the fields of a malformed entry, by its index, with every such field at once', () => {
    const refusal = refusalOf([entry(1, 'B'), entry(2, 'B', { applicantCode: 'not-a-code', category: 'q c' }), entry(3, 'B', { subjectKind: 'PROJECT' })]);
    expect(refusal.fieldErrors.map((e) => e.field).sort()).toEqual(['entries.1.applicantCode', 'entries.1.category', 'entries.2.builderCode', 'entries.2.project']);
  });

  it('refuses an entry listed twice on the repeat', () => {
    const refusal = refusalOf([entry(1, 'B'), entry(2, 'B'), entry(1, 'C')]);
    expect(refusal.fieldErrors).toEqual([{ field: 'entries.2.entryId', message: 'repeats entry qc-1 (entries.0): list each entry once.' }]);
  });

  it('reports a malformed edition once, on the request’s field, not on every entry', () => {
    let error: unknown;
    try {
      listedEntrySubmissions({ associationId: 'hubei-mea', editionId: '', batchId: 'b', entries: [entry(1, 'B'), entry(2, 'B')] });
    } catch (caught) {
      error = caught;
    }
    expect((error as InvalidInput).fieldErrors.map((e) => e.field)).toEqual(['editionId']);
  });

  it('refuses an empty list and one longer than a request may carry', () => {
    expect(refusalOf([]).fieldErrors.map((e) => e.field)).toEqual(['entries']);
    const tooMany = Array.from({ length: MAX_ENTRIES_PER_SUBMISSION + 1 }, (_, n) => entry(n, 'B'));
    expect(refusalOf(tooMany).fieldErrors).toEqual([{ field: 'entries', message: `must list 1 to ${MAX_ENTRIES_PER_SUBMISSION} entries; send a longer list in several requests.` }]);
  });
});
