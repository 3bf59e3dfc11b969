import { describe, expect, it } from '@jest/globals';
import { correlationIdFrom, isUuid, isValidCorrelationId, newCorrelationId, newId } from './index.js';

describe('newId', () => {
  it('returns distinct version-4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('recognises UUIDs and nothing else', () => {
    expect(isUuid(newId())).toBe(true);
    expect(isUuid('not-a-uuid')).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});

describe('correlation ids', () => {
  it('keeps a well-formed id sent by the caller', () => {
    expect(correlationIdFrom('import-2025-03:batch.7')).toBe('import-2025-03:batch.7');
    expect(correlationIdFrom(['first-id', 'second-id'])).toBe('first-id');
  });

  it('replaces a missing, oversized or unsafe id with a new one', () => {
    for (const bad of [undefined, null, '', 'has space', 'line\nbreak', 'x'.repeat(129), '<script>']) {
      const id = correlationIdFrom(bad);
      expect(isUuid(id)).toBe(true);
    }
  });

  it('generates ids that pass its own check', () => {
    expect(isValidCorrelationId(newCorrelationId())).toBe(true);
  });
});
