/**
 * Personal data in event data is stored sealed: an AES-256-GCM envelope under the data key of the person it belongs
 * to (docs/privacy.md). A decider decides on plain values; the command path seals every field its event type declares
 * `personal` or `sensitive` before the event is appended, so the log, its hash chain and every read-model copy hold
 * only the envelope. Destroying the person's data key (an erasure) leaves envelopes nobody can open.
 */
export interface SealedValue {
  /** The cipher and envelope version. */
  readonly sealed: 'aes-256-gcm/1';
  /** Whose data key seals it: a person's register id, or another owner's key id (an objector of a public notice). */
  readonly owner: string;
  /** 12-byte nonce, base64. */
  readonly iv: string;
  /** The ciphertext of the value's JSON, base64. */
  readonly data: string;
  /** The 16-byte GCM tag, base64. */
  readonly tag: string;
}

/** A value of a personal field: plain as a decider decides it, sealed as stored. */
export type Personal<T> = T | SealedValue;

export function isSealed(value: unknown): value is SealedValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.sealed === 'aes-256-gcm/1' && typeof v.owner === 'string' && typeof v.iv === 'string' && typeof v.data === 'string' && typeof v.tag === 'string';
}

/** What an opened value is when its owner's data key was destroyed: the value is gone for good. */
export interface ErasedValue {
  readonly erased: true;
}
export const ERASED: ErasedValue = Object.freeze({ erased: true as const });

export function isErased(value: unknown): value is ErasedValue {
  return value !== null && typeof value === 'object' && (value as { erased?: unknown }).erased === true && Object.keys(value).length === 1;
}
