import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AdmitMember,
  admitMemberDecider,
  type ChangeTier,
  changeTierDecider,
  councilTermOfTierChange,
  type DeemMembershipWithdrawn,
  endMembershipDecider,
  type MembershipEnding,
} from '#domain/membership';
import type { DecidingBody } from '#domain/shared';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { MEMBERSHIP_READS, MembershipFacts } from '../membership.facts.js';

/** An admission; the charter's admission bodies are its fact. The certificate number is reserved in the same append. */
export class AdmitMemberCommand extends UseCase<Omit<AdmitMember, 'admissionBodies'>> {}
/** A tier change; the council term covering it is its fact. The president's seat is taken or given up in the same append. */
export class ChangeMembershipTierCommand extends UseCase<Omit<ChangeTier, 'councilTermNumber'>> {}
/** A withdrawal or an expulsion; a president firm's seat is released in the same append. */
export class EndMembershipCommand extends UseCase<Exclude<MembershipEnding, DeemMembershipWithdrawn>> {}
/** A deemed withdrawal (自动退会); the unpaid years and the charter's number of them are its facts. */
export class DeemMembershipWithdrawnCommand extends UseCase<Omit<DeemMembershipWithdrawn, 'unpaidYears' | 'requiredYears'>> {}

@CommandHandler(AdmitMemberCommand)
export class AdmitMemberHandler implements ICommandHandler<AdmitMemberCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: AdmitMemberCommand): Promise<DispatchResult> {
    const association = await this.facts.registeredAssociation(input.associationId);
    const command: AdmitMember = { ...input, admissionBodies: association.charter.admissionBodies as DecidingBody[] };
    return this.commands.executeAcross(admitMemberDecider, { command, actor, commandId }, MEMBERSHIP_READS);
  }
}

@CommandHandler(ChangeMembershipTierCommand)
export class ChangeMembershipTierHandler implements ICommandHandler<ChangeMembershipTierCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: ChangeMembershipTierCommand): Promise<DispatchResult> {
    const association = await this.facts.registeredAssociation(input.associationId);
    const command: ChangeTier = { ...input, councilTermNumber: councilTermOfTierChange(association, input) };
    return this.commands.executeAcross(changeTierDecider, { command, actor, commandId }, MEMBERSHIP_READS);
  }
}

@CommandHandler(EndMembershipCommand)
export class EndMembershipHandler implements ICommandHandler<EndMembershipCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: EndMembershipCommand): Promise<DispatchResult> {
    await this.facts.registeredAssociation(input.associationId);
    return this.commands.executeAcross(endMembershipDecider, { command: input, actor, commandId }, MEMBERSHIP_READS);
  }
}

@CommandHandler(DeemMembershipWithdrawnCommand)
export class DeemMembershipWithdrawnHandler implements ICommandHandler<DeemMembershipWithdrawnCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: MembershipFacts,
  ) {}

  async execute({ input, actor, commandId }: DeemMembershipWithdrawnCommand): Promise<DispatchResult> {
    const association = await this.facts.registeredAssociation(input.associationId);
    const unpaidYears = await this.facts.unpaidYears(input.associationId, input.enterpriseCode, input.effectiveFrom ?? this.facts.today());
    const command: DeemMembershipWithdrawn = { ...input, unpaidYears, requiredYears: association.charter.deemedWithdrawalYears };
    return this.commands.executeAcross(endMembershipDecider, { command, actor, commandId }, MEMBERSHIP_READS);
  }
}
