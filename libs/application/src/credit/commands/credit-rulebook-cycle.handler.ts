import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type AmendCreditRulebookVersion,
  type AssignCreditScorer,
  type CloseCreditCycle,
  creditCycleDecider,
  creditCycleStreamId,
  creditRulebookDecider,
  creditRulebookStreamId,
  type DefineCreditRulebookVersion,
  type OpenCreditCycle,
  openCreditCycleDecider,
} from '#domain/credit';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { CreditExpertHistory } from '../credit-expert-history.js';
import { CREDIT_READS, CreditFacts } from '../credit.facts.js';

/** A new rulebook version, or an amendment of one no cycle uses yet (pinning is part of opening a cycle). */
export class ActOnCreditRulebookCommand extends UseCase<DefineCreditRulebookVersion | AmendCreditRulebookVersion> {}
export class OpenCreditCycleCommand extends UseCase<OpenCreditCycle> {}
export class ActOnCreditCycleCommand extends UseCase<AssignCreditScorer | CloseCreditCycle> {}

@CommandHandler(ActOnCreditRulebookCommand)
export class CreditRulebookHandler implements ICommandHandler<ActOnCreditRulebookCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: ActOnCreditRulebookCommand): Promise<DispatchResult> {
    return this.commands.execute(creditRulebookDecider, creditRulebookStreamId(input.associationId, input.rulebookId), { command: input, actor, commandId }, CREDIT_READS);
  }
}

/** Opening a cycle pins its rulebook version in the same append: a version a cycle uses can no longer change. */
@CommandHandler(OpenCreditCycleCommand)
export class OpenCreditCycleHandler implements ICommandHandler<OpenCreditCycleCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: OpenCreditCycleCommand): Promise<DispatchResult> {
    return this.commands.executeAcross(openCreditCycleDecider, { command: input, actor, commandId }, CREDIT_READS);
  }
}

/**
 * A scorer assigned to an open cycle (an expert of the pool with their state read from their stream, then recorded in
 * their history as assigned to the cycle), or the cycle closed to new applications.
 */
@CommandHandler(ActOnCreditCycleCommand)
export class CreditCycleHandler implements ICommandHandler<ActOnCreditCycleCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: CreditFacts,
    private readonly history: CreditExpertHistory,
  ) {}

  async execute({ input, actor, commandId }: ActOnCreditCycleCommand): Promise<DispatchResult> {
    const decider = creditCycleDecider(await this.facts.forCycle(input));
    const result = await this.commands.execute(decider, creditCycleStreamId(input.associationId, input.cycleId), { command: input, actor, commandId }, CREDIT_READS);
    await this.history.recordAssignments(result, actor);
    return result;
  }
}
