import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ApprovePersonErasure, approvePersonErasureDecider } from '#domain/persons';
import { SERVICE_RUNTIME, type ServiceRuntime } from '#platform';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { PERSONS_READS, PersonsFacts } from '../persons.facts.js';

export class ApprovePersonErasureCommand extends UseCase<ApprovePersonErasure> {}

/**
 * Approves an erasure (PersonErased and the release of the identity claim, one append), then destroys the person's
 * data key. A re-send destroys it again (a no-op once gone); a process that stopped in between leaves the key to
 * PersonKeyReconciler at the next start.
 */
@CommandHandler(ApprovePersonErasureCommand)
export class ApprovePersonErasureHandler implements ICommandHandler<ApprovePersonErasureCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: PersonsFacts,
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
  ) {}

  async execute({ input, actor, commandId }: ApprovePersonErasureCommand): Promise<DispatchResult> {
    const decider = approvePersonErasureDecider(await this.facts.forPerson(input.personId));
    // Appended without waiting for the read models: the key goes first, then the payload's read-your-writes wait.
    const result = await this.commands.executeAcross(decider, { command: input, actor, commandId }, []);
    await this.runtime.personalData.destroy(input.personId, input.requestId);
    return { ...result, readModelCurrent: await this.commands.awaitReadModels(result.position, PERSONS_READS) };
  }
}
