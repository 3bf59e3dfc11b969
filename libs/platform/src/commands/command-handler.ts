import { createHash, randomUUID } from 'node:crypto';
import { type Actor, type Decider, type DependentStreamRef, type DomainEvent, type Evolver, isSealed, type MultiStreamDecider } from '#domain/shared';
import { declaredValues, EVENT_FIELD_CLASSES, SEALED_CLASSES } from '#domain/visibility';
import {
  canonicalJson,
  deterministicEventId,
  type EventStore,
  type EventToAppend,
  type Position,
  type RecordedEvent,
  type StreamRevision,
  WrongExpectedRevisionError,
} from '#eventstore';
import type { Clock } from '../clock/index.js';
import { ConflictError, StreamIntegrityError } from '../errors/app-errors.js';

export interface CommandEnvelope<Command extends { type: string }> {
  readonly command: Command;
  readonly actor: Actor;
  /** Idempotency key: the client's, or a fresh one. Re-sending it returns the first outcome. */
  readonly commandId?: string | null;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
}

/** An event a command wrote (or, for a re-sent command, had written). */
export interface WrittenEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly revision: StreamRevision;
}

/** What a command did to one stream. */
export interface StreamOutcome {
  readonly streamId: string;
  /** The stream's revision after the command. */
  readonly revision: StreamRevision;
  /** Global position of the last event written to this stream. */
  readonly position: Position;
  readonly events: readonly WrittenEvent[];
}

export interface CommandResult {
  /** The command's first stream (the one its decision names first). */
  readonly streamId: string;
  readonly commandId: string;
  /** The first stream's revision after the command (null when it still does not exist). */
  readonly revision: StreamRevision | null;
  /** Global position of the last event the command wrote, in any stream; null when it wrote nothing. */
  readonly position: Position | null;
  /** True when the command had already taken effect and this call wrote nothing. */
  readonly duplicate: boolean;
  /** How many events the command wrote (or, for a duplicate, had written), over all its streams. */
  readonly eventCount: number;
  /** Every stream the command wrote to, in the order its decision names them; empty when it wrote nothing. */
  readonly streams: readonly StreamOutcome[];
}

export type CommandResultKind = 'ok' | 'duplicate' | 'rejected' | 'conflict' | 'error';

export interface CommandObserver {
  (commandType: string, result: CommandResultKind, seconds: number): void;
}

/** What the command path needs of the personal-data keys (libs/platform/src/privacy). */
export interface CommandPersonalData {
  /** The events with their personal and sensitive fields sealed under their owner's data key. */
  sealEvents<E extends { readonly type: string; readonly data: unknown }>(events: readonly E[]): Promise<E[]>;
  /** A keyed digest of a personal value of a command. */
  commandDigest(value: unknown): string;
}

export interface CommandHandlerOptions {
  /** How many times a concurrent append is retried (re-load, re-decide) before CONFLICT. */
  readonly maxRetries?: number;
  readonly observe?: CommandObserver;
  /**
   * Seals personal data before it is appended. Without it, a decision whose events hold a personal or sensitive
   * field in plain is refused (never appended).
   */
  readonly personalData?: CommandPersonalData;
}

/** A stream of the decision, resolved to its id. */
interface Ref {
  readonly key: string;
  readonly streamId: string;
  readonly evolver: Evolver<DomainEvent, unknown>;
}

interface Loaded {
  readonly refs: readonly Ref[];
  readonly histories: readonly (readonly RecordedEvent[])[];
  readonly states: Record<string, unknown>;
}

/** A single-stream decider as a decision over one stream. */
function oneStream<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
  streamId: string,
): MultiStreamDecider<Command, { stream: State }> {
  return {
    parse: decider.parse?.bind(decider),
    personalFields: decider.personalFields,
    streams: () => ({ stream: { streamId, evolver: decider as Evolver<Event, NonNullable<State>> } }),
    decide: (command, states, context) => ({ stream: decider.decide(command, states.stream, context) }),
  };
}

/**
 * Load, decide, append: the one way state changes. It folds each stream the decision names with its pure
 * `evolve`, asks `decide` for events, and appends them at the revisions it loaded, to one stream or, for a
 * decision over several, to all of them atomically. A concurrent append makes it retry from the load; re-sending
 * a command id that already took effect returns the original outcome. A stream holding an event its decider does
 * not own is refused before anything is decided.
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

  /** A command decided on one stream. */
  handle<Command extends { type: string }, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    streamId: string,
    envelope: CommandEnvelope<Command>,
  ): Promise<CommandResult> {
    return this.handleAcross(oneStream(decider, streamId), envelope);
  }

  /** A command decided over several streams and appended to all it changes, atomically. */
  async handleAcross<Command extends { type: string }, States extends Record<string, unknown>>(
    decider: MultiStreamDecider<Command, States>,
    envelope: CommandEnvelope<Command>,
  ): Promise<CommandResult> {
    const started = process.hrtime.bigint();
    const commandType = envelope.command.type;
    const commandId = envelope.commandId ?? randomUUID();
    const observe = (result: CommandResultKind) =>
      this.options.observe?.(commandType, result, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      const outcome = await this.run(decider, { ...envelope, commandId });
      observe(outcome.duplicate ? 'duplicate' : 'ok');
      return outcome;
    } catch (error) {
      observe(error instanceof ConflictError ? 'conflict' : isDomainRefusal(error) ? 'rejected' : 'error');
      throw error;
    }
  }

  private async run<Command extends { type: string }, States extends Record<string, unknown>>(
    decider: MultiStreamDecider<Command, States>,
    envelope: CommandEnvelope<Command> & { readonly commandId: string },
  ): Promise<CommandResult> {
    const { commandId } = envelope;
    // The command as sent identifies it (its hash is what a re-send is compared by); the parsed one is decided on.
    const commandHash = hashCommand(this.hashable(envelope.command, decider.personalFields));
    const command = decider.parse ? decider.parse(envelope.command) : envelope.command;
    const correlationId = envelope.correlationId ?? commandId;
    const causationId = envelope.causationId ?? commandId;
    const named = decider.streams(command) as Record<string, { streamId?: string; dependsOn?: DependentStreamRef<unknown, States>['dependsOn']; evolver: Ref['evolver'] } | null>;
    const primary = Object.values(named).find((ref) => ref?.streamId)?.streamId;
    if (!primary) throw new Error(`a ${envelope.command.type} decision names no stream of its own`);

    for (let attempt = 0; ; attempt++) {
      const { refs, histories, states } = await this.load(named, envelope.command.type);
      const earlier = histories.map((history) => history.filter((e) => e.metadata.commandId === commandId));
      const first = earlier.flat()[0];
      if (first) {
        if (first.metadata.commandHash !== commandHash) {
          throw new ConflictError(
            `Command id ${commandId} was already used for a different command on ${first.streamId}. Use a new command id.`,
            'command_id_reused',
            commandId,
          );
        }
        // The streams were read one by one, so a read made before the command's commit may have missed what it wrote
        // there. It has committed (a stream shows it), so a second read sees every stream's part of the outcome.
        const settled = await this.load(named, envelope.command.type);
        const written = settled.histories.map((history) => history.filter((e) => e.metadata.commandId === commandId));
        return resultOf(primary, commandId, true, settled.histories[0]!, written.filter((events) => events.length > 0).map(outcomeOf));
      }

      const now = this.clock.now();
      const decided = decider.decide(command, states as States, { now, actor: envelope.actor });

      const actor = { userId: envelope.actor.userId, role: envelope.actor.role, associationId: envelope.actor.associationId ?? null };
      const metadata = {
        actor,
        commandId,
        commandType: envelope.command.type,
        commandHash,
        correlationId,
        causationId,
        recordedAt: now.toISOString(),
      };
      const sealed = await this.sealAll(refs.map((ref) => decided[ref.key] ?? []));
      const appends = refs.flatMap((ref, i) => {
        const events = sealed[i]!;
        if (events.length === 0) return [];
        for (const event of events) assertOwned(ref, event.type, null);
        const revision = lastRevision(histories[i]!);
        const toAppend: EventToAppend[] = events.map((event, index) => ({
          id: deterministicEventId(commandId, ref.streamId, index),
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata,
        }));
        return [{ streamId: ref.streamId, events: toAppend, expectedRevision: revision ?? ('no_stream' as const) }];
      });
      if (appends.length === 0) return resultOf(primary, commandId, false, histories[0]!, []);

      try {
        const written =
          appends.length === 1
            ? [await this.store.append(appends[0]!.streamId, appends[0]!.events, { expectedRevision: appends[0]!.expectedRevision })]
            : (await this.store.appendMany(appends)).streams;
        const outcomes = appends.map((append, i): StreamOutcome => {
          const result = written[i]!;
          const base = result.nextRevision - append.events.length + 1;
          return {
            streamId: append.streamId,
            revision: result.nextRevision,
            position: result.position,
            events: append.events.map((e, index) => ({ id: e.id, type: e.type, data: e.data, revision: base + index })),
          };
        });
        return resultOf(primary, commandId, written.every((w) => w.duplicate), histories[0]!, outcomes);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxRetries) {
          throw new ConflictError(
            `${error.streamId} was changed by someone else while this command was being decided (${attempt + 1} attempts). ` +
              `Send it again with command id ${commandId}.`,
            'concurrent_modification',
            commandId,
          );
        }
      }
    }
  }

  /** The command as its hash covers it: each personal field as a keyed digest, so the hash reveals nothing. */
  private hashable(command: { type: string }, personalFields: readonly string[] | undefined): { type: string } {
    if (!personalFields || personalFields.length === 0) return command;
    const digest = this.options.personalData?.commandDigest.bind(this.options.personalData);
    if (!digest) throw new Error(`${command.type} holds personal fields; the command path was built without the personal-data keys.`);
    const plain = JSON.parse(JSON.stringify(command)) as Record<string, unknown>;
    for (const field of personalFields) if (plain[field] !== undefined && plain[field] !== null) plain[field] = digest(plain[field]);
    return plain as { type: string };
  }

  /** Every stream's events with their personal fields sealed; refused when there is personal data and no keys. */
  private async sealAll(perStream: readonly (readonly DomainEvent[])[]): Promise<(readonly DomainEvent[])[]> {
    const personalData = this.options.personalData;
    if (personalData) return Promise.all(perStream.map((events) => (events.length === 0 ? Promise.resolve(events) : personalData.sealEvents(events))));
    for (const event of perStream.flat()) {
      if (declaredValues(event.data, EVENT_FIELD_CLASSES[event.type], SEALED_CLASSES).some((value) => !isSealed(value))) {
        throw new Error(`${event.type} holds personal data in plain and the command path has no keys to seal it: not appended.`);
      }
    }
    return [...perStream];
  }

  /**
   * Reads and folds the streams named by the command, then those named by what they hold (dependent streams),
   * each once; a role whose stream is null has no state.
   */
  private async load<States>(
    named: Record<string, { streamId?: string; dependsOn?: DependentStreamRef<unknown, States>['dependsOn']; evolver: Ref['evolver'] } | null>,
    commandType: string,
  ): Promise<Loaded> {
    const refs: Ref[] = [];
    const histories: (readonly RecordedEvent[])[] = [];
    const states: Record<string, unknown> = {};
    const read = async (wanted: Ref[]) => {
      for (const ref of wanted) {
        if (refs.some((r) => r.streamId === ref.streamId)) throw new Error(`a ${commandType} decision names stream ${ref.streamId} twice`);
        refs.push(ref);
      }
      const loaded = await Promise.all(wanted.map((ref) => this.store.readStream(ref.streamId)));
      wanted.forEach((ref, i) => {
        histories.push(loaded[i]!);
        states[ref.key] = foldGuarded(ref, loaded[i]!);
      });
    };
    const entries = Object.entries(named);
    await read(entries.flatMap(([key, ref]) => (ref?.streamId ? [{ key, streamId: ref.streamId, evolver: ref.evolver }] : [])));
    const dependent = entries.flatMap(([key, ref]) => {
      const streamId = ref?.dependsOn?.(states as States) ?? null;
      return ref && streamId ? [{ key, streamId, evolver: ref.evolver }] : [];
    });
    if (dependent.length > 0) await read(dependent);
    return { refs, histories, states };
  }
}

function lastRevision(history: readonly RecordedEvent[]): StreamRevision | null {
  return history.length > 0 ? history[history.length - 1]!.revision : null;
}

function outcomeOf(events: readonly RecordedEvent[]): StreamOutcome {
  const last = events[events.length - 1]!;
  return {
    streamId: last.streamId,
    revision: last.revision,
    position: last.position,
    events: events.map((e) => ({ id: e.id, type: e.type, data: e.data, revision: e.revision })),
  };
}

function resultOf(
  primary: string,
  commandId: string,
  duplicate: boolean,
  primaryHistory: readonly RecordedEvent[],
  streams: readonly StreamOutcome[],
): CommandResult {
  const own = streams.find((s) => s.streamId === primary);
  const positions = streams.map((s) => s.position).sort();
  return {
    streamId: primary,
    commandId,
    revision: own ? own.revision : lastRevision(primaryHistory),
    position: positions[positions.length - 1] ?? null,
    duplicate,
    eventCount: streams.reduce((n, s) => n + s.events.length, 0),
    streams,
  };
}

/** Folds a stream, refusing an event its decider does not own (a corrupted or misnamed stream). */
function foldGuarded(ref: Ref, history: readonly RecordedEvent[]): unknown {
  let state = ref.evolver.initialState;
  for (const event of history) {
    assertOwned(ref, event.type, event);
    state = ref.evolver.evolve(state, event);
  }
  return state;
}

function assertOwned(ref: Ref, type: string, event: RecordedEvent | null): void {
  if (!(ref.evolver.eventTypes as readonly string[]).includes(type)) {
    throw new StreamIntegrityError(ref.streamId, type, event ? { id: event.id, revision: event.revision } : null, ref.evolver.eventTypes);
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
