import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseCommand } from '#domain/enterprise';
import { normaliseCreditCode } from '#domain/shared';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';

/** Projections an enterprise mutation's payload reads from. */
export const ENTERPRISE_READS = ['enterprise-register'];

/** A command on one enterprise's register entry: registration, profile, qualifications, size class. */
export class ActOnEnterpriseCommand extends UseCase<EnterpriseCommand> {}

/** The enterprise decider needs no fact beyond its own stream, addressed by the code as stored. */
@CommandHandler(ActOnEnterpriseCommand)
export class EnterpriseHandler implements ICommandHandler<ActOnEnterpriseCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: ActOnEnterpriseCommand): Promise<DispatchResult> {
    const code = normaliseCreditCode(input.code);
    return this.commands.execute(enterpriseDecider, enterpriseStreamId(code), { command: { ...input, code }, actor, commandId }, ENTERPRISE_READS);
  }
}
