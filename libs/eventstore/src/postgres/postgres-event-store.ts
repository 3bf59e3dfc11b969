import pg from 'pg';
import { ChainVerifier, type StreamHead, type VerifiableEvent } from '../chain-verifier.js';
import { EventIdConflictError, WrongExpectedRevisionError } from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  ChainVerification,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  Position,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamRevision,
  MultiStreamAppendResult,
  StreamAppend,
  Subscription,
  SubscriptionHandler,
  VerifyOptions,
  SubscribeOptions,
} from '../event-store.port.js';
import { encodeContent, GENESIS_HASH, type EncodedContent } from '../hash-chain.js';
import { CoalescingNotifier, NotificationListener, WakeSignal, type BackgroundErrorHandler } from './notifications.js';
import { decodePosition, encodePosition } from './position.js';
import {
  ensureSchema,
  EVENT_ID_UNIQUE_CONSTRAINT,
  NOTIFY_CHANNEL,
  SQLSTATE_EVENT_ID_CONFLICT,
  SQLSTATE_RETRY_IN_NEW_TRANSACTION,
  SQLSTATE_WRONG_EXPECTED_REVISION,
  type SchemaResult,
} from './schema.js';
import { PostgresSubscription } from './subscription.js';

/**
 * Where the NOTIFY that wakes other processes' subscribers is sent from.
 * - `after_commit` (default): a coalesced NOTIFY on the store's own connection after the append returns.
 * - `in_transaction`: `pg_notify` inside the append function. Postgres serialises the commits of
 *   notifying transactions behind one lock, which costs concurrent append throughput; kept so the
 *   benchmark can compare the two (docs/adr/0002-postgres-event-store.md has the numbers).
 * - `none`: no NOTIFY; other processes find new events by polling only.
 * Subscribers in the same process are always woken directly after an append.
 */
export type NotifyMode = 'after_commit' | 'in_transaction' | 'none';

export interface PostgresEventStoreOptions {
  /** An existing pool (the caller keeps owning it: close() does not end it)... */
  readonly pool?: pg.Pool;
  /** ...or a connection string (the store creates and ends its own pool). */
  readonly connectionString?: string;
  /** Size of the pool the store creates from a connection string. Default 10. */
  readonly poolSize?: number;
  readonly notify?: NotifyMode;
  /** Subscriptions' fallback poll interval. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Default batch size of subscriptions. Default 500. */
  readonly subscriptionBatchSize?: number;
  /**
   * Called when a subscription finds committed events it must not deliver yet because an older
   * transaction is still open (for metrics and logs; a long-open transaction delays every reader).
   */
  readonly onHeldBack?: (after: Position | null) => void;
  /** Errors of background work (listener, notifier, transient read failures). Default: ignored. */
  readonly onBackgroundError?: BackgroundErrorHandler;
}

interface AppendRow {
  next_revision: string;
  last_transaction_id: string;
  last_global_position: string;
  duplicate: boolean;
}

type AppendOneRow = Omit<AppendRow, 'duplicate'>;

interface EventRow {
  stream_id: string;
  stream_revision: string;
  event_id: string;
  transaction_id: string;
  global_position: string;
  event_type: string;
  data: string;
  metadata: string;
  content_hash: string;
  prev_hash: string;
  hash: string;
}

interface VerifyRow extends EventRow {
  head_revision: string | null;
  head_hash: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO-8601 with a time zone, which JavaScript and Postgres read the same way. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/;

const EVENT_COLUMNS = `e.stream_id, e.stream_revision::text AS stream_revision, e.event_id::text AS event_id,
  e.transaction_id::text AS transaction_id, e.global_position::text AS global_position, e.event_type,
  e.data::text AS data, e.metadata::text AS metadata, e.content_hash, e.prev_hash, e.hash`;

/** How often an append is run again in a new transaction before the store gives up (each retry follows a commit). */
const MAX_NEW_TRANSACTION_ATTEMPTS = 20;

/** The general append: any number of events, any expectation (es_append, schema.ts). */
const APPEND_SQL = `SELECT r.next_revision::text AS next_revision, r.last_transaction_id::text AS last_transaction_id,
  r.last_global_position::text AS last_global_position, r.duplicate
  FROM es_append($1, $2, $3::jsonb, $4) AS r`;

/**
 * chainHash() of hash-chain.ts in SQL, byte for byte, for the event at `revision` of stream $1 with content
 * hash $7 (the parameters of the one-event statements below).
 */
function chainHashSql(prevHash: string, revision: string): string {
  return `encode(sha256(convert_to(${prevHash} || E'\\n' || $1::text || E'\\n' || (${revision})::text || E'\\n' || $7::text, 'UTF8')), 'hex')`;
}

const INSERT_ONE_FROM_HEAD = `INSERT INTO es_events
    (stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
  SELECT $1::text, h.revision, $3::uuid, $4::text, $5::jsonb, $6::jsonb, $7::text, h.prev_hash, h.hash, $8::timestamptz
    FROM head h
  RETURNING stream_revision::text AS next_revision, transaction_id::text AS last_transaction_id,
    global_position::text AS last_global_position`;

/**
 * The fast path: one event appended at an exact revision ($2), in one plain statement. The UPDATE moves the
 * stream head only if it is at $2, computes the new chain hash from the head's hash under the row lock it
 * takes (a concurrent writer waits, then finds the head moved and updates nothing), and hands the old and
 * new hash to the INSERT. No row back: nothing was written, and the general path decides why.
 * Parameters: stream, expected revision, id, type, data, metadata, content hash, recorded at.
 */
const APPEND_ONE_AT_REVISION_SQL = `WITH head AS (
  UPDATE es_streams s
     SET revision = s.revision + 1, last_hash = ${chainHashSql('s.last_hash', 's.revision + 1')}
   WHERE s.stream_id = $1::text AND s.revision = $2::bigint
  RETURNING new.revision, old.last_hash AS prev_hash, new.last_hash AS hash
)
${INSERT_ONE_FROM_HEAD}`;

/**
 * The fast path for one event on a new stream ($2 is -1): creates the head at revision 0 unless the stream
 * exists (a concurrent creator makes this wait for its commit, then do nothing). Same parameters.
 */
const APPEND_ONE_NEW_STREAM_SQL = `WITH head AS (
  INSERT INTO es_streams AS s (stream_id, revision, last_hash)
  VALUES ($1::text, $2::bigint + 1, ${chainHashSql(`'${GENESIS_HASH}'`, '$2::bigint + 1')})
  ON CONFLICT (stream_id) DO NOTHING
  RETURNING s.revision, '${GENESIS_HASH}'::text AS prev_hash, s.last_hash AS hash
)
${INSERT_ONE_FROM_HEAD}`;

/** Several streams in one transaction (es_append_multi, schema.ts); one row per stream. */
const APPEND_MULTI_SQL = `SELECT r.stream_id, r.next_revision::text AS next_revision, r.last_transaction_id::text AS last_transaction_id,
  r.last_global_position::text AS last_global_position, r.duplicate
  FROM es_append_multi($1::jsonb, $2) AS r`;

const FIND_APPEND_SQL = `SELECT r.next_revision::text AS next_revision, r.last_transaction_id::text AS last_transaction_id,
  r.last_global_position::text AS last_global_position, r.duplicate
  FROM es_find_append($1, $2::jsonb) AS r`;

// The reads below run on every command (READ_STREAM) and every subscription wake (READ_ALL, HELD_BACK): they go
// as named statements, parsed and planned once per connection instead of once per call.
const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events e
  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3`;

const HELD_BACK_SQL = `SELECT EXISTS (
    SELECT 1 FROM es_events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.transaction_id >= pg_snapshot_xmin(pg_current_snapshot())
  ) AS held_back`;

const HEAD_SQL = `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
  FROM es_events e
  WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY e.transaction_id DESC, e.global_position DESC
  LIMIT 1`;

/** The last committed event, including one readAll holds back while an older transaction is still open. */
const LAST_COMMITTED_SQL = `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
  FROM es_events e
  ORDER BY e.transaction_id DESC, e.global_position DESC
  LIMIT 1`;

const COUNT_AFTER_SQL = `SELECT count(*)::int AS n FROM (
    SELECT 1 FROM es_events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     LIMIT $3) counted`;

const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events e
  WHERE e.stream_id = $1 AND e.stream_revision >= $2::bigint AND e.stream_revision <= $3::bigint
  ORDER BY e.stream_revision`;

const VERIFY_PAGE = 1_000;
const VERIFY_COLUMNS = `${EVENT_COLUMNS}, s.revision::text AS head_revision, s.last_hash AS head_hash`;
const VERIFY_ALL_FIRST_SQL = `SELECT ${VERIFY_COLUMNS}
  FROM es_events e LEFT JOIN es_streams s ON s.stream_id = e.stream_id
  ORDER BY e.stream_id, e.stream_revision LIMIT ${VERIFY_PAGE}`;
const VERIFY_ALL_NEXT_SQL = `SELECT ${VERIFY_COLUMNS}
  FROM es_events e LEFT JOIN es_streams s ON s.stream_id = e.stream_id
  WHERE (e.stream_id, e.stream_revision) > ($1, $2::bigint)
  ORDER BY e.stream_id, e.stream_revision LIMIT ${VERIFY_PAGE}`;
const VERIFY_STREAM_SQL = `SELECT ${VERIFY_COLUMNS}
  FROM es_events e LEFT JOIN es_streams s ON s.stream_id = e.stream_id
  WHERE e.stream_id = $1 AND e.stream_revision > $2::bigint
  ORDER BY e.stream_revision LIMIT ${VERIFY_PAGE}`;
/** Stream heads that claim events none of which exist any more (a stream deleted row by row). */
const EMPTIED_STREAMS_SQL = `SELECT s.stream_id, s.revision::text AS revision, s.last_hash
  FROM es_streams s
  WHERE s.revision >= 0 AND NOT EXISTS (SELECT 1 FROM es_events e WHERE e.stream_id = s.stream_id)
  ORDER BY s.stream_id LIMIT 1`;

/** A statement (text and values) that appends events: see appendStatement(). */
export interface AppendStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly content: EncodedContent;
  readonly recordedAt: string;
}

interface PreparedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly EncodedEvent[];
  readonly eventIds: readonly string[];
}

function meetsExpectation(expected: ExpectedRevision, actual: StreamRevision | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === null;
  if (expected === 'stream_exists') return actual !== null;
  return actual === expected;
}

function expectedText(expected: ExpectedRevision): string {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return String(expected);
  throw new TypeError(`invalid expected revision: ${String(expected)}`);
}

function prepareAppend(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): PreparedAppend {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.includes('\u0000')) {
    throw new TypeError('streamId must be a non-empty string without NUL characters');
  }
  if (!Array.isArray(events) || events.length === 0) throw new TypeError(`append to ${streamId} needs at least one event`);
  expectedText(expected);
  const seen = new Set<string>();
  const encoded: EncodedEvent[] = [];
  for (const event of events) {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) throw new TypeError(`event id is not a UUID: ${String(event.id)}`);
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new TypeError(`event id ${id} appears twice in one append to ${streamId}`);
    seen.add(id);
    const recordedAt = event.metadata?.recordedAt;
    if (typeof recordedAt !== 'string' || !ISO_TIMESTAMP.test(recordedAt) || Number.isNaN(Date.parse(recordedAt))) {
      throw new TypeError(`event ${id}: metadata.recordedAt must be an ISO-8601 timestamp with a time zone`);
    }
    encoded.push({ id, type: event.type, content: encodeContent(event), recordedAt });
  }
  return { streamId, expected, events: encoded, eventIds: [...seen] };
}

/** The events as es_append and es_find_append take them. */
function eventsJson(prepared: PreparedAppend): string {
  const parts = prepared.events.map(
    ({ id, type, content }) =>
      `{"contentHash":"${content.contentHash}","data":${content.dataJson},"id":"${id}",` +
      `"metadata":${content.metadataJson},"type":${JSON.stringify(type)}}`,
  );
  return `[${parts.join(',')}]`;
}

/** The appends as es_append_multi takes them. */
function appendsJson(prepared: readonly PreparedAppend[]): string {
  return `[${prepared.map((p) => `{"events":${eventsJson(p)},"expected":${JSON.stringify(expectedText(p.expected))},"streamId":${JSON.stringify(p.streamId)}}`).join(',')}]`;
}

function prepareAppends(appends: readonly StreamAppend[]): PreparedAppend[] {
  if (!Array.isArray(appends) || appends.length < 2) throw new TypeError('appendMany needs at least two streams; append one stream with append()');
  const streams = new Set<string>();
  const ids = new Set<string>();
  return appends.map(({ streamId, events, expectedRevision }) => {
    if (streams.has(streamId)) throw new TypeError(`appendMany names stream ${streamId} twice`);
    streams.add(streamId);
    const prepared = prepareAppend(streamId, events, expectedRevision);
    for (const id of prepared.eventIds) {
      if (ids.has(id)) throw new TypeError(`event id ${id} appears twice in one append`);
      ids.add(id);
    }
    return prepared;
  });
}

/** The general statement (es_append) for these events. */
function generalStatement(prepared: PreparedAppend, notifyInTransaction: boolean): pg.QueryConfig {
  return {
    name: 'es_append',
    text: APPEND_SQL,
    values: [prepared.streamId, expectedText(prepared.expected), eventsJson(prepared), notifyInTransaction],
  };
}

/** The fast-path statement for these events, or null when they need the general one. */
function oneEventStatement(prepared: PreparedAppend): pg.QueryConfig | null {
  const { expected } = prepared;
  const event = prepared.events[0];
  if (prepared.events.length !== 1 || !event || (expected !== 'no_stream' && typeof expected !== 'number')) return null;
  const newStream = expected === 'no_stream';
  return {
    name: newStream ? 'es_append_one_new_stream' : 'es_append_one_at_revision',
    text: newStream ? APPEND_ONE_NEW_STREAM_SQL : APPEND_ONE_AT_REVISION_SQL,
    values: [
      prepared.streamId,
      newStream ? '-1' : String(expected),
      event.id,
      event.type,
      event.content.dataJson,
      event.content.metadataJson,
      event.content.contentHash,
      event.recordedAt,
    ],
  };
}

/**
 * The general append statement for `events` (any number, any expected revision), for callers that must
 * append inside a transaction of their own (imports, and tests that hold a transaction open). It raises
 * WrongExpectedRevision (ES001) and event id conflicts (ES002) as errors and writes the same rows as
 * `append()`, which sends it for everything but its one-event fast path. The result row has
 * next_revision, last_transaction_id, last_global_position (text) and duplicate.
 */
export function appendStatement(
  streamId: string,
  events: readonly EventToAppend[],
  options: AppendOptions,
  notifyInTransaction = false,
): AppendStatement {
  const { text, values } = generalStatement(prepareAppend(streamId, events, options.expectedRevision), notifyInTransaction);
  return { text, values: values ?? [] };
}

function toAppendResult(streamId: string, row: AppendRow): AppendResult {
  return {
    streamId,
    nextRevision: Number(row.next_revision),
    position: encodePosition(row.last_transaction_id, row.last_global_position),
    duplicate: row.duplicate,
  };
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    position: encodePosition(row.transaction_id, row.global_position),
    type: row.event_type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: { ...metadata, prevHash: row.prev_hash, hash: row.hash } as RecordedEvent['metadata'],
  };
}

function toVerifiable(row: EventRow): VerifiableEvent {
  return { ...toRecordedEvent(row), storedContentHash: row.content_hash };
}

function toHead(row: VerifyRow): StreamHead | null {
  return row.head_revision === null || row.head_hash === null
    ? null
    : { revision: Number(row.head_revision), hash: row.head_hash };
}

function clientConfigOf(pool: pg.Pool): pg.ClientConfig {
  // The pool keeps the config it was given; a Client accepts the same fields (pool-only ones are ignored).
  const { ...config } = pool.options as pg.PoolConfig;
  return config;
}

/**
 * The Postgres event store (embedded default). Schema, append protocol and read rules are described in
 * docs/adr/0002-postgres-event-store.md; the hash chain in docs/adr/0003-hash-chain.md.
 *
 * It never touches pg's global type parsers: bigint and xid8 are cast to text in SQL, jsonb is read as
 * text and parsed here.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly notifyMode: NotifyMode;
  private readonly signal = new WakeSignal();
  private readonly listener: NotificationListener;
  private readonly notifier: CoalescingNotifier;
  private readonly subscriptions = new Set<PostgresSubscription>();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly onHeldBack: ((after: Position | null) => void) | undefined;
  private readonly onBackgroundError: BackgroundErrorHandler;
  private closed = false;

  constructor(source: pg.Pool | string | PostgresEventStoreOptions) {
    const options: PostgresEventStoreOptions =
      typeof source === 'string' ? { connectionString: source } : source instanceof pg.Pool ? { pool: source } : source;
    if (options.pool) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else if (options.connectionString) {
      this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
      this.ownsPool = true;
      // An idle client dying (server restart) must not crash the process; the next query reconnects.
      this.pool.on('error', (error) => this.onBackgroundError(error, 'event store pool: idle client'));
    } else {
      throw new TypeError('PostgresEventStore needs a pg.Pool or a connection string');
    }
    this.notifyMode = options.notify ?? 'after_commit';
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.subscriptionBatchSize ?? 500;
    this.onHeldBack = options.onHeldBack;
    this.onBackgroundError = options.onBackgroundError ?? (() => undefined);
    const config = clientConfigOf(this.pool);
    this.listener = new NotificationListener(config, NOTIFY_CHANNEL, this.signal, this.onBackgroundError);
    this.notifier = new CoalescingNotifier(config, NOTIFY_CHANNEL, this.onBackgroundError);
  }

  /** Creates or upgrades the store's tables and functions (idempotent; the app's migrate step). */
  async ensureSchema(): Promise<SchemaResult> {
    const client = await this.pool.connect();
    try {
      return await ensureSchema(client);
    } finally {
      client.release();
    }
  }

  async append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    const prepared = prepareAppend(streamId, events, options.expectedRevision);
    const fast = this.notifyMode === 'in_transaction' ? null : oneEventStatement(prepared);
    if (fast) {
      const appended = await this.appendOne(prepared, fast);
      if (appended) return appended;
    }
    let row: AppendRow | undefined;
    try {
      row = (await this.inNewTransactionIfAsked(() => this.pool.query<AppendRow>(generalStatement(prepared, this.notifyMode === 'in_transaction')))).rows[0];
    } catch (error) {
      return this.recoverAppendError(error, prepared);
    }
    if (!row) throw new Error(`es_append returned no row for ${streamId}`);
    const outcome = toAppendResult(streamId, row);
    if (!outcome.duplicate) this.appended();
    return outcome;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<MultiStreamAppendResult> {
    this.assertOpen();
    const prepared = prepareAppends(appends);
    const statement = { name: 'es_append_multi', text: APPEND_MULTI_SQL, values: [appendsJson(prepared), this.notifyMode === 'in_transaction'] };
    let rows: (AppendRow & { stream_id: string })[];
    try {
      rows = (await this.inNewTransactionIfAsked(() => this.pool.query<AppendRow & { stream_id: string }>(statement))).rows;
    } catch (error) {
      if (!(error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === EVENT_ID_UNIQUE_CONSTRAINT)) {
        return this.raiseMultiAppendError(error, prepared);
      }
      // A twin of this append committed while ours ran: the second call finds its ids and answers as a re-send.
      try {
        rows = (await this.pool.query<AppendRow & { stream_id: string }>(statement)).rows;
      } catch (retryError) {
        return this.raiseMultiAppendError(retryError, prepared);
      }
    }
    const byStream = new Map(rows.map((row) => [row.stream_id, row]));
    const streams = prepared.map((p) => {
      const row = byStream.get(p.streamId);
      if (!row) throw new Error(`es_append_multi returned no row for ${p.streamId}`);
      return toAppendResult(p.streamId, row);
    });
    const duplicate = streams.every((s) => s.duplicate);
    if (!duplicate) this.appended();
    const position = streams.map((s) => s.position).reduce((a, b) => (a > b ? a : b));
    return { streams, position, duplicate };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.from ?? 0;
    const to = options.to ?? Number.MAX_SAFE_INTEGER;
    const result = await this.pool.query<EventRow>({ name: 'es_read_stream', text: READ_STREAM_SQL, values: [streamId, String(from), String(to)] });
    return result.rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    return this.readAllAfter(options.after ?? null, options.limit);
  }

  subscribe(options: SubscribeOptions, handler: SubscriptionHandler): Subscription {
    this.assertOpen();
    const batchSize = options.batchSize ?? this.batchSize;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new TypeError(`invalid batch size: ${batchSize}`);
    if (options.after) decodePosition(options.after);
    this.listener.acquire();
    const subscription = new PostgresSubscription(
      {
        signal: this.signal,
        read: (after, limit) => this.readAllAfter(after, limit),
        heldBack: (after) => this.heldBack(after),
      },
      handler,
      options.after ?? null,
      {
        batchSize,
        pollIntervalMs: this.pollIntervalMs,
        heldBackRetryMs: { initial: 10, max: 50 },
        onError: this.onBackgroundError,
        ...(this.onHeldBack ? { onHeldBack: this.onHeldBack } : {}),
      },
    );
    this.subscriptions.add(subscription);
    const forget = () => {
      this.subscriptions.delete(subscription);
      this.listener.release();
    };
    subscription.done.then(forget, forget);
    return subscription;
  }

  async streamRevision(streamId: string): Promise<StreamRevision | null> {
    const result = await this.pool.query<{ revision: string }>(
      'SELECT s.revision::text AS revision FROM es_streams s WHERE s.stream_id = $1',
      [streamId],
    );
    const revision = result.rows[0]?.revision;
    return revision === undefined || revision === '-1' ? null : Number(revision);
  }

  async headPosition(): Promise<Position | null> {
    const result = await this.pool.query<{ transaction_id: string; global_position: string }>(HEAD_SQL);
    const row = result.rows[0];
    return row ? encodePosition(row.transaction_id, row.global_position) : null;
  }

  /**
   * Position of the last event committed so far, whether or not readAll shows it yet: while an older
   * transaction is open, `headPosition` stays below events committed after it began. Waiting for this position
   * waits for everything written until now (what a test or an operator asking "settled?" means).
   */
  async lastCommittedPosition(): Promise<Position | null> {
    const result = await this.pool.query<{ transaction_id: string; global_position: string }>(LAST_COMMITTED_SQL);
    const row = result.rows[0];
    return row ? encodePosition(row.transaction_id, row.global_position) : null;
  }

  async countEventsAfter(after: Position | null, cap: number): Promise<number> {
    if (!Number.isInteger(cap) || cap <= 0) throw new TypeError(`invalid cap: ${cap}`);
    const { transactionId, globalPosition } = decodePosition(after);
    const result = await this.pool.query<{ n: number }>({ name: 'es_count_after', text: COUNT_AFTER_SQL, values: [transactionId, globalPosition, cap] });
    return result.rows[0]?.n ?? 0;
  }

  async verifyStream(streamId: string, options: VerifyOptions = {}): Promise<ChainVerification> {
    const verifier = new ChainVerifier(options.misfit);
    let lastRevision = -1;
    let head: StreamHead | null = null;
    let started = false;
    for (;;) {
      const page = await this.pool.query<VerifyRow>(VERIFY_STREAM_SQL, [streamId, String(lastRevision)]);
      for (const row of page.rows) {
        if (!started) {
          verifier.beginStream(streamId);
          started = true;
        }
        if (!verifier.push(toVerifiable(row))) return verifier.result();
        lastRevision = Number(row.stream_revision);
        head = toHead(row);
      }
      if (page.rows.length < VERIFY_PAGE) break;
    }
    if (!started) {
      // No events: fine, unless the stream head says there should be some.
      const orphan = await this.pool.query<{ revision: string; last_hash: string }>(
        'SELECT s.revision::text AS revision, s.last_hash FROM es_streams s WHERE s.stream_id = $1 AND s.revision >= 0',
        [streamId],
      );
      const row = orphan.rows[0];
      if (!row) return verifier.result();
      verifier.beginStream(streamId);
      head = { revision: Number(row.revision), hash: row.last_hash };
    }
    verifier.endStream(head);
    return verifier.result();
  }

  async verifyAll(options: VerifyOptions & { onProgress?: (eventsChecked: number) => void } = {}): Promise<ChainVerification> {
    const verifier = new ChainVerifier(options.misfit);
    let current: string | null = null;
    let head: StreamHead | null = null;
    let after: { streamId: string; revision: string } | null = null;
    for (;;) {
      const page: pg.QueryResult<VerifyRow> = after
        ? await this.pool.query<VerifyRow>(VERIFY_ALL_NEXT_SQL, [after.streamId, after.revision])
        : await this.pool.query<VerifyRow>(VERIFY_ALL_FIRST_SQL);
      for (const row of page.rows) {
        if (row.stream_id !== current) {
          if (current !== null && !verifier.endStream(head)) return verifier.result();
          verifier.beginStream(row.stream_id);
          current = row.stream_id;
        }
        if (!verifier.push(toVerifiable(row))) return verifier.result();
        head = toHead(row);
      }
      const last = page.rows[page.rows.length - 1];
      if (last) after = { streamId: last.stream_id, revision: last.stream_revision };
      options.onProgress?.(verifier.result().eventsChecked);
      if (page.rows.length < VERIFY_PAGE) break;
    }
    if (current !== null && !verifier.endStream(head)) return verifier.result();
    const emptied = await this.pool.query<{ stream_id: string; revision: string; last_hash: string }>(EMPTIED_STREAMS_SQL);
    const orphan = emptied.rows[0];
    if (orphan) {
      verifier.beginStream(orphan.stream_id);
      verifier.endStream({ revision: Number(orphan.revision), hash: orphan.last_hash });
    }
    return verifier.result();
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Stops subscriptions, waits for the last NOTIFY, closes the store's connections (and its own pool). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.notifier.close();
    await this.listener.close();
    if (this.ownsPool) await this.pool.end();
  }

  /** Committed events after `after` are held back by an older, still-open transaction. */
  private async heldBack(after: Position | null): Promise<boolean> {
    const { transactionId, globalPosition } = decodePosition(after);
    const result = await this.pool.query<{ held_back: boolean }>({ name: 'es_held_back', text: HELD_BACK_SQL, values: [transactionId, globalPosition] });
    return result.rows[0]?.held_back ?? false;
  }

  private async readAllAfter(after: Position | null, limit: number): Promise<ReadAllResult> {
    if (!Number.isInteger(limit) || limit <= 0) throw new TypeError(`invalid limit: ${limit}`);
    const { transactionId, globalPosition } = decodePosition(after);
    const result = await this.pool.query<EventRow>({
      name: 'es_read_all',
      text: READ_ALL_SQL,
      values: [transactionId, globalPosition, limit],
    });
    const events = result.rows.map(toRecordedEvent);
    const last = events[events.length - 1];
    return { events, position: last ? last.position : (after ?? null) };
  }

  private appended(): void {
    this.signal.wake();
    if (this.notifyMode === 'after_commit') this.notifier.poke();
  }

  /**
   * The fast path. Resolves undefined when it wrote nothing: the stream was not at the expected revision,
   * or the event id is already recorded. The general path then decides, as for any append: a re-send, an
   * id conflict, a wrong expected revision (with the actual one), or an append after all if the stream
   * has reached the expected revision meanwhile.
   */
  private async appendOne(prepared: PreparedAppend, statement: pg.QueryConfig): Promise<AppendResult | undefined> {
    let row: AppendOneRow | undefined;
    try {
      row = (await this.pool.query<AppendOneRow>(statement)).rows[0];
    } catch (error) {
      if (error instanceof pg.DatabaseError && error.code === '23505' && error.constraint === EVENT_ID_UNIQUE_CONSTRAINT) {
        return undefined;
      }
      throw error;
    }
    if (!row) return undefined;
    this.appended();
    return toAppendResult(prepared.streamId, { ...row, duplicate: false });
  }

  /** The store's own refusals as the port's errors: a wrong expected revision and ids recorded elsewhere. */
  private raiseAppendError(error: unknown, prepared: PreparedAppend): never {
    if (error instanceof pg.DatabaseError) {
      if (error.code === SQLSTATE_WRONG_EXPECTED_REVISION) {
        const actual = error.detail === undefined || error.detail === 'null' ? null : Number(error.detail);
        throw new WrongExpectedRevisionError(prepared.streamId, prepared.expected, actual);
      }
      if (error.code === SQLSTATE_EVENT_ID_CONFLICT) {
        throw new EventIdConflictError(prepared.streamId, error.detail ? error.detail.split(',') : prepared.eventIds);
      }
    }
    throw error;
  }

  /**
   * A refused multi-stream append: which stream was off its revision is found by reading the heads again (only on
   * this rare path; revisions only grow, so a stream found off its expectation now was off it then).
   */
  private async raiseMultiAppendError(error: unknown, prepared: readonly PreparedAppend[]): Promise<never> {
    if (error instanceof pg.DatabaseError && error.code === SQLSTATE_WRONG_EXPECTED_REVISION) {
      for (const append of prepared) {
        const actual = await this.streamRevision(append.streamId);
        if (!meetsExpectation(append.expected, actual)) throw new WrongExpectedRevisionError(append.streamId, append.expected, actual);
      }
    }
    return this.raiseAppendError(error, prepared[0]!);
  }

  private async recoverAppendError(error: unknown, prepared: PreparedAppend): Promise<AppendResult> {
    if (error instanceof pg.DatabaseError) {
      if (error.code === SQLSTATE_WRONG_EXPECTED_REVISION || error.code === SQLSTATE_EVENT_ID_CONFLICT) this.raiseAppendError(error, prepared);
      if (error.code === '23505' && error.constraint === EVENT_ID_UNIQUE_CONSTRAINT) {
        // An id was recorded by a transaction that committed while ours ran: decide as a re-send would.
        let original: AppendRow | undefined;
        try {
          original = (await this.pool.query<AppendRow>(FIND_APPEND_SQL, [prepared.streamId, eventsJson(prepared)])).rows[0];
        } catch (lookupError) {
          if (lookupError instanceof pg.DatabaseError && lookupError.code === SQLSTATE_EVENT_ID_CONFLICT) {
            throw new EventIdConflictError(
              prepared.streamId,
              lookupError.detail ? lookupError.detail.split(',') : prepared.eventIds,
            );
          }
          throw lookupError;
        }
        if (original) return toAppendResult(prepared.streamId, original);
      }
    }
    throw error;
  }

  /**
   * Runs an append statement again, in a new transaction, while the store answers that its transaction was older than
   * a stream's last writer (ES003, schema.ts): the new transaction's id is newer than every committed one, so the
   * global order stays in step with the streams' revisions. Each attempt waited behind a commit, so this ends.
   */
  private async inNewTransactionIfAsked<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof pg.DatabaseError && error.code === SQLSTATE_RETRY_IN_NEW_TRANSACTION) || attempt >= MAX_NEW_TRANSACTION_ATTEMPTS) throw error;
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the event store is closed');
  }
}
