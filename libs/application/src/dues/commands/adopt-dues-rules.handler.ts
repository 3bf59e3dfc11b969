import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { feeScheduleDecider, feeScheduleStreamId, type FeeScheduleCommand, waiverPolicyDecider, waiverPolicyStreamId, type WaiverPolicyCommand } from '#domain/dues';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { DUES_READS } from '../dues.facts.js';

export class AdoptFeeScheduleCommand extends UseCase<FeeScheduleCommand> {}
export class AdoptWaiverPolicyCommand extends UseCase<WaiverPolicyCommand> {}

/** A new version of the association's fee schedule, on a general assembly decision. */
@CommandHandler(AdoptFeeScheduleCommand)
export class AdoptFeeScheduleHandler implements ICommandHandler<AdoptFeeScheduleCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: AdoptFeeScheduleCommand): Promise<DispatchResult> {
    return this.commands.execute(feeScheduleDecider, feeScheduleStreamId(input.associationId), { command: input, actor, commandId }, DUES_READS);
  }
}

/** A waiver policy (减免政策) on a decision; applying it is ApplyWaiverPolicyCommand. */
@CommandHandler(AdoptWaiverPolicyCommand)
export class AdoptWaiverPolicyHandler implements ICommandHandler<AdoptWaiverPolicyCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: AdoptWaiverPolicyCommand): Promise<DispatchResult> {
    const streamId = waiverPolicyStreamId(input.associationId, input.policyId);
    return this.commands.execute(waiverPolicyDecider, streamId, { command: input, actor, commandId }, DUES_READS);
  }
}
