import { describe, expect, it } from '@jest/globals';
import { InvalidInput, type Workflow, type WorkflowInput } from '../shared/index.js';
import {
  completeCreditReviewsWorkflow,
  CREDIT_COMMAND_NAMESPACE,
  fileCreditApplicationsWorkflow,
  issueCreditRatingsWorkflow,
  listedApplications,
  numberedRatings,
  parseCertificatePrefix,
  recordCreditExpiriesWorkflow,
  scoreCreditApplicationsWorkflow,
  startCreditNoticesWorkflow,
} from './credit-bulk.workflows.js';

const CYCLE = { associationId: 'yueyang-ucca', cycleId: 'credit-2020' };
const [A, B, C] = ['91430600MA4L000012', '91430600MA4L000020', '91430600MA4L000039'] as const;

/** Given the items, when the run starts and each command has the given outcome, then: the commands sent and the tally. */
function run<Item, Command>(workflow: Workflow<readonly Item[], unknown, Command>, items: readonly Item[], outcome: (key: string) => WorkflowInput<readonly Item[]>) {
  const started: WorkflowInput<readonly Item[]> = { kind: 'started', trigger: items };
  const sent = workflow.decide(started, workflow.initialState);
  const state = sent.map((step) => outcome(step.key)).reduce(workflow.evolve, workflow.evolve(workflow.initialState, started));
  return { sent, state };
}
const written = (key: string): WorkflowInput<never> => ({ kind: 'accepted', key, events: [{ type: 'Written', data: {} }], duplicate: false });

describe('the credit bulk workflows', () => {
  it('refuse a list naming anyone by identity-card number, on the item, without echoing it', () => {
    const listed = [{ subjectId: A, selfAssessment: [] }, { subjectId: '11010519491231002X', selfAssessment: [] }];
    let error: unknown;
    try {
      listedApplications({ ...CYCLE, batchId: 'batch-1' }, listed);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).fieldErrors.map((e) => e.field)).toEqual(['applications.1.subjectId']);
    expect(JSON.stringify((error as InvalidInput).fieldErrors)).not.toContain('11010519491231002');
  });

  it('keep the namespace the stored ids were derived in', () => {
    expect(CREDIT_COMMAND_NAMESPACE).toBe('6d1f0c3e-2b7a-4f55-8e0d-9a4c1b7e5f21');
    for (const workflow of [fileCreditApplicationsWorkflow, scoreCreditApplicationsWorkflow, issueCreditRatingsWorkflow, recordCreditExpiriesWorkflow]) {
      expect(workflow.commandNamespace).toBe(CREDIT_COMMAND_NAMESPACE);
    }
  });

  it("file a client's list one command per applicant, named by the batch and the subject; a subject listed again keeps the first one's id", () => {
    const items = listedApplications({ ...CYCLE, batchId: 'batch-1' }, [
      { subjectId: A, selfAssessment: [{ code: 'OVERALL', points: 90 }] },
      { subjectId: B, selfAssessment: [] },
      { subjectId: A, selfAssessment: [] },
    ]);
    const { sent } = run(fileCreditApplicationsWorkflow, items, written);
    expect(sent).toEqual([
      { key: A, command: { type: 'FileCreditApplication', ...CYCLE, subjectId: A, selfAssessment: [{ code: 'OVERALL', points: 90 }] }, identity: ['file', 'batch-1', A] },
      { key: B, command: { type: 'FileCreditApplication', ...CYCLE, subjectId: B, selfAssessment: [] }, identity: ['file', 'batch-1', B] },
      { key: `${A}#2`, command: { type: 'FileCreditApplication', ...CYCLE, subjectId: A, selfAssessment: [] }, identity: ['file', 'batch-1', A] },
    ]);
  });

  it("record a scorer's scores for each listed application under the batch's ids", () => {
    const items = listedApplications({ ...CYCLE, batchId: 'batch-2' }, [{ subjectId: B, scores: [{ code: 'OVERALL', points: 95 }] }]);
    expect(run(scoreCreditApplicationsWorkflow, items, written).sent).toEqual([
      { key: B, command: { type: 'ScoreCreditIndicators', ...CYCLE, subjectId: B, scores: [{ code: 'OVERALL', points: 95 }] }, identity: ['score', 'batch-2', B] },
    ]);
  });

  it('complete reviews and start notices under ids of their own run (no identity)', () => {
    expect(run(completeCreditReviewsWorkflow, [{ ...CYCLE, subjectId: A }], written).sent).toEqual([
      { key: A, command: { type: 'CompleteCreditReview', ...CYCLE, subjectId: A } },
    ]);
    expect(run(startCreditNoticesWorkflow, [{ ...CYCLE, subjectId: A, startsOn: '2021-04-01' }, { ...CYCLE, subjectId: B, startsOn: null }], written).sent).toEqual([
      { key: A, command: { type: 'StartCreditNotice', ...CYCLE, subjectId: A, startsOn: '2021-04-01' } },
      { key: B, command: { type: 'StartCreditNotice', ...CYCLE, subjectId: B, startsOn: null } },
    ]);
  });

  it('number certificates by the subject’s place among all applications of the cycle, and issue only those in notice', () => {
    const items = numberedRatings({ ...CYCLE, certificatePrefix: 'YYXY2020', validFrom: '2021-04-08' }, [A, B, C], new Set([A, C]));
    const { sent, state } = run(issueCreditRatingsWorkflow, items, (key) =>
      key === C ? { kind: 'refused', key, rule: 'CREDIT_OBJECTION_OPEN', message: 'An objection is open.' } : written(key),
    );
    expect(sent).toEqual([
      {
        key: A,
        command: { type: 'IssueCreditRating', ...CYCLE, subjectId: A, certificateNumber: 'YYXY2020-0001', validFrom: '2021-04-08' },
        identity: ['issue', CYCLE.associationId, CYCLE.cycleId, A, 'YYXY2020-0001', '2021-04-08'],
      },
      {
        key: C,
        command: { type: 'IssueCreditRating', ...CYCLE, subjectId: C, certificateNumber: 'YYXY2020-0003', validFrom: '2021-04-08' },
        identity: ['issue', CYCLE.associationId, CYCLE.cycleId, C, 'YYXY2020-0003', '2021-04-08'],
      },
    ]);
    expect(state).toEqual({ considered: 2, written: 1, unchanged: 0, refused: 1, refusals: [{ key: C, rule: 'CREDIT_OBJECTION_OPEN', message: 'An objection is open.' }], total: 0 });
  });

  it('name an issue without a valid-from by an empty part, as the stored ids were', () => {
    const [item] = numberedRatings({ ...CYCLE, certificatePrefix: 'CSXY', validFrom: null }, [A], new Set([A]));
    expect(run(issueCreditRatingsWorkflow, [item!], written).sent[0]?.identity).toEqual(['issue', CYCLE.associationId, CYCLE.cycleId, A, 'CSXY-0001', '']);
  });

  it('refuse a certificate prefix that is not 1 to 30 letters, digits or hyphens, on its field', () => {
    expect(parseCertificatePrefix('YY-XY2020')).toBe('YY-XY2020');
    for (const prefix of ['', 'YY XY', 'Y'.repeat(31)]) {
      expect(() => parseCertificatePrefix(prefix)).toThrow(InvalidInput);
      try {
        parseCertificatePrefix(prefix);
      } catch (error) {
        expect((error as InvalidInput).fieldErrors).toEqual([{ field: 'certificatePrefix', message: 'must be 1 to 30 letters, digits or hyphens.' }]);
      }
    }
    expect(() => numberedRatings({ ...CYCLE, certificatePrefix: 'bad prefix', validFrom: null }, [A], new Set([A]))).toThrow(InvalidInput);
  });

  it('record expiries under ids of the rating alone, so the batch mutation and the scheduled job write one; a re-run is unchanged', () => {
    const { sent, state } = run(recordCreditExpiriesWorkflow, [{ ...CYCLE, subjectId: A }], (key) => ({ kind: 'accepted', key, events: [{ type: 'CreditRatingExpired', data: {} }], duplicate: true }));
    expect(sent).toEqual([
      { key: A, command: { type: 'RecordCreditRatingExpiry', ...CYCLE, subjectId: A }, identity: ['expiry', CYCLE.associationId, CYCLE.cycleId, A] },
    ]);
    expect(state).toMatchObject({ considered: 1, written: 0, unchanged: 1, refused: 0 });
  });
});
