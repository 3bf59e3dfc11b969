import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AwardEditionCommand, type AwardRulebookCommand, awardEditionDecider, awardRulebookDecider, awardRulebookStreamId, awardEditionStreamId, type OpenAwardEdition, openAwardEditionDecider } from '#domain/awards';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { AWARDS_READS, AwardsFacts } from '../awards.facts.js';

/** Defines the next version of a rulebook (评选办法) on its stream. */
export class DefineAwardRulebookCommand extends UseCase<Extract<AwardRulebookCommand, { type: 'DefineAwardRulebookVersion' }>> {}
/** Opens an edition on a defined rulebook version, copied whole and pinned in the same append. */
export class OpenAwardEditionCommand extends UseCase<OpenAwardEdition> {}
/** A round opened, closed or ranked; the notice started; the results published. */
export class ActOnAwardEditionCommand extends UseCase<Exclude<AwardEditionCommand, OpenAwardEdition>> {}

@CommandHandler(DefineAwardRulebookCommand)
export class DefineAwardRulebookHandler implements ICommandHandler<DefineAwardRulebookCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: DefineAwardRulebookCommand): Promise<DispatchResult> {
    // A rulebook id no stream can be named by names the placeholder stream; the parse step refuses it on its field first.
    const rulebookId = typeof input.rulebook?.rulebookId === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(input.rulebook.rulebookId) ? input.rulebook.rulebookId : 'x';
    return this.commands.execute(awardRulebookDecider, awardRulebookStreamId(input.associationId, rulebookId), { command: input, actor, commandId }, []);
  }
}

@CommandHandler(OpenAwardEditionCommand)
export class OpenAwardEditionHandler implements ICommandHandler<OpenAwardEditionCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: OpenAwardEditionCommand): Promise<DispatchResult> {
    return this.commands.executeAcross(openAwardEditionDecider, { command: input, actor, commandId }, AWARDS_READS);
  }
}

@CommandHandler(ActOnAwardEditionCommand)
export class ActOnAwardEditionHandler implements ICommandHandler<ActOnAwardEditionCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: AwardsFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnAwardEditionCommand): Promise<DispatchResult> {
    const decider = awardEditionDecider(await this.facts.forEdition(input));
    return this.commands.execute(decider, awardEditionStreamId(input.associationId, input.editionId), { command: input, actor, commandId }, AWARDS_READS);
  }
}
