import { Command } from '@nestjs/cqrs';
import type { Actor } from '#domain/shared';
import type { DispatchResult } from './event-sourced-commands.js';

/**
 * A command on the CommandBus: the domain command a resolver built from its input, who sends it, and the client's
 * idempotency key. One handler class executes each kind; the result type is what the handler answers.
 */
export abstract class UseCase<Input, Result = DispatchResult> extends Command<Result> {
  constructor(
    readonly input: Input,
    readonly actor: Actor,
    readonly commandId: string | null = null,
  ) {
    super();
  }
}
