import type { RecordedEvent } from '#eventstore';
import type { Projection } from '../projection.js';

/** Every event type, in `Projection.handles`. */
export const ALL_EVENTS = '*';

/** The events of a batch the projection handles, in order. */
export function eventFilter(projection: Projection): (events: readonly RecordedEvent[]) => RecordedEvent[] {
  if (projection.handles.includes(ALL_EVENTS)) return (events) => [...events];
  const types = new Set(projection.handles);
  return (events) => events.filter((event) => types.has(event.type));
}
