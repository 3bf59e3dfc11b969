import { isIsoDate } from './dates.js';
import type { FieldErrors } from './errors.js';
import { requiredText } from './text.js';

/** Bodies that take decisions in an association (and the credit committee and review panels). */
export const DECIDING_BODIES = [
  'GENERAL_ASSEMBLY', // 会员大会 / 会员代表大会
  'COUNCIL', // 理事会
  'STANDING_COUNCIL', // 常务理事会
  'PRESIDENTS_MEETING', // 会长办公会
  'SECRETARIAT', // 秘书处
  'CREDIT_COMMITTEE', // 信用评价委员会
  'REVIEW_COMMITTEE', // 评审委员会
] as const;
export type DecidingBody = (typeof DECIDING_BODIES)[number];

export interface VoteCount {
  /** Members entitled to vote (应到). */
  readonly entitled: number;
  /** Members present (实到). */
  readonly present: number;
  readonly inFavour: number;
  readonly against: number;
  readonly abstaining: number;
}

/** The authority a decision cites: which body, its reference number (文号), the date and, for votes, the count. */
export interface DecisionRecord {
  readonly body: DecidingBody;
  readonly reference: string;
  /** YYYY-MM-DD */
  readonly decidedOn: string;
  readonly votes: VoteCount | null;
}

/**
 * Validates a decision record field by field (`prefix.body`, `prefix.votes.present`, ...) and returns it
 * normalised. Vote counts must add up: present ≤ entitled, for + against + abstaining = present.
 */
export function validDecisionRecord(errors: FieldErrors, prefix: string, value: unknown): DecisionRecord {
  const input = (value ?? {}) as Partial<Record<keyof DecisionRecord, unknown>>;
  if (!DECIDING_BODIES.includes(input.body as DecidingBody)) {
    errors.add(`${prefix}.body`, `must be one of ${DECIDING_BODIES.join(', ')}.`);
  }
  const reference = requiredText(errors, `${prefix}.reference`, input.reference, { max: 100, label: 'The reference number' });
  const decidedOn = typeof input.decidedOn === 'string' ? input.decidedOn : '';
  if (!isIsoDate(decidedOn)) errors.add(`${prefix}.decidedOn`, 'must be a calendar date written YYYY-MM-DD.');
  let votes: VoteCount | null = null;
  if (input.votes !== undefined && input.votes !== null) {
    const v = input.votes as Partial<Record<keyof VoteCount, unknown>>;
    const counts = ['entitled', 'present', 'inFavour', 'against', 'abstaining'] as const;
    let whole = true;
    for (const key of counts) {
      if (!Number.isInteger(v[key]) || (v[key] as number) < 0) {
        errors.add(`${prefix}.votes.${key}`, 'must be a whole number, 0 or more.');
        whole = false;
      }
    }
    if (whole) {
      votes = {
        entitled: v.entitled as number,
        present: v.present as number,
        inFavour: v.inFavour as number,
        against: v.against as number,
        abstaining: v.abstaining as number,
      };
      if (votes.present > votes.entitled) errors.add(`${prefix}.votes.present`, 'cannot exceed the members entitled to vote.');
      if (votes.inFavour + votes.against + votes.abstaining !== votes.present) {
        errors.add(`${prefix}.votes`, 'for, against and abstaining must add up to the members present.');
      }
    }
  }
  return { body: input.body as DecidingBody, reference, decidedOn, votes };
}

/** A voting threshold as an exact fraction: "more than 1/2" or "at least 2/3" (no floating point). */
export type Threshold = { readonly moreThan: readonly [number, number] } | { readonly atLeast: readonly [number, number] };
export const MORE_THAN_HALF: Threshold = { moreThan: [1, 2] };
export const AT_LEAST_TWO_THIRDS: Threshold = { atLeast: [2, 3] };

function reaches(count: number, total: number, threshold: Threshold): boolean {
  if ('moreThan' in threshold) return count * threshold.moreThan[1] > total * threshold.moreThan[0];
  return count * threshold.atLeast[1] >= total * threshold.atLeast[0];
}

/** Enough of those entitled were present (default: more than half). */
export function meetsQuorum(votes: VoteCount, threshold: Threshold = MORE_THAN_HALF): boolean {
  return reaches(votes.present, votes.entitled, threshold);
}

/** Enough of those present voted for (default: more than half). */
export function isCarried(votes: VoteCount, threshold: Threshold = MORE_THAN_HALF): boolean {
  return reaches(votes.inFavour, votes.present, threshold);
}
