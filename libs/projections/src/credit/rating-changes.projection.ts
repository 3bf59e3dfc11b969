import type { RecordedEvent } from '#eventstore';
import type { CreditApplicationEvent } from '#domain/credit';
import type { EnterpriseRegistered, EnterpriseRenamed } from '#domain/enterprise';
import type { EntityManager } from 'typeorm';
import { type Row, type TableSpec, TableBuffer, type Value, positionBefore } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

export const RATING_CHANGES_PROJECTION = 'rating-changes';

/** The events that change a rating's grade or status (or, for a confirmation, re-affirm both at an annual review). */
export const RATING_CHANGE_EVENT_TYPES = [
  'CreditRatingIssued',
  'CreditRatingDowngraded',
  'CreditRatingSuspended',
  'CreditRatingRevoked',
  'CreditRatingReinstated',
  'CreditRatingConfirmed',
  'CreditRatingExpired',
] as const satisfies readonly CreditApplicationEvent['type'][];
type RatingChangeEventType = (typeof RATING_CHANGE_EVENT_TYPES)[number];

export const RATING_CHANGE_KINDS = ['ISSUED', 'DOWNGRADED', 'SUSPENDED', 'REVOKED', 'REINSTATED', 'CONFIRMED', 'EXPIRED'] as const;
export type RatingChangeKind = (typeof RATING_CHANGE_KINDS)[number];

const KIND_OF: Record<RatingChangeEventType, RatingChangeKind> = {
  CreditRatingIssued: 'ISSUED',
  CreditRatingDowngraded: 'DOWNGRADED',
  CreditRatingSuspended: 'SUSPENDED',
  CreditRatingRevoked: 'REVOKED',
  CreditRatingReinstated: 'REINSTATED',
  CreditRatingConfirmed: 'CONFIRMED',
  CreditRatingExpired: 'EXPIRED',
};
const RATING_TYPES: ReadonlySet<string> = new Set(RATING_CHANGE_EVENT_TYPES);

const CHANGE: TableSpec = {
  table: 'rating_change',
  key: ['position'],
  columns: {
    position: 'text', event_id: 'uuid', event_type: 'text', change: 'text', association_id: 'text', cycle_id: 'text', subject_id: 'text',
    subject_kind: 'text', firm_name: 'text', grade_before: 'text', status_before: 'text', grade_after: 'text', status_after: 'text',
    effective_on: 'date', recorded_at: 'timestamptz',
  },
};
const RATING: TableSpec = {
  table: 'rating_change_rating',
  key: ['association_id', 'cycle_id', 'subject_id'],
  columns: { association_id: 'text', cycle_id: 'text', subject_id: 'text', subject_kind: 'text', grade: 'text', status: 'text', last_position: 'text' },
};
const FIRM: TableSpec = { table: 'rating_change_firm', key: ['code'], columns: { code: 'text', name: 'text', last_position: 'text' } };

export const ratingChangeTableSpecs: readonly TableSpec[] = [CHANGE, RATING, FIRM];

type ApplicationKey = { associationId: string; cycleId: string; subjectId: string };
type Data = ApplicationKey & Record<string, unknown>;

/**
 * The rating change feed (ADR 0018): a row per change of any rating, keyed by the event's global position, with
 * the grade and status before and after and, for a firm, its name as the register knew it when the change was
 * recorded. Both come from this projection's own tables (each rating as it stands, each firm's name), which it
 * keeps from the same events in the same global order, so a row never depends on another projection's progress.
 *
 * The feed is read only up to this projection's checkpoint: the runner applies the store's gap-safe order in
 * batches, each committed with its checkpoint, so no row can ever appear behind one a reader has seen.
 * Idempotent: an event at or before the position a rating or firm row last took is skipped, and a change row is
 * inserted once by its position.
 */
export const ratingChangesProjection: Projection = {
  name: RATING_CHANGES_PROJECTION,
  version: 1,
  handles: ['EnterpriseRegistered', 'EnterpriseRenamed', 'CreditApplicationFiled', ...RATING_CHANGE_EVENT_TYPES],
  tables: ['rating_change', 'rating_change_rating', 'rating_change_firm'],
  rebuildIndexesAfterReplay: true,
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const ratingKeys: Value[][] = [];
    const firmCodes: Value[][] = [];
    for (const event of events) {
      if (event.type === 'EnterpriseRegistered' || event.type === 'EnterpriseRenamed') firmCodes.push([(event.data as { code: string }).code]);
      else {
        const d = event.data as Data;
        ratingKeys.push([d.associationId, d.cycleId, d.subjectId]);
        if (RATING_TYPES.has(event.type)) firmCodes.push([d.subjectId]);
      }
    }
    const ratings = await TableBuffer.load(tx, RATING, ratingKeys);
    const firms = await TableBuffer.load(tx, FIRM, firmCodes);
    const changes = new TableBuffer(CHANGE);
    for (const event of events) applyOne(event, ratings, firms, changes);
    for (const table of [ratings, firms, changes]) await table.flush(tx);
  },
};

function applyOne(event: RecordedEvent, ratings: TableBuffer, firms: TableBuffer, changes: TableBuffer): void {
  const position = event.position;
  if (event.type === 'EnterpriseRegistered' || event.type === 'EnterpriseRenamed') {
    const d = event.data as (EnterpriseRegistered | EnterpriseRenamed)['data'];
    const firm = firms.get([d.code]);
    if (!firm) firms.insert({ code: d.code, name: d.name, last_position: position });
    else if (positionBefore(firm.last_position ?? null, position)) {
      Object.assign(firm, { name: d.name, last_position: position });
      firms.changed(firm);
    }
    return;
  }
  const d = event.data as Data;
  const key = [d.associationId, d.cycleId, d.subjectId];
  let rating = ratings.get(key);
  if (event.type === 'CreditApplicationFiled') {
    if (!rating) ratings.insert({ ...keyRow(d), subject_kind: d.subjectKind as string, grade: null, status: null, last_position: position });
    return;
  }
  if (rating && !positionBefore(rating.last_position ?? null, position)) return;
  if (!rating) {
    // A rating whose filing this projection has not seen (it cannot happen in one store): described without its kind.
    rating = { ...keyRow(d), subject_kind: null, grade: null, status: null, last_position: position };
    ratings.insert(rating);
  }
  const after = afterOf(event.type as RatingChangeEventType, d, rating);
  const firm = rating.subject_kind === 'ENTERPRISE' ? firms.get([d.subjectId]) : undefined;
  changes.insert({
    position,
    event_id: event.id,
    event_type: event.type,
    change: KIND_OF[event.type as RatingChangeEventType],
    ...keyRow(d),
    subject_kind: rating.subject_kind ?? null,
    firm_name: firm?.name ?? null,
    grade_before: rating.grade ?? null,
    status_before: rating.status ?? null,
    grade_after: after.grade,
    status_after: after.status,
    effective_on: after.effectiveOn,
    recorded_at: event.metadata.recordedAt,
  });
  Object.assign(rating, { grade: after.grade, status: after.status, last_position: position });
  ratings.changed(rating);
}

function keyRow(d: ApplicationKey): Row {
  return { association_id: d.associationId, cycle_id: d.cycleId, subject_id: d.subjectId };
}

/** The rating after the event, as the credit state's `evolveRating` has it, and the business date it takes effect. */
function afterOf(type: RatingChangeEventType, d: Data, before: Row): { grade: string; status: string; effectiveOn: string } {
  const grade = (before.grade as string | null) ?? (d.grade as string);
  const status = (before.status as string | null) ?? 'ACTIVE';
  switch (type) {
    case 'CreditRatingIssued':
      return { grade: d.grade as string, status: 'ACTIVE', effectiveOn: d.validFrom as string };
    case 'CreditRatingDowngraded':
      return { grade: d.toGrade as string, status, effectiveOn: d.effectiveFrom as string };
    case 'CreditRatingSuspended':
      return { grade, status: 'SUSPENDED', effectiveOn: d.effectiveFrom as string };
    case 'CreditRatingRevoked':
      return { grade, status: 'REVOKED', effectiveOn: d.effectiveFrom as string };
    case 'CreditRatingReinstated':
      return { grade, status: 'ACTIVE', effectiveOn: d.effectiveFrom as string };
    case 'CreditRatingConfirmed':
      return { grade, status, effectiveOn: d.confirmedOn as string };
    case 'CreditRatingExpired':
      return { grade, status: 'EXPIRED', effectiveOn: d.expiredOn as string };
  }
}
