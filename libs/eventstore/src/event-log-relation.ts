/**
 * The event log readable as a SQL relation from the read models' own database: true of the Postgres event
 * store, which shares the database with the read models, and never of EventStoreDB. A projection that copies
 * events wholesale (the audit trail) can then copy them inside Postgres from the log's rows, instead of
 * receiving every event's data and sending it back.
 */
export interface EventLogRelation {
  /**
   * A FROM item (give it an alias) yielding the recorded events at the positions (the store's `Position`s) in
   * the `text[]` parameter `positionsParameter`, for example `$1`. Columns: `position` (text), `event_id`
   * (uuid), `stream_id` (text), `revision` (integer), `event_type` (text), `data` and `metadata` (jsonb, as
   * recorded: without the chain fields), `prev_hash` and `hash` (text). A position not in the log yields no
   * row.
   */
  eventsAt(positionsParameter: string): string;
}
