import { Inject, Injectable } from '@nestjs/common';
import { enterpriseDecider, enterpriseStreamId } from '#domain/enterprise';
import { associationDecider, type AssociationState, associationStreamId, membershipDecider, membershipStreamId } from '#domain/membership';
import { businessDate, isIsoDate, NotFound } from '#domain/shared';
import { CLOCK, type Clock } from '#platform';
import { DuesQueries } from '#projections';
import { EventSourcedCommands } from '../commands/event-sourced-commands.js';

/** Projections a membership mutation's payload reads from: the membership and its events (the audit trail). */
export const MEMBERSHIP_READS = ['membership-register', 'audit-trail'];

export type RegisteredAssociation = Extract<AssociationState, { status: 'registered' }>;

/**
 * The facts a membership decision needs from outside its own stream: the association's charter and council terms
 * and the enterprise register (their streams), the candidates' memberships (theirs), and a member's unpaid years
 * (the dues accounts' read model, through its queries).
 */
@Injectable()
export class MembershipFacts {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly dues: DuesQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  association(associationId: string): Promise<AssociationState> {
    return this.commands.stateOf(associationStreamId(associationId), associationDecider);
  }

  /** The association's record; an association not in the register is NOT_FOUND. */
  async registeredAssociation(associationId: string): Promise<RegisteredAssociation> {
    const state = await this.association(associationId);
    if (state.status !== 'registered') throw new NotFound('Association', associationId);
    return state;
  }

  async enterpriseRegistered(code: string): Promise<boolean> {
    return (await this.commands.stateOf(enterpriseStreamId(code), enterpriseDecider)).status === 'registered';
  }

  /** The codes among `codes` that hold an active membership of the association now. */
  async activeMembers(associationId: string, codes: readonly string[]): Promise<string[]> {
    const active: string[] = [];
    for (const code of codes) {
      const state = await this.commands.stateOf(membershipStreamId(associationId, code), membershipDecider);
      if (state.current?.status === 'ACTIVE') active.push(code);
    }
    return active;
  }

  /** The date a deemed withdrawal takes effect when it names none: today's business date. */
  today(): string {
    return businessDate(this.clock.now());
  }

  /**
   * Years completed before the year of `asOf` whose dues still have a balance, as the register knows them now (a
   * member who has paid since is not in arrears). An invalid date reads nothing: the decider reports it on its field.
   */
  async unpaidYears(associationId: string, enterpriseCode: string, asOf: string): Promise<number[]> {
    if (!isIsoDate(asOf)) return [];
    return this.dues.unpaidYears(associationId, enterpriseCode, this.clock.now(), Number(asOf.slice(0, 4)));
  }
}
