import { bulkWorkflow, FieldErrors, matches } from '../shared/index.js';
import type {
  CompleteCreditReview,
  FileCreditApplication,
  IssueCreditRating,
  RecordCreditRatingExpiry,
  ScoreCreditIndicators,
  StartCreditNotice,
} from './credit.commands.js';
import { identityCardRefusal } from './credit.fields.js';

/** Namespace of the credit commands whose id is what they address (never change it: ids are stored). */
export const CREDIT_COMMAND_NAMESPACE = '6d1f0c3e-2b7a-4f55-8e0d-9a4c1b7e5f21';
const REFUSALS_LISTED = 300;

export interface CreditCycleRef {
  readonly associationId: string;
  readonly cycleId: string;
}

/**
 * The key each listed subject is known by in a run: its code, and for a subject listed again its code with the
 * occurrence (a run's keys are unique; the repeat still carries the first one's command id).
 */
function keyed<T extends { readonly subjectId: string }>(items: readonly T[]): (T & { readonly key: string })[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const occurrence = (seen.get(item.subjectId) ?? 0) + 1;
    seen.set(item.subjectId, occurrence);
    return { ...item, key: occurrence === 1 ? item.subjectId : `${item.subjectId}#${occurrence}` };
  });
}

export interface ListedApplicationItem extends CreditCycleRef {
  /** The batch the client sent (its command id, or a fresh one): each subject's command id derives from it. */
  readonly batchId: string;
  readonly subjectId: string;
  readonly key: string;
}

/**
 * The items of a client's list, each keyed by its subject. A list naming anyone by identity-card number is refused
 * as a whole, on the item's field: its refusal would otherwise carry the number back as the item's key.
 */
export function listedApplications<T extends { readonly subjectId: string }>(
  ref: CreditCycleRef & { readonly batchId: string },
  listed: readonly T[],
): (T & ListedApplicationItem)[] {
  const errors = new FieldErrors();
  listed.forEach((item, n) => {
    const refusal = identityCardRefusal(`applications.${n}.subjectId`, item.subjectId);
    if (refusal) errors.add(refusal.field, refusal.message);
  });
  errors.throwIfAny();
  return keyed(listed).map((item) => ({ ...item, ...ref }));
}

/** Files the listed applications to a cycle, one command per applicant. */
export const fileCreditApplicationsWorkflow = bulkWorkflow<ListedApplicationItem & Pick<FileCreditApplication, 'selfAssessment'>, FileCreditApplication>({
  name: 'credit-file-applications',
  commandNamespace: CREDIT_COMMAND_NAMESPACE,
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, cycleId, subjectId, selfAssessment, batchId, key }) => ({
    key,
    command: { type: 'FileCreditApplication', associationId, cycleId, subjectId, selfAssessment },
    identity: ['file', batchId, subjectId],
  }),
});

/** Records a scorer's scores for the listed applications of a cycle. */
export const scoreCreditApplicationsWorkflow = bulkWorkflow<ListedApplicationItem & Pick<ScoreCreditIndicators, 'scores'>, ScoreCreditIndicators>({
  name: 'credit-score-applications',
  commandNamespace: CREDIT_COMMAND_NAMESPACE,
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, cycleId, subjectId, scores, batchId, key }) => ({
    key,
    command: { type: 'ScoreCreditIndicators', associationId, cycleId, subjectId, scores },
    identity: ['score', batchId, subjectId],
  }),
});

export interface CycleSubjectItem extends CreditCycleRef {
  readonly subjectId: string;
}

/** Completes the review of every listed application still under review (each run its own commands). */
export const completeCreditReviewsWorkflow = bulkWorkflow<CycleSubjectItem, CompleteCreditReview>({
  name: 'credit-complete-reviews',
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, cycleId, subjectId }) => ({ key: subjectId, command: { type: 'CompleteCreditReview', associationId, cycleId, subjectId } }),
});

/** Starts the public notice of every listed reviewed application on the same day (default today). */
export const startCreditNoticesWorkflow = bulkWorkflow<CycleSubjectItem & Pick<StartCreditNotice, 'startsOn'>, StartCreditNotice>({
  name: 'credit-start-notices',
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, cycleId, subjectId, startsOn }) => ({
    key: subjectId,
    command: { type: 'StartCreditNotice', associationId, cycleId, subjectId, startsOn: startsOn ?? null },
  }),
});

/** Checks a bulk issue's certificate prefix: the numbers `<prefix>-<nnnn>` must stay valid certificate numbers. */
export function parseCertificatePrefix(certificatePrefix: string): string {
  const errors = new FieldErrors();
  const prefix = matches(errors, 'certificatePrefix', certificatePrefix, /^[A-Za-z0-9-]{1,30}$/, 'must be 1 to 30 letters, digits or hyphens.');
  errors.throwIfAny();
  return prefix;
}

export interface RatingIssueItem extends CycleSubjectItem {
  readonly certificateNumber: string;
  readonly validFrom: string | null;
}

/**
 * The ratings to issue, numbered `<prefix>-<nnnn>` by the subject's place among all applications of the cycle (in
 * subject order), so that a re-run gives each subject the same number; only the subjects in notice are issued.
 */
export function numberedRatings(
  ref: CreditCycleRef & { readonly certificatePrefix: string; readonly validFrom: string | null },
  allSubjects: readonly string[],
  inNotice: ReadonlySet<string>,
): RatingIssueItem[] {
  const prefix = parseCertificatePrefix(ref.certificatePrefix);
  return allSubjects
    .map((subjectId, index) => ({ subjectId, certificateNumber: `${prefix}-${String(index + 1).padStart(4, '0')}` }))
    .filter(({ subjectId }) => inNotice.has(subjectId))
    .map(({ subjectId, certificateNumber }) => ({ associationId: ref.associationId, cycleId: ref.cycleId, subjectId, certificateNumber, validFrom: ref.validFrom }));
}

/** Issues every numbered rating; the id is the rating and its number, so a re-run writes nothing. */
export const issueCreditRatingsWorkflow = bulkWorkflow<RatingIssueItem, IssueCreditRating>({
  name: 'credit-issue-ratings',
  commandNamespace: CREDIT_COMMAND_NAMESPACE,
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, cycleId, subjectId, certificateNumber, validFrom }) => ({
    key: subjectId,
    command: { type: 'IssueCreditRating', associationId, cycleId, subjectId, certificateNumber, validFrom },
    identity: ['issue', associationId, cycleId, subjectId, certificateNumber, validFrom ?? ''],
  }),
});

/**
 * Records the expiry of every listed rating past its valid-to. The id derives from the rating alone, so the batch
 * mutation and the scheduled job never both write one.
 */
export const recordCreditExpiriesWorkflow = bulkWorkflow<CycleSubjectItem, RecordCreditRatingExpiry>({
  name: 'credit-record-expiries',
  commandNamespace: CREDIT_COMMAND_NAMESPACE,
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, cycleId, subjectId }) => ({
    key: subjectId,
    command: { type: 'RecordCreditRatingExpiry', associationId, cycleId, subjectId },
    identity: ['expiry', associationId, cycleId, subjectId],
  }),
});
