import { Inject, Injectable } from '@nestjs/common';
import { IDENTITY_CARD_REFUSED, isIdentityCardShaped } from '#domain/credit';
import { type FieldError, InvalidInput } from '#domain/shared';
import { DataSource } from 'typeorm';
import { encodeCursor } from '../read-models/page.js';
import { RATING_CHANGES_PROJECTION, type RatingChangeKind } from './rating-changes.projection.js';

/** One change of a rating, as the feed answers it. */
export interface RatingChangeView {
  /** Opaque: the change's global position. A consumer stores the last one it handled and resumes after it. */
  cursor: string;
  change: RatingChangeKind;
  eventId: string;
  eventType: string;
  associationId: string;
  cycleId: string;
  /** A firm's unified social credit code, or a person's register id. */
  subjectCode: string;
  subjectKind: string | null;
  /** A firm's name when the change was recorded; null for a person. */
  firmName: string | null;
  gradeBefore: string | null;
  statusBefore: string | null;
  gradeAfter: string;
  statusAfter: string;
  effectiveOn: string;
  recordedAt: Date;
}

export interface RatingChangePage {
  changes: RatingChangeView[];
  /** True when more changes are already readable after the last one. */
  hasMore: boolean;
  /** Changes readable after the cursor that match the filter, this page's included. */
  totalCount: number;
}

export interface RatingChangeFilter {
  /** A cursor the feed answered, or null for the start. */
  readonly after: string | null;
  readonly first: number;
  /** Only changes of these subjects; null for all. */
  readonly codes: readonly string[] | null;
  /** Only ratings of this association; null for all. */
  readonly associationId?: string | null;
}

export const MAX_RATING_CHANGE_PAGE = 500;
export const MAX_RATING_CHANGE_CODES = 500;
const POSITION = /^\d{20}:\d{20}$/;
const CODE = /^[0-9A-Z]{6,32}$/;
const CURSOR_PREFIX = 'rc';

interface Row {
  position: string;
  event_id: string;
  event_type: string;
  change: RatingChangeKind;
  association_id: string;
  cycle_id: string;
  subject_id: string;
  subject_kind: string | null;
  firm_name: string | null;
  grade_before: string | null;
  status_before: string | null;
  grade_after: string;
  status_after: string;
  effective_on: string;
  recorded_at: Date;
  total: string;
}

/**
 * Rows after the cursor and no further than the projection's checkpoint, read in one statement (one snapshot).
 * The checkpoint bound states the guarantee the feed rests on: everything at or before it was applied from the
 * store's gap-safe order, and nothing will ever be added behind it.
 */
const PAGE_SQL = `
  SELECT c.position, c.event_id::text AS event_id, c.event_type, c.change, c.association_id, c.cycle_id, c.subject_id, c.subject_kind,
         c.firm_name, c.grade_before, c.status_before, c.grade_after, c.status_after, c.effective_on::text AS effective_on, c.recorded_at,
         count(*) OVER ()::text AS total
    FROM rating_change c
   WHERE c.position > $1
     AND c.position <= (SELECT p.position COLLATE "C" FROM projection_checkpoints p WHERE p.name = '${RATING_CHANGES_PROJECTION}')
     AND ($2::text[] IS NULL OR c.subject_id = ANY ($2::text[]))
     AND ($3::text IS NULL OR c.association_id = $3)
   ORDER BY c.position
   LIMIT $4`;

/** The cursor of a change at this position. */
export function ratingChangeCursor(position: string): string {
  return encodeCursor([CURSOR_PREFIX, position]);
}

/** The position a cursor of this feed holds; InvalidInput on `field` for anything else. */
export function positionOfRatingChangeCursor(cursor: string | null | undefined, field = 'after'): string | null {
  if (cursor === null || cursor === undefined) return null;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (Array.isArray(values) && values.length === 2 && values[0] === CURSOR_PREFIX && typeof values[1] === 'string' && POSITION.test(values[1])) {
    return values[1];
  }
  throw new InvalidInput([{ field, message: 'is not a cursor the rating change feed answered (send the cursor of the last change you handled, or none to start).' }]);
}

/** Field errors of a list of subject codes (never echoing an identity-card number); the codes, de-duplicated. */
export function ratingChangeCodes(codes: readonly unknown[] | null | undefined, errors: FieldError[], field = 'codes'): string[] | null {
  if (codes === null || codes === undefined) return null;
  if (codes.length === 0 || codes.length > MAX_RATING_CHANGE_CODES) errors.push({ field, message: `must list 1 to ${MAX_RATING_CHANGE_CODES} codes.` });
  codes.forEach((code, n) => {
    if (isIdentityCardShaped(code)) errors.push({ field: `${field}.${n}`, message: IDENTITY_CARD_REFUSED });
    else if (typeof code !== 'string' || !CODE.test(code)) {
      errors.push({ field: `${field}.${n}`, message: "must be a unified social credit code or a person's register id (6 to 32 upper-case letters and digits)." });
    }
  });
  return [...new Set(codes as string[])];
}

/** The rating change feed for tender systems (ADR 0018). */
@Injectable()
export class RatingChangeQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Changes after the filter's cursor (a position from `positionOfRatingChangeCursor`), in global order. */
  async page(after: string | null, filter: Omit<RatingChangeFilter, 'after'>): Promise<RatingChangePage> {
    const rows = (await this.dataSource.query(PAGE_SQL, [after ?? '', filter.codes ?? null, filter.associationId ?? null, filter.first + 1])) as Row[];
    return { changes: rows.slice(0, filter.first).map(viewOf), hasMore: rows.length > filter.first, totalCount: Number(rows[0]?.total ?? 0) };
  }
}

function viewOf(row: Row): RatingChangeView {
  return {
    cursor: ratingChangeCursor(row.position),
    change: row.change,
    eventId: row.event_id,
    eventType: row.event_type,
    associationId: row.association_id,
    cycleId: row.cycle_id,
    subjectCode: row.subject_id,
    subjectKind: row.subject_kind,
    firmName: row.firm_name,
    gradeBefore: row.grade_before,
    statusBefore: row.status_before,
    gradeAfter: row.grade_after,
    statusAfter: row.status_after,
    effectiveOn: row.effective_on,
    recordedAt: row.recorded_at,
  };
}
