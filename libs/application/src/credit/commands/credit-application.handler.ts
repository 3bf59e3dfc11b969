import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CreditApplicationCommand, creditApplicationDecider, creditApplicationStreamId, type IssueCreditRating, issueCreditRatingDecider } from '#domain/credit';
import type { CommandEnvelope } from '#platform';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { CreditExpertHistory } from '../credit-expert-history.js';
import { CREDIT_READS, CreditFacts, type KnownApplicationFacts } from '../credit.facts.js';

/** A command on one application of a cycle (issuing its rating also claims a certificate: IssueCreditRatingCommand). */
export class ActOnCreditApplicationCommand extends UseCase<Exclude<CreditApplicationCommand, IssueCreditRating>> {}
export class IssueCreditRatingCommand extends UseCase<IssueCreditRating> {}

/** One application command with its facts; a bulk run passes the facts it read once, and no reads to wait for. */
export async function executeOnApplication(
  commands: EventSourcedCommands,
  facts: CreditFacts,
  envelope: CommandEnvelope<Exclude<CreditApplicationCommand, IssueCreditRating>>,
  reads: readonly string[],
  known: KnownApplicationFacts = {},
): Promise<DispatchResult> {
  const { associationId, cycleId, subjectId } = envelope.command;
  const decider = creditApplicationDecider(await facts.forApplication(envelope.command, envelope.actor.userId, known));
  return commands.execute(decider, creditApplicationStreamId(associationId, cycleId, subjectId), envelope, reads);
}

/** The rating and the reservation of its certificate number, appended together or not at all. */
export async function issueRating(
  commands: EventSourcedCommands,
  facts: CreditFacts,
  envelope: CommandEnvelope<IssueCreditRating>,
  reads: readonly string[],
  known: KnownApplicationFacts = {},
): Promise<DispatchResult> {
  return commands.executeAcross(issueCreditRatingDecider(await facts.forApplication(envelope.command, envelope.actor.userId, known)), envelope, reads);
}

/** A command on one application; a score by an expert of the pool is then recorded in the expert's history. */
@CommandHandler(ActOnCreditApplicationCommand)
export class CreditApplicationHandler implements ICommandHandler<ActOnCreditApplicationCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: CreditFacts,
    private readonly history: CreditExpertHistory,
  ) {}

  async execute({ input, actor, commandId }: ActOnCreditApplicationCommand): Promise<DispatchResult> {
    if (input.type !== 'ScoreCreditIndicators') return executeOnApplication(this.commands, this.facts, { command: input, actor, commandId }, CREDIT_READS);
    const cycle = await this.facts.cycle(input.associationId, input.cycleId);
    const result = await executeOnApplication(this.commands, this.facts, { command: input, actor, commandId }, CREDIT_READS, { cycle });
    await this.history.record(this.history.scoresOf(result, cycle), actor);
    return result;
  }
}

@CommandHandler(IssueCreditRatingCommand)
export class IssueCreditRatingHandler implements ICommandHandler<IssueCreditRatingCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: CreditFacts,
  ) {}

  execute({ input, actor, commandId }: IssueCreditRatingCommand): Promise<DispatchResult> {
    return issueRating(this.commands, this.facts, { command: input, actor, commandId }, CREDIT_READS);
  }
}
