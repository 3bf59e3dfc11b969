import type { RecordedEvent } from '#eventstore';

/** Who a fixture event was recorded by (an ADMIN; `associationId: null` records one of no association). */
export interface FixtureActor {
  readonly userId?: string;
  readonly associationId?: string | null;
}

export type RecordEvent = (
  streamId: string,
  revision: number,
  event: { readonly type: string; readonly data: unknown },
  recordedAt: string,
  actor?: FixtureActor,
) => RecordedEvent;

/**
 * For projection specs: events as the store hands them to a projection, without a store. Ids and positions follow
 * the order of the calls to this recorder; the hashes are fixed placeholders (projections only copy them).
 */
export function eventRecorder(): RecordEvent {
  let position = 0;
  return (streamId, revision, event, recordedAt, actor = {}) => {
    position += 1;
    const associationId = actor.associationId ?? null;
    return {
      id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      streamId,
      revision,
      position: `${String(position).padStart(20, '0')}:00000000000000000001`,
      type: event.type,
      data: event.data as Record<string, unknown>,
      metadata: {
        actor: { userId: actor.userId ?? 'admin-1', role: 'ADMIN', ...(associationId === null ? {} : { associationId }) },
        commandId: `c-${position}`,
        correlationId: `c-${position}`,
        causationId: `c-${position}`,
        recordedAt,
        prevHash: '0'.repeat(64),
        hash: '1'.repeat(64),
      },
    };
  };
}
