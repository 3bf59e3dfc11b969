import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { duesPaymentDecider, type RecordDuesPayment } from '#domain/dues';
import { normaliseCreditCode } from '#domain/shared';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { DUES_READS } from '../dues.facts.js';

export class RecordDuesPaymentCommand extends UseCase<RecordDuesPayment> {}

/** A payment and the claim on its receipt number, appended together or not at all: a refused payment leaves the number free. */
@CommandHandler(RecordDuesPaymentCommand)
export class RecordDuesPaymentHandler implements ICommandHandler<RecordDuesPaymentCommand, DispatchResult> {
  constructor(private readonly commands: EventSourcedCommands) {}

  execute({ input, actor, commandId }: RecordDuesPaymentCommand): Promise<DispatchResult> {
    const command: RecordDuesPayment = { ...input, enterpriseCode: normaliseCreditCode(input.enterpriseCode) };
    return this.commands.executeAcross(duesPaymentDecider, { command, actor, commandId }, DUES_READS);
  }
}
