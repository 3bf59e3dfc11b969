import type { RecordedEvent } from '#eventstore';
import { DUES_EVENT_TYPES, type DuesEvent } from '#domain/dues';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../projection.js';

type Recorded<T extends DuesEvent['type']> = RecordedEvent<T, Extract<DuesEvent, { type: T }>['data']>;
type AccountKey = { associationId: string; enterpriseCode: string; year: number };

/**
 * Dues read models: fee schedule versions, accounts (current figures), the account ledger (bitemporal:
 * business date and recorded-at per money event), payments, waivers and waiver policies. Every row keeps the
 * position of the last event that shaped it and is only touched by a later event, so a second delivery
 * changes nothing (the account figures are increments, so that guard is what keeps them right).
 */
export const duesProjection: Projection = {
  name: 'dues',
  version: 1,
  handles: DUES_EVENT_TYPES,
  tables: ['dues_fee_schedule', 'dues_account', 'dues_account_entry', 'dues_payment', 'dues_waiver', 'dues_waiver_policy'],
  async apply(events, tx) {
    for (const event of events) await applyOne(event as RecordedEvent<DuesEvent['type']>, tx);
  },
};

async function applyOne(event: RecordedEvent<DuesEvent['type']>, tx: EntityManager): Promise<void> {
  const at = event.metadata.recordedAt;
  const by = event.metadata.actor.userId;
  switch (event.type) {
    case 'FeeScheduleAdopted': {
      const d = (event as Recorded<'FeeScheduleAdopted'>).data;
      await tx.query(
        `INSERT INTO dues_fee_schedule (association_id, version, effective_from, amounts, second_half_percent, decision, warnings,
           adopted_at, adopted_by, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (association_id, version) DO NOTHING`,
        [
          d.associationId, d.version, d.effectiveFrom, JSON.stringify(d.amounts), d.secondHalfPercent, JSON.stringify(d.decision),
          JSON.stringify(d.warnings), at, by, event.id, event.position,
        ],
      );
      return;
    }
    case 'WaiverPolicyAdopted': {
      const d = (event as Recorded<'WaiverPolicyAdopted'>).data;
      await tx.query(
        `INSERT INTO dues_waiver_policy (association_id, policy_id, year, title, reason_category, reason, default_percent,
           size_class_percents, decision, adopted_at, adopted_by, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (association_id, policy_id) DO NOTHING`,
        [
          d.associationId, d.policyId, d.year, d.title, d.reasonCategory, d.reason, d.defaultPercent,
          JSON.stringify(d.sizeClassPercents), JSON.stringify(d.decision), at, by, event.id, event.position,
        ],
      );
      return;
    }
    case 'DuesReceiptReserved':
    case 'DuesReceiptReleased':
      // The reservation streams only guard uniqueness; payments are read from the account streams.
      return;
    case 'DuesInvoiced': {
      const d = (event as Recorded<'DuesInvoiced'>).data;
      await tx.query(
        `INSERT INTO dues_account (association_id, enterprise_code, year, tier, schedule_version, annual_fen, invoiced_fen, paid_fen,
           waived_fen, balance_fen, pro_rated_percent, admitted_on, invoiced_on, invoiced_at, updated_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,0,0,$7,$8,$9,$10,$11,$11,$12,$13,$14)
         ON CONFLICT (association_id, enterprise_code, year) DO NOTHING`,
        [
          d.associationId, d.enterpriseCode, d.year, d.tier, d.scheduleVersion, d.annualFen, d.amountFen, d.proRatedPercent,
          d.admittedOn, d.invoicedOn, at, event.revision, event.id, event.position,
        ],
      );
      await entry(tx, event, d, 'INVOICE', d.amountFen, null, d.invoicedOn);
      return;
    }
    case 'DuesPaymentRecorded': {
      const d = (event as Recorded<'DuesPaymentRecorded'>).data;
      await tx.query(
        `INSERT INTO dues_payment (association_id, receipt_number, enterprise_code, year, amount_fen, paid_on, recorded_at, recorded_by,
           last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (association_id, receipt_number) DO NOTHING`,
        [d.associationId, d.receiptNumber, d.enterpriseCode, d.year, d.amountFen, d.paidOn, at, by, event.id, event.position],
      );
      await account(tx, event, d, `paid_fen = paid_fen + $6, balance_fen = balance_fen - $6`, [d.amountFen]);
      await entry(tx, event, d, 'PAYMENT', d.amountFen, null, d.paidOn);
      return;
    }
    case 'DuesWaiverRequested': {
      const d = (event as Recorded<'DuesWaiverRequested'>).data;
      await tx.query(
        `INSERT INTO dues_waiver (association_id, enterprise_code, year, waiver_id, status, full_waiver, requested_fen, in_effect_fen,
           revoked_fen, reason_category, reason, evidence_reference, requested_by, requested_at, updated_at, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,'REQUESTED',$5,$6,0,0,$7,$8,$9,$10,$11,$11,$12,$13)
         ON CONFLICT (association_id, enterprise_code, year, waiver_id) DO NOTHING`,
        [
          d.associationId, d.enterpriseCode, d.year, d.waiverId, d.full, d.amountFen, d.reasonCategory, d.reason, d.evidenceReference,
          d.requestedBy, at, event.id, event.position,
        ],
      );
      await account(tx, event, d, '', []);
      return;
    }
    case 'DuesWaiverApproved': {
      const d = (event as Recorded<'DuesWaiverApproved'>).data;
      await waiver(
        tx,
        event,
        d,
        d.waiverId,
        `status = 'APPROVED', in_effect_fen = $7, approved_fen = $7, approved_by = $8, approved_at = $9, approval_note = $10`,
        [d.amountFen, d.approvedBy, at, d.note],
      );
      await account(tx, event, d, `waived_fen = waived_fen + $6, balance_fen = balance_fen - $6`, [d.amountFen]);
      await entry(tx, event, d, 'WAIVER', d.amountFen, d.waiverId, d.approvedOn);
      return;
    }
    case 'DuesWaiverRejected': {
      const d = (event as Recorded<'DuesWaiverRejected'>).data;
      await waiver(tx, event, d, d.waiverId, `status = 'REJECTED', rejected_by = $7, rejection_reason = $8`, [d.rejectedBy, d.reason]);
      await account(tx, event, d, '', []);
      return;
    }
    case 'DuesWaiverRevoked': {
      const d = (event as Recorded<'DuesWaiverRevoked'>).data;
      await waiver(
        tx,
        event,
        d,
        d.waiverId,
        `in_effect_fen = in_effect_fen - $7, revoked_fen = revoked_fen + $7,
         status = CASE WHEN in_effect_fen - $7 = 0 THEN 'REVOKED' ELSE status END,
         revoked_by = $8, revocation_reason = $9, revoked_at = $10`,
        [d.amountFen, d.revokedBy, d.reason, at],
      );
      await account(tx, event, d, `waived_fen = waived_fen - $6, balance_fen = balance_fen + $6`, [d.amountFen]);
      await entry(tx, event, d, 'WAIVER_REVOKED', d.amountFen, d.waiverId, d.effectiveFrom);
      return;
    }
    case 'DuesWaiverGranted': {
      const d = (event as Recorded<'DuesWaiverGranted'>).data;
      await tx.query(
        `INSERT INTO dues_waiver (association_id, enterprise_code, year, waiver_id, status, full_waiver, requested_fen, in_effect_fen,
           approved_fen, revoked_fen, reason_category, reason, approved_by, approved_at, policy_id, decision, updated_at, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,'APPROVED',false,$5,$5,$5,0,$6,$7,$8,$9,$10,$11,$9,$12,$13)
         ON CONFLICT (association_id, enterprise_code, year, waiver_id) DO NOTHING`,
        [
          d.associationId, d.enterpriseCode, d.year, d.waiverId, d.amountFen, d.reasonCategory, d.reason, by, at, d.policyId,
          JSON.stringify(d.decision), event.id, event.position,
        ],
      );
      await account(tx, event, d, `waived_fen = waived_fen + $6, balance_fen = balance_fen - $6`, [d.amountFen]);
      await entry(tx, event, d, 'WAIVER', d.amountFen, d.waiverId, d.grantedOn);
      return;
    }
  }
}

/** Updates the account row (values from $6) and stamps it with the event, once. */
async function account(tx: EntityManager, event: RecordedEvent, key: AccountKey, set: string, values: unknown[]): Promise<void> {
  const n = values.length;
  await tx.query(
    `UPDATE dues_account SET ${set ? `${set},` : ''} updated_at = $1, revision = $2, last_event_id = $3, last_position = $4
     WHERE association_id = $5 AND enterprise_code = $${n + 6} AND year = $${n + 7} AND last_position < $4`,
    [event.metadata.recordedAt, event.revision, event.id, event.position, key.associationId, ...values, key.enterpriseCode, key.year],
  );
}

async function waiver(
  tx: EntityManager,
  event: RecordedEvent,
  key: AccountKey,
  waiverId: string,
  set: string,
  values: unknown[],
): Promise<void> {
  await tx.query(
    `UPDATE dues_waiver SET ${set}, updated_at = $1, last_event_id = $2, last_position = $3
     WHERE association_id = $4 AND enterprise_code = $5 AND year = $6 AND waiver_id = $${values.length + 7} AND last_position < $3`,
    [event.metadata.recordedAt, event.id, event.position, key.associationId, key.enterpriseCode, key.year, ...values, waiverId],
  );
}

async function entry(
  tx: EntityManager,
  event: RecordedEvent,
  key: AccountKey,
  kind: 'INVOICE' | 'PAYMENT' | 'WAIVER' | 'WAIVER_REVOKED',
  amountFen: number,
  waiverId: string | null,
  effectiveOn: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO dues_account_entry (association_id, enterprise_code, year, revision, kind, amount_fen, waiver_id, effective_on,
       recorded_at, event_id, position)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (association_id, enterprise_code, year, revision) DO NOTHING`,
    [key.associationId, key.enterpriseCode, key.year, event.revision, kind, amountFen, waiverId, effectiveOn, event.metadata.recordedAt, event.id, event.position],
  );
}
