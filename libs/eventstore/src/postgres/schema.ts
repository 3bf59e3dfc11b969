import type pg from 'pg';

/**
 * The Postgres event store's own schema, applied by `PostgresEventStore.ensureSchema()` (the app's migrate
 * step calls it). Versioned: each entry of MIGRATIONS runs once, in order, under an advisory lock, and
 * `es_schema_version` records how far a database got. Never edit a released migration; add one.
 *
 * See docs/adr/0002-postgres-event-store.md for the design.
 */

/** LISTEN/NOTIFY channel that wakes subscribers after appends. */
export const NOTIFY_CHANNEL = 'es_events';

/** Custom SQLSTATEs raised by es_append / es_find_append. */
export const SQLSTATE_WRONG_EXPECTED_REVISION = 'ES001';
export const SQLSTATE_EVENT_ID_CONFLICT = 'ES002';
/** The append's transaction is older than the stream's last writer: run it again in a new transaction. */
export const SQLSTATE_RETRY_IN_NEW_TRANSACTION = 'ES003';
export const EVENT_ID_UNIQUE_CONSTRAINT = 'es_events_event_id_key';

// es_append is the general append. A single event at an exact revision or on a new stream goes through a
// plain statement instead (APPEND_ONE_* in postgres-event-store.ts), which moves the same stream head and
// computes the same chain hash; the two must stay in step (the contract and append-path specs check both).
const MIGRATION_1 = /* sql */ `
CREATE TABLE es_streams (
  stream_id text PRIMARY KEY,
  -- Revision of the stream's last event (-1 only inside the transaction that creates the stream).
  revision bigint NOT NULL,
  last_hash text NOT NULL
) WITH (fillfactor = 70); -- room for HOT updates: every append rewrites its stream's row

CREATE TABLE es_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  -- The writing transaction. Readers of the global order only see transaction ids below the snapshot's
  -- xmin, so an event never becomes visible before one that an older, still-open transaction will add.
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
  -- The global order, and the index readAll walks.
  CONSTRAINT es_events_pkey PRIMARY KEY (transaction_id, global_position),
  CONSTRAINT es_events_stream_revision_key UNIQUE (stream_id, stream_revision),
  CONSTRAINT ${EVENT_ID_UNIQUE_CONSTRAINT} UNIQUE (event_id)
);

-- What an append with these events already produced: the original result (duplicate = true) when every
-- id is recorded, in order, on this stream; no row when none is; ES002 otherwise.
CREATE FUNCTION es_find_append(p_stream_id text, p_events jsonb)
RETURNS TABLE (next_revision bigint, last_transaction_id xid8, last_global_position bigint, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := jsonb_array_length(p_events);
  v_found integer;
  v_same_stream boolean;
  v_offsets integer;
  v_existing text;
BEGIN
  SELECT count(*)::integer,
         coalesce(bool_and(e.stream_id = p_stream_id), true),
         count(DISTINCT e.stream_revision - i.ord)::integer,
         string_agg(e.event_id::text, ',' ORDER BY i.ord)
    INTO v_found, v_same_stream, v_offsets, v_existing
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS i(event, ord)
    JOIN es_events e ON e.event_id = (i.event ->> 'id')::uuid;

  IF v_found = 0 THEN
    RETURN;
  END IF;
  IF v_found = v_count AND v_same_stream AND v_offsets = 1 THEN
    RETURN QUERY
      SELECT e.stream_revision, e.transaction_id, e.global_position, true
        FROM es_events e
       WHERE e.event_id = (p_events -> (v_count - 1) ->> 'id')::uuid;
    RETURN;
  END IF;
  RAISE EXCEPTION USING
    ERRCODE = '${SQLSTATE_EVENT_ID_CONFLICT}',
    MESSAGE = format('event ids already recorded elsewhere, appending to %s', p_stream_id),
    DETAIL = v_existing;
END;
$fn$;

-- Appends events to one stream in one statement (one round trip, one transaction):
--   lock or create the stream row, return the original result if the first event id is already
--   recorded, check the expected revision ('any' | 'no_stream' | 'stream_exists' | '<revision>'),
--   insert the events with their chain hashes, move the stream head.
-- p_events: [{ "id", "type", "data", "metadata", "contentHash" }], content hashes computed by the client.
CREATE FUNCTION es_append(
  p_stream_id text, p_expected text, p_events jsonb, p_notify boolean DEFAULT false,
  OUT next_revision bigint, OUT last_transaction_id xid8, OUT last_global_position bigint, OUT duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer;
  v_first_id uuid;
  v_revision bigint;
  v_hash text;
  v_mismatch boolean;
  v_prev text;
  v_event jsonb;
BEGIN
  IF jsonb_typeof(p_events) IS DISTINCT FROM 'array' OR jsonb_array_length(p_events) = 0 THEN
    RAISE EXCEPTION 'es_append needs a non-empty array of events' USING ERRCODE = '22023';
  END IF;
  v_count := jsonb_array_length(p_events);
  v_first_id := (p_events -> 0 ->> 'id')::uuid;

  SELECT s.revision, s.last_hash INTO v_revision, v_hash
    FROM es_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    -- Two creators of a new stream: the second waits here for the first, then locks its row.
    INSERT INTO es_streams (stream_id, revision, last_hash)
      VALUES (p_stream_id, -1, repeat('0', 64))
      ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision, s.last_hash INTO STRICT v_revision, v_hash
      FROM es_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  END IF;

  -- Idempotency before the expectation: a re-sent command gets its original outcome even after the
  -- stream has moved on. This statement takes a fresh snapshot, after any wait for the lock, so it
  -- also sees a twin of this append that committed while we waited.
  IF EXISTS (SELECT 1 FROM es_events e WHERE e.event_id = v_first_id) THEN
    SELECT f.next_revision, f.last_transaction_id, f.last_global_position, f.duplicate
      INTO STRICT next_revision, last_transaction_id, last_global_position, duplicate
      FROM es_find_append(p_stream_id, p_events) AS f;
    RETURN;
  END IF;

  IF p_expected = 'any' THEN
    v_mismatch := false;
  ELSIF p_expected = 'no_stream' THEN
    v_mismatch := v_revision <> -1;
  ELSIF p_expected = 'stream_exists' THEN
    v_mismatch := v_revision = -1;
  ELSE
    v_mismatch := v_revision <> p_expected::bigint;
  END IF;
  IF v_mismatch THEN
    RAISE EXCEPTION USING
      ERRCODE = '${SQLSTATE_WRONG_EXPECTED_REVISION}',
      MESSAGE = format('stream %s expected at %s but is at %s', p_stream_id, p_expected,
                       CASE WHEN v_revision = -1 THEN 'no stream' ELSE v_revision::text END),
      DETAIL = CASE WHEN v_revision = -1 THEN 'null' ELSE v_revision::text END;
  END IF;

  last_transaction_id := pg_current_xact_id();
  FOR i IN 0 .. v_count - 1 LOOP
    v_event := p_events -> i;
    v_revision := v_revision + 1;
    v_prev := v_hash;
    -- chainHash(prevHash, streamId, revision, contentHash) of hash-chain.ts, byte for byte.
    v_hash := encode(sha256(convert_to(
      v_prev || E'\n' || p_stream_id || E'\n' || v_revision::text || E'\n' || (v_event ->> 'contentHash'),
      'UTF8')), 'hex');
    INSERT INTO es_events (transaction_id, stream_id, stream_revision, event_id, event_type, data, metadata,
                           content_hash, prev_hash, hash, recorded_at)
    VALUES (last_transaction_id, p_stream_id, v_revision, (v_event ->> 'id')::uuid, v_event ->> 'type',
            v_event -> 'data', v_event -> 'metadata', v_event ->> 'contentHash', v_prev, v_hash,
            (v_event -> 'metadata' ->> 'recordedAt')::timestamptz)
    RETURNING es_events.global_position INTO last_global_position;
  END LOOP;

  UPDATE es_streams s SET revision = v_revision, last_hash = v_hash WHERE s.stream_id = p_stream_id;

  IF p_notify THEN
    PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
  END IF;

  next_revision := v_revision;
  duplicate := false;
END;
$fn$;
`;

// es_append_multi appends to several streams in one transaction (a reservation and the act that needs it):
// each stream through es_append, all or nothing. Streams are locked in one fixed order (stream id, byte-wise),
// so two multi-stream appends sharing streams queue instead of deadlocking.
const MIGRATION_2 = /* sql */ `
-- p_appends: [{ "streamId", "expected", "events": [...] }] with distinct stream ids, events as es_append takes them.
-- Returns one row per stream. A re-send (every stream's ids recorded, in order, on that stream) returns the
-- original rows with duplicate = true; ids recorded for only some of the streams raise ES002.
CREATE FUNCTION es_append_multi(p_appends jsonb, p_notify boolean DEFAULT false)
RETURNS TABLE (stream_id text, next_revision bigint, last_transaction_id xid8, last_global_position bigint, duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_append jsonb;
  v_count integer;
  v_duplicates integer := 0;
  v_result record;
BEGIN
  IF jsonb_typeof(p_appends) IS DISTINCT FROM 'array' OR jsonb_array_length(p_appends) < 2 THEN
    RAISE EXCEPTION 'es_append_multi needs an array of at least two stream appends' USING ERRCODE = '22023';
  END IF;
  v_count := jsonb_array_length(p_appends);
  IF (SELECT count(DISTINCT a ->> 'streamId') FROM jsonb_array_elements(p_appends) a) <> v_count THEN
    RAISE EXCEPTION 'es_append_multi names a stream twice' USING ERRCODE = '22023';
  END IF;
  FOR v_append IN
    SELECT a FROM jsonb_array_elements(p_appends) a ORDER BY (a ->> 'streamId') COLLATE "C"
  LOOP
    SELECT * INTO STRICT v_result FROM es_append(v_append ->> 'streamId', v_append ->> 'expected', v_append -> 'events', false);
    IF v_result.duplicate THEN
      v_duplicates := v_duplicates + 1;
    END IF;
    stream_id := v_append ->> 'streamId';
    next_revision := v_result.next_revision;
    last_transaction_id := v_result.last_transaction_id;
    last_global_position := v_result.last_global_position;
    duplicate := v_result.duplicate;
    RETURN NEXT;
  END LOOP;
  IF v_duplicates > 0 AND v_duplicates < v_count THEN
    RAISE EXCEPTION USING
      ERRCODE = '${SQLSTATE_EVENT_ID_CONFLICT}',
      MESSAGE = format('%s of %s streams of this append are already recorded', v_duplicates, v_count),
      DETAIL = '';
  END IF;
  IF p_notify AND v_duplicates = 0 THEN
    PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
  END IF;
END;
$fn$;
`;

// es_append keeps the global order in step with every stream's revisions (ADR 0003): an append whose transaction is
// older than the one that wrote the stream's last event is refused with ES003 and retried by the client.
const MIGRATION_3 = /* sql */ `
CREATE OR REPLACE FUNCTION es_append(
  p_stream_id text, p_expected text, p_events jsonb, p_notify boolean DEFAULT false,
  OUT next_revision bigint, OUT last_transaction_id xid8, OUT last_global_position bigint, OUT duplicate boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer;
  v_first_id uuid;
  v_revision bigint;
  v_hash text;
  v_mismatch boolean;
  v_prev text;
  v_event jsonb;
  v_last_xid xid8;
BEGIN
  IF jsonb_typeof(p_events) IS DISTINCT FROM 'array' OR jsonb_array_length(p_events) = 0 THEN
    RAISE EXCEPTION 'es_append needs a non-empty array of events' USING ERRCODE = '22023';
  END IF;
  v_count := jsonb_array_length(p_events);
  v_first_id := (p_events -> 0 ->> 'id')::uuid;

  SELECT s.revision, s.last_hash INTO v_revision, v_hash
    FROM es_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  IF NOT FOUND THEN
    -- Two creators of a new stream: the second waits here for the first, then locks its row.
    INSERT INTO es_streams (stream_id, revision, last_hash)
      VALUES (p_stream_id, -1, repeat('0', 64))
      ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision, s.last_hash INTO STRICT v_revision, v_hash
      FROM es_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
  END IF;

  -- Idempotency before the expectation: a re-sent command gets its original outcome even after the
  -- stream has moved on. This statement takes a fresh snapshot, after any wait for the lock, so it
  -- also sees a twin of this append that committed while we waited.
  IF EXISTS (SELECT 1 FROM es_events e WHERE e.event_id = v_first_id) THEN
    SELECT f.next_revision, f.last_transaction_id, f.last_global_position, f.duplicate
      INTO STRICT next_revision, last_transaction_id, last_global_position, duplicate
      FROM es_find_append(p_stream_id, p_events) AS f;
    RETURN;
  END IF;

  IF p_expected = 'any' THEN
    v_mismatch := false;
  ELSIF p_expected = 'no_stream' THEN
    v_mismatch := v_revision <> -1;
  ELSIF p_expected = 'stream_exists' THEN
    v_mismatch := v_revision = -1;
  ELSE
    v_mismatch := v_revision <> p_expected::bigint;
  END IF;
  IF v_mismatch THEN
    RAISE EXCEPTION USING
      ERRCODE = '${SQLSTATE_WRONG_EXPECTED_REVISION}',
      MESSAGE = format('stream %s expected at %s but is at %s', p_stream_id, p_expected,
                       CASE WHEN v_revision = -1 THEN 'no stream' ELSE v_revision::text END),
      DETAIL = CASE WHEN v_revision = -1 THEN 'null' ELSE v_revision::text END;
  END IF;

  -- The global order is (transaction id, sequence). A transaction that got its id before waiting for this stream's
  -- lock (a multi-stream append, or an expectation of 'any' / 'stream_exists' that survives the wait) may find the
  -- stream's last event written by a newer transaction: appending now would give a later revision an earlier
  -- position. Refuse instead; the client retries in a new transaction, whose id is newer than every committed one.
  IF v_revision >= 0 THEN
    SELECT e.transaction_id INTO v_last_xid FROM es_events e WHERE e.stream_id = p_stream_id AND e.stream_revision = v_revision;
    IF v_last_xid > pg_current_xact_id() THEN
      RAISE EXCEPTION USING
        ERRCODE = '${SQLSTATE_RETRY_IN_NEW_TRANSACTION}',
        MESSAGE = format('stream %s was appended to by a newer transaction; append again in a new one', p_stream_id);
    END IF;
  END IF;

  last_transaction_id := pg_current_xact_id();
  FOR i IN 0 .. v_count - 1 LOOP
    v_event := p_events -> i;
    v_revision := v_revision + 1;
    v_prev := v_hash;
    -- chainHash(prevHash, streamId, revision, contentHash) of hash-chain.ts, byte for byte.
    v_hash := encode(sha256(convert_to(
      v_prev || E'\n' || p_stream_id || E'\n' || v_revision::text || E'\n' || (v_event ->> 'contentHash'),
      'UTF8')), 'hex');
    INSERT INTO es_events (transaction_id, stream_id, stream_revision, event_id, event_type, data, metadata,
                           content_hash, prev_hash, hash, recorded_at)
    VALUES (last_transaction_id, p_stream_id, v_revision, (v_event ->> 'id')::uuid, v_event ->> 'type',
            v_event -> 'data', v_event -> 'metadata', v_event ->> 'contentHash', v_prev, v_hash,
            (v_event -> 'metadata' ->> 'recordedAt')::timestamptz)
    RETURNING es_events.global_position INTO last_global_position;
  END LOOP;

  UPDATE es_streams s SET revision = v_revision, last_hash = v_hash WHERE s.stream_id = p_stream_id;

  IF p_notify THEN
    PERFORM pg_notify('${NOTIFY_CHANNEL}', '');
  END IF;

  next_revision := v_revision;
  duplicate := false;
END;
$fn$;
`;

// Signed global seals (ADR 0017): a table of their own beside the events, written only by the sealer. The signature is
// over the seal's canonical JSON, so jsonb's key order does not matter; the key that signs is never in the database.
const MIGRATION_4 = /* sql */ `
CREATE TABLE es_seals (
  sequence integer PRIMARY KEY CHECK (sequence >= 1),
  seal jsonb NOT NULL,
  -- The stream heads that changed since the previous seal, as [stream id, revision, hash] (unsigned; rebuilt into the
  -- heads root the latest seal signs).
  heads_changed jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
`;

/** Ordered migrations; index + 1 is the schema version a database reaches after applying one. */
export const MIGRATIONS: readonly string[] = [MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Arbitrary, fixed key for the advisory lock that serialises concurrent ensureSchema() calls. */
const SCHEMA_LOCK_KEY = 7_301_560_001;

export interface SchemaResult {
  readonly from: number;
  readonly to: number;
}

/** Applies the migrations this database has not seen yet. Idempotent; safe to run concurrently. */
export async function ensureSchema(client: pg.ClientBase): Promise<SchemaResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK_KEY]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS es_schema_version (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    const current = await client.query<{ version: number }>('SELECT version FROM es_schema_version');
    const from = current.rows[0]?.version ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `event store schema is at version ${from}, newer than this build knows (${SCHEMA_VERSION}): upgrade the application`,
      );
    }
    for (let version = from + 1; version <= SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1] as string);
    }
    if (from < SCHEMA_VERSION) {
      await client.query(
        `INSERT INTO es_schema_version (version) VALUES ($1)
         ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
        [SCHEMA_VERSION],
      );
    }
    await client.query('COMMIT');
    return { from, to: SCHEMA_VERSION };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
