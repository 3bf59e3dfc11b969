import type { Position, StreamRevision } from '../event-store.port.js';
import { leafHash, MerkleAccumulator } from './merkle.js';
import { eventLeafData, headsRootOf, type Seal, type SealHead, type SealRecord, verifySealSignature } from './seal.js';

/**
 * What verification found behind a seal:
 * - `deleted`: the seal saw revisions of a stream the store no longer has up to the seal's position (a tail, or the
 *   whole stream with its head);
 * - `recomputed`: the stream ends at the sealed revision but with another hash: it was rewritten and its chain
 *   recomputed;
 * - `appended`: the store has revisions at or before the seal's position that the seal did not see;
 * - `reordered`: every stream ends as sealed, yet the global order up to the seal differs (events moved);
 * - `seal`: a seal itself is wrong: a bad signature, another key, a gap in the sequence, a broken link between
 *   seals, a printed seal the store does not hold, changed heads that do not rebuild the signed heads root.
 */
export type SealFindingKind = 'deleted' | 'recomputed' | 'appended' | 'reordered' | 'seal';

export interface SealFinding {
  readonly kind: SealFindingKind;
  /** The seal it was found against. */
  readonly seal: number;
  readonly streamId: string | null;
  /** The first revision concerned (for `deleted` and `appended`, the range runs to `toRevision`). */
  readonly revision: StreamRevision | null;
  readonly toRevision: StreamRevision | null;
  readonly message: string;
}

export interface SealVerification {
  readonly intact: boolean;
  readonly sealsChecked: number;
  readonly eventsChecked: number;
  readonly latest: { readonly sequence: number; readonly treeSize: number; readonly position: Position | null; readonly rootHash: string; readonly sealedAt: string } | null;
  /** Events after the latest seal's position: not sealed yet (not a finding). */
  readonly unsealedEvents: number;
  readonly findings: readonly SealFinding[];
}

/** The fields of an event the tree covers. */
export interface LeafEvent {
  readonly position: Position;
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly id: string;
  readonly hash: string;
}

interface Checkpoint {
  readonly seal: Seal;
  /** Null for a printed seal the store does not hold: only its root can be checked. */
  readonly headsChanged: readonly SealHead[] | null;
}

/**
 * Checks events, fed in the store's global order, against seals. A seal is judged when the first event after its
 * position arrives (or at the end): the leaves so far must give its root, and every stream's end must be the head
 * it sealed. Adapter-independent; the standalone verifier (verifier/verify.mjs) does the same over a bundle.
 */
export class SealChecker {
  private readonly checkpoints: Checkpoint[];
  private readonly findings: SealFinding[] = [];
  private readonly reported = new Set<string>();
  private readonly tree = new MerkleAccumulator();
  private readonly actual = new Map<string, { revision: number; hash: string }>();
  private readonly sealed = new Map<string, { revision: number; hash: string }>();
  private dirty = new Set<string>();
  private next = 0;
  private rootBroken = false;
  private events = 0;
  private unsealed = 0;
  private firstOfInterval: LeafEvent | null = null;
  private lastOfInterval: LeafEvent | null = null;

  /**
   * @param records the store's seals, in sequence order
   * @param publicKeyRaw the key the verifier trusts (from the configuration or a department's copy)
   * @param printed seals kept outside the register (`cli seal --print`): each must be in the store as printed
   */
  constructor(records: readonly SealRecord[], publicKeyRaw: Buffer, printed: readonly Seal[] = []) {
    const bySequence = new Map<number, Checkpoint>(records.map((r) => [r.seal.sequence, { seal: r.seal, headsChanged: r.headsChanged }]));
    for (const seal of printed) {
      const held = bySequence.get(seal.sequence);
      if (!held) {
        this.report('seal', seal.sequence, null, null, null, `seal ${seal.sequence} (printed, sealed ${seal.sealedAt}) is not in the store: seals were deleted`);
        bySequence.set(seal.sequence, { seal, headsChanged: null });
      } else if (held.seal.rootHash !== seal.rootHash || held.seal.signature !== seal.signature || held.seal.treeSize !== seal.treeSize) {
        this.report('seal', seal.sequence, null, null, null, `seal ${seal.sequence} in the store differs from the printed one (root ${held.seal.rootHash}, printed ${seal.rootHash})`);
        bySequence.set(seal.sequence, { seal, headsChanged: null });
      }
    }
    this.checkpoints = [...bySequence.values()].sort((a, b) => a.seal.sequence - b.seal.sequence);
    let previous: Seal | null = null;
    for (const [index, { seal }] of this.checkpoints.entries()) {
      if (!verifySealSignature(seal, publicKeyRaw)) {
        this.report('seal', seal.sequence, null, null, null, `seal ${seal.sequence}: the signature does not verify with the trusted key`);
      }
      if (seal.sequence !== index + 1) this.report('seal', seal.sequence, null, null, null, `seal ${index + 1} is missing: seals run ${previous?.sequence ?? 0} then ${seal.sequence}`);
      if (previous && seal.previousRootHash !== previous.rootHash) {
        this.report('seal', seal.sequence, null, null, null, `seal ${seal.sequence} does not link to seal ${previous.sequence}'s root`);
      }
      if (previous && (seal.treeSize < previous.treeSize || (seal.position ?? '') < (previous.position ?? ''))) {
        this.report('seal', seal.sequence, null, null, null, `seal ${seal.sequence} covers less than seal ${previous.sequence}`);
      }
      previous = seal;
    }
  }

  /** The next event in global order. */
  push(event: LeafEvent): void {
    while (this.next < this.checkpoints.length) {
      const position = this.checkpoints[this.next]!.seal.position;
      if (position !== null && event.position <= position) break;
      this.judge(this.checkpoints[this.next++]!);
    }
    if (this.next >= this.checkpoints.length) this.unsealed++;
    this.events++;
    this.tree.push(leafHash(eventLeafData(event)));
    // A stream's end is its highest revision, wherever the global order put it.
    const before = this.actual.get(event.streamId);
    if (!before || event.revision > before.revision) this.actual.set(event.streamId, { revision: event.revision, hash: event.hash });
    this.dirty.add(event.streamId);
    this.firstOfInterval ??= event;
    this.lastOfInterval = event;
  }

  result(): SealVerification {
    while (this.next < this.checkpoints.length) this.judge(this.checkpoints[this.next++]!);
    const last = this.checkpoints[this.checkpoints.length - 1]?.seal;
    return {
      intact: this.findings.length === 0,
      sealsChecked: this.checkpoints.length,
      eventsChecked: this.events,
      latest: last ? { sequence: last.sequence, treeSize: last.treeSize, position: last.position, rootHash: last.rootHash, sealedAt: last.sealedAt } : null,
      unsealedEvents: this.unsealed,
      findings: this.findings,
    };
  }

  private judge({ seal, headsChanged }: Checkpoint): void {
    const streams = new Set(this.dirty);
    if (headsChanged) {
      for (const head of headsChanged) {
        this.sealed.set(head.streamId, { revision: head.revision, hash: head.hash });
        streams.add(head.streamId);
      }
    }
    let headFindings = 0;
    if (headsChanged) {
      for (const streamId of streams) headFindings += this.compareHead(seal.sequence, streamId);
    }
    const root = this.tree.root().toString('hex');
    if ((root !== seal.rootHash || this.tree.size !== seal.treeSize) && !this.rootBroken) {
      this.rootBroken = true;
      if (headFindings === 0) {
        const from = this.firstOfInterval;
        const to = this.lastOfInterval;
        const range = from && to ? ` (between ${from.streamId}@${from.revision} and ${to.streamId}@${to.revision})` : '';
        const size = this.tree.size;
        // Every stream ends as sealed: the count says whether events behind the seal went, came or moved.
        const kind: SealFindingKind = size < seal.treeSize ? 'deleted' : size > seal.treeSize ? 'appended' : 'reordered';
        const what = kind === 'deleted' ? 'events behind it were deleted' : kind === 'appended' ? 'events were added behind it' : 'events behind it were reordered, moved or replaced';
        this.report(
          kind,
          seal.sequence,
          from?.streamId ?? null,
          from?.revision ?? null,
          to?.revision ?? null,
          `seal ${seal.sequence}: ${size} events up to ${seal.position ?? 'the start'} do not give its root (${seal.treeSize} sealed) although every stream ends as sealed: ${what}${range}`,
        );
      }
    }
    const isLast = seal.sequence === this.checkpoints[this.checkpoints.length - 1]?.seal.sequence;
    if (isLast && headsChanged && this.checkpoints.every((c) => c.headsChanged !== null)) {
      const heads = [...this.sealed].map(([streamId, h]) => ({ streamId, ...h }));
      if (heads.length !== seal.headsCount || headsRootOf(heads).toString('hex') !== seal.headsRoot) {
        this.report('seal', seal.sequence, null, null, null, `the recorded stream heads do not rebuild seal ${seal.sequence}'s signed heads root: the seal records were edited`);
      }
    }
    this.dirty = new Set();
    this.firstOfInterval = null;
    this.lastOfInterval = null;
  }

  private compareHead(sequence: number, streamId: string): number {
    const sealed = this.sealed.get(streamId);
    const actual = this.actual.get(streamId);
    if (sealed && !actual) {
      return this.report('deleted', sequence, streamId, 0, sealed.revision, `seal ${sequence}: stream ${streamId} had revisions 0..${sealed.revision}; the store has none (the stream was deleted)`);
    }
    if (!sealed && actual) {
      return this.report('appended', sequence, streamId, 0, actual.revision, `seal ${sequence}: stream ${streamId} revisions 0..${actual.revision} are at or before the seal's position but were not sealed`);
    }
    if (!sealed || !actual) return 0;
    if (actual.revision < sealed.revision) {
      return this.report('deleted', sequence, streamId, actual.revision + 1, sealed.revision, `seal ${sequence}: stream ${streamId} revisions ${actual.revision + 1}..${sealed.revision} were sealed and are gone`);
    }
    if (actual.revision > sealed.revision) {
      return this.report('appended', sequence, streamId, sealed.revision + 1, actual.revision, `seal ${sequence}: stream ${streamId} revisions ${sealed.revision + 1}..${actual.revision} are at or before the seal's position but were not sealed`);
    }
    if (actual.hash !== sealed.hash) {
      return this.report('recomputed', sequence, streamId, sealed.revision, sealed.revision, `seal ${sequence}: stream ${streamId} ends at revision ${sealed.revision} with hash ${actual.hash}, sealed ${sealed.hash}: the stream was rewritten`);
    }
    return 0;
  }

  private report(kind: SealFindingKind, seal: number, streamId: string | null, revision: number | null, toRevision: number | null, message: string): number {
    const key = kind === 'seal' ? message : `${kind}\n${streamId ?? `#${seal}`}`;
    if (this.reported.has(key)) return 1;
    this.reported.add(key);
    this.findings.push({ kind, seal, streamId, revision, toRevision, message });
    return 1;
  }
}
