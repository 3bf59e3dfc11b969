import { type ChainBreak, type ChainVerification, comparePositions, type MisfitCheck, type Position, type RecordedEvent, type StreamRevision } from './event-store.port.js';
import { chainHash, contentHash, GENESIS_HASH } from './hash-chain.js';

/** An event as read back for verification. */
export interface VerifiableEvent {
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly id: string;
  readonly position: Position;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: RecordedEvent['metadata'];
  /** The content hash the store recorded, where the adapter keeps one (Postgres does). */
  readonly storedContentHash?: string;
}

/** What the store believes the stream's end is, where the adapter keeps one (Postgres: `es_streams`). */
export interface StreamHead {
  readonly revision: StreamRevision;
  readonly hash: string;
}

interface Predecessor {
  readonly event: VerifiableEvent;
  /** The chain hash recomputed from the event's own fields. */
  readonly recomputedHash: string;
}

/**
 * Walks events in (stream, revision) order and stops at the first broken link. Adapter-independent:
 * both adapters feed it what they read back.
 *
 * Checks, per event, in this order:
 * 1. `revision_gap`: revisions run 0, 1, 2, ... without holes; `position_out_of_order`: each event's global position
 *    is after its predecessor's (the chain does not cover positions, and projections apply events in their order).
 * 2. The link to the predecessor (the first event links to GENESIS_HASH). Let R be the predecessor's
 *    hash recomputed from its fields, and H its recorded `hash`:
 *    - H = R and `prevHash` = R: the link holds;
 *    - H = R but `prevHash` differs: `prev_hash_mismatch` here;
 *    - H != R and `prevHash` = H: the predecessor's content (with its content hash) was rewritten, the
 *      rest of the chain still agrees with H: `content_hash_mismatch` on the predecessor;
 *    - H != R otherwise (typically its `hash` column was rewritten and this event still links to R):
 *      `prev_hash_mismatch` here.
 * 3. `content_hash_mismatch`: the event's content (type, data, metadata as read back) hashes to the
 *    recorded content hash (or, where the adapter records none, the chain hash equals `hash`).
 *
 * At the end of a stream, nothing links to the last event, so its recorded `hash` is compared with the
 * recomputed one directly (`content_hash_mismatch`). Where the adapter keeps a stream head, the head must
 * name the last event's revision (a truncated stream is a `revision_gap`) and hash (`prev_hash_mismatch`).
 */
export class ChainVerifier {
  /** @param misfit optional check that each event belongs in its stream (see VerifyOptions). */
  constructor(private readonly misfit?: MisfitCheck) {}

  private streams = 0;
  private events = 0;
  private broken: ChainBreak | null = null;
  private streamId: string | null = null;
  private predecessor: Predecessor | null = null;

  get intact(): boolean {
    return this.broken === null;
  }

  /** Checks the next event; returns false once a break has been found (stop feeding then). */
  push(event: VerifiableEvent): boolean {
    if (this.broken) return false;
    if (event.streamId !== this.streamId) {
      throw new Error(`event of ${event.streamId} pushed while verifying ${String(this.streamId)}: call beginStream() first`);
    }
    this.events++;
    const previous = this.predecessor;
    const expectedRevision = previous ? previous.event.revision + 1 : 0;
    if (event.revision !== expectedRevision) {
      return this.fail(event, 'revision_gap', String(expectedRevision), String(event.revision));
    }
    if (previous && comparePositions(event.position, previous.event.position) <= 0) {
      return this.fail(event, 'position_out_of_order', `after ${previous.event.position}`, event.position);
    }

    if (!previous) {
      if (event.metadata.prevHash !== GENESIS_HASH) {
        return this.fail(event, 'prev_hash_mismatch', GENESIS_HASH, event.metadata.prevHash);
      }
    } else {
      const recomputed = previous.recomputedHash;
      const recorded = previous.event.metadata.hash;
      if (recorded !== recomputed) {
        // The predecessor's fields no longer hash to its recorded hash. If this event still links to the
        // recorded hash, the predecessor's content was rewritten; otherwise its hash column was.
        if (event.metadata.prevHash === recorded) {
          return this.fail(previous.event, 'content_hash_mismatch', recorded, recomputed);
        }
        return this.fail(event, 'prev_hash_mismatch', recomputed, event.metadata.prevHash === recomputed ? recorded : event.metadata.prevHash);
      }
      if (event.metadata.prevHash !== recomputed) {
        return this.fail(event, 'prev_hash_mismatch', recomputed, event.metadata.prevHash);
      }
    }

    const content = contentHash(event);
    const recomputedHash = chainHash(event.metadata.prevHash, event.streamId, event.revision, content);
    if (event.storedContentHash !== undefined) {
      if (event.storedContentHash !== content) {
        return this.fail(event, 'content_hash_mismatch', event.storedContentHash, content);
      }
    } else if (event.metadata.hash !== recomputedHash) {
      return this.fail(event, 'content_hash_mismatch', event.metadata.hash, recomputedHash);
    }
    this.predecessor = { event, recomputedHash };
    const misfit = this.misfit?.(event.streamId, event.type);
    if (misfit) return this.fail(event, misfit.reason, misfit.message, event.type);
    return true;
  }

  /** Starts a stream. */
  beginStream(streamId: string): void {
    if (this.streamId !== null) throw new Error(`stream ${this.streamId} was not ended`);
    this.streamId = streamId;
    this.predecessor = null;
    this.streams++;
  }

  /** Ends the current stream: checks the last event's own hash and, if given, the stream head. */
  endStream(head?: StreamHead | null): boolean {
    const streamId = this.streamId;
    this.streamId = null;
    const last = this.predecessor;
    this.predecessor = null;
    if (this.broken || streamId === null) return !this.broken;
    if (last) {
      if (last.event.metadata.hash !== last.recomputedHash) {
        return this.fail(last.event, 'content_hash_mismatch', last.recomputedHash, last.event.metadata.hash);
      }
    }
    if (head) {
      const lastRevision = last ? last.event.revision : -1;
      const where: Pick<ChainBreak, 'streamId' | 'revision' | 'eventId' | 'position'> = last
        ? { streamId, revision: last.event.revision, eventId: last.event.id, position: last.event.position }
        : { streamId, revision: 0, eventId: '', position: '' };
      if (head.revision !== lastRevision) {
        return this.failAt(where, 'revision_gap', String(head.revision), String(lastRevision));
      }
      if (last && head.hash !== last.event.metadata.hash) {
        return this.failAt(where, 'prev_hash_mismatch', head.hash, last.event.metadata.hash);
      }
    }
    return true;
  }

  result(): ChainVerification {
    return {
      intact: this.broken === null,
      streamsChecked: this.streams,
      eventsChecked: this.events,
      firstBreak: this.broken,
    };
  }

  private fail(event: VerifiableEvent, reason: ChainBreak['reason'], expected: string, actual: string): false {
    return this.failAt(
      { streamId: event.streamId, revision: event.revision, eventId: event.id, position: event.position },
      reason,
      expected,
      actual,
    );
  }

  private failAt(
    where: Pick<ChainBreak, 'streamId' | 'revision' | 'eventId' | 'position'>,
    reason: ChainBreak['reason'],
    expected: string,
    actual: string,
  ): false {
    this.broken = { ...where, reason, expected, actual };
    return false;
  }
}
