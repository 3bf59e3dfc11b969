import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { listedEntrySubmissions, type SubmitAwardEntries, submitAwardEntriesWorkflow } from '#domain/awards';
import { NotFound } from '#domain/shared';
import { newId } from '#platform';
import { type BulkOutcome, runBulk } from '../../commands/bulk.js';
import { EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { AwardEntrySubmissions } from '../award-entry-submissions.js';
import { AWARDS_READS, AwardsFacts } from '../awards.facts.js';

/** The request's command id (the client's, or a fresh one) names every entry's command: a re-sent list writes nothing more. */
export class SubmitAwardEntriesCommand extends UseCase<SubmitAwardEntries, BulkOutcome> {}

/**
 * Submits a list of entries, each as `submitAwardEntry` takes it: the list is checked whole first (a malformed entry
 * refuses it on its fields), then each entry is decided in its channel's turn, and a refused one (its quota filled,
 * its subject already entered) is listed by entry id while the others are written.
 */
@CommandHandler(SubmitAwardEntriesCommand)
export class SubmitAwardEntriesHandler implements ICommandHandler<SubmitAwardEntriesCommand, BulkOutcome> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly submissions: AwardEntrySubmissions,
    private readonly facts: AwardsFacts,
  ) {}

  async execute({ input, actor, commandId }: SubmitAwardEntriesCommand): Promise<BulkOutcome> {
    const items = listedEntrySubmissions({ ...input, batchId: commandId ?? newId() });
    if (!(await this.facts.edition(input.associationId, input.editionId)).opened) throw new NotFound('Award edition', input.editionId);
    return runBulk(this.commands, submitAwardEntriesWorkflow, items, (command, id) => this.submissions.submit(command, actor, id), AWARDS_READS);
  }
}
