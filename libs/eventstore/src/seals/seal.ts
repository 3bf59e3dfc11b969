import { createPrivateKey, createPublicKey, hash, type KeyObject, sign, verify } from 'node:crypto';
import type { Position, StreamRevision } from '../event-store.port.js';
import { canonicalJson } from '../hash-chain.js';
import { leafHash, rootOf } from './merkle.js';

/**
 * Signed global seals (docs/adr/0017-signed-seals-and-the-audit-bundle.md). A seal signs, with Ed25519, the Merkle root
 * of the global order up to a position (one leaf per event) and the root of the stream heads at that position. The
 * per-stream chains cannot see a stream cut short together with its head, a stream deleted with its head, or a stream
 * rewritten with recomputed hashes; the roots can, because they were signed by a key the database does not hold.
 */

export const SEAL_FORMAT = 'register-seal/1';

/** A stream's end at a seal's position. */
export interface SealHead {
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly hash: string;
}

/** What is signed. Every value is a string, an integer or null, so any JSON library reproduces the bytes. */
export interface SealBody {
  readonly format: typeof SEAL_FORMAT;
  /** 1 for a store's first seal, then one more each time. */
  readonly sequence: number;
  /** How many events of the global order the seal covers (leaves of the tree). */
  readonly treeSize: number;
  /** Position of the last event covered; null when it covers none. */
  readonly position: Position | null;
  /** MTH of the event leaves (hex). */
  readonly rootHash: string;
  /** MTH of the head leaves, sorted by stream id (hex). */
  readonly headsRoot: string;
  readonly headsCount: number;
  /** The previous seal's root, so seals form a chain of their own; null for the first. */
  readonly previousRootHash: string | null;
  readonly sealedAt: string;
  /** SHA-256 (hex) of the raw 32-byte public key that signed. */
  readonly keyId: string;
}

export interface Seal extends SealBody {
  /** Ed25519 signature of `sealSigningText(body)` (base64). */
  readonly signature: string;
  /** The raw 32-byte Ed25519 public key (base64). */
  readonly publicKey: string;
}

/**
 * A seal as the store keeps it: the signed seal and, unsigned, the heads that changed since the previous seal. The
 * changed heads are what lets verification name the stream and revision of a finding; they are authenticated by the
 * latest seal's heads root, which they must rebuild.
 */
export interface SealRecord {
  readonly seal: Seal;
  readonly headsChanged: readonly SealHead[];
}

/** The bytes an event contributes to the tree: what the chain cannot vouch for itself (where, in which order). */
export function eventLeafData(event: { readonly position: Position; readonly streamId: string; readonly revision: StreamRevision; readonly id: string; readonly hash: string }): string {
  return `${event.position}\n${event.streamId}\n${event.revision}\n${event.id}\n${event.hash}`;
}

export function headLeafData(head: SealHead): string {
  return `${head.streamId}\n${head.revision}\n${head.hash}`;
}

/** Heads in the order the heads tree takes them: by stream id, JavaScript string order (UTF-16 code units). */
export function sortedHeads(heads: Iterable<SealHead>): SealHead[] {
  return [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
}

export function headsRootOf(heads: Iterable<SealHead>): Buffer {
  return rootOf(sortedHeads(heads).map((head) => leafHash(headLeafData(head))));
}

export function sealBodyOf(seal: SealBody): SealBody {
  const { format, sequence, treeSize, position, rootHash, headsRoot, headsCount, previousRootHash, sealedAt, keyId } = seal;
  return { format, sequence, treeSize, position, rootHash, headsRoot, headsCount, previousRootHash, sealedAt, keyId };
}

/** Canonical JSON of the body (sorted keys, no whitespace), the bytes the signature covers. */
export function sealSigningText(body: SealBody): string {
  return canonicalJson({ ...sealBodyOf(body) });
}

// DER prefixes of an Ed25519 key: PKCS#8 around a 32-byte seed, SPKI around a 32-byte public key (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The signing key: an Ed25519 private key from its 32-byte seed (SEAL_SIGNING_KEY or DATA_DIR/keys/seal.key). */
export class SealSigningKey {
  private readonly privateKey: KeyObject;
  readonly publicKeyRaw: Buffer;

  constructor(seed: Buffer) {
    if (seed.length !== 32) throw new TypeError('an Ed25519 seed is 32 bytes');
    this.privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    this.publicKeyRaw = (createPublicKey(this.privateKey).export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_PREFIX.length);
  }

  get publicKey(): string {
    return this.publicKeyRaw.toString('base64');
  }

  get keyId(): string {
    return keyIdOf(this.publicKeyRaw);
  }

  get publicKeyPem(): string {
    return publicKeyPemOf(this.publicKeyRaw);
  }

  /** Ed25519 signature (base64) of a text's UTF-8 bytes (the audit bundle's manifest). */
  signText(text: string): string {
    return sign(null, Buffer.from(text, 'utf8'), this.privateKey).toString('base64');
  }

  sign(body: SealBody): Seal {
    if (body.keyId !== this.keyId) throw new Error('the seal names another key');
    const signature = sign(null, Buffer.from(sealSigningText(body), 'utf8'), this.privateKey).toString('base64');
    return { ...sealBodyOf(body), signature, publicKey: this.publicKey };
  }
}

export function keyIdOf(publicKeyRaw: Buffer): string {
  return hash('sha256', publicKeyRaw, 'hex');
}

export function publicKeyPemOf(publicKeyRaw: Buffer): string {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKeyRaw]), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }) as string;
}

/** True when `seal` carries a valid signature by `publicKeyRaw` (the key the verifier trusts, not the one the seal names). */
export function verifySealSignature(seal: Seal, publicKeyRaw: Buffer): boolean {
  if (seal.keyId !== keyIdOf(publicKeyRaw)) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKeyRaw]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(sealSigningText(seal), 'utf8'), key, Buffer.from(seal.signature, 'base64'));
  } catch {
    return false;
  }
}
