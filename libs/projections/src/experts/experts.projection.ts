import type { RecordedEvent } from '#eventstore';
import { EXPERT_EVENT_TYPES, type ExpertEvent } from '#domain/experts';
import { positionBefore, type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type Recorded<T extends ExpertEvent['type']> = RecordedEvent<T, Extract<ExpertEvent, { type: T }>['data']>;

export const EXPERTS_PROJECTION = 'experts';
/** What an expert mutation's payload reads (read-your-writes). */
export const EXPERTS_READS = [EXPERTS_PROJECTION] as const;

const EXPERT: TableSpec = {
  table: 'expert',
  key: ['expert_id'],
  columns: {
    expert_id: 'text', association_id: 'text', person_id: 'text', status: 'text', specialties: 'jsonb', employer_code: 'text', title: 'text',
    user_id: 'text', enrolled_on: 'date', status_reason: 'text', status_since: 'date', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const CONFLICT: TableSpec = {
  table: 'expert_conflict',
  key: ['expert_id', 'conflict_id'],
  columns: {
    expert_id: 'text', conflict_id: 'text', association_id: 'text', enterprise_code: 'text', reason: 'text', from_date: 'date', to_date: 'date',
    declared_by: 'text', withdrawn_on: 'date', withdrawal_reason: 'text', last_event_id: 'uuid', last_position: 'text',
  },
};

const HISTORY: TableSpec = {
  table: 'expert_history',
  key: ['expert_id', 'revision'],
  columns: {
    expert_id: 'text', revision: 'integer', association_id: 'text', kind: 'text', reference_kind: 'text', reference_id: 'text', round: 'integer',
    source_event_id: 'text', criterion: 'text', points: 'text', reason: 'text', recorded_on: 'date', recorded_by: 'text', recorded_at: 'timestamptz',
    event_id: 'uuid',
  },
};

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const expertsTableSpecs: readonly TableSpec[] = [EXPERT, CONFLICT, HISTORY];

interface Batch {
  readonly experts: TableBuffer;
  readonly conflicts: TableBuffer;
  readonly history: TableBuffer;
}

/**
 * The expert pool: one row per expert, their conflicts, and their history in stream order. Set-based and idempotent:
 * the expert and conflict rows by last position, the history rows by their key (the stream revision).
 */
export const expertsProjection: Projection = {
  name: EXPERTS_PROJECTION,
  version: 1,
  handles: EXPERT_EVENT_TYPES,
  tables: ['expert', 'expert_conflict', 'expert_history'],
  async apply(events, tx) {
    const experts: Value[][] = [];
    const conflicts: Value[][] = [];
    for (const event of events) {
      const d = event.data as { expertId: string; conflictId?: string };
      if (event.type !== 'ExpertEnrolled') experts.push([d.expertId]);
      if (event.type === 'ExpertConflictWithdrawn') conflicts.push([d.expertId, d.conflictId!]);
    }
    const batch: Batch = {
      experts: await TableBuffer.load(tx, EXPERT, experts),
      conflicts: await TableBuffer.load(tx, CONFLICT, conflicts),
      history: new TableBuffer(HISTORY),
    };
    for (const event of events) applyOne(event as RecordedEvent<ExpertEvent['type']>, batch);
    await batch.experts.flush(tx);
    await batch.conflicts.flush(tx);
    await batch.history.flush(tx);
  },
};

const HISTORY_KINDS = { ExpertAssigned: 'ASSIGNED', ExpertRecused: 'RECUSED', ExpertScoreRecorded: 'SCORED' } as const;

function applyOne(event: RecordedEvent<ExpertEvent['type']>, batch: Batch): void {
  switch (event.type) {
    case 'ExpertEnrolled': {
      const d = (event as unknown as Recorded<'ExpertEnrolled'>).data;
      batch.experts.insert({
        expert_id: d.expertId, association_id: d.associationId, person_id: d.personId, status: 'ACTIVE', specialties: JSON.stringify(d.specialties),
        employer_code: d.employerCode, title: d.title, user_id: d.userId, enrolled_on: d.enrolledOn, status_reason: null, status_since: d.enrolledOn,
        revision: event.revision, last_event_id: event.id, last_position: event.position,
      });
      return;
    }
    case 'ExpertProfileChanged': {
      const { expertId, changes } = (event as unknown as Recorded<'ExpertProfileChanged'>).data;
      const set: Row = {};
      if (changes.specialties !== undefined) set.specialties = JSON.stringify(changes.specialties);
      if (changes.employerCode !== undefined) set.employer_code = changes.employerCode;
      if (changes.title !== undefined) set.title = changes.title;
      if (changes.userId !== undefined) set.user_id = changes.userId;
      touch(batch, event, expertId, set);
      return;
    }
    case 'ExpertSuspended':
    case 'ExpertReinstated':
    case 'ExpertRetired': {
      const d = (event as Recorded<'ExpertSuspended'>).data;
      const status = event.type === 'ExpertSuspended' ? 'SUSPENDED' : event.type === 'ExpertRetired' ? 'RETIRED' : 'ACTIVE';
      touch(batch, event, d.expertId, { status, status_reason: d.reason, status_since: d.effectiveOn });
      return;
    }
    case 'ExpertConflictDeclared': {
      const d = (event as Recorded<'ExpertConflictDeclared'>).data;
      if (touch(batch, event, d.expertId, {})) {
        batch.conflicts.insert({
          expert_id: d.expertId, conflict_id: d.conflictId, association_id: d.associationId, enterprise_code: d.enterpriseCode, reason: d.reason,
          from_date: d.from, to_date: d.to, declared_by: d.declaredBy, withdrawn_on: null, withdrawal_reason: null, last_event_id: event.id,
          last_position: event.position,
        });
      }
      return;
    }
    case 'ExpertConflictWithdrawn': {
      const d = (event as Recorded<'ExpertConflictWithdrawn'>).data;
      touch(batch, event, d.expertId, {});
      const row = batch.conflicts.get([d.expertId, d.conflictId]);
      if (!row || !positionBefore(row.last_position!, event.position)) return;
      Object.assign(row, { withdrawn_on: d.withdrawnOn, withdrawal_reason: d.reason, last_event_id: event.id, last_position: event.position });
      batch.conflicts.changed(row);
      return;
    }
    case 'ExpertAssigned':
    case 'ExpertRecused':
    case 'ExpertScoreRecorded': {
      const d = (event as unknown as Recorded<'ExpertScoreRecorded'>).data;
      touch(batch, event, d.expertId, {});
      const recusal = event.type === 'ExpertRecused' ? (event as unknown as Recorded<'ExpertRecused'>).data.reason : null;
      batch.history.insert({
        expert_id: d.expertId, revision: event.revision, association_id: d.associationId, kind: HISTORY_KINDS[event.type], reference_kind: d.reference.kind,
        reference_id: d.reference.id, round: d.round, source_event_id: d.sourceEventId, criterion: d.criterion ?? null, points: d.points ?? null,
        reason: recusal, recorded_on: d.recordedOn, recorded_by: d.recordedBy, recorded_at: event.metadata.recordedAt, event_id: event.id,
      });
      return;
    }
  }
}

/** Changes the expert's row when it exists and has not seen this event; true when it did. */
function touch(batch: Batch, event: RecordedEvent, expertId: string, set: Row): boolean {
  const row = batch.experts.get([expertId]);
  if (!row || !positionBefore(row.last_position!, event.position)) return false;
  Object.assign(row, set, { revision: event.revision, last_event_id: event.id, last_position: event.position });
  batch.experts.changed(row);
  return true;
}
