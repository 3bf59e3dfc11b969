import { Injectable } from '@nestjs/common';
import { isIsoDate, InvalidInput } from '#domain/shared';
import { DuesReadModel, endOfBusinessDate } from './dues.read-model.js';

/**
 * The membership register's view of dues arrears (its `ArrearsReader`): the completed years a member had
 * not settled (invoiced minus paid minus waived above zero) as recorded at the end of `asOf` in China.
 * Read from the dues read model only.
 */
@Injectable()
export class DuesArrearsReader {
  constructor(private readonly readModel: DuesReadModel) {}

  unpaidYears(associationId: string, enterpriseCode: string, asOf: string): Promise<number[]> {
    if (!isIsoDate(asOf)) throw new InvalidInput([{ field: 'asOf', message: 'must be a calendar date written YYYY-MM-DD.' }]);
    return this.readModel.unpaidYears(associationId, enterpriseCode, endOfBusinessDate(asOf));
  }
}
