import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type PersonCommand, personDecider, personStreamId } from '#domain/persons';
import { type DispatchResult, EventSourcedCommands } from '../../commands/event-sourced-commands.js';
import { UseCase } from '../../commands/use-case.js';
import { PERSONS_READS, PersonsFacts } from '../persons.facts.js';

/** A command on one person's stream: a correction of their details, an erasure request, its rejection. */
export class ActOnPersonCommand extends UseCase<PersonCommand> {}

@CommandHandler(ActOnPersonCommand)
export class PersonHandler implements ICommandHandler<ActOnPersonCommand, DispatchResult> {
  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: PersonsFacts,
  ) {}

  async execute({ input, actor, commandId }: ActOnPersonCommand): Promise<DispatchResult> {
    const decider = personDecider(await this.facts.forPerson(input.personId));
    return this.commands.execute(decider, personStreamId(input.personId), { command: input, actor, commandId }, PERSONS_READS);
  }
}
