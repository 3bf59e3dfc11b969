import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AssociationCommand, associationDecider, associationStreamId } from '#domain/membership';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { MEMBERSHIP_READS } from '../membership.facts.js';

/** A command on the association's own record: registration with its charter, waiver approvers, council terms. */
export class ActOnAssociationCommand extends UseCase<AssociationCommand> {}

@CommandHandler(ActOnAssociationCommand)
export class AssociationHandler implements ICommandHandler<ActOnAssociationCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: ActOnAssociationCommand): Promise<DispatchResult> {
    return this.commands.execute(associationDecider, associationStreamId(input.associationId), { command: input, actor, commandId }, MEMBERSHIP_READS);
  }
}
