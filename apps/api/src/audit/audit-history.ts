import { Inject, Injectable } from '@nestjs/common';
import { comparePositions, type Position } from '#eventstore';
import { AuditQueries, type AuditEventView, type AuditTrailEntryView, type AuditTrailFilter, auditTrailProjection, type Page } from '#projections';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

/**
 * History queries over the audit trail that first let the trail catch up with the streams asked about (ADR 0006):
 * the audit trail is a projection no mutation waits for, so an auditor reading right after a change must wait here.
 */
@Injectable()
export class AuditHistory {
  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly audit: AuditQueries,
  ) {}

  async streamHistory(streamId: string, first: number, after?: string | null): Promise<Page<AuditEventView>> {
    await awaitAuditTrail(this.runtime, this.audit, [streamId]);
    return this.audit.streamHistory(streamId, first, after);
  }

  /** The auditor's trail, once the audit trail holds everything the store had committed when the query began. */
  async trail(filter: AuditTrailFilter, first: number, after?: string | null): Promise<Page<AuditTrailEntryView>> {
    const head = await this.runtime.store.headPosition();
    if (head !== null) await this.runtime.waiter.waitFor(head, [auditTrailProjection.name], this.runtime.config.readYourWritesTimeoutMs);
    return this.audit.trail(filter, first, after);
  }
}

/**
 * Waits (bounded, like read-your-writes) until the audit trail holds every event the store had recorded on
 * these streams when the query began, so an auditor reading right after a change sees that change.
 */
export async function awaitAuditTrail(runtime: ApiRuntime, audit: AuditQueries, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length === 0) return;
  const [revisions, projectedRevision] = await Promise.all([
    Promise.all(streamIds.map((streamId) => runtime.store.streamRevision(streamId))),
    audit.projectedRevisions(streamIds),
  ]);
  const behind = streamIds.flatMap((streamId, i) => {
    const revision = revisions[i];
    return revision !== null && revision !== undefined && revision > (projectedRevision.get(streamId) ?? -1) ? [{ streamId, revision }] : [];
  });
  if (behind.length === 0) return;
  const lastEvents = await Promise.all(behind.map(({ streamId, revision }) => runtime.store.readStream(streamId, { from: revision, to: revision })));
  const latest = lastEvents.flat().reduce<Position | null>((a, e) => (comparePositions(a, e.position) >= 0 ? a : e.position), null);
  if (latest !== null) await runtime.waiter.waitFor(latest, [auditTrailProjection.name], runtime.config.readYourWritesTimeoutMs);
}
