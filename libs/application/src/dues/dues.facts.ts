import { Injectable } from '@nestjs/common';
import {
  type DuesAccountCommand,
  type DuesAccountFacts,
  evolveFeeSchedule,
  evolveWaiverPolicy,
  feeScheduleStreamId,
  type FeeScheduleVersion,
  initialFeeScheduleState,
  initialWaiverPolicyState,
  type WaiverPolicyAdopted,
  waiverPolicyStreamId,
} from '#domain/dues';
import { associationDecider, associationStreamId } from '#domain/membership';
import { NotFound } from '#domain/shared';
import { MembershipQueries } from '#projections';
import { EventSourcedCommands } from '../commands/event-sourced-commands.js';

/** Projections a dues mutation's payload reads from. */
export const DUES_READS = ['dues'];

/**
 * The facts a dues decision needs from outside its own stream: the fee schedule's versions and a waiver policy
 * (their streams), the charter's waiver approvers (the association stream), a member's standing (the membership
 * register's read model, through its queries).
 */
@Injectable()
export class DuesFacts {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly memberships: MembershipQueries,
  ) {}

  async schedules(associationId: string): Promise<FeeScheduleVersion[]> {
    const state = await this.commands.stateOf(feeScheduleStreamId(associationId), { initialState: initialFeeScheduleState, evolve: evolveFeeSchedule });
    return [...state.versions];
  }

  /** User ids the association's charter authorises to decide on waivers (none if it is not registered). */
  async waiverApprovers(associationId: string): Promise<readonly string[]> {
    const state = await this.commands.stateOf(associationStreamId(associationId), associationDecider);
    return state.status === 'registered' ? state.waiverApprovers : [];
  }

  async policy(associationId: string, policyId: string): Promise<WaiverPolicyAdopted['data']> {
    const state = await this.commands.stateOf(waiverPolicyStreamId(associationId, policyId), { initialState: initialWaiverPolicyState, evolve: evolveWaiverPolicy });
    if (state.status !== 'adopted') throw new NotFound('Waiver policy', policyId);
    return state.policy;
  }

  /** What the account decider needs for this command, and nothing more. */
  async forAccount(command: DuesAccountCommand): Promise<DuesAccountFacts> {
    switch (command.type) {
      case 'IssueDuesInvoice': {
        const [membership, schedules] = await Promise.all([
          this.memberships.membershipFact(command.associationId, command.enterpriseCode),
          this.schedules(command.associationId),
        ]);
        return { membership: membership && { ...membership, tier: membership.tier ?? '' }, schedules };
      }
      case 'ApproveDuesWaiver':
      case 'RejectDuesWaiver':
      case 'RevokeDuesWaiver':
        return { waiverApprovers: await this.waiverApprovers(command.associationId) };
      default:
        return {};
    }
  }
}
