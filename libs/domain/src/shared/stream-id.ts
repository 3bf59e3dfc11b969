/**
 * Stream ids, unambiguous by construction.
 *
 * Every stream id is `<category>-<part>[:<part>…]`:
 * - the category names the stream kind: ASCII letters only (lower camel case), so it never holds the `-`
 *   that ends it (EventStoreDB's `$by_category` projection splits at the first `-` too);
 * - each part is escaped: `%`, `:` and every character that is not a letter, a digit, `-`, `_` or `.` is
 *   written as `%XX` per UTF-8 byte. No part can contain the `:` that separates parts, so
 *   a receipt number can never reach into the next part, and an association id such as `receipt-ab` can
 *   never pose as the category `dues…` of another kind.
 *
 * Each kind has a fixed number of parts, so `(category, parts)` ↔ id is one-to-one: two kinds, or one kind
 * with different parts, never give the same id. `parseStreamId` reads an id back.
 */

import { InvalidInput } from './errors.js';

/** A value a stream id is built from: an identifier, a code, a number (a year, a term). */
export type StreamPart = string | number;

const CATEGORY = /^[a-z][A-Za-z]*$/;
/** Characters written as they are; everything else is percent-escaped. */
const PLAIN = /^[\p{L}\p{N}_.-]$/u;

/** A stream kind declared wrongly (a programming error, not input). */
export class InvalidStreamPart extends Error {
  override readonly name = 'InvalidStreamPart';
}

/**
 * A part no stream can be named by. Parts come from input (ids, codes, years), so this is the input field of the
 * same name, refused; the rules of each field (a slug, a credit code, a year range) are checked before, this is
 * the last guard.
 */
function refusePart(name: string, message: string): never {
  throw new InvalidInput([{ field: name, message }]);
}

function encodePart(kind: string, name: string, value: StreamPart): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) refusePart(name, `must be a whole number, 0 or more (got ${value}).`);
    return String(value);
  }
  if (typeof value !== 'string' || value.length === 0) refusePart(name, 'is required.');
  let encoded = '';
  for (const char of value) encoded += PLAIN.test(char) ? char : percentEscape(kind, name, char);
  return encoded;
}

/** `%XX` per UTF-8 byte (encodeURIComponent leaves a few ASCII marks such as `(` alone, so those are done here). */
function percentEscape(kind: string, name: string, char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x80) return `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
  try {
    return encodeURIComponent(char);
  } catch {
    return refusePart(name, `holds an unpaired surrogate (not text), so it cannot name a ${kind} stream.`);
  }
}

function decodePart(encoded: string): string | null {
  if (encoded.length === 0) return null;
  try {
    const decoded = decodeURIComponent(encoded);
    // Only the canonical encoding is an id: `%41` for `A`, or lower-case hex, would be a second spelling.
    return encodePart('', '', decoded) === encoded ? decoded : null;
  } catch {
    return null;
  }
}

export interface StreamKind<Parts extends readonly StreamPart[]> {
  readonly category: string;
  /** Names of the parts, in order (for messages and documentation). */
  readonly partNames: readonly string[];
  /** The id of the stream with these parts. */
  id(...parts: Parts): string;
  /** The parts of an id of this kind (strings, as written), or null when the id is not of this kind. */
  parse(streamId: string): string[] | null;
}

/**
 * Declares a stream kind. Declare each kind once, next to the decider that owns its events, and build its ids
 * only through it.
 */
export function defineStreamKind<Parts extends readonly StreamPart[]>(category: string, partNames: readonly string[]): StreamKind<Parts> {
  if (!CATEGORY.test(category)) throw new InvalidStreamPart(`stream category ${category} must be ASCII letters, starting lower case.`);
  if (partNames.length === 0) throw new InvalidStreamPart(`stream kind ${category} needs at least one part.`);
  const prefix = `${category}-`;
  return {
    category,
    partNames,
    id(...parts: Parts): string {
      if (parts.length !== partNames.length) {
        throw new InvalidStreamPart(`${category} stream ids have ${partNames.length} parts (${partNames.join(', ')}), not ${parts.length}.`);
      }
      return prefix + parts.map((part, i) => encodePart(category, partNames[i]!, part)).join(':');
    },
    parse(streamId: string): string[] | null {
      if (!streamId.startsWith(prefix)) return null;
      const encoded = streamId.slice(prefix.length).split(':');
      if (encoded.length !== partNames.length) return null;
      const parts = encoded.map(decodePart);
      return parts.every((p): p is string => p !== null) ? parts : null;
    },
  };
}

/** The category of a stream id (the text before its first `-`), or null when it has none. */
export function streamCategory(streamId: string): string | null {
  const dash = streamId.indexOf('-');
  const category = dash > 0 ? streamId.slice(0, dash) : '';
  return CATEGORY.test(category) ? category : null;
}
