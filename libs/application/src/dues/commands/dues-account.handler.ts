import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { duesAccountDecider, duesAccountStreamId, DUES_COMMAND_NAMESPACE, invoiceIdentity, type DuesAccountCommand } from '#domain/dues';
import { normaliseCreditCode } from '#domain/shared';
import { derivedCommandId } from '#platform';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { DUES_READS, DuesFacts } from '../dues.facts.js';

/**
 * A command on one member's account for one year: invoice, waiver request, approval, rejection, revocation
 * (payments claim a receipt too: RecordDuesPaymentCommand).
 */
export class ActOnDuesAccountCommand extends UseCase<Exclude<DuesAccountCommand, { type: 'RecordDuesPayment' | 'GrantPolicyWaiver' }>> {}

@CommandHandler(ActOnDuesAccountCommand)
export class DuesAccountHandler implements ICommandHandler<ActOnDuesAccountCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: DuesFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnDuesAccountCommand): Promise<DispatchResult> {
    const command = { ...input, enterpriseCode: normaliseCreditCode(input.enterpriseCode) };
    const streamId = duesAccountStreamId(command.associationId, command.enterpriseCode, command.year);
    // An invoice is identified by its account and year: invoicing a year twice, alone or in a bulk run, is one command.
    const id =
      commandId ??
      (command.type === 'IssueDuesInvoice' ? derivedCommandId(DUES_COMMAND_NAMESPACE, ...invoiceIdentity(command.associationId, command.enterpriseCode, command.year)) : null);
    return this.commands.execute(duesAccountDecider(await this.facts.forAccount(command)), streamId, { command, actor, commandId: id }, DUES_READS);
  }
}
