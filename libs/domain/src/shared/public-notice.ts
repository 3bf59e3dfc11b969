import { businessDate, isIsoDate } from './dates.js';
import { FieldErrors, RuleViolation } from './errors.js';

/**
 * Public notice (公示), the rule every final credit grade, ranking and award passes through (domain brief,
 * cross-cutting rule 6), in one place for every context that has one:
 *
 * - a notice shows one result for `days` calendar days, its first and last day included;
 * - it starts no earlier than the business date of the result it shows (a notice cannot show a result before the
 *   result existed) and no earlier than today's business date (a notice cannot be started in the past, so every
 *   day of it is a day the public could see it);
 * - objections are filed within it; the result is issued from the day after it ends;
 * - a result that changes after an upheld objection is a new result: it has a new result date and needs a new
 *   notice of the full length (the context discards the earlier notice when the objection is upheld).
 */
export interface PublicNotice {
  /** First day (YYYY-MM-DD, China time). */
  readonly startsOn: string;
  /** Last day, inclusive. */
  readonly endsOn: string;
  readonly days: number;
}

/** Stable rule codes of the notice, the same in every context. */
export const NoticeRules = {
  startsBeforeResult: 'NOTICE_STARTS_BEFORE_RESULT',
  startsInThePast: 'NOTICE_STARTS_IN_THE_PAST',
} as const;

export const DEFAULT_NOTICE_DAYS = 7;

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Last day of a notice of `days` days starting on `startsOn`. */
export function noticeEnd(startsOn: string, days: number): string {
  return addDays(startsOn, days - 1);
}

export interface NoticeRequest {
  /** The start asked for (YYYY-MM-DD), or null/absent for today. */
  readonly startsOn: string | null | undefined;
  /** The business date of the result the notice shows (the review that computed it, the decision that changed it). */
  readonly resultOn: string;
  /** Length from the rulebook. */
  readonly days: number;
  readonly now: Date;
  /** The input field the start came in, for a field error. */
  readonly field?: string;
}

/**
 * The notice for a result, or a refusal: a malformed start is a field error, a start before the result or before
 * today is a rule violation naming the earliest day it may start.
 */
export function startPublicNotice(request: NoticeRequest): PublicNotice {
  const field = request.field ?? 'startsOn';
  const today = businessDate(request.now);
  const startsOn = request.startsOn ?? today;
  if (!isIsoDate(startsOn)) new FieldErrors().add(field, 'must be a calendar date written YYYY-MM-DD.').throwIfAny();
  if (startsOn < request.resultOn) {
    throw new RuleViolation(
      NoticeRules.startsBeforeResult,
      `The notice cannot start on ${startsOn}, before the result it shows (${request.resultOn}): start it on ${request.resultOn > today ? request.resultOn : today} or later.`,
      { field, startsOn, earliest: request.resultOn > today ? request.resultOn : today, resultOn: request.resultOn },
    );
  }
  if (startsOn < today) {
    throw new RuleViolation(
      NoticeRules.startsInThePast,
      `The notice cannot start on ${startsOn}, in the past: a public notice runs its ${request.days} days from today (${today}) or later.`,
      { field, startsOn, earliest: today },
    );
  }
  return { startsOn, endsOn: noticeEnd(startsOn, request.days), days: request.days };
}

/** Whether objections may be filed on `date`. */
export function isNoticeOpenOn(notice: Pick<PublicNotice, 'startsOn' | 'endsOn'>, date: string): boolean {
  return notice.startsOn <= date && date <= notice.endsOn;
}

/** Whether the notice is over on `date`, so its result may be issued that day. */
export function isNoticeOverOn(notice: Pick<PublicNotice, 'endsOn'>, date: string): boolean {
  return date > notice.endsOn;
}
