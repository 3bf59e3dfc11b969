import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EnrolExpert, type ExpertHistoryCommand, type ExpertPoolCommand, expertDecider, expertDeciderWith, expertStreamId } from '#domain/experts';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { EXPERTS_READS, ExpertsFacts } from '../experts.facts.js';

/** A pool decision on an enrolled expert: a profile change, suspension, reinstatement, retirement, a conflict. */
export class ActOnExpertCommand extends UseCase<Exclude<ExpertPoolCommand, EnrolExpert>> {}

@CommandHandler(ActOnExpertCommand)
export class ActOnExpertHandler implements ICommandHandler<ActOnExpertCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: ExpertsFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnExpertCommand): Promise<DispatchResult> {
    const decider = expertDeciderWith(await this.facts.forCommand(input));
    return this.commands.execute(decider, expertStreamId(input.associationId, input.expertId), { command: input, actor, commandId }, EXPERTS_READS);
  }
}

/**
 * An entry of an expert's history, sent by the context that drew or scored them (awards, credit): an
 * assignment, a recusal or a score, each naming that context's event (`sourceEventId`). A re-sent entry records
 * nothing twice. Refused with EXPERT_SUSPENDED or EXPERT_RETIRED for an assignment of an expert who may not be drawn.
 */
export class RecordExpertHistoryCommand extends UseCase<ExpertHistoryCommand> {}

@CommandHandler(RecordExpertHistoryCommand)
export class RecordExpertHistoryHandler implements ICommandHandler<RecordExpertHistoryCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: RecordExpertHistoryCommand): Promise<DispatchResult> {
    return this.commands.execute(expertDecider, expertStreamId(input.associationId, input.expertId), { command: input, actor, commandId }, EXPERTS_READS);
  }
}
