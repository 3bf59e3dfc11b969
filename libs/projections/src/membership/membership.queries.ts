import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A member's standing as the membership register holds it: what a dues decision needs from it. */
export interface MembershipFactView {
  readonly status: string;
  readonly tier: string | null;
  /** ISO date. */
  readonly admittedOn: string | null;
}

export interface MemberFactView extends MembershipFactView {
  readonly enterpriseCode: string;
}

/** Reads of the membership register's read model. */
@Injectable()
export class MembershipQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The enterprise's membership of the association, or null when it never applied. */
  async membershipFact(associationId: string, enterpriseCode: string): Promise<MembershipFactView | null> {
    const [row] = (await this.dataSource.query(
      `SELECT status, tier, admitted_on::text AS "admittedOn" FROM membership WHERE association_id = $1 AND enterprise_code = $2`,
      [associationId, enterpriseCode],
    )) as MembershipFactView[];
    return row ?? null;
  }

  /** The association's active members, by enterprise code. */
  activeMembers(associationId: string): Promise<MemberFactView[]> {
    return this.dataSource.query(
      `SELECT enterprise_code AS "enterpriseCode", status, tier, admitted_on::text AS "admittedOn" FROM membership
        WHERE association_id = $1 AND status = 'ACTIVE' ORDER BY enterprise_code`,
      [associationId],
    );
  }
}
