import { describe, expect, it } from '@jest/globals';
import { ChainVerifier, type VerifiableEvent } from './chain-verifier.js';
import { chainHash, contentHash, GENESIS_HASH } from './hash-chain.js';

const metadata = {
  actor: { userId: 'u-1', role: 'ADMIN' },
  commandId: 'c-1',
  correlationId: 'c-1',
  causationId: 'c-1',
  recordedAt: '2025-03-01T08:00:00.000Z',
};

/** A correctly chained stream of `count` events, as an adapter would read it back. */
function stream(streamId: string, count: number, withStoredContentHash = true): VerifiableEvent[] {
  const events: VerifiableEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let revision = 0; revision < count; revision++) {
    const content = { type: 'Counted', data: { revision }, metadata };
    const contentHashValue = contentHash(content);
    const hash = chainHash(prevHash, streamId, revision, contentHashValue);
    events.push({
      ...content,
      streamId,
      revision,
      id: `${streamId}-${revision}`,
      position: String(revision).padStart(4, '0'),
      metadata: { ...metadata, prevHash, hash },
      ...(withStoredContentHash ? { storedContentHash: contentHashValue } : {}),
    });
    prevHash = hash;
  }
  return events;
}

function verify(streams: VerifiableEvent[][], head?: (streamId: string) => { revision: number; hash: string }) {
  const verifier = new ChainVerifier();
  for (const events of streams) {
    const streamId = events[0]!.streamId;
    verifier.beginStream(streamId);
    let ok = true;
    for (const event of events) {
      ok = verifier.push(event);
      if (!ok) break;
    }
    if (!ok || !verifier.endStream(head?.(streamId))) break;
  }
  return verifier.result();
}

function withData(event: VerifiableEvent, data: Record<string, unknown>): VerifiableEvent {
  return { ...event, data };
}

describe('ChainVerifier', () => {
  it('finds untouched streams intact and counts them', () => {
    expect(verify([stream('a', 3), stream('b', 2)])).toEqual({
      intact: true,
      streamsChecked: 2,
      eventsChecked: 5,
      firstBreak: null,
    });
  });

  describe('when an event’s data was changed', () => {
    it('names that event with content_hash_mismatch', () => {
      const events = stream('a', 4);
      events[2] = withData(events[2]!, { revision: 99 });
      expect(verify([events]).firstBreak).toMatchObject({
        streamId: 'a',
        revision: 2,
        eventId: 'a-2',
        reason: 'content_hash_mismatch',
        expected: events[2]!.storedContentHash,
      });
    });

    it('names that event even if its content hash was rewritten to match', () => {
      const events = stream('a', 4);
      const forged = withData(events[1]!, { revision: 99 });
      events[1] = { ...forged, storedContentHash: contentHash(forged) };
      expect(verify([events]).firstBreak).toMatchObject({ revision: 1, reason: 'content_hash_mismatch' });
    });

    it('names that event on adapters that record no content hash', () => {
      const events = stream('a', 3, false);
      events[1] = withData(events[1]!, { revision: 99 });
      expect(verify([events]).firstBreak).toMatchObject({ revision: 1, reason: 'content_hash_mismatch' });
    });
  });

  describe('when an event’s hash was rewritten', () => {
    it('reports the next event with prev_hash_mismatch', () => {
      const events = stream('a', 4);
      const original = events[1]!.metadata.hash;
      events[1] = { ...events[1]!, metadata: { ...events[1]!.metadata, hash: 'f'.repeat(64) } };
      expect(verify([events]).firstBreak).toMatchObject({
        revision: 2,
        eventId: 'a-2',
        reason: 'prev_hash_mismatch',
        expected: original,
        actual: 'f'.repeat(64),
      });
    });

    it('reports the last event itself when nothing links to it', () => {
      const events = stream('a', 3);
      events[2] = { ...events[2]!, metadata: { ...events[2]!.metadata, hash: 'f'.repeat(64) } };
      expect(verify([events]).firstBreak).toMatchObject({ revision: 2, reason: 'content_hash_mismatch' });
    });
  });

  it('reports a prevHash that does not link to the predecessor', () => {
    const events = stream('a', 3);
    events[1] = { ...events[1]!, metadata: { ...events[1]!.metadata, prevHash: 'e'.repeat(64) } };
    expect(verify([events]).firstBreak).toMatchObject({ revision: 1, reason: 'prev_hash_mismatch', actual: 'e'.repeat(64) });
  });

  it('reports a first event that does not start from the genesis hash', () => {
    const events = stream('a', 2);
    events[0] = { ...events[0]!, metadata: { ...events[0]!.metadata, prevHash: 'e'.repeat(64) } };
    expect(verify([events]).firstBreak).toMatchObject({ revision: 0, reason: 'prev_hash_mismatch', expected: GENESIS_HASH });
  });

  it('reports a missing event as a revision gap', () => {
    const events = stream('a', 4);
    events.splice(1, 1);
    expect(verify([events]).firstBreak).toMatchObject({ revision: 2, reason: 'revision_gap', expected: '1', actual: '2' });
  });

  it('reports a stream cut short against its recorded head', () => {
    const events = stream('a', 4);
    const head = { revision: 3, hash: events[3]!.metadata.hash };
    expect(verify([events.slice(0, 3)], () => head).firstBreak).toMatchObject({
      revision: 2,
      reason: 'revision_gap',
      expected: '3',
      actual: '2',
    });
  });

  it('reports only the first break, in stream order, and stops there', () => {
    const a = stream('a', 2);
    const b = stream('b', 3);
    b[1] = withData(b[1]!, { revision: 42 });
    const c = stream('c', 2);
    c[0] = withData(c[0]!, { revision: 42 });
    const result = verify([a, b, c]);
    expect(result).toMatchObject({ intact: false, streamsChecked: 2, eventsChecked: 4 });
    expect(result.firstBreak).toMatchObject({ streamId: 'b', revision: 1 });
  });
});
