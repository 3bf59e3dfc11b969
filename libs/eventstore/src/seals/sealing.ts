import type { EventStore, RecordedEvent } from '../event-store.port.js';
import { consistencyProof, leafHash, MerkleAccumulator, rootOf, verifyConsistency } from './merkle.js';
import { SealChecker, type SealVerification } from './seal-checker.js';
import { eventLeafData, headsRootOf, SEAL_FORMAT, type Seal, type SealHead, type SealRecord, type SealSigningKey } from './seal.js';
import { allSeals, type SealStore } from './seal-store.js';

const PAGE = 1_000;

/** Reads the whole global order, a page at a time, handing each event over; resolves to the number read. */
export async function walkGlobalOrder(
  store: Pick<EventStore, 'readAll'>,
  onEvent: (event: RecordedEvent) => void | Promise<void>,
  onProgress?: (eventsRead: number) => void,
): Promise<number> {
  let after: string | null = null;
  let read = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: PAGE });
    for (const event of page.events) {
      const pending = onEvent(event);
      if (pending) await pending;
    }
    read += page.events.length;
    after = page.position;
    onProgress?.(read);
    if (page.events.length < PAGE) return read;
  }
}

function leafEventOf(event: RecordedEvent) {
  return { position: event.position, streamId: event.streamId, revision: event.revision, id: event.id, hash: event.metadata.hash };
}

export interface VerifySealsOptions {
  /** Seals kept outside the register (`cli seal --print`); each must be in the store as printed. */
  readonly printed?: readonly Seal[];
  readonly onProgress?: (eventsRead: number) => void;
}

/** Checks the store's events against its seals (and any printed ones) under the trusted public key. */
export async function verifyStoreSeals(store: Pick<EventStore, 'readAll'>, seals: SealStore, publicKeyRaw: Buffer, options: VerifySealsOptions = {}): Promise<SealVerification> {
  const checker = new SealChecker(await allSeals(seals), publicKeyRaw, options.printed ?? []);
  await walkGlobalOrder(store, (event) => checker.push(leafEventOf(event)), options.onProgress);
  return checker.result();
}

/** Sealing was refused: the store no longer agrees with the seals it holds, and a new seal would cover that up. */
export class SealRefusedError extends Error {
  override readonly name = 'SealRefusedError';
  constructor(readonly verification: SealVerification) {
    super(`the event store does not match its seals (${verification.findings.length} finding(s)); nothing was sealed: ${verification.findings[0]?.message ?? ''}`);
  }
}

export interface SealOutcome {
  readonly record: SealRecord;
  /** False when nothing was appended since the latest seal (the latest is returned). */
  readonly created: boolean;
  readonly verification: SealVerification;
}

export interface SealOptions {
  readonly now: () => Date;
  readonly onProgress?: (eventsRead: number) => void;
}

/**
 * Seals the store as it stands: reads the whole global order, checks it against every seal recorded so far (a store
 * that no longer matches them is refused, never sealed over), then signs and records the next seal over everything
 * read. The position sealed is the last event read, so events committed meanwhile wait for the next seal.
 */
export async function sealEventStore(store: Pick<EventStore, 'readAll'>, seals: SealStore, key: SealSigningKey, options: SealOptions): Promise<SealOutcome> {
  const records = await allSeals(seals);
  const checker = new SealChecker(records, key.publicKeyRaw);
  const tree = new MerkleAccumulator();
  const heads = new Map<string, SealHead>();
  let last: RecordedEvent | null = null;
  await walkGlobalOrder(
    store,
    (event) => {
      checker.push(leafEventOf(event));
      tree.push(leafHash(eventLeafData(leafEventOf(event))));
      heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.metadata.hash });
      last = event;
    },
    options.onProgress,
  );
  const verification = checker.result();
  if (!verification.intact) throw new SealRefusedError(verification);
  const latest = records[records.length - 1] ?? null;
  if (latest && latest.seal.treeSize === tree.size) return { record: latest, created: false, verification };

  const sealedHeads = new Map<string, SealHead>();
  for (const record of records) for (const head of record.headsChanged) sealedHeads.set(head.streamId, head);
  const headsChanged = [...heads.values()].filter((head) => {
    const before = sealedHeads.get(head.streamId);
    return !before || before.revision !== head.revision || before.hash !== head.hash;
  });
  const seal = key.sign({
    format: SEAL_FORMAT,
    sequence: (latest?.seal.sequence ?? 0) + 1,
    treeSize: tree.size,
    position: (last as RecordedEvent | null)?.position ?? null,
    rootHash: tree.root().toString('hex'),
    headsRoot: headsRootOf(heads.values()).toString('hex'),
    headsCount: heads.size,
    previousRootHash: latest?.seal.rootHash ?? null,
    sealedAt: options.now().toISOString(),
    keyId: key.keyId,
  });
  const record: SealRecord = { seal, headsChanged };
  await seals.record(record);
  return { record, created: true, verification };
}

export interface ConsistencyProof {
  readonly older: { readonly sequence: number; readonly treeSize: number; readonly rootHash: string };
  readonly newer: { readonly sequence: number; readonly treeSize: number; readonly rootHash: string };
  /** RFC 6962 PROOF(m, D[n]) over the store's leaves (hex). */
  readonly proof: readonly string[];
  /** The proof checked against the two signed roots (RFC 9162 2.1.4.2). */
  readonly verified: boolean;
}

/** Proves, from the store's leaves, that the older seal's tree is a prefix of the newer one's. */
export async function proveSealConsistency(store: Pick<EventStore, 'readAll'>, older: Seal, newer: Seal): Promise<ConsistencyProof> {
  if (older.treeSize > newer.treeSize) throw new RangeError(`seal ${older.sequence} covers more events than seal ${newer.sequence}`);
  const leaves: Buffer[] = [];
  await walkGlobalOrder(store, (event) => {
    if (leaves.length < newer.treeSize) leaves.push(leafHash(eventLeafData(leafEventOf(event))));
  });
  const enough = leaves.length >= newer.treeSize;
  const proof = enough ? consistencyProof(leaves, older.treeSize, newer.treeSize) : [];
  const verified =
    enough &&
    rootOf(leaves, 0, newer.treeSize).toString('hex') === newer.rootHash &&
    verifyConsistency(older.treeSize, newer.treeSize, Buffer.from(older.rootHash, 'hex'), Buffer.from(newer.rootHash, 'hex'), proof);
  return {
    older: { sequence: older.sequence, treeSize: older.treeSize, rootHash: older.rootHash },
    newer: { sequence: newer.sequence, treeSize: newer.treeSize, rootHash: newer.rootHash },
    proof: proof.map((p) => p.toString('hex')),
    verified,
  };
}
