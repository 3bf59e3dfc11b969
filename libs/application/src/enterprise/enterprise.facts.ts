import { Injectable } from '@nestjs/common';
import type { EnterpriseTies } from '#domain/enterprise';
import { CreditQueries, MembershipQueries } from '#projections';

/**
 * The facts an enterprise decision needs from other contexts: the firm's ties to associations, from the membership
 * register (each association's latest membership record) and the credit register (associations holding an
 * application of it), through their query classes. The decider judges which of them may change the firm's facts.
 */
@Injectable()
export class EnterpriseFacts {
  constructor(
    private readonly memberships: MembershipQueries,
    private readonly credit: CreditQueries,
  ) {}

  async ties(code: string): Promise<EnterpriseTies> {
    return (await this.tiesOfEach([code])).get(code)!;
  }

  /** The ties of many firms in two statements (one per register), by code: every code asked for has an entry. */
  async tiesOfEach(codes: readonly string[]): Promise<Map<string, EnterpriseTies>> {
    const [memberships, creditApplicants] = await Promise.all([this.memberships.membershipsOfEach(codes), this.credit.applicantAssociationsOfEach(codes)]);
    return new Map(codes.map((code) => [code, { memberships: memberships.get(code) ?? [], creditApplicants: creditApplicants.get(code) ?? [] }]));
  }
}
