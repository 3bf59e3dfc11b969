import { Injectable } from '@nestjs/common';
import { RuleViolation } from '#domain/shared';

/**
 * Dues arrears, as the deemed-withdrawal rule needs them: the years whose dues are unpaid for a member as of
 * a date. The dues context provides the implementation (from its `dues_account` read model).
 */
export interface ArrearsReader {
  /** Years (e.g. [2024, 2025]) with an unpaid balance as of `asOf` (YYYY-MM-DD). */
  unpaidYears(associationId: string, enterpriseCode: string, asOf: string): Promise<number[]>;
}

export const ARREARS_READER = Symbol.for('association-register.arrears-reader');

export const ARREARS_UNAVAILABLE = 'MEMBERSHIP_ARREARS_UNAVAILABLE';

/**
 * Used until a dues arrears reader is provided: refuses deemed withdrawal with a clear message rather than
 * deciding it on missing figures.
 */
@Injectable()
export class UnavailableArrearsReader implements ArrearsReader {
  unpaidYears(): Promise<number[]> {
    return Promise.reject(
      new RuleViolation(
        ARREARS_UNAVAILABLE,
        'Dues arrears cannot be read in this deployment, so a deemed withdrawal cannot be decided: ' +
          'the dues accounts must be connected first.',
      ),
    );
  }
}
