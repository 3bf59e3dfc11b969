import type { EventLogRelation } from '../event-log-relation.js';
import { positionSql } from './position.js';

/** The Postgres store's `es_events` as an `EventLogRelation` (resolved through the caller's search_path). */
export const postgresEventLog: EventLogRelation = {
  eventsById(idsParameter: string): string {
    // One probe of the event id index per id; OFFSET 0 keeps the planner from hashing the whole log.
    return `(SELECT ${positionSql('e.transaction_id', 'e.global_position')} AS position, e.event_id, e.stream_id,
        e.stream_revision::integer AS revision, e.event_type, e.data, e.metadata, e.prev_hash, e.hash
      FROM unnest(${idsParameter}::uuid[]) AS wanted(id)
      CROSS JOIN LATERAL (SELECT * FROM es_events WHERE es_events.event_id = wanted.id OFFSET 0) AS e)`;
  },
};
