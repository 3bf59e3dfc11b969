import { describe, expect, it } from '@jest/globals';
import { duesAccountStreamId, receiptStreamId } from '../dues/index.js';
import { misfitOf, STREAM_KINDS } from './index.js';

describe('the register of stream kinds', () => {
  it('gives every kind its own category', () => {
    const categories = STREAM_KINDS.map((k) => k.kind.category);
    expect(new Set(categories).size).toBe(categories.length);
  });

  it('lets no event type belong to two kinds', () => {
    const types = STREAM_KINDS.flatMap((k) => k.eventTypes);
    expect(new Set(types).size).toBe(types.length);
  });

  it('accepts an event in the kind of stream that holds it', () => {
    expect(misfitOf(duesAccountStreamId('receipt-ab', '91420100177678329F', 2026), 'DuesPaymentRecorded')).toBeNull();
  });

  it('names a receipt claim inside a dues account as a foreign event', () => {
    expect(misfitOf(duesAccountStreamId('receipt-ab', '91420100177678329F', 2026), 'DuesReceiptReserved')).toMatchObject({
      reason: 'foreign_event_type',
    });
    expect(misfitOf(receiptStreamId('ab', '91420100177678329F-2026'), 'DuesReceiptReserved')).toBeNull();
  });

  it('names ids of no kind, such as those an earlier version wrote', () => {
    expect(misfitOf('dues-receipt-ab-91420100177678329F-2026', 'DuesReceiptReserved')).toMatchObject({ reason: 'unknown_stream_kind' });
    expect(misfitOf('membership-ab-91420100177678329F', 'MembershipApplied')).toMatchObject({ reason: 'unknown_stream_kind' });
    expect(misfitOf('no-category', 'X')).toMatchObject({ reason: 'unknown_stream_kind' });
  });
});
