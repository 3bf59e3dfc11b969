import { type TableSpec, writeRows } from '../bulk-rows.js';
import { rowsOf } from '../runner/pg-connection.js';
import type { Projection } from '../projection.js';

const AUDIT_EVENT: TableSpec = {
  table: 'audit_event',
  key: ['position'],
  columns: {
    position: 'text', event_id: 'uuid', stream_id: 'text', revision: 'integer', event_type: 'text', data: 'jsonb',
    actor_user_id: 'text', actor_role: 'text', actor_association_id: 'text', command_id: 'text', command_type: 'text',
    correlation_id: 'text', recorded_at: 'timestamptz', prev_hash: 'text', hash: 'text',
  },
};

const COLUMNS = Object.keys(AUDIT_EVENT.columns).join(', ');

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const auditTableSpecs: readonly TableSpec[] = [AUDIT_EVENT];

/** Copies every event, with its actor and hash-chain link, into `audit_event` for history queries. */
export const auditTrailProjection: Projection = {
  name: 'audit-trail',
  version: 1,
  handles: ['*'],
  tables: ['audit_event'],
  // Rows are loaded and written only by primary key (bulk-rows), so a rebuild may build the other indexes last.
  rebuildIndexesAfterReplay: true,
  async apply(events, tx) {
    // One statement per batch (one array parameter per column): this projection sees every event, so it
    // must stay cheap. Insert-only, keyed by position: a second delivery adds nothing.
    await writeRows(
      tx,
      AUDIT_EVENT,
      events.map((event) => {
        const m = event.metadata;
        return {
          position: event.position, event_id: event.id, stream_id: event.streamId, revision: event.revision, event_type: event.type,
          data: JSON.stringify(event.data), actor_user_id: m.actor.userId, actor_role: m.actor.role,
          actor_association_id: m.actor.associationId ?? null, command_id: m.commandId,
          command_type: typeof m.commandType === 'string' ? m.commandType : null, correlation_id: m.correlationId,
          recorded_at: m.recordedAt, prev_hash: m.prevHash, hash: m.hash,
        };
      }),
      'insert',
    );
  },
  async applyFromLog(events, tx, log) {
    // The same row as `apply`, copied from the log's row inside Postgres: the event's data is neither sent
    // back nor parsed again (in a rebuild, half the audit trail's cost), and its jsonb is kept byte for byte.
    const [copied] = rowsOf<{ found: number }>(
      await tx.query(
        `WITH found AS (
           SELECT e.position, e.event_id, e.stream_id, e.revision, e.event_type, e.data,
             e.metadata #>> '{actor,userId}' AS actor_user_id, e.metadata #>> '{actor,role}' AS actor_role,
             e.metadata #>> '{actor,associationId}' AS actor_association_id, e.metadata ->> 'commandId' AS command_id,
             CASE WHEN jsonb_typeof(e.metadata -> 'commandType') = 'string' THEN e.metadata ->> 'commandType' END AS command_type,
             e.metadata ->> 'correlationId' AS correlation_id, (e.metadata ->> 'recordedAt')::timestamptz AS recorded_at,
             e.prev_hash, e.hash
           FROM ${log.eventsAt('$1')} AS e),
         inserted AS (INSERT INTO audit_event (${COLUMNS}) SELECT ${COLUMNS} FROM found ON CONFLICT (position) DO NOTHING)
         SELECT count(*)::int AS found FROM found`,
        [events.map((event) => event.position)],
      ),
    );
    if (copied?.found !== events.length) {
      throw new Error(`audit trail: ${events.length - (copied?.found ?? 0)} of ${events.length} events are not in the event log it was given`);
    }
  },
};
