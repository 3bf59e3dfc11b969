import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';
import { businessDateOf } from './business-date.js';

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

/** What the auditor's trail can be narrowed to; every criterion given must hold (none: the whole trail). */
export interface AuditTrailFilter {
  /** A firm's unified social credit code (normalised): every event of the streams naming it. */
  readonly firmCode?: string | null;
  /** A person's register id: every event of the streams naming them (the person index). */
  readonly personId?: string | null;
  readonly actorUserId?: string | null;
  /** Recorded at or after this instant. */
  readonly recordedFrom?: Date | null;
  /** Recorded at or before this instant. */
  readonly recordedTo?: Date | null;
  readonly eventTypes?: readonly string[] | null;
}

/** One entry of the trail: the recorded event with what it says of its association, authority and business date. */
export interface AuditTrailEntryView extends AuditEventView {
  /** The association whose record it is (its data's `associationId`), else the one its actor acted for. */
  associationId: string | null;
  /** The decision it cites (body, reference number, date, votes), where it carries one. */
  authority: Record<string, unknown> | null;
  /** The business date it takes effect or happened on, where it records one (YYYY-MM-DD). */
  effectiveDate: string | null;
}

const TRAIL_COLUMNS = `position, event_id AS "eventId", stream_id AS "streamId", revision, event_type AS type, data, actor_user_id AS "actorUserId",
  actor_role AS "actorRole", actor_association_id AS "actorAssociationId", command_id AS "commandId", command_type AS "commandType",
  correlation_id AS "correlationId", recorded_at AS "recordedAt", prev_hash AS "prevHash", hash`;

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

  /**
   * The trail in the global order, narrowed by any of subject (a firm, a person), actor, recorded time and event
   * type. A firm's streams are found by the first-event subject index (audit_event_subject_idx), a person's by the
   * person index, an actor's events by audit_event_actor_idx, a time range by the BRIN on recorded_at.
   */
  async trail(filter: AuditTrailFilter, first: number, after?: string | null): Promise<Page<AuditTrailEntryView>> {
    const cursor = decodeCursor(after, 1);
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (filter.firmCode) {
      where.push(`stream_id IN (SELECT stream_id FROM audit_event WHERE revision = 0 AND audit_stream_subject(stream_id, data) = ${bind(filter.firmCode)})`);
    }
    if (filter.personId) {
      where.push(`stream_id IN (SELECT stream_id FROM audit_event WHERE audit_person_ids(stream_id, data) @> ARRAY[${bind(filter.personId)}]::text[])`);
    }
    if (filter.actorUserId) where.push(`actor_user_id = ${bind(filter.actorUserId)}`);
    if (filter.recordedFrom) where.push(`recorded_at >= ${bind(filter.recordedFrom)}`);
    if (filter.recordedTo) where.push(`recorded_at <= ${bind(filter.recordedTo)}`);
    if (filter.eventTypes && filter.eventTypes.length > 0) where.push(`event_type = ANY(${bind(filter.eventTypes)}::text[])`);
    const matching = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const countParams = [...params];
    if (cursor) where.push(`position > ${bind(String(cursor[0]))}`);
    const paged = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, [count]] = await Promise.all([
      this.dataSource.query(`SELECT ${TRAIL_COLUMNS} FROM audit_event ${paged} ORDER BY position LIMIT ${bind(first + 1)}`, params) as Promise<AuditEventSqlRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM audit_event ${matching}`, countParams) as Promise<{ n: number }[]>,
    ]);
    return toPage(rows, first, count?.n ?? 0, cursor !== null, (r) => encodeCursor([r.position]), toTrailEntry);
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

/** A decision record as events carry it: body, reference number and date, and the votes or null. */
function isDecisionRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const d = value as Record<string, unknown>;
  return typeof d.body === 'string' && typeof d.reference === 'string' && typeof d.decidedOn === 'string';
}

function toTrailEntry(row: AuditEventSqlRow): AuditTrailEntryView {
  const event = toAuditEvent(row);
  const data = event.data;
  const decision = data.decision;
  const date = businessDateOf(data);
  return {
    ...event,
    associationId: typeof data.associationId === 'string' ? data.associationId : event.actor.associationId,
    authority: isDecisionRecord(decision) ? decision : null,
    effectiveDate: date ?? null,
  };
}

function toAuditEvent({ actorUserId, actorRole, actorAssociationId, ...row }: AuditEventSqlRow): AuditEventView {
  return { ...row, actor: { userId: actorUserId, role: actorRole, associationId: actorAssociationId } };
}
