import { Inject, Injectable } from '@nestjs/common';
import type { Decider, DomainEvent, MultiStreamDecider } from '#domain/shared';
import { CommandHandler, type CommandEnvelope, type CommandResult } from '#platform';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

export interface DispatchResult extends CommandResult {
  /** False when the read model had not caught up within the bounded wait: the payload may be stale. */
  readonly readModelCurrent: boolean;
}

/**
 * Sends a command through load-decide-append, then waits (bounded) until the projections the caller will
 * read have applied it, so a mutation's payload shows its own write.
 */
@Injectable()
export class CommandDispatcher {
  private readonly handler: CommandHandler;

  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {
    this.handler = new CommandHandler(runtime.store, runtime.clock, {
      observe: (command, result, seconds) => runtime.metrics.recordCommand(command, result, seconds),
    });
  }

  async dispatch<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    envelope: CommandEnvelope<Command>,
    readProjections: readonly string[],
  ): Promise<DispatchResult> {
    return this.readYourWrites(await this.handler.handle(decider, streamId, envelope), readProjections);
  }

  /** A command decided over several streams (a reservation and the act that needs it), appended atomically. */
  async dispatchAcross<Command extends { type: string }, States extends Record<string, unknown>>(
    decider: MultiStreamDecider<Command, States>,
    envelope: CommandEnvelope<Command>,
    readProjections: readonly string[],
  ): Promise<DispatchResult> {
    return this.readYourWrites(await this.handler.handleAcross(decider, envelope), readProjections);
  }

  private async readYourWrites(outcome: CommandResult, readProjections: readonly string[]): Promise<DispatchResult> {
    const readModelCurrent =
      outcome.position === null ||
      (await this.runtime.waiter.waitFor(outcome.position, readProjections, this.runtime.config.readYourWritesTimeoutMs));
    return { ...outcome, readModelCurrent };
  }
}
