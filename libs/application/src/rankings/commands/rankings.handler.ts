import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type ComputeRanking,
  type DefineRankingMethodologyVersion,
  type OpenRankingEdition,
  parseRankingEdition,
  type RankingEditionCommand,
  rankingEditionDeciderWith,
  rankingEditionStreamId,
  rankingMethodologyDecider,
  rankingMethodologyStreamId,
} from '#domain/rankings';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { RANKINGS_READS, RankingsFacts } from '../rankings.facts.js';

export class DefineRankingMethodologyCommand extends UseCase<DefineRankingMethodologyVersion> {}
export class OpenRankingEditionCommand extends UseCase<OpenRankingEdition> {}
export class ComputeRankingCommand extends UseCase<ComputeRanking> {}
/** Every other edition command: figures, corrections, exclusions, notice, objections, publication, errata. */
export class ActOnRankingEditionCommand extends UseCase<Exclude<RankingEditionCommand, OpenRankingEdition | ComputeRanking>> {}

@CommandHandler(DefineRankingMethodologyCommand)
export class DefineRankingMethodologyHandler implements ICommandHandler<DefineRankingMethodologyCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: DefineRankingMethodologyCommand): Promise<DispatchResult> {
    return this.commands.execute(rankingMethodologyDecider, rankingMethodologyStreamId(input.associationId, input.methodologyId), { command: input, actor, commandId }, RANKINGS_READS);
  }
}

/** An edition opens on a methodology version, which it copies whole (the version itself never changes). */
@CommandHandler(OpenRankingEditionCommand)
export class OpenRankingEditionHandler implements ICommandHandler<OpenRankingEditionCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: RankingsFacts,
  ) {}

  async execute({ input, actor, commandId }: OpenRankingEditionCommand): Promise<DispatchResult> {
    // The parse step first: malformed fields are refused before the methodology is read.
    const parsed = parseRankingEdition(input);
    const methodology = await this.facts.methodology(parsed.associationId, parsed.methodologyId, parsed.methodologyVersion);
    return this.commands.execute(rankingEditionDeciderWith({ methodology }), rankingEditionStreamId(input.associationId, input.editionId), { command: input, actor, commandId }, RANKINGS_READS);
  }
}

/**
 * A computation: the candidates' eligibility evidence as of the cut-off, read once from the other registers, then
 * the decision (after the cut-off the candidates no longer change; a candidate without evidence is refused).
 */
@CommandHandler(ComputeRankingCommand)
export class ComputeRankingHandler implements ICommandHandler<ComputeRankingCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: RankingsFacts,
  ) {}

  async execute({ input, actor, commandId }: ComputeRankingCommand): Promise<DispatchResult> {
    const parsed = parseRankingEdition(input);
    const eligibility = await this.facts.eligibility(await this.facts.edition(parsed.associationId, parsed.editionId));
    return this.commands.execute(rankingEditionDeciderWith({ eligibility }), rankingEditionStreamId(input.associationId, input.editionId), { command: input, actor, commandId }, RANKINGS_READS);
  }
}

@CommandHandler(ActOnRankingEditionCommand)
export class ActOnRankingEditionHandler implements ICommandHandler<ActOnRankingEditionCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: ActOnRankingEditionCommand): Promise<DispatchResult> {
    return this.commands.execute(rankingEditionDeciderWith({}), rankingEditionStreamId(input.associationId, input.editionId), { command: input, actor, commandId }, RANKINGS_READS);
  }
}
