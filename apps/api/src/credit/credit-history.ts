import { Inject, Injectable } from '@nestjs/common';
import { AuditQueries, CreditQueries, type CreditHistoryStepView } from '#projections';
import { awaitAuditTrail } from '../audit/audit-history.js';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

/**
 * A subject's credit history once the audit trail has caught up with its streams (ADR 0006), as `AuditHistory` does
 * for one stream: the trail is a projection no mutation waits for.
 */
@Injectable()
export class CreditHistory {
  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly audit: AuditQueries,
    private readonly credit: CreditQueries,
  ) {}

  /**
   * Every step, in the order the register recorded them; an association sees its own conduct records, and with
   * `disclosedOn` only the conduct records still disclosed that day; on the two axes of `axes`.
   */
  async of(
    subjectId: string,
    associationId: string | null,
    disclosedOn: string | null,
    axes: { asOf: Date | null; effectiveAt: string | null },
  ): Promise<CreditHistoryStepView[]> {
    const streams = await this.credit.historyStreams(subjectId, associationId);
    await awaitAuditTrail(this.runtime, this.audit, streams);
    return this.credit.history(subjectId, associationId, streams, disclosedOn, axes);
  }
}
