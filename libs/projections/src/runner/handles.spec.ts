import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#eventstore';
import type { Projection } from '../projection.js';
import { eventFilter } from './handles.js';

const events = ['EnterpriseRegistered', 'DuesInvoiced', 'EnterpriseRenamed'].map(
  (type, i) => ({ type, position: String(i) }) as RecordedEvent,
);

function projection(handles: string[]): Projection {
  return { name: 'p', version: 1, handles, tables: ['t'], apply: async () => undefined };
}

describe('which events a projection is handed', () => {
  it('only the types it handles, in order', () => {
    expect(eventFilter(projection(['EnterpriseRenamed', 'EnterpriseRegistered']))(events).map((e) => e.type)).toEqual([
      'EnterpriseRegistered',
      'EnterpriseRenamed',
    ]);
  });

  it("every event when it handles '*'", () => {
    expect(eventFilter(projection(['*']))(events)).toEqual(events);
  });
});
