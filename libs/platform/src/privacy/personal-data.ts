import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { ERASED, type ErasedValue, isSealed, type SealedValue } from '#domain/shared';
import { EVENT_FIELD_CLASSES, mapDeclaredFields, personalDataOwnerOf, SEALED_CLASSES } from '#domain/visibility';
import type { DataKeyStore } from './data-key-store.js';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A sealed value that does not open under its owner's key: altered ciphertext, or a different master key. */
export class SealedValueError extends Error {
  override readonly name = 'SealedValueError';
}

/** Sealing refused: the owner's data key was destroyed (an erasure), so nothing more is kept about them. */
export class OwnerErasedError extends Error {
  override readonly name = 'OwnerErasedError';
  constructor(readonly owner: string) {
    super(`The personal data of ${owner} was erased: nothing can be recorded under their data key any more.`);
  }
}

/** An event as the command path hands it over: its type and data. */
export interface EventData {
  readonly type: string;
  readonly data: unknown;
}

/**
 * Personal data at rest (ADR 0016, docs/privacy.md): each owner (a person's register id, an objection's objector) has
 * a random 256-bit data key, stored wrapped by the master key, which lives outside the database. Values are sealed
 * with AES-256-GCM under the owner's key, bound to the owner (additional data), so an envelope moved to another owner
 * does not open. Destroying an owner's key leaves every envelope of theirs unopenable: opening answers ERASED.
 *
 * Keyed hashes under the identity secret (also outside the database) give identity-card numbers a look-up key and
 * register ids a value that reveals nothing.
 */
export class PersonalData {
  /** A fingerprint of the master key (not the key): recorded with each wrapped key, so a rotation can find them. */
  readonly masterKeyId: string;

  constructor(
    private readonly keys: DataKeyStore,
    private readonly masterKey: Buffer,
    private readonly identitySecret: Buffer,
  ) {
    if (masterKey.length !== 32 || identitySecret.length !== 32) throw new Error('The master key and the identity secret are 32 bytes each.');
    this.masterKeyId = createHash('sha256').update('master-key-id\0').update(masterKey).digest('hex').slice(0, 16);
  }

  // ---- sealing ---------------------------------------------------------------------------------------------------

  /** Seals one value under the owner's data key (created on first use; refused once destroyed). */
  async seal(owner: string, value: unknown): Promise<SealedValue> {
    return sealWith(await this.keyFor(owner), owner, value);
  }

  /**
   * The events with every field their type declares personal or sensitive sealed under the data key of the owner
   * the type names (`PERSONAL_DATA_OWNERS`). Values already sealed are left as they are. An event type that holds
   * such fields but names no owner is a programming error: refused, never appended in plain.
   */
  async sealEvents<E extends EventData>(events: readonly E[]): Promise<E[]> {
    const keys = new Map<string, Buffer>();
    const sealed: E[] = [];
    for (const event of events) {
      const classes = EVENT_FIELD_CLASSES[event.type];
      let owner: string | null = null;
      const plain: { value: unknown }[] = [];
      mapDeclaredFields(event.data, classes, SEALED_CLASSES, (value) => {
        if (!isSealed(value)) plain.push({ value });
        return value;
      });
      if (plain.length === 0) {
        sealed.push(event);
        continue;
      }
      owner = personalDataOwnerOf(event.type, event.data);
      if (owner === null) throw new Error(`${event.type} holds personal fields but names no owner to seal them under (PERSONAL_DATA_OWNERS).`);
      let key = keys.get(owner);
      if (!key) keys.set(owner, (key = await this.keyFor(owner)));
      const ownerKey = key;
      const data = mapDeclaredFields(event.data, classes, SEALED_CLASSES, (value) => (isSealed(value) ? value : sealWith(ownerKey, owner!, value)));
      sealed.push({ ...event, data });
    }
    return sealed;
  }

  // ---- opening ---------------------------------------------------------------------------------------------------

  /** Opens sealed values (one key read for all their owners): each plain value, or ERASED when its key is gone. */
  async open(values: readonly SealedValue[]): Promise<(unknown | ErasedValue)[]> {
    if (values.length === 0) return [];
    const keys = await this.unwrappedKeys(values.map((v) => v.owner));
    return values.map((value) => {
      const key = keys.get(value.owner);
      return key ? openWith(key, value) : ERASED;
    });
  }

  /** Opens one value if it is sealed; anything else is returned as it is. */
  async openValue(value: unknown): Promise<unknown> {
    return isSealed(value) ? (await this.open([value]))[0] : value;
  }

  /** The data of each event with every sealed field opened (ERASED where its owner's key is gone). */
  async openEvents<E extends EventData>(events: readonly E[]): Promise<E[]> {
    const found: SealedValue[] = [];
    const collect = (value: unknown) => {
      if (isSealed(value)) found.push(value);
      return value;
    };
    for (const event of events) mapDeclaredFields(event.data, EVENT_FIELD_CLASSES[event.type], SEALED_CLASSES, collect);
    if (found.length === 0) return [...events];
    const opened = new Map(found.map((value, i) => [value, i]));
    const plain = await this.open(found);
    return events.map((event) => ({
      ...event,
      data: mapDeclaredFields(event.data, EVENT_FIELD_CLASSES[event.type], SEALED_CLASSES, (value) =>
        isSealed(value) ? plain[opened.get(value)!] : value,
      ),
    }));
  }

  /** Whether the owner's data key is gone (destroyed, or never created). */
  async isErased(owner: string): Promise<boolean> {
    return !(await this.unwrappedKeys([owner])).has(owner);
  }

  // ---- erasure ---------------------------------------------------------------------------------------------------

  /** Destroys the owner's data key for good; `reason` names the erasure (a request id). True when this call did it. */
  destroy(owner: string, reason: string): Promise<boolean> {
    return this.keys.destroy(owner, reason);
  }

  /** Destroys the keys of these owners still held (a start that finds erasures whose key outlived them). */
  destroyEach(owners: readonly string[], reason: string): Promise<number> {
    return this.keys.destroyEach(owners, reason);
  }

  // ---- keyed hashes ------------------------------------------------------------------------------------------------

  /** The look-up key of a normalised identity-card number: HMAC-SHA256 under the identity secret, hex. */
  identityKey(normalisedNumber: string): string {
    return this.hmac('identity-card\0', normalisedNumber).toString('hex');
  }

  /** A register id for the person a command registers: derived from its command id, so a re-send gets the same one. */
  registerIdFor(commandId: string): string {
    const digest = this.hmac('register-id\0', commandId);
    let id = 'PSN';
    for (let i = 0; i < 16; i++) id += CROCKFORD[digest[i]! & 31];
    return id;
  }

  /** A keyed digest of a personal value of a command, for the command's hash (a re-send compares equal). */
  commandDigest(value: unknown): string {
    return `hmac:${this.hmac('command-field\0', JSON.stringify(value) ?? 'null').toString('hex')}`;
  }

  private hmac(label: string, value: string): Buffer {
    return createHmac('sha256', this.identitySecret).update(label).update(value).digest();
  }

  // ---- data keys -------------------------------------------------------------------------------------------------

  private async keyFor(owner: string): Promise<Buffer> {
    const held = (await this.keys.wrappedKeys([owner])).get(owner);
    if (held === 'destroyed') throw new OwnerErasedError(owner);
    if (held) return this.unwrap(owner, held);
    const fresh = randomBytes(32);
    const stored = await this.keys.createIfAbsent(owner, this.wrap(owner, fresh), this.masterKeyId);
    if (stored === 'destroyed') throw new OwnerErasedError(owner);
    return this.unwrap(owner, stored);
  }

  private async unwrappedKeys(owners: readonly string[]): Promise<Map<string, Buffer>> {
    const wrapped = await this.keys.wrappedKeys(owners);
    const keys = new Map<string, Buffer>();
    for (const [owner, value] of wrapped) if (value !== 'destroyed') keys.set(owner, this.unwrap(owner, value));
    return keys;
  }

  private wrap(owner: string, key: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.masterKey, iv);
    cipher.setAAD(Buffer.from(`data-key\0${owner}`));
    const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
  }

  private unwrap(owner: string, wrapped: Buffer): Buffer {
    try {
      const decipher = createDecipheriv(CIPHER, this.masterKey, wrapped.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(`data-key\0${owner}`));
      decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SealedValueError(
        `The data key of ${owner} does not open under this master key: the master key is not the one it was wrapped with (docs/privacy.md, keys).`,
      );
    }
  }
}

function sealWith(key: Buffer, owner: string, value: unknown): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  cipher.setAAD(Buffer.from(`sealed\0${owner}`));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { sealed: 'aes-256-gcm/1', owner, iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

function openWith(key: Buffer, value: SealedValue): unknown {
  try {
    const decipher = createDecipheriv(CIPHER, key, Buffer.from(value.iv, 'base64'));
    decipher.setAAD(Buffer.from(`sealed\0${value.owner}`));
    decipher.setAuthTag(Buffer.from(value.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(value.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    throw new SealedValueError(`A value sealed under the data key of ${value.owner} does not open: it was altered.`);
  }
}
