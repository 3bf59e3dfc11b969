import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

/** One recorded event as the audit trail holds it. */
export interface AuditEventView {
  position: string;
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string; role: string; associationId: string | null };
  commandId: string;
  commandType: string | null;
  correlationId: string;
  recordedAt: Date;
  prevHash: string;
  hash: string;
}

interface AuditEventSqlRow extends Omit<AuditEventView, 'actor'> {
  actorUserId: string;
  actorRole: string;
  actorAssociationId: string | null;
}

/** Reads of the audit trail's read model. */
@Injectable()
export class AuditQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** One stream's events in revision order. */
  async streamHistory(streamId: string, first: number, after?: string | null): Promise<Page<AuditEventView>> {
    const cursor = decodeCursor(after, 1);
    const [rows, [count]] = await Promise.all([
      this.dataSource.query(
        `SELECT position, event_id AS "eventId", stream_id AS "streamId", revision, event_type AS type, data, actor_user_id AS "actorUserId",
           actor_role AS "actorRole", actor_association_id AS "actorAssociationId", command_id AS "commandId", command_type AS "commandType",
           correlation_id AS "correlationId", recorded_at AS "recordedAt", prev_hash AS "prevHash", hash
         FROM audit_event WHERE stream_id = $1 AND ($2::int IS NULL OR revision > $2) ORDER BY revision LIMIT $3`,
        [streamId, cursor ? Number(cursor[0]) : null, first + 1],
      ) as Promise<AuditEventSqlRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM audit_event WHERE stream_id = $1`, [streamId]) as Promise<{ n: number }[]>,
    ]);
    return toPage(rows, first, count?.n ?? 0, cursor !== null, (r) => encodeCursor([r.revision]), toAuditEvent);
  }

  /**
   * The association of whoever recorded each stream's first event (null: an actor of none), by stream; streams the
   * trail holds nothing of are left out. One index probe per stream.
   */
  async firstRecorderAssociations(streamIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = (await this.dataSource.query(
      'SELECT stream_id, actor_association_id FROM audit_event WHERE stream_id = ANY($1) AND revision = 0',
      [streamIds],
    )) as { stream_id: string; actor_association_id: string | null }[];
    return new Map(rows.map((row) => [row.stream_id, row.actor_association_id]));
  }

  /**
   * Every stream that names a person: their register id in the stream id or anywhere in an event's data (a subject,
   * a sealed value's owner), by stream id. Answered by the person index of the trail (audit_event_person_idx).
   */
  async streamsNaming(personId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      'SELECT DISTINCT stream_id FROM audit_event WHERE audit_person_ids(stream_id, data) @> ARRAY[$1]::text[] ORDER BY stream_id',
      [personId],
    )) as { stream_id: string }[];
    return rows.map((row) => row.stream_id);
  }

  /** The last revision of each stream the audit trail holds (streams it holds nothing of are left out). */
  async projectedRevisions(streamIds: readonly string[]): Promise<Map<string, number>> {
    const rows = (await this.dataSource.query(
      'SELECT stream_id, max(revision)::int AS revision FROM audit_event WHERE stream_id = ANY($1) GROUP BY stream_id',
      [streamIds],
    )) as { stream_id: string; revision: number }[];
    return new Map(rows.map((row) => [row.stream_id, row.revision]));
  }
}

function toAuditEvent({ actorUserId, actorRole, actorAssociationId, ...row }: AuditEventSqlRow): AuditEventView {
  return { ...row, actor: { userId: actorUserId, role: actorRole, associationId: actorAssociationId } };
}
