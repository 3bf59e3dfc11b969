import { createHash, randomUUID } from 'node:crypto';
import type { Actor, Decider, DomainEvent } from '#domain/shared';
import {
  canonicalJson,
  deterministicEventId,
  type EventStore,
  type EventToAppend,
  type Position,
  type StreamRevision,
  WrongExpectedRevisionError,
} from '#eventstore';
import type { Clock } from '../clock/index.js';
import { ConflictError } from '../errors/app-errors.js';

export interface CommandEnvelope<Command extends { type: string }> {
  readonly command: Command;
  readonly actor: Actor;
  /** Idempotency key: the client's, or a fresh one. Re-sending it returns the first outcome. */
  readonly commandId?: string | null;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
}

export interface CommandResult {
  readonly streamId: string;
  readonly commandId: string;
  /** The stream's revision after the command (null when the stream still does not exist). */
  readonly revision: StreamRevision | null;
  /** Global position of the last event the command wrote; null when it wrote nothing. */
  readonly position: Position | null;
  /** True when the command had already taken effect and this call wrote nothing. */
  readonly duplicate: boolean;
  /** How many events the command wrote (or, for a duplicate, had written). */
  readonly eventCount: number;
}

export type CommandResultKind = 'ok' | 'duplicate' | 'rejected' | 'conflict' | 'error';

export interface CommandObserver {
  (commandType: string, result: CommandResultKind, seconds: number): void;
}

export interface CommandHandlerOptions {
  /** How many times a concurrent append is retried (re-load, re-decide) before CONFLICT. */
  readonly maxRetries?: number;
  readonly observe?: CommandObserver;
}

/**
 * Load, decide, append: the one way state changes. It folds the stream with the decider's pure `evolve`,
 * asks `decide` for events, and appends them at the revision it loaded. A concurrent append makes it
 * retry from the load; re-sending a command id that already took effect returns the original outcome.
 */
export class CommandHandler {
  private readonly maxRetries: number;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly options: CommandHandlerOptions = {},
  ) {
    this.maxRetries = options.maxRetries ?? 3;
  }

  async handle<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    envelope: CommandEnvelope<Command>,
  ): Promise<CommandResult> {
    const started = process.hrtime.bigint();
    const commandType = envelope.command.type;
    const observe = (result: CommandResultKind) =>
      this.options.observe?.(commandType, result, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      const outcome = await this.run(decider, streamId, envelope);
      observe(outcome.duplicate ? 'duplicate' : 'ok');
      return outcome;
    } catch (error) {
      observe(error instanceof ConflictError ? 'conflict' : isDomainRefusal(error) ? 'rejected' : 'error');
      throw error;
    }
  }

  private async run<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    envelope: CommandEnvelope<Command>,
  ): Promise<CommandResult> {
    const commandId = envelope.commandId ?? randomUUID();
    const commandHash = hashCommand(envelope.command);
    const correlationId = envelope.correlationId ?? commandId;
    const causationId = envelope.causationId ?? commandId;

    for (let attempt = 0; ; attempt++) {
      const history = await this.store.readStream(streamId);
      const earlier = history.filter((e) => e.metadata.commandId === commandId);
      if (earlier.length > 0) {
        if (earlier[0]!.metadata.commandHash !== commandHash) {
          throw new ConflictError(
            `Command id ${commandId} was already used for a different command on ${streamId}. Use a new command id.`,
            'command_id_reused',
          );
        }
        const last = earlier[earlier.length - 1]!;
        return { streamId, commandId, revision: last.revision, position: last.position, duplicate: true, eventCount: earlier.length };
      }

      const state = history.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState);
      const now = this.clock.now();
      const decided = decider.decide(envelope.command, state, { now, actor: envelope.actor });
      const currentRevision = history.length > 0 ? history[history.length - 1]!.revision : null;
      if (decided.length === 0) {
        return { streamId, commandId, revision: currentRevision, position: null, duplicate: false, eventCount: 0 };
      }

      const actor = {
        userId: envelope.actor.userId,
        role: envelope.actor.role,
        associationId: envelope.actor.associationId ?? null,
      };
      const toAppend: EventToAppend[] = decided.map((event, index) => ({
        id: deterministicEventId(commandId, streamId, index),
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: {
          actor,
          commandId,
          commandType: envelope.command.type,
          commandHash,
          correlationId,
          causationId,
          recordedAt: now.toISOString(),
        },
      }));
      try {
        const result = await this.store.append(streamId, toAppend, {
          expectedRevision: currentRevision ?? 'no_stream',
        });
        return {
          streamId,
          commandId,
          revision: result.nextRevision,
          position: result.position,
          duplicate: result.duplicate,
          eventCount: toAppend.length,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxRetries) {
          throw new ConflictError(
            `${streamId} was changed by someone else while this command was being decided (${attempt + 1} attempts). Reload and try again.`,
            'concurrent_modification',
          );
        }
      }
    }
  }
}

/** Identifies a command's content, so a reused command id with other content is caught. */
export function hashCommand(command: { type: string }): string {
  // Through JSON first: commands built from validated GraphQL inputs are class instances, and optional
  // fields may be undefined; the hash is of the data the client sent, nothing else.
  return createHash('sha256').update(canonicalJson(JSON.parse(JSON.stringify(command)))).digest('hex');
}

function isDomainRefusal(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'RuleViolation' || name === 'InvalidInput' || name === 'NotFound';
}
