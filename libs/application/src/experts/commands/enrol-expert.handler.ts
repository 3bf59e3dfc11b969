import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EnrolExpert, expertDeciderWith, expertStreamId } from '#domain/experts';
import { isPersonId } from '#domain/persons';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { expertIdFor, EXPERTS_READS, ExpertsFacts } from '../experts.facts.js';

/** What the API sends: the expert id is derived here from the association and the person. */
export type EnrolExpertInput = Omit<EnrolExpert, 'type' | 'expertId'>;

export class EnrolExpertCommand extends UseCase<EnrolExpertInput> {}

/** Enrols a person of the register in an association's pool, under the expert id derived from both. */
@CommandHandler(EnrolExpertCommand)
export class EnrolExpertHandler implements ICommandHandler<EnrolExpertCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: ExpertsFacts,
  ) {}

  async execute({ input, actor, commandId }: EnrolExpertCommand): Promise<DispatchResult> {
    // A malformed register id derives a placeholder that the parse step refuses on personId, before any stream is read.
    const expertId = isPersonId(input.personId) ? expertIdFor(input.associationId, input.personId) : 'EXP0000000000000000';
    const command: EnrolExpert = { type: 'EnrolExpert', ...input, expertId };
    const decider = expertDeciderWith(await this.facts.forCommand(command));
    return this.commands.execute(decider, expertStreamId(input.associationId, expertId), { command, actor, commandId }, EXPERTS_READS);
  }
}
