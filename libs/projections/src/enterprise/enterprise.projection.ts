import type { RecordedEvent } from '#eventstore';
import { cityOf, provinceOf } from '#domain/shared';
import { ENTERPRISE_EVENT_TYPES, type EnterpriseEvent } from '#domain/enterprise';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../projection.js';

type Recorded<T extends EnterpriseEvent['type']> = RecordedEvent<T, Extract<EnterpriseEvent, { type: T }>['data']>;

/**
 * The enterprise register's read model: current profile, name history, qualifications. Each statement is
 * written so that applying an event twice leaves the same rows (the runner's checkpoint makes that rare,
 * but a rebuild or a retried batch must not double anything).
 */
export const enterpriseProjection: Projection = {
  name: 'enterprise-register',
  version: 1,
  handles: ENTERPRISE_EVENT_TYPES,
  tables: ['enterprise', 'enterprise_name', 'enterprise_qualification'],
  async apply(events, tx) {
    for (const event of events) await applyOne(event as RecordedEvent<EnterpriseEvent['type']>, tx);
  },
};

async function applyOne(event: RecordedEvent<EnterpriseEvent['type']>, tx: EntityManager): Promise<void> {
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case 'EnterpriseRegistered': {
      const d = (event as Recorded<'EnterpriseRegistered'>).data;
      await tx.query(
        `INSERT INTO enterprise (code, name, legal_representative, region_code, province_code, city_code, ownership,
           size_class, code_override_reason, registered_at, registered_by, updated_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$10,$12,$13,$14)
         ON CONFLICT (code) DO NOTHING`,
        [
          d.code, d.name, d.legalRepresentative, d.regionCode, provinceOf(d.regionCode), cityOf(d.regionCode), d.ownership,
          d.sizeClass, d.checkDigitOverride?.reason ?? null, at, event.metadata.actor.userId, event.revision, event.id,
          event.position,
        ],
      );
      await insertName(tx, event, d.code, d.name, null, null);
      return;
    }
    case 'EnterpriseRenamed': {
      const d = (event as Recorded<'EnterpriseRenamed'>).data;
      await touch(tx, event, d.code, `name = $5`, [d.name]);
      await insertName(tx, event, d.code, d.name, d.effectiveFrom, d.reason);
      return;
    }
    case 'EnterpriseProfileUpdated': {
      const { changes } = (event as Recorded<'EnterpriseProfileUpdated'>).data;
      const region = changes.regionCode;
      await touch(
        tx,
        event,
        (event as Recorded<'EnterpriseProfileUpdated'>).data.code,
        `legal_representative = COALESCE($5, legal_representative),
         region_code = COALESCE($6, region_code), province_code = COALESCE($7, province_code), city_code = COALESCE($8, city_code),
         ownership = COALESCE($9, ownership)`,
        [
          changes.legalRepresentative ?? null,
          region ?? null,
          region ? provinceOf(region) : null,
          region ? cityOf(region) : null,
          changes.ownership ?? null,
        ],
      );
      return;
    }
    case 'EnterpriseSizeClassSet': {
      const d = (event as Recorded<'EnterpriseSizeClassSet'>).data;
      await touch(tx, event, d.code, `size_class = $5`, [d.sizeClass]);
      return;
    }
    case 'QualificationRecorded': {
      const d = (event as Recorded<'QualificationRecorded'>).data;
      await tx.query(
        `INSERT INTO enterprise_qualification (code, qualification_key, category, specialty, grade, certificate_number, status,
           effective_from, withdrawn_from, withdrawal_reason, updated_at, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,'HELD',$7,NULL,NULL,$8,$9,$10)
         ON CONFLICT (code, qualification_key) DO UPDATE SET
           grade = EXCLUDED.grade, certificate_number = EXCLUDED.certificate_number, status = 'HELD',
           effective_from = EXCLUDED.effective_from, withdrawn_from = NULL, withdrawal_reason = NULL,
           updated_at = EXCLUDED.updated_at, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
         WHERE enterprise_qualification.last_position < EXCLUDED.last_position`,
        [d.code, d.qualificationKey, d.category, d.specialty, d.grade, d.certificateNumber, d.effectiveFrom, at, event.id, event.position],
      );
      await touch(tx, event, d.code, '', []);
      return;
    }
    case 'QualificationWithdrawn': {
      const d = (event as Recorded<'QualificationWithdrawn'>).data;
      await tx.query(
        `UPDATE enterprise_qualification SET status = 'WITHDRAWN', withdrawn_from = $3, withdrawal_reason = $4,
           updated_at = $5, last_event_id = $6, last_position = $7
         WHERE code = $1 AND qualification_key = $2 AND last_position < $7`,
        [d.code, d.qualificationKey, d.effectiveFrom, d.reason, at, event.id, event.position],
      );
      await touch(tx, event, d.code, '', []);
      return;
    }
  }
}

/** Updates the profile row with `set` (parameters from $5) and stamps it with the event, once. */
async function touch(tx: EntityManager, event: RecordedEvent, code: string, set: string, values: unknown[]): Promise<void> {
  await tx.query(
    `UPDATE enterprise SET ${set ? `${set},` : ''} updated_at = $2, revision = $3, last_event_id = $4, last_position = $1
     WHERE code = $${values.length + 5} AND last_position < $1`,
    [event.position, event.metadata.recordedAt, event.revision, event.id, ...values, code],
  );
}

async function insertName(
  tx: EntityManager,
  event: RecordedEvent,
  code: string,
  name: string,
  effectiveFrom: string | null,
  reason: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO enterprise_name (code, revision, name, effective_from, reason, recorded_at, last_event_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (code, revision) DO NOTHING`,
    [code, event.revision, name, effectiveFrom, reason, event.metadata.recordedAt, event.id],
  );
}
