import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type RegisterPerson, registerPersonDecider, registrationDetails } from '#domain/persons';
import { businessDate, FieldErrors } from '#domain/shared';
import { newId, SERVICE_RUNTIME, type ServiceRuntime } from '#platform';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { PERSONS_READS } from '../persons.facts.js';

/** What the API sends: the details as typed. The register id and the identity key are derived here. */
export type RegisterPersonInput = Omit<RegisterPerson, 'type' | 'personId' | 'identityKey'>;

export class RegisterPersonCommand extends UseCase<RegisterPersonInput> {}

/**
 * Registers a person: the number is checked and normalised before anything is read, its keyed hash names the identity
 * claim, and the register id derives from the command id (a re-send gets the same id and the first outcome).
 */
@CommandHandler(RegisterPersonCommand)
export class RegisterPersonHandler implements ICommandHandler<RegisterPersonCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
  ) {}

  execute({ input, actor, commandId }: RegisterPersonCommand): Promise<DispatchResult> {
    const errors = new FieldErrors();
    const details = registrationDetails(errors, input, businessDate(this.runtime.clock.now()));
    errors.throwIfAny();
    const id = commandId ?? newId();
    const command: RegisterPerson = {
      type: 'RegisterPerson',
      associationId: input.associationId,
      personId: this.runtime.personalData.registerIdFor(id),
      identityKey: this.runtime.personalData.identityKey(details.identityCardNumber),
      ...details,
    };
    return this.commands.executeAcross(registerPersonDecider, { command, actor, commandId: id }, PERSONS_READS);
  }
}
