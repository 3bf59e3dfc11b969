import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { conductOnRatingsWorkflow, creditApplicationStreamId, creditConductStreamId, type RecordCreditConduct, type ShortenCreditConductDisclosure } from '#domain/credit';
import { comparePositions, type Position } from '#eventstore';
import { newId, runWorkflow } from '#platform';
import { CreditQueries } from '#projections';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { CREDIT_READS, CreditFacts, storedConductDecider } from '../credit.facts.js';
import { executeOnApplication } from './credit-application.handler.js';

export interface ConductOutcome {
  readonly record: DispatchResult;
  /** The rating streams the record changed. */
  readonly changedRatings: readonly string[];
  /** False when the read models had not applied the record or a rating change within the bounded wait. */
  readonly readModelCurrent: boolean;
}

export class RecordCreditConductCommand extends UseCase<RecordCreditConduct, ConductOutcome> {}
export class ShortenCreditConductDisclosureCommand extends UseCase<ShortenCreditConductDisclosure> {}

/**
 * Records a conduct record, then applies it at once to every rating in force that the recording association
 * issued the subject (a re-sent record re-sends the same rating commands, so it completes what was left undone).
 */
@CommandHandler(RecordCreditConductCommand)
export class RecordCreditConductHandler implements ICommandHandler<RecordCreditConductCommand, ConductOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: CreditFacts,
    private readonly credit: CreditQueries,
  ) {}

  async execute({ input, actor, commandId }: RecordCreditConductCommand): Promise<ConductOutcome> {
    const id = commandId ?? newId();
    const decider = storedConductDecider(await this.facts.forConduct(input));
    const record = await this.commands.execute(decider, creditConductStreamId(input.subjectId), { command: input, actor, commandId: id }, CREDIT_READS);
    const { associationId, subjectId, recordId } = input;
    const ratings = await this.credit.validRatingsOf(associationId, subjectId);
    const run = await runWorkflow(conductOnRatingsWorkflow, { recordCommandId: id, associationId, subjectId, recordId, ratings }, id, (command, ratingCommandId) =>
      executeOnApplication(this.commands, this.facts, { command, actor, commandId: ratingCommandId }, []),
    );
    const last = run.results.reduce<Position | null>((latest, r) => (comparePositions(r.position, latest) > 0 ? r.position : latest), null);
    return {
      record,
      changedRatings: run.state.changed.map((r) => creditApplicationStreamId(r.associationId, r.cycleId, subjectId)),
      readModelCurrent: record.readModelCurrent && (await this.commands.awaitReadModels(last, CREDIT_READS)),
    };
  }
}

/** A record's disclosure shortened after proven rectification (never below the minimum). */
@CommandHandler(ShortenCreditConductDisclosureCommand)
export class ShortenCreditConductDisclosureHandler implements ICommandHandler<ShortenCreditConductDisclosureCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: ShortenCreditConductDisclosureCommand): Promise<DispatchResult> {
    return this.commands.execute(storedConductDecider(), creditConductStreamId(input.subjectId), { command: input, actor, commandId }, CREDIT_READS);
  }
}
