import { hash } from 'node:crypto';
import type { EventMetadata, StreamRevision } from './event-store.port.js';

/**
 * The per-stream hash chain (see docs/adr/0003-hash-chain.md).
 *
 * Two levels, so that an adapter can split the work where it is cheapest:
 *
 *   contentHash = sha256(canonicalJson({ type, data, metadata without prevHash/hash }))
 *   hash        = sha256(`${prevHash}\n${streamId}\n${revision}\n${contentHash}`)
 *
 * The content hash depends only on what the caller appends, so it is computed before the append. The
 * chain hash depends on the stream's previous hash, which only the writer holding the stream knows: the
 * Postgres adapter computes it inside its append function (with the built-in `sha256()`), the
 * EventStoreDB adapter computes it client-side under its expected-revision check. Both give the same
 * bytes, so a stream verifies the same way whichever adapter wrote it.
 */

/** `prevHash` of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/** Metadata keys the store adds; they are never part of the content hash. */
export const CHAIN_METADATA_KEYS: readonly string[] = ['prevHash', 'hash'];

export class CanonicalJsonError extends TypeError {
  override readonly name = 'CanonicalJsonError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Cannot encode ${path} canonically: ${reason}`);
  }
}

// Lone UTF-16 surrogates and NUL cannot be stored in jsonb, so a value holding one would never read back
// as it was hashed. Refuse them up front with a clear message instead of failing inside Postgres.
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;
const UNSTORABLE_STRING = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where the encoder is, as keys and indexes; only turned into text when something is rejected. */
type PathStack = Array<string | number>;

function pathText(root: string, stack: PathStack): string {
  return stack.reduce<string>((text, step) => (typeof step === 'number' ? `${text}[${step}]` : `${text}.${step}`), root);
}

class Encoder {
  private readonly stack: PathStack = [];

  constructor(private readonly root: string) {}

  fail(reason: string): never {
    throw new CanonicalJsonError(pathText(this.root, this.stack), reason);
  }

  string(value: string): string {
    // Cheap test first; the exact one (surrogate pairs are fine) only for the rare string that needs it.
    if (MAYBE_UNSTORABLE.test(value) && UNSTORABLE_STRING.test(value)) {
      this.fail('strings must not contain NUL or unpaired surrogates');
    }
    return JSON.stringify(value);
  }

  value(value: unknown): string {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        if (!Number.isFinite(value)) this.fail(`${String(value)} is not a finite number`);
        // ECMAScript number-to-string is the shortest round-tripping form; -0 becomes "0".
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'undefined':
        return this.fail('undefined is not JSON (omit the key instead)');
      case 'bigint':
        return this.fail('bigint is not JSON (use a string)');
      case 'object':
        if (value === null) return 'null';
        return Array.isArray(value) ? this.array(value) : this.object(value);
      default:
        return this.fail(`${typeof value} is not JSON`);
    }
  }

  private array(value: readonly unknown[]): string {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      this.stack.push(i);
      if (!(i in value)) this.fail('sparse arrays are not JSON');
      text += (i === 0 ? '' : ',') + this.value(value[i]);
      this.stack.pop();
    }
    return `${text}]`;
  }

  private object(value: object): string {
    if (!isPlainObject(value)) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      this.fail(`${kind} is not a plain object (convert it, e.g. a Date to an ISO string)`);
    }
    const keys = Object.keys(value).sort();
    let text = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      this.stack.push(key);
      text += `${i === 0 ? '' : ','}${this.string(key)}:${this.value(value[key])}`;
      this.stack.pop();
    }
    return `${text}}`;
  }
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function encode(value: unknown, root: string): string {
  return new Encoder(root).value(value);
}

/**
 * Canonical JSON text: object keys sorted by UTF-16 code units, no insignificant whitespace, numbers in
 * their shortest ECMAScript form (the same rules as RFC 8785). Only plain JSON values are accepted:
 * `undefined`, functions, symbols, bigints, non-finite numbers, class instances (Date, Map, ...), sparse
 * arrays and strings that jsonb cannot hold are rejected with the path of the offending value.
 *
 * The encoding is stable across a Postgres jsonb round trip: jsonb reorders keys and reformats numbers,
 * and sorting plus shortest-form numbers undo both.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, '$');
}

export function sha256Hex(text: string): string {
  // One-shot hash(): the same digest as createHash().update().digest(), without the Hash object.
  return hash('sha256', text, 'hex');
}

/** The caller's metadata as it is hashed and stored: without the chain fields the store adds. */
export function metadataForContent(metadata: EventMetadata | Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...metadata };
  for (const key of CHAIN_METADATA_KEYS) delete copy[key];
  return copy;
}

export interface HashableEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata | Readonly<Record<string, unknown>>;
}

/** An event's content as the store writes it: canonical JSON of data and metadata, and its content hash. */
export interface EncodedContent {
  readonly dataJson: string;
  /** Metadata without prevHash/hash. */
  readonly metadataJson: string;
  readonly contentHash: string;
}

/**
 * Encodes an event's content once, for both storing and hashing: adapters store `dataJson` and
 * `metadataJson` verbatim, so what is hashed is exactly what is written.
 */
export function encodeContent(event: HashableEvent): EncodedContent {
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new CanonicalJsonError('$.type', 'the event type must be a non-empty string');
  }
  const dataJson = encode(event.data, '$.data');
  const metadataJson = encode(metadataForContent(event.metadata), '$.metadata');
  // Keys in sorted order, so this is canonicalJson({ type, data, metadata }) without encoding twice.
  const contentJson = `{"data":${dataJson},"metadata":${metadataJson},"type":${new Encoder('$.type').string(event.type)}}`;
  return { dataJson, metadataJson, contentHash: sha256Hex(contentJson) };
}

/** SHA-256 (hex) of the canonical JSON of `{ type, data, metadata }`, metadata without prevHash/hash. */
export function contentHash(event: HashableEvent): string {
  return encodeContent(event).contentHash;
}

/** SHA-256 (hex) of `${prevHash}\n${streamId}\n${revision}\n${contentHash}` in UTF-8. */
export function chainHash(prevHash: string, streamId: string, revision: StreamRevision, content: string): string {
  return sha256Hex(`${prevHash}\n${streamId}\n${revision}\n${content}`);
}
