import type { RecordedEvent } from '#eventstore';
import { cityOf, provinceOf } from '#domain/shared';
import { ENTERPRISE_EVENT_TYPES, type EnterpriseEvent } from '#domain/enterprise';
import { positionBefore, type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type Recorded<T extends EnterpriseEvent['type']> = RecordedEvent<T, Extract<EnterpriseEvent, { type: T }>['data']>;

/**
 * The enterprise register's read model: current profile, name history, qualifications. Each change is guarded
 * so that applying an event twice leaves the same rows (the runner's checkpoint makes that rare, but a
 * rebuild or a retried batch must not double anything): profile and qualification rows only take events
 * after the position they last saw; names are keyed by stream revision.
 *
 * Set-based: a batch loads the enterprises and qualifications it touches in one statement each, applies its
 * events in memory, in order, and writes each table back in one statement (bulk-rows.ts).
 */
export const enterpriseProjection: Projection = {
  name: 'enterprise-register',
  version: 1,
  handles: ENTERPRISE_EVENT_TYPES,
  tables: ['enterprise', 'enterprise_name', 'enterprise_qualification'],
  // Rows are loaded and written only by primary key (bulk-rows), so a rebuild may build the other indexes last.
  rebuildIndexesAfterReplay: true,
  async apply(events, tx) {
    const codes: Value[][] = [];
    const qualifications: Value[][] = [];
    for (const event of events) {
      const d = event.data as { code: string; qualificationKey?: string };
      // A registration only inserts (ON CONFLICT DO NOTHING): its row is needed only if the batch changes it.
      if (event.type !== 'EnterpriseRegistered') codes.push([d.code]);
      if (d.qualificationKey !== undefined) qualifications.push([d.code, d.qualificationKey]);
    }
    const batch: Batch = {
      enterprises: await TableBuffer.load(tx, ENTERPRISE, codes),
      qualifications: await TableBuffer.load(tx, QUALIFICATION, qualifications),
      names: new TableBuffer(NAME),
    };
    for (const event of events) applyOne(event as RecordedEvent<EnterpriseEvent['type']>, batch);
    await batch.enterprises.flush(tx);
    await batch.names.flush(tx);
    await batch.qualifications.flush(tx);
  },
};

const ENTERPRISE: TableSpec = {
  table: 'enterprise',
  key: ['code'],
  columns: {
    code: 'varchar', name: 'text', legal_representative: 'text', region_code: 'bpchar', province_code: 'bpchar', city_code: 'bpchar',
    ownership: 'text', size_class: 'text', code_override_reason: 'text', registered_at: 'timestamptz', registered_by: 'text',
    updated_at: 'timestamptz', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const NAME: TableSpec = {
  table: 'enterprise_name',
  key: ['code', 'revision'],
  columns: {
    code: 'varchar', revision: 'integer', name: 'text', effective_from: 'date', reason: 'text', recorded_at: 'timestamptz',
    last_event_id: 'uuid',
  },
};

const QUALIFICATION: TableSpec = {
  table: 'enterprise_qualification',
  key: ['code', 'qualification_key'],
  columns: {
    code: 'varchar', qualification_key: 'text', category: 'text', specialty: 'text', grade: 'text', certificate_number: 'text',
    status: 'text', effective_from: 'date', withdrawn_from: 'date', withdrawal_reason: 'text', updated_at: 'timestamptz',
    last_event_id: 'uuid', last_position: 'text',
  },
};

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const enterpriseTableSpecs: readonly TableSpec[] = [ENTERPRISE, NAME, QUALIFICATION];

interface Batch {
  readonly enterprises: TableBuffer;
  readonly names: TableBuffer;
  readonly qualifications: TableBuffer;
}

function applyOne(event: RecordedEvent<EnterpriseEvent['type']>, batch: Batch): void {
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case 'EnterpriseRegistered': {
      const d = (event as Recorded<'EnterpriseRegistered'>).data;
      batch.enterprises.insert({
        code: d.code, name: d.name, legal_representative: d.legalRepresentative, region_code: d.regionCode,
        province_code: provinceOf(d.regionCode), city_code: cityOf(d.regionCode), ownership: d.ownership, size_class: d.sizeClass,
        code_override_reason: d.checkDigitOverride?.reason ?? null, registered_at: at, registered_by: event.metadata.actor.userId,
        updated_at: at, revision: event.revision, last_event_id: event.id, last_position: event.position,
      });
      insertName(batch, event, d.code, d.name, null, null);
      return;
    }
    case 'EnterpriseRenamed': {
      const d = (event as Recorded<'EnterpriseRenamed'>).data;
      touch(batch, event, d.code, { name: d.name });
      insertName(batch, event, d.code, d.name, d.effectiveFrom, d.reason);
      return;
    }
    case 'EnterpriseProfileUpdated': {
      const { code, changes } = (event as Recorded<'EnterpriseProfileUpdated'>).data;
      const region = changes.regionCode;
      const set: Row = {};
      if (changes.legalRepresentative != null) set.legal_representative = changes.legalRepresentative;
      if (region != null) set.region_code = region;
      if (region) Object.assign(set, { province_code: provinceOf(region), city_code: cityOf(region) });
      if (changes.ownership != null) set.ownership = changes.ownership;
      touch(batch, event, code, set);
      return;
    }
    case 'EnterpriseSizeClassSet': {
      const d = (event as Recorded<'EnterpriseSizeClassSet'>).data;
      touch(batch, event, d.code, { size_class: d.sizeClass });
      return;
    }
    case 'QualificationRecorded': {
      const d = (event as Recorded<'QualificationRecorded'>).data;
      const held: Row = {
        grade: d.grade, certificate_number: d.certificateNumber, status: 'HELD', effective_from: d.effectiveFrom, withdrawn_from: null,
        withdrawal_reason: null, updated_at: at, last_event_id: event.id, last_position: event.position,
      };
      const existing = batch.qualifications.get([d.code, d.qualificationKey]);
      if (!existing) {
        batch.qualifications.insert({ code: d.code, qualification_key: d.qualificationKey, category: d.category, specialty: d.specialty, ...held });
      } else if (positionBefore(existing.last_position!, event.position)) {
        Object.assign(existing, held);
        batch.qualifications.changed(existing);
      }
      touch(batch, event, d.code, {});
      return;
    }
    case 'QualificationWithdrawn': {
      const d = (event as Recorded<'QualificationWithdrawn'>).data;
      const existing = batch.qualifications.get([d.code, d.qualificationKey]);
      if (existing && positionBefore(existing.last_position!, event.position)) {
        Object.assign(existing, {
          status: 'WITHDRAWN', withdrawn_from: d.effectiveFrom, withdrawal_reason: d.reason, updated_at: at, last_event_id: event.id,
          last_position: event.position,
        });
        batch.qualifications.changed(existing);
      }
      touch(batch, event, d.code, {});
      return;
    }
  }
}

/** Changes the profile row (when it exists and has not seen this event) and stamps it with the event. */
function touch(batch: Batch, event: RecordedEvent, code: string, set: Row): void {
  const row = batch.enterprises.get([code]);
  if (!row || !positionBefore(row.last_position!, event.position)) return;
  Object.assign(row, set, {
    updated_at: event.metadata.recordedAt,
    revision: event.revision,
    last_event_id: event.id,
    last_position: event.position,
  });
  batch.enterprises.changed(row);
}

function insertName(
  batch: Batch,
  event: RecordedEvent,
  code: string,
  name: string,
  effectiveFrom: string | null,
  reason: string | null,
): void {
  batch.names.insert({
    code, revision: event.revision, name, effective_from: effectiveFrom, reason, recorded_at: event.metadata.recordedAt,
    last_event_id: event.id,
  });
}
