import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Decider, type DomainEvent, type Evolver, fold, InvalidInput, type MultiStreamDecider, NotFound, RuleViolation } from '#domain/shared';
import type { Position } from '#eventstore';
import { CommandHandler, type CommandEnvelope, type CommandResult, type CommandResultKind, ConflictError, SERVICE_RUNTIME, type ServiceRuntime } from '#platform';
import { type ContentionPolicy, retryOnContention } from './contention.js';

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
  /** The same path with no retry of its own, for commands a ContentionPolicy retries (and observes once). */
  private readonly singleAttempt: CommandHandler;

  constructor(@Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime) {
    this.handler = new CommandHandler(runtime.store, runtime.clock, {
      observe: (command, result, seconds) => runtime.metrics.recordCommand(command, result, seconds),
      personalData: runtime.personalData,
    });
    this.singleAttempt = new CommandHandler(runtime.store, runtime.clock, { maxRetries: 0, personalData: runtime.personalData });
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

  /**
   * A command decided over several streams (a reservation and the act that needs it), appended atomically. With a
   * `contention` policy, a concurrent writer is met by jittered waits and fresh decisions up to its attempts, for a
   * reservation stream many commands take a share of (ADR 0012); otherwise by the command path's few immediate retries.
   */
  async executeAcross<Command extends { type: string }, States extends Record<string, unknown>>(
    decider: MultiStreamDecider<Command, States>,
    envelope: CommandEnvelope<Command>,
    reads: readonly string[],
    options: { readonly contention?: ContentionPolicy } = {},
  ): Promise<DispatchResult> {
    const { contention } = options;
    const outcome = contention ? await this.contended(contention, decider, envelope) : await this.handler.handleAcross(decider, envelope);
    return this.readYourWrites(outcome, reads);
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

  /** Retries under the policy with the single-attempt path, observing the command once, by its final outcome. */
  private async contended<Command extends { type: string }, States extends Record<string, unknown>>(
    policy: ContentionPolicy,
    decider: MultiStreamDecider<Command, States>,
    envelope: CommandEnvelope<Command>,
  ): Promise<CommandResult> {
    const started = process.hrtime.bigint();
    const observe = (result: CommandResultKind) => this.runtime.metrics.recordCommand(envelope.command.type, result, Number(process.hrtime.bigint() - started) / 1e9);
    // One id for every attempt: a retry is the same command, answered as a duplicate once any attempt took effect.
    const once = { ...envelope, commandId: envelope.commandId ?? randomUUID() };
    try {
      const outcome = await retryOnContention(policy, () => this.singleAttempt.handleAcross(decider, once));
      observe(outcome.duplicate ? 'duplicate' : 'ok');
      return outcome;
    } catch (error) {
      const refused = error instanceof RuleViolation || error instanceof InvalidInput || error instanceof NotFound;
      observe(error instanceof ConflictError ? 'conflict' : refused ? 'rejected' : 'error');
      throw error;
    }
  }

  private async readYourWrites(outcome: CommandResult, reads: readonly string[]): Promise<DispatchResult> {
    return { ...outcome, readModelCurrent: await this.awaitReadModels(outcome.position, reads) };
  }
}
