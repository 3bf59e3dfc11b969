import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type MembershipCommand, membershipDecider, membershipStreamId } from '#domain/membership';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { MEMBERSHIP_READS, MembershipFacts } from '../membership.facts.js';

type Of<T extends MembershipCommand['type']> = Extract<MembershipCommand, { type: T }>;

/** An application to join; whether the association and the enterprise are registered are its facts. */
export class ApplyForMembershipCommand extends UseCase<Omit<Of<'ApplyForMembership'>, 'associationRegistered' | 'enterpriseRegistered'>> {}
/** A dues reminder; the charter's grace period is its fact. */
export class RecordMembershipReminderCommand extends UseCase<Omit<Of<'RecordMembershipReminder'>, 'charterGraceDays'>> {}
/** Commands decided on the membership stream alone, once the association is known to be registered. */
export class ActOnMembershipCommand extends UseCase<Of<'RejectApplication' | 'SanctionMember' | 'SuspendMembership' | 'ReinstateMembership'>> {}

@CommandHandler(ApplyForMembershipCommand)
export class ApplyForMembershipHandler implements ICommandHandler<ApplyForMembershipCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: ApplyForMembershipCommand): Promise<DispatchResult> {
    const [association, enterpriseRegistered] = await Promise.all([this.facts.association(input.associationId), this.facts.enterpriseRegistered(input.enterpriseCode)]);
    const command: Of<'ApplyForMembership'> = { ...input, associationRegistered: association.status === 'registered', enterpriseRegistered };
    return this.commands.execute(membershipDecider, membershipStreamId(input.associationId, input.enterpriseCode), { command, actor, commandId }, MEMBERSHIP_READS);
  }
}

@CommandHandler(RecordMembershipReminderCommand)
export class RecordMembershipReminderHandler implements ICommandHandler<RecordMembershipReminderCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: RecordMembershipReminderCommand): Promise<DispatchResult> {
    const association = await this.facts.registeredAssociation(input.associationId);
    const command: Of<'RecordMembershipReminder'> = { ...input, charterGraceDays: association.charter.reminderGraceDays };
    return this.commands.execute(membershipDecider, membershipStreamId(input.associationId, input.enterpriseCode), { command, actor, commandId }, MEMBERSHIP_READS);
  }
}

@CommandHandler(ActOnMembershipCommand)
export class MembershipHandler implements ICommandHandler<ActOnMembershipCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnMembershipCommand): Promise<DispatchResult> {
    await this.facts.registeredAssociation(input.associationId);
    return this.commands.execute(membershipDecider, membershipStreamId(input.associationId, input.enterpriseCode), { command: input, actor, commandId }, MEMBERSHIP_READS);
  }
}
