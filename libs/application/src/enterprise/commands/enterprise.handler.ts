import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EnterpriseCommand, enterpriseDecider, enterpriseDeciderWith, enterpriseStreamId } from '#domain/enterprise';
import { normaliseCreditCode } from '#domain/shared';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { EnterpriseFacts } from '../enterprise.facts.js';

/** Projections an enterprise mutation's payload reads from. */
export const ENTERPRISE_READS = ['enterprise-register'];

/** A command on one enterprise's register entry: registration, profile, qualifications, size class. */
export class ActOnEnterpriseCommand extends UseCase<EnterpriseCommand> {}

/**
 * Registration needs no fact beyond the firm's own stream; a change of a registered firm's facts is judged against
 * the firm's ties to associations. The stream is addressed by the code as stored.
 */
@CommandHandler(ActOnEnterpriseCommand)
export class EnterpriseHandler implements ICommandHandler<ActOnEnterpriseCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: EnterpriseFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnEnterpriseCommand): Promise<DispatchResult> {
    const code = normaliseCreditCode(input.code);
    const streamId = enterpriseStreamId(code);
    if (input.type === 'RegisterEnterprise') {
      return this.commands.execute(enterpriseDecider, streamId, { command: { ...input, code }, actor, commandId }, ENTERPRISE_READS);
    }
    const decider = enterpriseDeciderWith(await this.facts.ties(code));
    return this.commands.execute(decider, streamId, { command: { ...input, code }, actor, commandId }, ENTERPRISE_READS);
  }
}
