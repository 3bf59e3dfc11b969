import type { EventLogRelation } from '../event-log-relation.js';
import { positionSql } from './position.js';

/** The Postgres store's `es_events` as an `EventLogRelation` (resolved through the caller's search_path). */
export const postgresEventLog: EventLogRelation = {
  eventsAt(positionsParameter: string): string {
    // One probe of the primary key per position (OFFSET 0 keeps the planner from hashing the whole log). The
    // key is in log order, so a projection applying what it just read finds its index pages in memory, where
    // the random event ids would touch a page of their index per event. The transaction id goes through
    // numeric because xid8's input reads a leading zero as octal.
    return `(SELECT ${positionSql('e.transaction_id', 'e.global_position')} AS position, e.event_id, e.stream_id,
        e.stream_revision::integer AS revision, e.event_type, e.data, e.metadata, e.prev_hash, e.hash
      FROM unnest(${positionsParameter}::text[]) AS wanted(position)
      CROSS JOIN LATERAL (SELECT * FROM es_events
        WHERE es_events.transaction_id = split_part(wanted.position, ':', 1)::numeric::text::xid8
          AND es_events.global_position = split_part(wanted.position, ':', 2)::bigint OFFSET 0) AS e)`;
  },
};
