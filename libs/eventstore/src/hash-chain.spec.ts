import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { EventMetadata } from './event-store.port.js';
import {
  CanonicalJsonError,
  canonicalJson,
  chainHash,
  contentHash,
  encodeContent,
  GENESIS_HASH,
} from './hash-chain.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const metadata: EventMetadata = {
  actor: { userId: 'u-1', role: 'ADMIN', associationId: null },
  commandId: 'c-1',
  correlationId: 'c-1',
  causationId: 'c-1',
  recordedAt: '2025-03-01T08:00:00.000Z',
};

describe('canonicalJson', () => {
  it('sorts object keys at every depth and leaves out whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}',
    );
  });

  it('gives the same text whatever order the keys were written in', () => {
    const one = { name: '深圳市建筑业协会', grade: 'A', dues: { year: 2025, amountFen: 120000 } };
    const other = { dues: { amountFen: 120000, year: 2025 }, grade: 'A', name: '深圳市建筑业协会' };
    expect(canonicalJson(one)).toBe(canonicalJson(other));
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ b: 1, a: 2, B: 3, 中: 4, é: 5, '': 6 })).toBe('{"":6,"B":3,"a":2,"b":1,"é":5,"中":4}');
  });

  it('writes numbers in their shortest round-tripping form', () => {
    expect(canonicalJson([1, 1.5, -0, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53])).toBe(
      '[1,1.5,0,1e+21,1e-7,0.30000000000000004,9007199254740992]',
    );
  });

  it('encodes what jsonb gives back exactly as what was written', () => {
    // jsonb reorders keys (shorter first) and prints numbers in full; parsing that back must not matter.
    const written = { zz: 1e21, a: [1.0, 2.50], mid: { é: 'x', e: 'y' } };
    const asJsonbReturnsIt = JSON.parse('{"a": [1.0, 2.50], "zz": 1000000000000000000000, "mid": {"e": "y", "é": "x"}}');
    expect(canonicalJson(asJsonbReturnsIt)).toBe(canonicalJson(written));
  });

  it('escapes strings as JSON does and keeps non-ASCII text as is', () => {
    expect(canonicalJson({ s: 'line\n"quoted"\\ 建筑 \u001f' })).toBe('{"s":"line\\n\\"quoted\\"\\\\ 建筑 \\u001f"}');
  });

  it.each([
    ['undefined', { a: undefined }, '$.a'],
    ['a function', { f: () => 1 }, '$.f'],
    ['NaN', [1, Number.NaN], '$[1]'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, '$.n'],
    ['a bigint', { n: 1n }, '$.n'],
    ['a symbol', { s: Symbol('x') }, '$.s'],
    ['a Date', { at: new Date(0) }, '$.at'],
    ['a Map', { m: new Map() }, '$.m'],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array', { list: [1, , 3] }, '$.list[1]'],
    ['a NUL character', { s: 'a\u0000b' }, '$.s'],
    ['an unpaired surrogate', { s: 'a\ud800b' }, '$.s'],
  ])('rejects %s, naming where it is', (_kind, value, path) => {
    let thrown: unknown;
    try {
      canonicalJson(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CanonicalJsonError);
    expect((thrown as CanonicalJsonError).path).toBe(path);
  });

  it('accepts paired surrogates (characters outside the BMP)', () => {
    expect(canonicalJson({ s: '𠀀😀' })).toBe('{"s":"𠀀😀"}');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });
});

describe('contentHash', () => {
  it('is the SHA-256 of the canonical type, data and metadata', () => {
    const event = { type: 'MemberAdmitted', data: { name: '协会', n: 1 }, metadata };
    expect(contentHash(event)).toBe(sha256(canonicalJson({ type: event.type, data: event.data, metadata })));
  });

  it('ignores prevHash and hash in the metadata', () => {
    const event = { type: 'MemberAdmitted', data: { n: 1 }, metadata };
    const recorded = { ...event, metadata: { ...metadata, prevHash: GENESIS_HASH, hash: 'f'.repeat(64) } };
    expect(contentHash(recorded)).toBe(contentHash(event));
  });

  it('does not depend on key order in data or metadata', () => {
    const a = { type: 'T', data: { x: 1, y: { q: 1, p: 2 } }, metadata };
    const reordered = Object.fromEntries(Object.entries(metadata).reverse()) as EventMetadata;
    const b = { type: 'T', data: { y: { p: 2, q: 1 }, x: 1 }, metadata: reordered };
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it('changes when the type, the data or the metadata change', () => {
    const base = contentHash({ type: 'T', data: { x: 1 }, metadata });
    expect(contentHash({ type: 'U', data: { x: 1 }, metadata })).not.toBe(base);
    expect(contentHash({ type: 'T', data: { x: 2 }, metadata })).not.toBe(base);
    expect(contentHash({ type: 'T', data: { x: 1 }, metadata: { ...metadata, commandId: 'c-2' } })).not.toBe(base);
  });

  it('matches the encoding adapters store', () => {
    const event = { type: 'T', data: { b: [1, 2], a: '甲' }, metadata: { ...metadata, hash: 'x' } };
    const encoded = encodeContent(event);
    expect(encoded.dataJson).toBe('{"a":"甲","b":[1,2]}');
    expect(JSON.parse(encoded.metadataJson)).toEqual(metadata);
    expect(encoded.contentHash).toBe(contentHash(event));
  });

  it('refuses an event without a type', () => {
    expect(() => contentHash({ type: '', data: {}, metadata })).toThrow(CanonicalJsonError);
  });
});

describe('chainHash', () => {
  it('is the SHA-256 of prevHash, stream, revision and content hash on separate lines', () => {
    const content = 'c'.repeat(64);
    expect(chainHash(GENESIS_HASH, 'enterprise-1', 0, content)).toBe(
      sha256(`${GENESIS_HASH}\nenterprise-1\n0\n${content}`),
    );
  });

  it('hashes the stream id as UTF-8', () => {
    expect(chainHash(GENESIS_HASH, '会员-1', 12, 'a'.repeat(64))).toBe(
      createHash('sha256')
        .update(Buffer.from(`${GENESIS_HASH}\n会员-1\n12\n${'a'.repeat(64)}`, 'utf8'))
        .digest('hex'),
    );
  });

  it('starts every stream from 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });
});
