import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type FileCreditApplication, fileCreditApplicationsWorkflow, listedApplications, type ScoreCreditIndicators, scoreCreditApplicationsWorkflow } from '#domain/credit';
import type { ExpertHistoryCommand } from '#domain/experts';
import { newId } from '#platform';
import { type BulkOutcome, runBulk } from '../../commands/bulk.js';
import { EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { CreditExpertHistory } from '../credit-expert-history.js';
import { CREDIT_READS, CreditFacts } from '../credit.facts.js';
import { executeOnApplication } from './credit-application.handler.js';

interface ListedOnCycle<Entry> {
  readonly associationId: string;
  readonly cycleId: string;
  readonly applications: readonly Entry[];
}

/** The batch's command id (the client's, or a fresh one) names every subject's command: a re-sent batch writes nothing. */
export class FileCreditApplicationsCommand extends UseCase<ListedOnCycle<Pick<FileCreditApplication, 'subjectId' | 'selfAssessment'>>, BulkOutcome> {}
export class ScoreCreditApplicationsCommand extends UseCase<ListedOnCycle<Pick<ScoreCreditIndicators, 'subjectId' | 'scores'>>, BulkOutcome> {}

/** Files the listed applications to a cycle, one command per applicant. */
@CommandHandler(FileCreditApplicationsCommand)
export class FileCreditApplicationsHandler implements ICommandHandler<FileCreditApplicationsCommand, BulkOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: CreditFacts,
  ) {}

  async execute({ input: { associationId, cycleId, applications }, actor, commandId }: FileCreditApplicationsCommand): Promise<BulkOutcome> {
    const cycle = await this.facts.requireCycle(associationId, cycleId);
    const items = listedApplications({ associationId, cycleId, batchId: commandId ?? newId() }, applications);
    return runBulk(this.commands, fileCreditApplicationsWorkflow, items, (command, id) =>
      executeOnApplication(this.commands, this.facts, { command, actor, commandId: id }, [], { cycle }), CREDIT_READS);
  }
}

/**
 * Records an assigned scorer's scores for the listed applications of a cycle. The cycle and the scorer's expert state
 * are read once for the run; an expert's scores are then recorded in their history, one after the other (one stream).
 */
@CommandHandler(ScoreCreditApplicationsCommand)
export class ScoreCreditApplicationsHandler implements ICommandHandler<ScoreCreditApplicationsCommand, BulkOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: CreditFacts,
    private readonly history: CreditExpertHistory,
  ) {}

  async execute({ input: { associationId, cycleId, applications }, actor, commandId }: ScoreCreditApplicationsCommand): Promise<BulkOutcome> {
    const cycle = await this.facts.requireCycle(associationId, cycleId);
    const experts = await this.facts.scoringExperts(cycle, actor.userId);
    const items = listedApplications({ associationId, cycleId, batchId: commandId ?? newId() }, applications);
    const history: ExpertHistoryCommand[] = [];
    const outcome = await runBulk(this.commands, scoreCreditApplicationsWorkflow, items, async (command, id) => {
      const result = await executeOnApplication(this.commands, this.facts, { command, actor, commandId: id }, [], { cycle, experts });
      history.push(...this.history.scoresOf(result, cycle));
      return result;
    }, CREDIT_READS);
    await this.history.record(history, actor);
    return outcome;
  }
}
