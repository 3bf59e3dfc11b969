import { Inject, Injectable } from '@nestjs/common';
import { type Decider, type DomainEvent, type Evolver, fold, type MultiStreamDecider } from '#domain/shared';
import type { Position } from '#eventstore';
import { CommandHandler, type CommandEnvelope, type CommandResult, SERVICE_RUNTIME, type ServiceRuntime } from '#platform';

export interface DispatchResult extends CommandResult {
  /** False when the read model had not caught up within the bounded wait: the payload may be stale. */
  readonly readModelCurrent: boolean;
}

/**
 * The event-sourced command path every use-case handler runs once: load → decide → append (idempotent by command
 * id, retried on a concurrent writer), then a bounded wait until the projections the caller will read have applied
 * it (read-your-writes), so a mutation's payload shows its own write. Also folds a stream a decision reads as a fact.
 */
@Injectable()
export class EventSourcedCommands {
  private readonly handler: CommandHandler;

  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {
    this.handler = new CommandHandler(runtime.store, runtime.clock, {
      observe: (command, result, seconds) => runtime.metrics.recordCommand(command, result, seconds),
      personalData: runtime.personalData,
    });
  }

  /** A command decided on one stream. `reads`: the projections the caller's answer reads (none for a bulk step). */
  async execute<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    envelope: CommandEnvelope<Command>,
    reads: readonly string[],
  ): Promise<DispatchResult> {
    return this.readYourWrites(await this.handler.handle(decider, streamId, envelope), reads);
  }

  /** A command decided over several streams (a reservation and the act that needs it), appended atomically. */
  async executeAcross<Command extends { type: string }, States extends Record<string, unknown>>(
    decider: MultiStreamDecider<Command, States>,
    envelope: CommandEnvelope<Command>,
    reads: readonly string[],
  ): Promise<DispatchResult> {
    return this.readYourWrites(await this.handler.handleAcross(decider, envelope), reads);
  }

  /** The current state of a stream a decision reads but does not write (a charter, a pinned rulebook). */
  async stateOf<State>(streamId: string, evolver: Pick<Evolver<DomainEvent, State>, 'initialState' | 'evolve'>): Promise<State> {
    return fold(evolver, (await this.runtime.store.readStream(streamId)) as unknown as DomainEvent[]);
  }

  /** True when the stream holds at least one event (an enterprise registered under a code). */
  async streamExists(streamId: string): Promise<boolean> {
    return (await this.runtime.store.readStream(streamId, { to: 0 })).length > 0;
  }

  /** Waits (bounded) until the projections have applied `position`; true when they have. */
  async awaitReadModels(position: Position | null, reads: readonly string[]): Promise<boolean> {
    if (position === null || reads.length === 0) return true;
    return this.runtime.waiter.waitFor(position, reads, this.runtime.config.readYourWritesTimeoutMs);
  }

  private async readYourWrites(outcome: CommandResult, reads: readonly string[]): Promise<DispatchResult> {
    return { ...outcome, readModelCurrent: await this.awaitReadModels(outcome.position, reads) };
  }
}
