import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '#platform';
import { isIsoDate, InvalidInput } from '#domain/shared';
import { DuesQueries } from '#projections';

/**
 * The membership register's view of dues arrears (its `ArrearsReader`): the years completed before the year
 * of `asOf` that a member has not settled (invoiced minus paid minus waived above zero), as the register
 * knows them now. A deemed withdrawal dated in the past is judged on today's knowledge: a member who has
 * paid since is not in arrears, and dues recorded late still count.
 */
@Injectable()
export class DuesArrearsReader {
  constructor(
    private readonly duesQueries: DuesQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  unpaidYears(associationId: string, enterpriseCode: string, asOf: string): Promise<number[]> {
    if (!isIsoDate(asOf)) throw new InvalidInput([{ field: 'asOf', message: 'must be a calendar date written YYYY-MM-DD.' }]);
    return this.duesQueries.unpaidYears(associationId, enterpriseCode, this.clock.now(), Number(asOf.slice(0, 4)));
  }
}
