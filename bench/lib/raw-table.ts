/** An event-shaped table with the event store's indexes (the raw baselines write here). */
export const RAW_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS bench_raw_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  stream_revision bigint NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  content_hash text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (transaction_id, global_position),
  UNIQUE (stream_id, stream_revision),
  UNIQUE (event_id)
)`;
