import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  completeCreditReviewsWorkflow,
  issueCreditRatingsWorkflow,
  numberedRatings,
  parseCertificatePrefix,
  recordCreditExpiriesWorkflow,
  startCreditNoticesWorkflow,
} from '#domain/credit';
import { businessDate } from '#domain/shared';
import { CLOCK, type Clock } from '#platform';
import { CreditQueries } from '#projections';
import { type BulkOutcome, runBulk } from '../../commands/bulk.js';
import { EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { CREDIT_READS, CreditFacts } from '../credit.facts.js';
import { executeOnApplication, issueRating } from './credit-application.handler.js';

interface OnCycle {
  readonly associationId: string;
  readonly cycleId: string;
}

export class CompleteCreditReviewsCommand extends UseCase<OnCycle, BulkOutcome> {}
export class StartCreditNoticesCommand extends UseCase<OnCycle & { readonly startsOn: string | null }, BulkOutcome> {}
export class IssueCreditRatingsCommand extends UseCase<OnCycle & { readonly certificatePrefix: string; readonly validFrom: string | null }, BulkOutcome> {}
/** `correlationId`: the scheduled run that sends it, so its events are found together. */
export class RecordCreditExpiriesCommand extends UseCase<OnCycle & { readonly correlationId?: string | null }, BulkOutcome> {}

/** The cycle-wide runs: every application of the cycle in the status the step applies to, one command each. */
@Injectable()
abstract class CycleBulkHandler {
  constructor(
    protected readonly commands: EventSourcedCommands,
    protected readonly facts: CreditFacts,
    protected readonly credit: CreditQueries,
  ) {}
}

@CommandHandler(CompleteCreditReviewsCommand)
export class CompleteCreditReviewsHandler extends CycleBulkHandler implements ICommandHandler<CompleteCreditReviewsCommand, BulkOutcome> {
  async execute({ input: { associationId, cycleId }, actor }: CompleteCreditReviewsCommand): Promise<BulkOutcome> {
    const subjects = await this.credit.subjectsIn(associationId, cycleId, 'UNDER_REVIEW');
    const cycle = await this.facts.requireCycle(associationId, cycleId);
    return runBulk(this.commands, completeCreditReviewsWorkflow, subjects.map((subjectId) => ({ associationId, cycleId, subjectId })), (command, commandId) =>
      executeOnApplication(this.commands, this.facts, { command, actor, commandId }, [], { cycle }), CREDIT_READS);
  }
}

@CommandHandler(StartCreditNoticesCommand)
export class StartCreditNoticesHandler extends CycleBulkHandler implements ICommandHandler<StartCreditNoticesCommand, BulkOutcome> {
  async execute({ input: { associationId, cycleId, startsOn }, actor }: StartCreditNoticesCommand): Promise<BulkOutcome> {
    const subjects = await this.credit.subjectsIn(associationId, cycleId, 'REVIEWED');
    const cycle = await this.facts.requireCycle(associationId, cycleId);
    return runBulk(this.commands, startCreditNoticesWorkflow, subjects.map((subjectId) => ({ associationId, cycleId, subjectId, startsOn })), (command, commandId) =>
      executeOnApplication(this.commands, this.facts, { command, actor, commandId }, [], { cycle }), CREDIT_READS);
  }
}

/** Issues every rating whose notice is over, each under its certificate number; a re-run writes nothing. */
@CommandHandler(IssueCreditRatingsCommand)
export class IssueCreditRatingsHandler extends CycleBulkHandler implements ICommandHandler<IssueCreditRatingsCommand, BulkOutcome> {
  async execute({ input: { associationId, cycleId, certificatePrefix, validFrom }, actor }: IssueCreditRatingsCommand): Promise<BulkOutcome> {
    const prefix = parseCertificatePrefix(certificatePrefix);
    const [all, inNotice] = await Promise.all([this.credit.subjectsIn(associationId, cycleId, null), this.credit.subjectsIn(associationId, cycleId, 'IN_NOTICE')]);
    const items = numberedRatings({ associationId, cycleId, certificatePrefix: prefix, validFrom }, all, new Set(inNotice));
    const cycle = await this.facts.requireCycle(associationId, cycleId);
    return runBulk(this.commands, issueCreditRatingsWorkflow, items, (command, commandId) =>
      issueRating(this.commands, this.facts, { command, actor, commandId }, [], { cycle }), CREDIT_READS);
  }
}

/** Records the expiry of every rating of the cycle past its valid-to (queries already treat them as expired). */
@CommandHandler(RecordCreditExpiriesCommand)
export class RecordCreditExpiriesHandler extends CycleBulkHandler implements ICommandHandler<RecordCreditExpiriesCommand, BulkOutcome> {
  constructor(commands: EventSourcedCommands, facts: CreditFacts, credit: CreditQueries, @Inject(CLOCK) private readonly clock: Clock) {
    super(commands, facts, credit);
  }

  async execute({ input: { associationId, cycleId, correlationId }, actor }: RecordCreditExpiriesCommand): Promise<BulkOutcome> {
    const subjects = await this.credit.expiredRatings(associationId, cycleId, businessDate(this.clock.now()));
    const cycle = await this.facts.requireCycle(associationId, cycleId);
    return runBulk(this.commands, recordCreditExpiriesWorkflow, subjects.map((subjectId) => ({ associationId, cycleId, subjectId })), (command, commandId) =>
      executeOnApplication(this.commands, this.facts, { command, actor, commandId, correlationId }, [], { cycle }), CREDIT_READS);
  }
}
