import { Injectable } from '@nestjs/common';
import { type SubmitAwardEntry, submitAwardEntryDecider } from '#domain/awards';
import type { Actor } from '#domain/shared';
import type { ContentionPolicy } from '../commands/contention.js';
import { type DispatchResult, EventSourcedCommands } from '../commands/event-sourced-commands.js';
import { SerialQueues } from '../commands/serial-queues.js';
import { AwardsFacts } from './awards.facts.js';

/**
 * Retries of a submission beaten to its channel's stream by another process (this one queues its own). With full
 * jitter below a ceiling that doubles from 5 ms to 200 ms, twelve attempts ride out a few processes submitting to one
 * channel at once (each round lets at least one through) in about a second at worst; a filled quota refuses at once.
 */
export const CHANNEL_CONTENTION: ContentionPolicy = { attempts: 12, baseDelayMs: 5, maxDelayMs: 200 };

/**
 * Every submission of an entry, single or listed, takes a slot of its channel's quota on the channel's one stream
 * (ADR 0012, 0023). This process sends a channel's submissions one at a time, in the order they arrive, so they never
 * contend with each other and a list's entries take their slots in list order; channels go side by side.
 */
@Injectable()
export class AwardEntrySubmissions {
  private readonly channels = new SerialQueues();

  constructor(
    private readonly commands: EventSourcedCommands,
    private readonly facts: AwardsFacts,
  ) {}

  /**
   * Decides and appends the submission in its channel's turn (the facts read in it too, so the turn is taken in call
   * order). It does not wait for the read models: the caller does, once, outside the channel's turn.
   */
  submit(command: SubmitAwardEntry, actor: Actor, commandId: string | null): Promise<DispatchResult> {
    return this.channels.run(JSON.stringify([command.associationId, command.editionId, command.channel]), async () =>
      this.commands.executeAcross(submitAwardEntryDecider(await this.facts.forEntry(command)), { command, actor, commandId }, [], { contention: CHANNEL_CONTENTION }),
    );
  }
}
