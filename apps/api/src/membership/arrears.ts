/**
 * Dues arrears, as the deemed-withdrawal rule needs them: the years whose dues are unpaid for a member as of
 * a date. The dues context provides it (`DuesArrearsReader`, from its `dues_account` read model): completed
 * years, before the year of `asOf`, with a balance left.
 */
export interface ArrearsReader {
  /** Years completed before the year of `asOf` (YYYY-MM-DD) that still have a balance, as known now. */
  unpaidYears(associationId: string, enterpriseCode: string, asOf: string): Promise<number[]>;
}

export const ARREARS_READER = Symbol.for('association-register.arrears-reader');
