import { EventIdConflictError, WrongExpectedRevisionError } from './errors.js';
import type { AppendResult, EventMetadata, EventStore, EventToAppend, Position, RecordedEvent } from './event-store.port.js';
import { chainHash, contentHash, GENESIS_HASH, metadataForContent } from './hash-chain.js';

/**
 * Copies a whole event log from one store to another over the port (Postgres to KurrentDB and back): every event in
 * the source's global order, with its id, type, data and audit metadata, appended to its stream at the exact revision
 * it has in the source. The target computes the hash chain itself; since the content and the order in each stream
 * are the same, it computes the same hashes, and the copy checks that it did after every page.
 *
 * Resuming needs no state of its own: the target's `$all`, read against the source's from the start, says how much
 * is there. A target that holds anything but a prefix of the source (another register's events, events written
 * since) is refused before anything is written. An append that reached the target but whose answer was lost is
 * answered as a duplicate when sent again (the ids are the source's), so an interruption at any point resumes cleanly.
 */

export const DEFAULT_COPY_BATCH = 500;

export interface CopyProgress {
  /** counting: sizing the source; checking: comparing what the target holds; copying; done. */
  readonly phase: 'counting' | 'checking' | 'copying' | 'done';
  /** Events the target holds from the source: found there at the start plus copied by this run. */
  readonly eventsDone: number;
  /** Events in the source when the copy started (it copies on to the source's end, so may pass it); null until counted. */
  readonly eventsTotal: number | null;
  /** Events found in the target at the start (a resumed copy). */
  readonly eventsFound: number;
  /** Copy rate of this run. */
  readonly eventsPerSecond: number;
  /** Seconds left at that rate; null until there is a rate and a total. */
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
}

export interface CopyEventsOptions {
  readonly source: EventStore;
  readonly target: EventStore;
  /** Events read from the source per page (the unit that is checked, and after which an abort stops). Default 500. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: CopyProgress) => void;
  /** Stops after the page in flight (its events all written and checked). */
  readonly signal?: AbortSignal;
  /**
   * Counts the source's events for the progress total. Default: reads them through `readAll` (any adapter); an
   * adapter with a cheap count (Postgres's `countEventsAfter`) can be given here.
   */
  readonly countSource?: () => Promise<number>;
  /** How long to wait for appended events to show in the target's `$all` (an older open transaction holds them back). */
  readonly visibilityTimeoutMs?: number;
  /**
   * Write consecutive events of distinct, ascending streams as one multi-stream append (default true): a few round
   * trips per group instead of per stream. Off: one append per run of one stream.
   */
  readonly multiStreamAppends?: boolean;
  /** Monotonic milliseconds (default performance.now). */
  readonly now?: () => number;
}

export interface CopyEventsResult {
  /** Events found already copied in the target at the start. */
  readonly eventsFound: number;
  /** Events this run appended (an append answered as a duplicate counts: it was this source's, in its place). */
  readonly eventsCopied: number;
  /** Appends this run sent (one per run of consecutive events of one stream, or per group of them; see multiStreamAppends). */
  readonly appends: number;
  /** Of them, answered as already recorded (their answer had been lost before an interruption). */
  readonly duplicateAppends: number;
  /** The source's last copied position, and the target's. */
  readonly sourcePosition: Position | null;
  readonly targetPosition: Position | null;
}

/** The target holds events that are not a prefix of this source's log: nothing was written. */
export class CopyTargetNotEmptyError extends Error {
  override readonly name = 'CopyTargetNotEmptyError';
  constructor(
    message: string,
    /** Events of the target, from its start, that matched the source before the first that does not. */
    readonly matched: number,
  ) {
    super(message);
  }
}

/** An event of the source does not hash to its own recorded hash, or the target recorded a different one. */
export class CopyChainMismatchError extends Error {
  override readonly name = 'CopyChainMismatchError';
  constructor(
    message: string,
    readonly streamId: string,
    readonly revision: number,
    readonly eventId: string,
  ) {
    super(message);
  }
}

/** The copy stopped on its signal after a page; running it again resumes it. */
export class CopyAbortedError extends Error {
  override readonly name = 'CopyAbortedError';
  constructor(readonly eventsDone: number) {
    super(`The copy stopped after ${eventsDone} events; run it again to resume`);
  }
}

function describeEvent(event: RecordedEvent): string {
  return `${event.streamId}@${event.revision} (event ${event.id}, ${event.type})`;
}

/** Why a target event is not the source's event at the same place in the log, or null when it is. */
function difference(source: RecordedEvent, target: RecordedEvent): string | null {
  if (source.id.toLowerCase() !== target.id.toLowerCase()) return `it holds event ${target.id} where the source has ${source.id}`;
  if (source.streamId !== target.streamId || source.revision !== target.revision) {
    return `event ${target.id} is at ${target.streamId}@${target.revision}, in the source at ${source.streamId}@${source.revision}`;
  }
  if (source.type !== target.type) return `event ${target.id} has type ${target.type}, in the source ${source.type}`;
  if (source.metadata.prevHash !== target.metadata.prevHash || source.metadata.hash !== target.metadata.hash) {
    return `event ${target.id} has hash ${target.metadata.hash}, in the source ${source.metadata.hash}`;
  }
  return null;
}

/** The source event as it is appended: what was hashed (the chain fields are the target's to compute). */
function toAppend(event: RecordedEvent): EventToAppend {
  return { id: event.id, type: event.type, data: event.data, metadata: metadataForContent(event.metadata) as EventMetadata };
}

/** The source's chain hash of the event, recomputed from its content and its recorded predecessor hash. */
function checkSourceEvent(event: RecordedEvent): void {
  const recomputed = chainHash(event.metadata.prevHash, event.streamId, event.revision, contentHash(event));
  if (recomputed !== event.metadata.hash) {
    throw new CopyChainMismatchError(
      `The source's ${describeEvent(event)} does not hash to its recorded hash (recorded ${event.metadata.hash}, recomputed ${recomputed}): ` +
        'the source was altered; run verify-chain on it. Nothing of it was copied.',
      event.streamId,
      event.revision,
      event.id,
    );
  }
  if (event.revision === 0 && event.metadata.prevHash !== GENESIS_HASH) {
    throw new CopyChainMismatchError(
      `The source's ${describeEvent(event)} opens its stream but does not link to the genesis hash: run verify-chain on the source.`,
      event.streamId,
      event.revision,
      event.id,
    );
  }
}

/** Consecutive events of one stream, appended together. */
function runsOf(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const runs: RecordedEvent[][] = [];
  for (const event of events) {
    const run = runs.at(-1);
    if (run && run[0]!.streamId === event.streamId && run.at(-1)!.revision + 1 === event.revision) run.push(event);
    else runs.push([event]);
  }
  return runs;
}

/** Byte-wise, as Postgres's "C" collation orders the streams of a multi-stream append. */
function streamOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Consecutive runs of distinct streams whose ids ascend, written as one multi-stream append: both adapters then
 * record them in the order given (Postgres writes a multi-stream append in stream id order, KurrentDB in request
 * order), which is the source's. A Postgres source's own multi-stream appends come out of its log in that order too.
 */
function groupsOf(runs: readonly RecordedEvent[][], multiStream: boolean): RecordedEvent[][][] {
  const groups: RecordedEvent[][][] = [];
  for (const run of runs) {
    const group = groups.at(-1);
    if (multiStream && group && streamOrder(group.at(-1)![0]!.streamId, run[0]!.streamId) < 0) group.push(run);
    else groups.push([run]);
  }
  return groups;
}

const expectedBefore = (event: RecordedEvent) => (event.revision === 0 ? ('no_stream' as const) : event.revision - 1);

async function countByReading(store: EventStore, batchSize: number): Promise<number> {
  let count = 0;
  let after: Position | null = null;
  for (;;) {
    const page = await store.readAll({ after, limit: Math.max(batchSize, 1_000) });
    if (page.events.length === 0) return count;
    count += page.events.length;
    after = page.position;
  }
}

/** Copies the source's log into the target (see the file's comment); resolves when the target has all of it. */
export async function copyEvents(options: CopyEventsOptions): Promise<CopyEventsResult> {
  const { source, target, signal } = options;
  const batchSize = options.batchSize ?? DEFAULT_COPY_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new TypeError(`invalid batch size: ${batchSize}`);
  const now = options.now ?? (() => performance.now());
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const started = now();
  let phase: CopyProgress['phase'] = 'counting';
  let total: number | null = null;
  let found = 0;
  let copied = 0;
  let copyStarted = started;
  const report = () => {
    if (!options.onProgress) return;
    const t = now();
    const seconds = (t - copyStarted) / 1000;
    const rate = phase === 'copying' || phase === 'done' ? (seconds > 0 ? copied / seconds : 0) : 0;
    const left = total === null ? null : Math.max(0, total - found - copied);
    options.onProgress({
      phase,
      eventsDone: found + copied,
      eventsTotal: total,
      eventsFound: found,
      eventsPerSecond: rate,
      etaSeconds: left === null || rate <= 0 ? null : left / rate,
      elapsedSeconds: (t - started) / 1000,
    });
  };

  if (options.onProgress) {
    report();
    total = options.countSource ? await options.countSource() : await countByReading(source, batchSize);
  }

  // Where the target stands: its $all against the source's, event by event, from the start.
  phase = 'checking';
  report();
  let sourceAfter: Position | null = null;
  let targetAfter: Position | null = null;
  for (;;) {
    if (signal?.aborted) throw new CopyAbortedError(found);
    const held = await target.readAll({ after: targetAfter, limit: batchSize });
    if (held.events.length === 0) break;
    const expected = await source.readAll({ after: sourceAfter, limit: held.events.length });
    for (const [i, event] of held.events.entries()) {
      const original = expected.events[i];
      const why = original
        ? difference(original, event)
        : `it holds ${describeEvent(event)} after the source's last event`;
      if (why !== null) {
        throw new CopyTargetNotEmptyError(
          `The target holds events that are not this source's (after ${found + i} that are): ${why}. ` +
            'Copy into an empty store, or into the one an interrupted copy of this source left.',
          found + i,
        );
      }
    }
    found += held.events.length;
    sourceAfter = expected.position;
    targetAfter = held.position;
    report();
  }

  phase = 'copying';
  copyStarted = now();
  report();
  let appends = 0;
  let duplicateAppends = 0;
  for (;;) {
    if (signal?.aborted) throw new CopyAbortedError(found + copied);
    const page = await source.readAll({ after: sourceAfter, limit: batchSize });
    if (page.events.length === 0) break;
    for (const event of page.events) checkSourceEvent(event);
    for (const group of groupsOf(runsOf(page.events), options.multiStreamAppends ?? true)) {
      const first = group[0]![0]!;
      let results: readonly AppendResult[];
      try {
        if (group.length === 1) {
          results = [await target.append(first.streamId, group[0]!.map(toAppend), { expectedRevision: expectedBefore(first) })];
        } else {
          const written = await target.appendMany(
            group.map((run) => ({ streamId: run[0]!.streamId, events: run.map(toAppend), expectedRevision: expectedBefore(run[0]!) })),
          );
          results = written.streams;
        }
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) {
          const run = group.find((r) => r[0]!.streamId === error.streamId) ?? group[0]!;
          const expected = expectedBefore(run[0]!);
          throw new CopyTargetNotEmptyError(
            `The target's stream ${error.streamId} is at ${error.actual === null ? 'no stream' : `revision ${error.actual}`} where the copy expected ` +
              `${expected === 'no_stream' ? 'no stream' : `revision ${expected}`}: something else writes to the target. Stop it and run the copy again.`,
            found + copied,
          );
        }
        if (error instanceof EventIdConflictError) {
          throw new CopyTargetNotEmptyError(
            `The target already holds an event id of stream ${error.streamId} elsewhere (${error.eventIds.join(', ')}): it holds events that are not this source's.`,
            found + copied,
          );
        }
        throw error;
      }
      appends++;
      if (results.every((r) => r.duplicate)) duplicateAppends++;
      for (const [i, run] of group.entries()) {
        const last = run.at(-1)!;
        if (results[i]?.nextRevision !== last.revision) {
          throw new CopyChainMismatchError(`The target put ${describeEvent(last)} at revision ${String(results[i]?.nextRevision)}.`, last.streamId, last.revision, last.id);
        }
      }
    }
    // What the target recorded, in its order, against the source: the same events, the same hashes.
    const recorded: RecordedEvent[] = [];
    const deadline = now() + visibilityTimeoutMs;
    while (recorded.length < page.events.length) {
      const read = await target.readAll({ after: targetAfter, limit: page.events.length - recorded.length });
      recorded.push(...read.events);
      targetAfter = read.position;
      if (read.events.length === 0) {
        if (now() > deadline) throw new Error(`The target does not show the events just copied after ${visibilityTimeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    for (const [i, event] of recorded.entries()) {
      const original = page.events[i]!;
      const why = difference(original, event);
      if (why !== null) {
        throw new CopyChainMismatchError(
          `The target recorded ${describeEvent(original)} differently: ${why}. The copy stopped; the target's chain is not the source's.`,
          original.streamId,
          original.revision,
          original.id,
        );
      }
    }
    copied += page.events.length;
    sourceAfter = page.position;
    report();
  }
  phase = 'done';
  report();
  return { eventsFound: found, eventsCopied: copied, appends, duplicateAppends, sourcePosition: sourceAfter, targetPosition: targetAfter };
}
