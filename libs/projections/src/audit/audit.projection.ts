import type { Projection } from '../projection.js';

/** Copies every event, with its actor and hash-chain link, into `audit_event` for history queries. */
export const auditTrailProjection: Projection = {
  name: 'audit-trail',
  version: 1,
  handles: ['*'],
  tables: ['audit_event'],
  async apply(events, tx) {
    // Multi-row statements: this projection sees every event, so it must stay cheap. Chunked to keep
    // within Postgres's limit on bind parameters.
    for (let from = 0; from < events.length; from += ROWS_PER_STATEMENT) {
      const chunk = events.slice(from, from + ROWS_PER_STATEMENT);
      const values = chunk.flatMap((event) => {
        const m = event.metadata;
        return [
          event.position, event.id, event.streamId, event.revision, event.type, JSON.stringify(event.data), m.actor.userId,
          m.actor.role, m.actor.associationId ?? null, m.commandId, typeof m.commandType === 'string' ? m.commandType : null,
          m.correlationId, m.recordedAt, m.prevHash, m.hash,
        ];
      });
      const rows = chunk.map((_, i) => `(${Array.from({ length: COLUMNS }, (_, k) => `$${i * COLUMNS + k + 1}`).join(',')})`);
      await tx.query(
        `INSERT INTO audit_event (position, event_id, stream_id, revision, event_type, data, actor_user_id, actor_role,
           actor_association_id, command_id, command_type, correlation_id, recorded_at, prev_hash, hash)
         VALUES ${rows.join(',')} ON CONFLICT (position) DO NOTHING`,
        values,
      );
    }
  },
};

const COLUMNS = 15;
const ROWS_PER_STATEMENT = 1000;
