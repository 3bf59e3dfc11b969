import { Inject, Injectable } from '@nestjs/common';
import { AuditEventRow } from '#projections';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import { decodeCursor, encodeCursor, toConnection, type Connection } from '../graphql/connection.js';
import type { AuditEvent } from './audit.types.js';

/** History of one stream from the audit-trail read model, in revision order. */
@Injectable()
export class AuditReadModel {
  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {}

  async streamHistory(streamId: string, first: number, after?: string | null): Promise<Connection<AuditEvent>> {
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
