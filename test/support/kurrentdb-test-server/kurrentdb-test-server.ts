/**
 * A TEST HARNESS, NOT AN EVENT STORE. An in-memory gRPC server that speaks the subset of the KurrentDB protocol the
 * register's adapter (libs/eventstore/src/kurrentdb) uses, so that the shared contract suite can run in `npm test`
 * on machines where KurrentDB cannot run. It is built from the service definitions that ship, generated, inside
 * `@kurrent/kurrentdb-client` (generated/kurrentdb/protocols/v1 and v2), never exported from libs/, and keeps
 * nothing on disk.
 *
 * Speaks: ServerFeatures.GetSupportedMethods; Streams.Append (v1, `appendToStream`); Streams.Read (one stream or $all, forwards or backwards, counts,
 * stream-name and event-type filters by regex or prefix, and $all subscriptions with filtered checkpoints,
 * caught-up and live delivery); StreamsService.AppendSession (the multi-stream append of `multiStreamAppend`).
 * Not spoken (UNIMPLEMENTED): BatchAppend (not offered, so the client uses Append), deletes, persistent subscriptions, projections, gossip.
 *
 * Where it could differ from the real server it follows KurrentDB's documentation and the client's own types:
 * - Wrong expected revision on a multi-stream append: the whole session fails, nothing is written, with gRPC
 *   FAILED_PRECONDITION and a `StreamRevisionConflictErrorDetails` (stream, expected, actual; actual -1 = no
 *   stream) in `grpc-status-details-bin`, which is what the client's `convertToCommandError` decodes into
 *   `WrongExpectedVersionError` (dist/utils/CommandError.js; https://docs.kurrent.io/clients/node/ "Appending
 *   events", multi-stream append, server 25.1+). The first stream found off its revision, in request order, is
 *   the one reported.
 * - Idempotent re-appends: the real server recognises a re-sent write by its event ids only "in quick succession"
 *   (https://docs.kurrent.io/clients/node/ "Idempotence"). On the multi-stream append, which is all the adapter
 *   sends, this harness does no such de-duplication at all, so a passing suite proves that the adapter's own id
 *   claims give re-sends their original outcome, which is what it must not leave to the server. On v1 Append it
 *   answers an exact re-send as the documentation describes (see `append`).
 * - $all positions: every event has a commit and a prepare position; the events of one write share the commit
 *   position (here: the prepare position of the write's first event) and have increasing prepare positions, so
 *   (commit, prepare) orders $all. Reads forwards from a position include the event at it; reads backwards and
 *   subscriptions start strictly after (before) it (https://docs.kurrent.io/clients/node/ "Reading events",
 *   "Catch-up subscriptions").
 * - Catch-up to live: a subscription sends its confirmation, the events after its start, a `caughtUp` message,
 *   then live events as they are committed, never one twice or out of order.
 * - Filtered checkpoints: with a filter, a checkpoint (the position of the last event scanned, matching or not)
 *   is sent every `checkpointIntervalMultiplier × window` scanned events, window = `maxSearchWindow` or 32
 *   (https://docs.kurrent.io/clients/node/ "Server-side filtering", checkpointReached), so a subscriber whose
 *   filter matches nothing still advances.
 * - Multi-stream append properties (string values) are recorded as the event's JSON custom metadata.
 * - $all holds system events too (here one `$settings` event at start); `excludeSystemEvents()` drops them.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type * as StreamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import type * as SharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import type * as StreamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import type * as FeaturesPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import type * as FeaturesGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import type * as StatusPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb.js';
import type * as V2StreamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_pb.js';
import type * as V2StreamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_grpc_pb.js';
import type * as V2ErrorsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/errors_pb.js';

const require = createRequire(import.meta.url);
const PROTOCOLS = '@kurrent/kurrentdb-client/generated/kurrentdb/protocols';
const streamsPb = require(`${PROTOCOLS}/v1/streams_pb.js`) as typeof StreamsPb;
const sharedPb = require(`${PROTOCOLS}/v1/shared_pb.js`) as typeof SharedPb;
const streamsGrpc = require(`${PROTOCOLS}/v1/streams_grpc_pb.js`) as typeof StreamsGrpc;
const featuresPb = require(`${PROTOCOLS}/v1/serverfeatures_pb.js`) as typeof FeaturesPb;
const featuresGrpc = require(`${PROTOCOLS}/v1/serverfeatures_grpc_pb.js`) as typeof FeaturesGrpc;
const statusPb = require(`${PROTOCOLS}/v1/status_pb.js`) as typeof StatusPb;
const v2StreamsPb = require(`${PROTOCOLS}/v2/streams/streams_pb.js`) as typeof V2StreamsPb;
const v2StreamsGrpc = require(`${PROTOCOLS}/v2/streams/streams_grpc_pb.js`) as typeof V2StreamsGrpc;
const v2ErrorsPb = require(`${PROTOCOLS}/v2/streams/errors_pb.js`) as typeof V2ErrorsPb;
const { Any } = require('google-protobuf/google/protobuf/any_pb.js') as typeof import('google-protobuf/google/protobuf/any_pb.js');
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb.js') as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');

type ReadReq = StreamsPb.ReadReq;
type ReadResp = StreamsPb.ReadResp;

/** One recorded event, as the harness keeps it. */
interface StoredEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  readonly created: bigint;
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Expected revision sentinels of the v2 protocol (the client's multiStreamAppend.js). */
const NO_STREAM = -1n;
const ANY = -2n;
const STREAM_EXISTS = -4n;
const DEFAULT_SEARCH_WINDOW = 32;

function comparePosition(a: { commit: bigint; prepare: bigint }, b: { commit: bigint; prepare: bigint }): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0;
}

interface Filter {
  test(event: StoredEvent): boolean;
  readonly checkpointEvery: number;
}

function readFilter(options: StreamsPb.ReadReq.Options): Filter | null {
  if (!options.hasFilter()) return null;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : null;
  const prefixes = expression.getPrefixList();
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    test(event) {
      const subject = onStream ? event.streamId : event.type;
      if (regex) return regex.test(subject);
      return prefixes.some((prefix) => subject.startsWith(prefix));
    },
    checkpointEvery: Math.max(1, filter.getCheckpointintervalmultiplier() * window),
  };
}

function streamIdentifier(streamId: string): SharedPb.StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8'));
}

function eventMessage(event: StoredEvent): ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(event.id))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(String(event.revision))
    .setPreparePosition(String(event.prepare))
    .setCommitPosition(String(event.commit))
    .setCustomMetadata(event.customMetadata)
    .setData(event.data);
  recorded.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', String(event.created));
  const read = new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(String(event.commit));
  return new streamsPb.ReadResp().setEvent(read);
}

function checkpointMessage(position: { commit: bigint; prepare: bigint }): ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint().setCommitPosition(String(position.commit)).setPreparePosition(String(position.prepare));
  return new streamsPb.ReadResp().setCheckpoint(checkpoint);
}

function now(): InstanceType<typeof Timestamp> {
  return Timestamp.fromDate(new Date());
}

/** Writes with backpressure: waits for 'drain' when the call's buffer is full. */
async function send(call: grpc.ServerWritableStream<ReadReq, ReadResp>, message: ReadResp): Promise<void> {
  if (!call.write(message)) await new Promise<void>((resolve) => call.once('drain', () => resolve()));
}

interface Live {
  wake(): void;
  /** Ends the subscription's call normally (status OK), as `endSubscriptions` asks. */
  end(): void;
}

export interface KurrentDbTestServerOptions {
  /** Port to listen on (127.0.0.1); 0 picks a free one. */
  readonly port?: number;
}

export class KurrentDbTestServer {
  private server: grpc.Server;
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly live = new Set<Live>();
  private nextPosition = 0n;
  private boundPort = 0;
  /** Every gRPC method called, for tests that check what the adapter asks for. */
  readonly calls: string[] = [];

  private constructor() {
    this.server = this.build();
  }

  /** A gRPC server speaking the harness's services over this instance's log. */
  private build(): grpc.Server {
    const server = new grpc.Server();
    server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<FeaturesPb.SupportedMethods>) => {
        this.calls.push('ServerFeatures.GetSupportedMethods');
        const methods = [
          ['event_store.client.streams.streams', 'read'],
          ['event_store.client.streams.streams', 'append'],
          ['kurrentdb.protocol.v2.streams.streamsservice', 'appendsession'],
        ].map(([service, method]) => new featuresPb.SupportedMethod().setServiceName(service!).setMethodName(method!));
        callback(null, new featuresPb.SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('25.1.0'));
      },
    });
    const unimplemented = (name: string) => (call: { on?: unknown }, callback?: (error: grpc.ServiceError | null) => void) => {
      this.calls.push(name);
      const error = Object.assign(new Error(`${name} is not spoken by the test server`), { code: grpc.status.UNIMPLEMENTED, details: `${name} is not spoken by the test server`, metadata: new grpc.Metadata() });
      if (callback) callback(error);
      else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit('error', error);
    };
    server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
        this.calls.push('Streams.Read');
        this.read(call).catch((error: unknown) => call.destroy(error as Error));
      },
      append: (call: grpc.ServerReadableStream<StreamsPb.AppendReq, StreamsPb.AppendResp>, callback: grpc.sendUnaryData<StreamsPb.AppendResp>) => {
        this.calls.push('Streams.Append');
        const requests: StreamsPb.AppendReq[] = [];
        call.on('data', (request: StreamsPb.AppendReq) => requests.push(request));
        call.on('end', () => {
          try {
            callback(null, this.append(requests));
          } catch (error) {
            callback(error as grpc.ServiceError);
          }
        });
      },
      delete: unimplemented('Streams.Delete'),
      tombstone: unimplemented('Streams.Tombstone'),
      batchAppend: unimplemented('Streams.BatchAppend'),
    });
    server.addService(v2StreamsGrpc.StreamsServiceService, {
      appendSession: (call: grpc.ServerReadableStream<V2StreamsPb.AppendRequest, V2StreamsPb.AppendSessionResponse>, callback: grpc.sendUnaryData<V2StreamsPb.AppendSessionResponse>) => {
        this.calls.push('StreamsService.AppendSession');
        const requests: V2StreamsPb.AppendRequest[] = [];
        call.on('data', (request: V2StreamsPb.AppendRequest) => requests.push(request));
        call.on('end', () => {
          try {
            callback(null, this.appendSession(requests));
          } catch (error) {
            callback(error as grpc.ServiceError);
          }
        });
      },
      appendRecords: unimplemented('StreamsService.AppendRecords'),
    });
    return server;
  }

  private bind(port: number): Promise<number> {
    return new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
  }

  static async start(options: KurrentDbTestServerOptions = {}): Promise<KurrentDbTestServer> {
    const server = new KurrentDbTestServer();
    server.boundPort = await server.bind(options.port ?? 0);
    // A system event, as a real server's $all has them, so that filters have something to leave out.
    server.commit([{ streamId: '$settings', events: [{ id: randomUUID(), type: '$settings', contentType: 'application/json', data: Buffer.from('{}'), customMetadata: new Uint8Array() }] }]);
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The connection string the client takes (insecure, single node). */
  get connectionString(): string {
    return `kurrentdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  /** Events in $all, system ones included (for tests of the harness itself). */
  get eventCount(): number {
    return this.log.length;
  }

  /** Stops at once, ending open subscriptions (as a crashed or unreachable server would). */
  async stop(): Promise<void> {
    this.server.forceShutdown();
    for (const live of this.live) live.wake();
  }

  /**
   * Replaces an event's data in place, as someone editing the server's files could: for tests showing that chain
   * verification finds it. A real server offers no such operation.
   */
  rewriteEventData(streamId: string, revision: number, data: unknown): void {
    const stream = this.streams.get(streamId);
    const event = stream?.[revision];
    if (!stream || !event) throw new Error(`no event ${streamId}@${revision}`);
    const rewritten: StoredEvent = { ...event, data: Buffer.from(JSON.stringify(data), 'utf8') };
    stream[revision] = rewritten;
    this.log[this.log.indexOf(event)] = rewritten;
  }

  /** Ends every open subscription's call without an error, as a server may when it drops a subscriber. */
  endSubscriptions(): void {
    for (const live of this.live) live.end();
  }

  /** Stops, then listens again on the same port with the same events (a server restart: connections drop). */
  async restart(): Promise<void> {
    await this.stop();
    this.server = this.build();
    await this.bind(this.boundPort);
  }

  private revisionOf(streamId: string): bigint {
    const stream = this.streams.get(streamId);
    return stream ? BigInt(stream.length - 1) : NO_STREAM;
  }

  /**
   * v1 Append (what `appendToStream` sends when the server offers no BatchAppend, as this one does not). A wrong
   * expected revision is a `WrongExpectedVersion` answer, not a gRPC error, as the client's append.js reads it. A
   * re-send whose ids are exactly the events after its expected revision (or, under `any` / `stream_exists`, the
   * stream's last events) answers success and writes nothing: the idempotence the documentation describes for
   * appends with an expected revision; the real server keeps it for `any` only in quick succession.
   */
  private append(requests: readonly StreamsPb.AppendReq[]): StreamsPb.AppendResp {
    const options = requests[0]?.getOptions();
    if (!options) throw Object.assign(new Error('append without options'), { code: grpc.status.INVALID_ARGUMENT });
    const streamId = Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
    const proposed = requests.slice(1).map((request) => request.getProposedMessage()!);
    const actual = this.revisionOf(streamId);
    const stream = this.streams.get(streamId) ?? [];
    const ids = proposed.map((message) => message.getId()!.getString());
    const expected = options.hasRevision() ? BigInt(options.getRevision()) : options.hasNoStream() ? NO_STREAM : options.hasStreamExists() ? STREAM_EXISTS : ANY;
    const success = (last: StoredEvent | undefined) => {
      const result = new streamsPb.AppendResp.Success().setCurrentRevision(String(last ? last.revision : -1));
      if (last) result.setPosition(new streamsPb.AppendResp.Position().setCommitPosition(String(last.commit)).setPreparePosition(String(last.prepare)));
      return new streamsPb.AppendResp().setSuccess(result);
    };
    const from = expected >= NO_STREAM ? Number(expected) + 1 : stream.length - ids.length;
    const already = from >= 0 ? stream.slice(from, from + ids.length) : [];
    if (ids.length > 0 && already.length === ids.length && already.every((event, i) => event.id === ids[i])) return success(already.at(-1));
    const holds = expected === ANY || (expected === NO_STREAM && actual === NO_STREAM) || (expected === STREAM_EXISTS && actual !== NO_STREAM) || (expected >= 0n && expected === actual);
    if (!holds) {
      const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
      if (actual === NO_STREAM) wrong.setCurrentNoStream(new sharedPb.Empty());
      else wrong.setCurrentRevision(String(actual));
      if (expected >= 0n) wrong.setExpectedRevision(String(expected));
      else if (expected === NO_STREAM) wrong.setExpectedNoStream(new sharedPb.Empty());
      else wrong.setExpectedStreamExists(new sharedPb.Empty());
      return new streamsPb.AppendResp().setWrongExpectedVersion(wrong);
    }
    const written = this.commit([
      {
        streamId,
        events: proposed.map((message, i) => ({
          id: ids[i]!,
          type: message.getMetadataMap().get('type') ?? '',
          contentType: message.getMetadataMap().get('content-type') ?? 'application/octet-stream',
          data: message.getData_asU8(),
          customMetadata: message.getCustomMetadata_asU8(),
        })),
      },
    ]);
    return success(written.get(streamId) ?? stream.at(-1));
  }

  private appendSession(requests: readonly V2StreamsPb.AppendRequest[]): V2StreamsPb.AppendSessionResponse {
    const seen = new Set<string>();
    for (const request of requests) {
      const streamId = request.getStream();
      if (seen.has(streamId)) {
        const details = new v2ErrorsPb.StreamAlreadyInAppendSessionErrorDetails().setStream(streamId);
        throw this.detailedError(grpc.status.INVALID_ARGUMENT, `stream ${streamId} appears twice in the session`, 'StreamAlreadyInAppendSessionErrorDetails', details.serializeBinary());
      }
      seen.add(streamId);
      const expected = BigInt(request.getExpectedRevision() ?? String(ANY));
      const actual = this.revisionOf(streamId);
      const holds = expected === ANY || (expected === NO_STREAM && actual === NO_STREAM) || (expected === STREAM_EXISTS && actual !== NO_STREAM) || (expected >= 0n && expected === actual);
      if (!holds) {
        const details = new v2ErrorsPb.StreamRevisionConflictErrorDetails().setStream(streamId).setExpectedRevision(String(expected)).setActualRevision(String(actual));
        throw this.detailedError(grpc.status.FAILED_PRECONDITION, `stream ${streamId} is at ${actual}, expected ${expected}`, 'StreamRevisionConflictErrorDetails', details.serializeBinary());
      }
    }
    const written = this.commit(
      requests.map((request) => ({
        streamId: request.getStream(),
        events: request.getRecordsList().map((record) => {
          const properties: Record<string, unknown> = {};
          for (const [key, value] of record.getPropertiesMap().entries()) properties[key] = value.toJavaScript();
          const schema = record.getSchema();
          return {
            id: record.getRecordId() ?? randomUUID(),
            type: schema?.getName() ?? '',
            contentType: schema?.getFormat() === v2StreamsPb.SchemaFormat.SCHEMA_FORMAT_JSON ? 'application/json' : 'application/octet-stream',
            data: record.getData_asU8(),
            customMetadata: Buffer.from(JSON.stringify(properties), 'utf8'),
          };
        }),
      })),
    );
    const response = new v2StreamsPb.AppendSessionResponse();
    for (const [streamId, last] of written) {
      response.addOutput(new v2StreamsPb.AppendResponse().setStream(streamId).setStreamRevision(String(last.revision)).setPosition(String(last.commit)));
    }
    const commit = [...written.values()][0]?.commit ?? this.nextPosition;
    return response.setPosition(String(commit));
  }

  /** Records the writes atomically (one transaction, one commit position) and wakes live subscriptions. */
  private commit(writes: ReadonlyArray<{ streamId: string; events: ReadonlyArray<Omit<StoredEvent, 'streamId' | 'revision' | 'created' | 'commit' | 'prepare'>> }>): Map<string, StoredEvent> {
    const commit = this.nextPosition;
    const created = BigInt(Date.now()) * 10_000n + 621_355_968_000_000_000n;
    const last = new Map<string, StoredEvent>();
    for (const write of writes) {
      const stream = this.streams.get(write.streamId) ?? [];
      for (const event of write.events) {
        const stored: StoredEvent = { ...event, streamId: write.streamId, revision: stream.length, created, commit, prepare: this.nextPosition };
        // Roughly the bytes a record takes in the log, so positions look like a real server's offsets.
        this.nextPosition += BigInt(128 + stored.data.length + stored.customMetadata.length + write.streamId.length);
        stream.push(stored);
        this.log.push(stored);
        last.set(write.streamId, stored);
      }
      this.streams.set(write.streamId, stream);
    }
    this.nextPosition += 64n;
    for (const live of this.live) live.wake();
    return last;
  }

  private detailedError(code: grpc.status, message: string, detailsType: string, value: Uint8Array): grpc.ServiceError {
    const any = new Any();
    any.setTypeUrl(`type.googleapis.com/kurrentdb.protocol.v2.streams.errors.${detailsType}`);
    any.setValue(value);
    const status = new statusPb.Status().setCode(code as number as ReturnType<StatusPb.Status['getCode']>).setMessage(message).setDetails(any);
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
    return Object.assign(new Error(message), { code, details: message, metadata });
  }

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const options = call.request.getOptions();
    if (!options) throw new Error('read without options');
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const count = options.hasCount() ? Number(options.getCount()) : Number.MAX_SAFE_INTEGER;
    const filter = readFilter(options);
    if (options.hasStream()) {
      await this.readStream(call, options.getStream()!, backwards, count);
    } else if (options.hasSubscription()) {
      await this.subscribeToAll(call, options.getAll()!, filter);
    } else {
      await this.readAll(call, options.getAll()!, backwards, count, filter);
    }
  }

  private async readStream(call: grpc.ServerWritableStream<ReadReq, ReadResp>, options: StreamsPb.ReadReq.Options.StreamOptions, backwards: boolean, count: number): Promise<void> {
    const streamId = Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
    const stream = this.streams.get(streamId);
    if (!stream) {
      call.write(new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamId))));
      call.end();
      return;
    }
    let from: number;
    if (options.hasStart()) from = backwards ? -1 : 0;
    else if (options.hasEnd()) from = backwards ? stream.length - 1 : stream.length;
    else from = Number(options.getRevision());
    const selected = backwards ? stream.slice(0, Math.min(from, stream.length - 1) + 1).reverse() : stream.slice(from);
    for (const event of selected.slice(0, count)) await send(call, eventMessage(event));
    call.end();
  }

  /** Index of the first log entry at or after `position` (forwards reads include the event at it). */
  private indexAtOrAfter(position: { commit: bigint; prepare: bigint }): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comparePosition(this.log[middle]!, position) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private position(options: StreamsPb.ReadReq.Options.AllOptions): { commit: bigint; prepare: bigint } | 'start' | 'end' {
    if (options.hasStart()) return 'start';
    if (options.hasEnd()) return 'end';
    const position = options.getPosition()!;
    return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
  }

  private async readAll(call: grpc.ServerWritableStream<ReadReq, ReadResp>, options: StreamsPb.ReadReq.Options.AllOptions, backwards: boolean, count: number, filter: Filter | null): Promise<void> {
    const from = this.position(options);
    let sent = 0;
    if (backwards) {
      // Backwards from a position: the events before it.
      let index = from === 'end' ? this.log.length - 1 : from === 'start' ? -1 : this.indexAtOrAfter(from) - 1;
      for (; index >= 0 && sent < count; index--) {
        const event = this.log[index]!;
        if (filter && !filter.test(event)) continue;
        await send(call, eventMessage(event));
        sent++;
      }
    } else {
      let index = from === 'start' ? 0 : from === 'end' ? this.log.length : this.indexAtOrAfter(from);
      for (; index < this.log.length && sent < count; index++) {
        const event = this.log[index]!;
        if (filter && !filter.test(event)) continue;
        await send(call, eventMessage(event));
        sent++;
      }
    }
    call.end();
  }

  private async subscribeToAll(call: grpc.ServerWritableStream<ReadReq, ReadResp>, options: StreamsPb.ReadReq.Options.AllOptions, filter: Filter | null): Promise<void> {
    const from = this.position(options);
    // A subscription starts strictly after its position.
    let index = from === 'start' ? 0 : from === 'end' ? this.log.length : this.indexAtOrAfter(from);
    if (typeof from === 'object' && index < this.log.length && comparePosition(this.log[index]!, from) === 0) index++;
    let cancelled = false;
    let ended = false;
    let wake: () => void = () => undefined;
    const live: Live = {
      wake: () => wake(),
      end: () => {
        ended = true;
        wake();
      },
    };
    call.on('cancelled', () => {
      cancelled = true;
      wake();
    });
    this.live.add(live);
    try {
      call.write(new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
      let scanned = 0;
      let caughtUp = false;
      while (!cancelled && !ended) {
        while (index < this.log.length && !cancelled && !ended) {
          const event = this.log[index++]!;
          scanned++;
          if (!filter || filter.test(event)) await send(call, eventMessage(event));
          if (filter && scanned % filter.checkpointEvery === 0) await send(call, checkpointMessage(event));
        }
        if (!caughtUp && !cancelled) {
          caughtUp = true;
          const last = this.log[index - 1];
          const message = new streamsPb.ReadResp.CaughtUp().setTimestamp(now());
          if (last) message.setPosition(new streamsPb.ReadResp.Position().setCommitPosition(String(last.commit)).setPreparePosition(String(last.prepare)));
          await send(call, new streamsPb.ReadResp().setCaughtUp(message));
        }
        if (cancelled || ended || !this.live.has(live)) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (index < this.log.length || cancelled || ended) resolve();
        });
        wake = () => undefined;
      }
    } finally {
      this.live.delete(live);
    }
    if (!cancelled) call.end();
  }
}
