/**
 * The event store port. The Postgres adapter (embedded default) and the EventStoreDB adapter (production)
 * both implement it and both pass the one contract suite in `contract/event-store.contract.ts`.
 *
 * Positions are opaque strings to everyone outside an adapter. Each adapter encodes its own position
 * (Postgres: transaction id + sequence; EventStoreDB: commit + prepare position) as fixed-width, zero-padded
 * digits so that plain string comparison gives the global order. Use `comparePositions` rather than
 * relying on that encoding.
 */

/** Stream revisions start at 0 for the first event of a stream (as in EventStoreDB). */
export type StreamRevision = number;

/** Opaque, comparable position in the global (all-streams) order. */
export type Position = string;

export type ExpectedRevision =
  | StreamRevision // exactly this revision is the stream's last event
  | 'no_stream' // the stream must not exist yet
  | 'stream_exists' // the stream must have at least one event
  | 'any'; // no check

/** Who did it, and on whose behalf. Every event carries one. */
export interface Actor {
  readonly userId: string;
  readonly role: string;
  readonly associationId?: string | null;
}

/**
 * Audit metadata carried by every event. The store adds `prevHash` and `hash` (the per-stream hash chain)
 * when it records the event; they are present on every `RecordedEvent`.
 */
export interface EventMetadata {
  readonly actor: Actor;
  /** Idempotency key of the command that produced the event. */
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** When the register recorded it (server clock, ISO-8601). */
  readonly recordedAt: string;
  /** When it takes effect in business time, where that differs from recordedAt (ISO-8601). */
  readonly occurredAt?: string;
  readonly [key: string]: unknown;
}

export interface RecordedMetadata extends EventMetadata {
  readonly prevHash: string;
  readonly hash: string;
}

export interface EventData<Type extends string = string, Data = Record<string, unknown>> {
  readonly type: Type;
  readonly data: Data;
}

export interface EventToAppend<Type extends string = string, Data = Record<string, unknown>>
  extends EventData<Type, Data> {
  /** A UUID. Derive it deterministically from the command id (see `deterministicEventId`). */
  readonly id: string;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = Record<string, unknown>>
  extends EventData<Type, Data> {
  readonly id: string;
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly position: Position;
  readonly metadata: RecordedMetadata;
}

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  readonly streamId: string;
  /** Revision of the last event now in the stream from this append (the stream's revision). */
  readonly nextRevision: StreamRevision;
  /** Position of the last appended event in the global order. */
  readonly position: Position;
  /**
   * True when every event id of this append was already recorded: nothing was written and the result
   * describes the original append.
   */
  readonly duplicate: boolean;
}

/** One stream's part of an append to several streams. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
}

export interface MultiStreamAppendResult {
  /** One result per stream, in the order the appends were given. */
  readonly streams: readonly AppendResult[];
  /** The last position any of the streams' events took in the global order. */
  readonly position: Position;
  /** True when the whole append had already been recorded: nothing was written, the results are the original's. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive). Default 0. */
  readonly from?: StreamRevision;
  /** Last revision to return (inclusive). Default: the end of the stream. */
  readonly to?: StreamRevision;
}

export interface ReadAllOptions {
  /** Return events strictly after this position; null or absent: from the beginning. */
  readonly after?: Position | null;
  readonly limit: number;
}

export interface ReadAllResult {
  readonly events: RecordedEvent[];
  /** Position of the last returned event, or `after` when none was returned. */
  readonly position: Position | null;
}

export interface SubscribeOptions {
  readonly after?: Position | null;
  readonly batchSize?: number;
}

/** Receives committed events in global order; the subscription waits for the promise before reading on. */
export type SubscriptionHandler = (events: RecordedEvent[]) => Promise<void>;

export interface Subscription {
  /** Stops reading; resolves after the batch in flight (if any) has been handled. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends, rejects if the handler failed. */
  readonly done: Promise<void>;
}

export interface ChainBreak {
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly eventId: string;
  readonly position: Position;
  /**
   * Which check failed: the event's own content hash, the link to its predecessor, a missing revision, a global
   * position not after its predecessor's (the global order disagrees with the stream's); or, when the
   * caller gave a `misfit` check, an event that does not belong in its stream (the chain may be intact: the store
   * holds what was written, but under a stream id that names something else).
   */
  readonly reason: 'content_hash_mismatch' | 'prev_hash_mismatch' | 'revision_gap' | 'position_out_of_order' | 'unknown_stream_kind' | 'foreign_event_type';
  readonly expected: string;
  readonly actual: string;
}

/** Says why an event does not belong in its stream, or null when it does (the register's stream kinds). */
export type MisfitCheck = (streamId: string, eventType: string) => { readonly reason: 'unknown_stream_kind' | 'foreign_event_type'; readonly message: string } | null;

export interface VerifyOptions {
  /** Also checks every event against the stream kinds the caller knows; the first misfit is a break. */
  readonly misfit?: MisfitCheck;
}

export interface ChainVerification {
  readonly intact: boolean;
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** The first broken link found, in (stream, revision) order; null when intact. */
  readonly firstBreak: ChainBreak | null;
}

export interface EventStore {
  /**
   * Appends `events` (at least one) to one stream, atomically, if the stream is at `expectedRevision`;
   * otherwise rejects with WrongExpectedRevisionError. Data and metadata must be plain JSON values (see
   * `canonicalJson`), since they are hashed as written. Re-appending ids that are all already recorded,
   * in order, on this stream returns the original result with `duplicate: true` and writes nothing;
   * reusing only some of them, or ids of another stream, rejects with EventIdConflictError.
   */
  append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams (at least two, each named once) in one atomic write: every stream must be at its
   * own expected revision, and either all events are recorded or none is (WrongExpectedRevisionError names the
   * first stream found off its revision). Readers of the global order see all of them or none. A reservation and
   * the act that needs it (a receipt number and the payment) are written this way. Re-sending an append whose
   * ids are all recorded returns the original results with `duplicate: true`; one whose ids are recorded for
   * only some streams, or elsewhere, rejects with EventIdConflictError.
   */
  appendMany(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult>;
  /** Events of one stream in revision order; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Committed events of all streams in global order, never skipping one that commits later. */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** Catch-up then live delivery of committed events after `after`, in global order. */
  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription;
  /** The revision of the stream's last event, or null when the stream does not exist. */
  streamRevision(streamId: string): Promise<StreamRevision | null>;
  /** Position of the last committed event visible to readAll, or null for an empty store. */
  headPosition(): Promise<Position | null>;
  /**
   * How many committed events readAll would return after `after` (null: from the start), counting at most
   * `cap` of them: a projection's lag, kept cheap when it is far behind.
   */
  countEventsAfter(after: Position | null, cap: number): Promise<number>;
  verifyStream(streamId: string, options?: VerifyOptions): Promise<ChainVerification>;
  verifyAll(options?: VerifyOptions & { onProgress?: (eventsChecked: number) => void }): Promise<ChainVerification>;
  /** Checks the store can be reached (for /health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function comparePositions(a: Position | null | undefined, b: Position | null | undefined): number {
  const left = a ?? '';
  const right = b ?? '';
  return left < right ? -1 : left > right ? 1 : 0;
}
