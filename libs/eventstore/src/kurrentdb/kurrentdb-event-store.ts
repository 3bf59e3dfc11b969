import { randomUUID } from 'node:crypto';
import kurrent from '@kurrent/kurrentdb-client';
import type { AppendStreamRequest, AppendStreamState, KurrentDBClient, ResolvedEvent, StreamSubscription } from '@kurrent/kurrentdb-client';
import { ChainVerifier } from '../chain-verifier.js';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors.js';
import {
  type AppendOptions,
  type AppendResult,
  type ChainVerification,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type MultiStreamAppendResult,
  type Position,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type RecordedEvent,
  type RecordedMetadata,
  type StreamAppend,
  type StreamRevision,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
  type VerifyOptions,
} from '../event-store.port.js';
import { chainHash, encodeContent, GENESIS_HASH } from '../hash-chain.js';
import { EventStoreUnavailableError } from './errors.js';
import { decodePosition, encodePosition, type LogPosition } from './position.js';

const { KurrentDBClient: Client, jsonEvent, excludeSystemEvents, StreamNotFoundError, WrongExpectedVersionError, UnavailableError, DeadlineExceededError, CancelledError, BACKWARDS, END, FORWARDS, START, NO_STREAM } = kurrent;

/**
 * The EventStoreDB / KurrentDB adapter. Every write is one `multiStreamAppend` (server 25.1+): the
 * streams at the exact revisions the adapter read (the hash chain is computed from the last event read, so the
 * server's expected-revision check is what makes the chain safe), plus one claim stream per event id
 * (`eventId-<id>`, expected no stream) that makes an id usable once in the whole store. A write the server
 * refuses is then explained by reading: every id claimed on its own stream in order = a re-send (the original
 * outcome, `duplicate: true`); some ids claimed = `EventIdConflictError`; none = `WrongExpectedRevisionError` with
 * the revision read at that moment. Claims are `$eventId` events, so `excludeSystemEvents()` keeps them out of
 * every $all read, as it keeps the server's own events.
 */

/** Claim streams: one per event id ever recorded, holding where it was recorded. */
export const EVENT_ID_CLAIM_PREFIX = 'eventId-';
export const EVENT_ID_CLAIM_TYPE = '$eventId';

/** Keys of an event's JSON metadata (multi-stream appends carry string values only). */
const METADATA_KEY = 'metadata';
const PREV_HASH_KEY = 'prevHash';
const HASH_KEY = 'hash';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Writers under `any` / `stream_exists` that lose a race read the head again; this many times at most. */
const MAX_UNCHECKED_RETRIES = 20;
const VERIFY_PAGE = 1000;
/** Streams whose last seen event (revision and hash) is remembered, so an append at that revision reads nothing first. */
const KNOWN_HEADS = 10_000;
const COUNT_PAGE = 1000;

export type KurrentDbConnectionStatus = 'connecting' | 'connected' | 'unreachable' | 'closed';

/** What /health reports: whether the server answered the last call, and since when. */
export interface KurrentDbState {
  readonly status: KurrentDbConnectionStatus;
  /** The server (host:port), never credentials. */
  readonly server: string;
  readonly since: string;
  /** The kind of the last connection failure (an error class), null when none. */
  readonly lastError: string | null;
}

export interface KurrentDbEventStoreOptions {
  /** `kurrentdb://` or `esdb://` connection string (EVENTSTORE_URL). */
  readonly connectionString: string;
  /** Attempts of an operation whose connection failed, before it fails with EventStoreUnavailableError. */
  readonly attempts?: number;
  /** First pause between attempts; doubles up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** How long `ping()` waits for an answer. */
  readonly pingTimeoutMs?: number;
  /** Subscription reconnects and other retried background failures. */
  readonly onBackgroundError?: (error: unknown, context: string) => void;
}

interface Head {
  readonly revision: StreamRevision | null;
  readonly hash: string;
}

interface Claim {
  readonly streamId: string;
  readonly revision: StreamRevision;
}

type Refusal = { kind: 'duplicate'; result: MultiStreamAppendResult } | { kind: 'retry' };

/** The connection string with any `user:password@` taken out, for messages and logs. */
export function withoutCredentials(connectionString: string): string {
  return connectionString.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1');
}

/** The server part of a connection string, for messages: never the user or password. */
export function describeServer(connectionString: string): string {
  const match = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(connectionString);
  return match?.[1] ?? 'the configured server';
}

/**
 * Connection failures worth retrying. A call the server cancels (it is shutting down or restarting) is one too: the
 * client reports cancellations of its own (`unsubscribe`) as no error at all.
 */
function isUnavailable(error: unknown): boolean {
  if (error instanceof UnavailableError || error instanceof DeadlineExceededError || error instanceof CancelledError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 14 || code === 4;
}

function holds(expected: ExpectedRevision, actual: StreamRevision | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === null;
  if (expected === 'stream_exists') return actual !== null;
  return actual === expected;
}

function claimStream(eventId: string): string {
  return `${EVENT_ID_CLAIM_PREFIX}${eventId.toLowerCase()}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toRecorded(resolved: ResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('a read returned a link without its event');
  const metadata = event.metadata as Record<string, unknown> | undefined;
  const stored = metadata?.[METADATA_KEY];
  if (typeof stored !== 'string' || !event.position) {
    throw new Error(`event ${event.id} of ${event.streamId} was not written by the register (no chain metadata)`);
  }
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: encodePosition(event.position),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: { ...(JSON.parse(stored) as object), prevHash: String(metadata?.[PREV_HASH_KEY]), hash: String(metadata?.[HASH_KEY]) } as RecordedMetadata,
  };
}

export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDBClient;
  private readonly server: string;
  private readonly attempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pingTimeoutMs: number;
  private current: KurrentDbState;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  /**
   * The last event this process saw of a stream (read or written): its revision and chain hash. Recorded events
   * never change and one revision holds one event, so an append at exactly that revision can take its prevHash
   * from here; if the stream moved on, the server's expected-revision check refuses the write as it would anyway.
   */
  private readonly knownHeads = new Map<string, { revision: StreamRevision; hash: string }>();

  constructor(private readonly options: KurrentDbEventStoreOptions) {
    // `esdb://` is the scheme the configuration and compose file have always used; the 1.x client warns on it.
    this.client = Client.connectionString(options.connectionString.replace(/^esdb(\+discover)?:/i, 'kurrentdb$1:'));
    this.server = describeServer(options.connectionString);
    this.attempts = options.attempts ?? 5;
    this.initialDelayMs = options.initialDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 2_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
    this.current = { status: 'connecting', server: this.server, since: new Date().toISOString(), lastError: null };
  }

  /** The connection as last seen (for /health and logs). */
  state(): KurrentDbState {
    return this.current;
  }

  private mark(status: KurrentDbConnectionStatus, error: unknown = null): void {
    const lastError = error === null ? null : ((error as { name?: string }).name ?? 'Error');
    if (this.current.status !== status || this.current.lastError !== lastError) {
      this.current = { status, server: this.server, since: status === this.current.status ? this.current.since : new Date().toISOString(), lastError };
    }
  }

  /** Runs one call, retrying connection failures with backoff; maps what is left to EventStoreUnavailableError. */
  private async call<T>(operation: () => Promise<T>): Promise<T> {
    let delay = this.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await operation();
        this.mark('connected');
        return result;
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        this.mark('unreachable', error);
        if (attempt >= this.attempts || this.closed) throw new EventStoreUnavailableError(this.server, { cause: error });
        await sleep(delay);
        delay = Math.min(delay * 2, this.maxDelayMs);
      }
    }
  }

  private async collect(iterable: AsyncIterable<ResolvedEvent>, missingIsEmpty: boolean): Promise<ResolvedEvent[]> {
    const events: ResolvedEvent[] = [];
    try {
      for await (const event of iterable) events.push(event);
    } catch (error) {
      if (missingIsEmpty && error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  private readRaw(streamId: string, options: { from?: bigint | typeof START | typeof END; backwards?: boolean; count?: number }): Promise<ResolvedEvent[]> {
    return this.call(() =>
      this.collect(
        this.client.readStream(streamId, {
          fromRevision: options.from ?? (options.backwards ? END : START),
          direction: options.backwards ? BACKWARDS : FORWARDS,
          maxCount: options.count ?? Number.MAX_SAFE_INTEGER,
        }),
        true,
      ),
    );
  }

  private remember(streamId: string, revision: StreamRevision, hash: string): void {
    const known = this.knownHeads.get(streamId);
    if (known && known.revision >= revision) return;
    this.knownHeads.delete(streamId);
    this.knownHeads.set(streamId, { revision, hash });
    if (this.knownHeads.size > KNOWN_HEADS) this.knownHeads.delete(this.knownHeads.keys().next().value!);
  }

  private async head(streamId: string): Promise<Head> {
    const [last] = await this.readRaw(streamId, { backwards: true, count: 1 });
    if (!last?.event) return { revision: null, hash: GENESIS_HASH };
    const hash = (last.event.metadata as Record<string, unknown> | undefined)?.[HASH_KEY];
    if (typeof hash !== 'string') throw new Error(`the last event of ${streamId} carries no chain hash; the register cannot append to it`);
    const revision = Number(last.event.revision);
    this.remember(streamId, revision, hash);
    return { revision, hash };
  }

  /**
   * The head an append expecting `expected` builds on, without a read where it can: a new stream starts from the
   * genesis hash, and an exact revision this process last saw has its hash remembered. Otherwise the stream's last
   * event is read. Either way the write is conditional on that revision, so a wrong guess is refused, not recorded.
   */
  private async expectedHead(streamId: string, expected: ExpectedRevision): Promise<Head> {
    if (expected === 'no_stream') return { revision: null, hash: GENESIS_HASH };
    const known = this.knownHeads.get(streamId);
    if (typeof expected === 'number' && known?.revision === expected) return known;
    return this.head(streamId);
  }

  private async claim(eventId: string): Promise<Claim | null> {
    const [event] = await this.readRaw(claimStream(eventId), { count: 1 });
    const data = event?.event?.data as { streamId?: unknown; revision?: unknown } | undefined;
    if (!data || typeof data.streamId !== 'string' || typeof data.revision !== 'number') return null;
    return { streamId: data.streamId, revision: data.revision };
  }

  async append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const result = await this.write([{ streamId, events, expectedRevision: options.expectedRevision }]);
    return result.streams[0]!;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    if (appends.length < 2) throw new TypeError('appendMany takes at least two streams; use append for one');
    const names = new Set(appends.map((a) => a.streamId));
    if (names.size !== appends.length) throw new TypeError('appendMany names a stream more than once');
    return this.write(appends);
  }

  private validate(appends: readonly StreamAppend[]) {
    const ids = new Set<string>();
    return appends.map((append) => {
      if (append.events.length === 0) throw new TypeError(`an append to ${append.streamId} has no events`);
      if (append.streamId.length === 0 || append.streamId.startsWith('$') || append.streamId.startsWith(EVENT_ID_CLAIM_PREFIX)) {
        throw new TypeError(`${JSON.stringify(append.streamId)} cannot name a stream of the register`);
      }
      return append.events.map((event) => {
        if (!UUID.test(event.id)) throw new TypeError(`event id ${JSON.stringify(event.id)} is not a UUID`);
        // `$` types are the server's own: every $all read of the register leaves them out.
        if (typeof event.type === 'string' && event.type.startsWith('$')) throw new TypeError(`event type ${JSON.stringify(event.type)} is reserved for the server`);
        const id = event.id.toLowerCase();
        if (ids.has(id)) throw new TypeError(`event id ${event.id} is used twice in one append`);
        ids.add(id);
        return encodeContent(event);
      });
    });
  }

  private async write(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    const encoded = this.validate(appends);
    for (let attempt = 0; ; attempt++) {
      const heads = await Promise.all(appends.map((append) => this.expectedHead(append.streamId, append.expectedRevision)));
      if (appends.some((append, i) => !holds(append.expectedRevision, heads[i]!.revision))) {
        const refusal = await this.explainRefusal(appends);
        if (refusal.kind === 'duplicate') return refusal.result;
        if (attempt >= MAX_UNCHECKED_RETRIES) throw new Error(`the heads of ${appends.map((a) => a.streamId).join(', ')} keep moving; giving up after ${attempt} attempts`);
        continue;
      }
      const requests: AppendStreamRequest[] = [];
      const claims: AppendStreamRequest[] = [];
      const lastRevisions: StreamRevision[] = [];
      const lastHashes: string[] = [];
      appends.forEach((append, i) => {
        const head = heads[i]!;
        let prevHash = head.hash;
        let revision = head.revision ?? -1;
        const events = append.events.map((event, j) => {
          revision++;
          const content = encoded[i]![j]!;
          const hash = chainHash(prevHash, append.streamId, revision, content.contentHash);
          const metadata = { [METADATA_KEY]: content.metadataJson, [PREV_HASH_KEY]: prevHash, [HASH_KEY]: hash };
          prevHash = hash;
          claims.push({
            streamName: claimStream(event.id),
            expectedState: NO_STREAM,
            // A fresh id: the server must never take a claim for a re-send of an earlier one.
            events: [jsonEvent({ id: randomUUID(), type: EVENT_ID_CLAIM_TYPE, data: { streamId: append.streamId, revision } })],
          });
          return jsonEvent({ id: event.id.toLowerCase(), type: event.type, data: JSON.parse(content.dataJson) as Record<string, unknown>, metadata });
        });
        lastRevisions.push(revision);
        lastHashes.push(prevHash);
        const streamState: AppendStreamState = head.revision === null ? NO_STREAM : BigInt(head.revision);
        requests.push({ streamName: append.streamId, expectedState: streamState, events });
      });
      try {
        await this.call(() => this.client.multiStreamAppend([...requests, ...claims]));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const refusal = await this.explainRefusal(appends);
        if (refusal.kind === 'duplicate') return refusal.result;
        if (attempt >= MAX_UNCHECKED_RETRIES) throw error;
        continue;
      }
      appends.forEach((append, i) => this.remember(append.streamId, lastRevisions[i]!, lastHashes[i]!));
      const positions = await Promise.all(appends.map((append, i) => this.positionOf(append.streamId, lastRevisions[i]!)));
      const streams = appends.map((append, i) => ({ streamId: append.streamId, nextRevision: lastRevisions[i]!, position: positions[i]!, duplicate: false }));
      return { streams, position: [...positions].sort(comparePositions).at(-1)!, duplicate: false };
    }
  }

  private async positionOf(streamId: string, revision: StreamRevision): Promise<Position> {
    const [event] = await this.readRaw(streamId, { from: BigInt(revision), count: 1 });
    if (!event?.event?.position || Number(event.event.revision) !== revision) throw new Error(`${streamId}@${revision} was appended but cannot be read back`);
    return encodePosition(event.event.position);
  }

  /**
   * Why a write was refused, found by reading: a re-send (every id claimed on its own stream, in order), ids reused
   * (EventIdConflictError), a stream off its expected revision (WrongExpectedRevisionError), or a race that an
   * unchecked expectation (`any`, `stream_exists`) may simply retry.
   */
  private async explainRefusal(appends: readonly StreamAppend[]): Promise<Refusal> {
    const claims = await Promise.all(appends.map((append) => Promise.all(append.events.map((event) => this.claim(event.id)))));
    const anyClaimed = claims.some((stream) => stream.some((claim) => claim !== null));
    if (anyClaimed) {
      const results: AppendResult[] = [];
      for (const [i, append] of appends.entries()) {
        const streamClaims = claims[i]!;
        const first = streamClaims[0];
        const inOrder =
          first !== null &&
          first !== undefined &&
          streamClaims.every((claim, j) => claim !== null && claim.streamId === append.streamId && claim.revision === first.revision + j);
        if (!inOrder) {
          const reused = append.events.filter((_, j) => streamClaims[j] !== null).map((event) => event.id);
          throw new EventIdConflictError(append.streamId, reused.length > 0 ? reused : append.events.map((event) => event.id));
        }
        const recorded = await this.readRaw(append.streamId, { from: BigInt(first.revision), count: append.events.length });
        const matches = recorded.length === append.events.length && recorded.every((event, j) => event.event?.id === append.events[j]!.id.toLowerCase());
        if (!matches) throw new EventIdConflictError(append.streamId, append.events.map((event) => event.id));
        const last = recorded.at(-1)!.event!;
        results.push({ streamId: append.streamId, nextRevision: Number(last.revision), position: encodePosition(last.position!), duplicate: true });
      }
      return { kind: 'duplicate', result: { streams: results, position: results.map((r) => r.position).sort(comparePositions).at(-1)!, duplicate: true } };
    }
    const heads = await Promise.all(appends.map((append) => this.head(append.streamId)));
    const off = appends.findIndex((append, i) => !holds(append.expectedRevision, heads[i]!.revision));
    if (off >= 0) {
      const append = appends[off]!;
      throw new WrongExpectedRevisionError(append.streamId, append.expectedRevision, heads[off]!.revision);
    }
    return { kind: 'retry' };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? 0;
    if (options.to !== undefined && options.to < from) return [];
    const count = options.to === undefined ? Number.MAX_SAFE_INTEGER : options.to - from + 1;
    const recorded = (await this.readRaw(streamId, { from: BigInt(from), count })).map(toRecorded);
    const last = recorded.at(-1);
    if (last) this.remember(streamId, last.revision, last.metadata.hash);
    return recorded;
  }

  /** Reads $all forwards without system events (nor claims); `after` exclusive. */
  private async readAllRaw(after: Position | null, limit: number): Promise<RecordedEvent[]> {
    const from = after ? decodePosition(after) : START;
    // A forwards read includes the event at its position: ask for one more and drop it.
    const events = await this.call(() =>
      this.collect(this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: limit + (after ? 1 : 0), filter: excludeSystemEvents() }), false),
    );
    return events
      .map(toRecorded)
      .filter((event) => comparePositions(event.position, after) > 0)
      .slice(0, limit);
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    const after = options.after ?? null;
    const events = await this.readAllRaw(after, options.limit);
    return { events, position: events.at(-1)?.position ?? after };
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    const subscription = new LiveSubscription(this.client, options.after ?? null, options.batchSize ?? 100, handler, {
      retryDelay: (attempt) => Math.min(this.initialDelayMs * 2 ** attempt, this.maxDelayMs),
      isUnavailable,
      onState: (status, error) => this.mark(status, error),
      onBackgroundError: this.options.onBackgroundError ?? (() => undefined),
    });
    this.subscriptions.add(subscription);
    void subscription.done.then(
      () => this.subscriptions.delete(subscription),
      () => this.subscriptions.delete(subscription),
    );
    return subscription;
  }

  async streamRevision(streamId: string): Promise<StreamRevision | null> {
    return (await this.head(streamId)).revision;
  }

  async headPosition(): Promise<Position | null> {
    const [last] = await this.call(() =>
      this.collect(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter: excludeSystemEvents() }), false),
    );
    return last?.event?.position ? encodePosition(last.event.position) : null;
  }

  /** KurrentDB has no count: pages through $all after `after`, counting without decoding or keeping events. */
  async countEventsAfter(after: Position | null, cap: number): Promise<number> {
    let counted = 0;
    let from: LogPosition | typeof START = after ? decodePosition(after) : START;
    let skip: Position | null = after;
    while (counted < cap) {
      const want = Math.min(COUNT_PAGE, cap - counted);
      const page = await this.call(() =>
        this.collect(this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: want + 1, filter: excludeSystemEvents() }), false),
      );
      const positions = page.flatMap((resolved) => (resolved.event?.position ? [resolved.event.position] : []));
      const fresh = positions.filter((position) => comparePositions(encodePosition(position), skip) > 0).slice(0, want);
      counted += fresh.length;
      if (fresh.length < want) break;
      from = fresh.at(-1)!;
      skip = encodePosition(from);
    }
    return Math.min(counted, cap);
  }

  async verifyStream(streamId: string, options: VerifyOptions = {}): Promise<ChainVerification> {
    const verifier = new ChainVerifier(options.misfit);
    const events = await this.readStream(streamId);
    if (events.length > 0) {
      verifier.beginStream(streamId);
      for (const event of events) if (!verifier.push(event)) break;
      verifier.endStream(null);
    }
    return verifier.result();
  }

  /**
   * Finds the streams by one pass over $all (their names only are kept), then verifies each in name order. KurrentDB
   * keeps no stream head apart from the last event, so a cut-off tail is not found here (Postgres's `es_streams`
   * finds one); the signed seals over the global order are what would.
   */
  async verifyAll(options: VerifyOptions & { onProgress?: (eventsChecked: number) => void } = {}): Promise<ChainVerification> {
    const streams = new Set<string>();
    let after: Position | null = null;
    for (;;) {
      const page = await this.readAllRaw(after, VERIFY_PAGE);
      if (page.length === 0) break;
      for (const event of page) streams.add(event.streamId);
      after = page.at(-1)!.position;
    }
    const verifier = new ChainVerifier(options.misfit);
    for (const streamId of [...streams].sort()) {
      verifier.beginStream(streamId);
      for (let from = 0; ; from += VERIFY_PAGE) {
        const events = await this.readStream(streamId, { from, to: from + VERIFY_PAGE - 1 });
        let broken = false;
        for (const event of events) {
          if (!verifier.push(event)) {
            broken = true;
            break;
          }
        }
        if (broken || events.length < VERIFY_PAGE) break;
      }
      verifier.endStream(null);
      options.onProgress?.(verifier.result().eventsChecked);
      if (!verifier.intact) break;
    }
    if (streams.size === 0) options.onProgress?.(0);
    return verifier.result();
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EventStoreUnavailableError(this.server, { cause: new Error(`no answer within ${this.pingTimeoutMs} ms`) })), this.pingTimeoutMs);
    });
    try {
      await Promise.race([this.collect(this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }), false), timeout]);
      this.mark('connected');
    } catch (error) {
      this.mark('unreachable', error);
      throw error instanceof EventStoreUnavailableError ? error : new EventStoreUnavailableError(this.server, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.mark('closed');
    await this.client.dispose();
  }
}

interface LiveSubscriptionHooks {
  retryDelay(attempt: number): number;
  isUnavailable(error: unknown): boolean;
  onState(status: 'connected' | 'unreachable', error?: unknown): void;
  onBackgroundError(error: unknown, context: string): void;
}

/**
 * One `subscribeToAll` without system events, in batches: events are queued as the server sends them, the handler
 * gets up to `batchSize` at a time, and the server stream is paused while the queue is long. The last position
 * delivered (or passed by a filtered checkpoint) is where a lost connection resumes, with backoff; a handler error
 * ends it.
 */
class LiveSubscription implements Subscription {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private stream: StreamSubscription | null = null;
  private readonly queue: RecordedEvent[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  private failures = 0;
  private reconnect: NodeJS.Timeout | null = null;
  /** Last position handed to the handler or passed by a checkpoint: a reconnect starts after it. */
  private resumeAfter: Position | null;
  /** Last position queued, so nothing is queued twice across a reconnect. */
  private queuedThrough: Position | null;

  constructor(
    private readonly client: KurrentDBClient,
    after: Position | null,
    private readonly batchSize: number,
    private readonly handler: SubscriptionHandler,
    private readonly hooks: LiveSubscriptionHooks,
  ) {
    this.resumeAfter = after;
    this.queuedThrough = after;
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => undefined);
    this.open();
  }

  private open(): void {
    if (this.stopped) return;
    const from: LogPosition | typeof START = this.resumeAfter ? decodePosition(this.resumeAfter) : START;
    const stream = this.client.subscribeToAll({
      fromPosition: from,
      filter: excludeSystemEvents({
        checkpointReached: (_subscription, position) => {
          const encoded = encodePosition(position);
          // Only when nothing is waiting, in our queue or still in the client's buffer: a reconnect from the
          // checkpoint must not jump over events not yet handled.
          const idle = this.queue.length === 0 && !this.running && stream.readableLength === 0;
          if (idle && comparePositions(encoded, this.resumeAfter) > 0) this.resumeAfter = encoded;
        },
      }),
    });
    this.stream = stream;
    stream.on('confirmation', () => {
      this.failures = 0;
      this.hooks.onState('connected');
    });
    stream.on('data', (resolved: ResolvedEvent) => {
      let event: RecordedEvent;
      try {
        event = toRecorded(resolved);
      } catch (error) {
        this.fail(error);
        return;
      }
      // Subscriptions start after their position; a server that repeated one would not be delivered twice.
      if (comparePositions(event.position, this.queuedThrough) <= 0) return;
      this.queuedThrough = event.position;
      this.queue.push(event);
      if (this.queue.length >= this.batchSize * 4) stream.pause();
      this.pump();
    });
    stream.on('error', (error: unknown) => {
      if (this.stopped || stream !== this.stream) return;
      if (!this.hooks.isUnavailable(error)) {
        this.fail(error);
        return;
      }
      this.hooks.onState('unreachable', error);
      this.dropped(error);
    });
    // A subscription never ends by itself; one the server ended without an error is resumed like a lost one.
    stream.on('end', () => {
      if (this.stopped || stream !== this.stream) return;
      this.dropped(new Error('the server ended the subscription'));
    });
  }

  private dropped(error: unknown): void {
    this.hooks.onBackgroundError(error, 'kurrentdb subscription');
    this.stream = null;
    const delay = this.hooks.retryDelay(this.failures++);
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      this.open();
    }, delay);
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      try {
        while (this.queue.length > 0 && !this.stopped) {
          const batch = this.queue.splice(0, this.batchSize);
          await this.handler(batch);
          this.resumeAfter = batch.at(-1)!.position;
          if (this.queue.length < this.batchSize) this.stream?.resume();
        }
      } catch (error) {
        this.fail(error);
      } finally {
        this.running = null;
      }
    })();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    void this.close().then(() => this.rejectDone(error));
  }

  private async close(): Promise<void> {
    if (this.reconnect) clearTimeout(this.reconnect);
    const stream = this.stream;
    this.stream = null;
    if (stream) await stream.unsubscribe().catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.queue.length = 0;
      await this.close();
      await this.running;
      this.resolveDone();
    }
    await this.done.catch(() => undefined);
  }
}
