import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, type Position } from '#eventstore';
import { AuditEventRow, auditTrailProjection } from '#projections';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import { decodeCursor, encodeCursor, toConnection, type Connection } from '../graphql/connection.js';
import type { AuditEvent } from './audit.types.js';

/** History of one stream from the audit-trail read model, in revision order. */
@Injectable()
export class AuditReadModel {
  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {}

  async streamHistory(streamId: string, first: number, after?: string | null): Promise<Connection<AuditEvent>> {
    await awaitAuditTrail(this.runtime, [streamId]);
    const cursor = decodeCursor(after, 1);
    const repo = this.runtime.dataSource.getRepository(AuditEventRow);
    const query = repo
      .createQueryBuilder('e')
      .where('e.stream_id = :streamId', { streamId })
      .orderBy('e.revision', 'ASC')
      .limit(first + 1);
    if (cursor) query.andWhere('e.revision > :after', { after: Number(cursor[0]) });
    const [rows, totalCount] = await Promise.all([query.getMany(), repo.count({ where: { streamId } })]);
    return toConnection(rows, first, totalCount, cursor !== null, (r) => encodeCursor([r.revision]), toAuditEvent);
  }
}

/**
 * Waits (bounded, like read-your-writes) until the audit trail holds every event the store had recorded on
 * these streams when the query began, so an auditor reading right after a change sees that change. The audit
 * trail is a projection of its own: a mutation's payload waits only for the projections it reads.
 */
export async function awaitAuditTrail(runtime: ApiRuntime, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length === 0) return;
  const [revisions, projected] = await Promise.all([
    Promise.all(streamIds.map((streamId) => runtime.store.streamRevision(streamId))),
    runtime.dataSource.query<{ stream_id: string; revision: number }[]>(
      'SELECT stream_id, max(revision)::int AS revision FROM audit_event WHERE stream_id = ANY($1) GROUP BY stream_id',
      [streamIds],
    ),
  ]);
  const projectedRevision = new Map(projected.map((row) => [row.stream_id, row.revision]));
  const behind = streamIds.flatMap((streamId, i) => {
    const revision = revisions[i];
    return revision !== null && revision !== undefined && revision > (projectedRevision.get(streamId) ?? -1) ? [{ streamId, revision }] : [];
  });
  if (behind.length === 0) return;
  const lastEvents = await Promise.all(behind.map(({ streamId, revision }) => runtime.store.readStream(streamId, { from: revision, to: revision })));
  const latest = lastEvents.flat().reduce<Position | null>((a, e) => (comparePositions(a, e.position) >= 0 ? a : e.position), null);
  if (latest !== null) await runtime.waiter.waitFor(latest, [auditTrailProjection.name], runtime.config.readYourWritesTimeoutMs);
}

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    position: row.position,
    eventId: row.eventId,
    streamId: row.streamId,
    revision: row.revision,
    type: row.eventType,
    data: row.data,
    actor: { userId: row.actorUserId, role: row.actorRole, associationId: row.actorAssociationId },
    commandId: row.commandId,
    commandType: row.commandType,
    correlationId: row.correlationId,
    recordedAt: row.recordedAt,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
