import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AwardEntryCommand, awardEntryDecider, awardEntryStreamId, type GrantAward, grantAwardDecider, type SubmitAwardEntry } from '#domain/awards';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { AwardEntrySubmissions } from '../award-entry-submissions.js';
import { AWARDS_READS, AwardsFacts } from '../awards.facts.js';

/** The entry, its subject's one place in the edition and a slot of its channel's quota, appended together. */
export class SubmitAwardEntryCommand extends UseCase<SubmitAwardEntry> {}
/** The award and its certificate number's reservation, appended together. */
export class GrantAwardCommand extends UseCase<GrantAward> {}

/** The entry commands decided on the entry's stream alone (the panel's draw, recusal and scores: AwardPanelCommand). */
export type SingleStreamEntryCommand = Exclude<AwardEntryCommand, SubmitAwardEntry | GrantAward | { type: 'DrawAwardPanel' | 'RecuseAwardExpert' | 'ScoreAwardEntry' }>;
export class ActOnAwardEntryCommand extends UseCase<SingleStreamEntryCommand> {}

@CommandHandler(SubmitAwardEntryCommand)
export class SubmitAwardEntryHandler implements ICommandHandler<SubmitAwardEntryCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly submissions: AwardEntrySubmissions,
  ) {}

  /** In its channel's turn (concurrent submissions through one channel never end in CONFLICT), then read-your-writes. */
  async execute({ input, actor, commandId }: SubmitAwardEntryCommand): Promise<DispatchResult> {
    const result = await this.submissions.submit(input, actor, commandId);
    return { ...result, readModelCurrent: await this.commands.awaitReadModels(result.position, AWARDS_READS) };
  }
}

@CommandHandler(GrantAwardCommand)
export class GrantAwardHandler implements ICommandHandler<GrantAwardCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: AwardsFacts,
  ) {}

  async execute({ input, actor, commandId }: GrantAwardCommand): Promise<DispatchResult> {
    return this.commands.executeAcross(grantAwardDecider(await this.facts.forEntry(input)), { command: input, actor, commandId }, AWARDS_READS);
  }
}

@CommandHandler(ActOnAwardEntryCommand)
export class ActOnAwardEntryHandler implements ICommandHandler<ActOnAwardEntryCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: AwardsFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnAwardEntryCommand): Promise<DispatchResult> {
    const decider = awardEntryDecider(await this.facts.forEntry(input));
    return this.commands.execute(decider, awardEntryStreamId(input.associationId, input.editionId, input.entryId), { command: input, actor, commandId }, AWARDS_READS);
  }
}
