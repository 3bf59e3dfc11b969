import type { RecordedEvent } from '#eventstore';
import { businessDate } from '#domain/shared';
import {
  ASSOCIATION_EVENT_TYPES,
  type AssociationEvent,
  COUNCIL_TERM_EVENT_TYPES,
  type CouncilTermEvent,
  MEMBERSHIP_EVENT_TYPES,
  type MembershipEvent,
  type MembershipStatus,
} from '#domain/membership';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../projection.js';

type Handled = AssociationEvent | MembershipEvent | CouncilTermEvent;
type Recorded<T extends Handled['type']> = RecordedEvent<T, Extract<Handled, { type: T }>['data']>;

/**
 * Associations, council terms and elections, current memberships and their bitemporal status/tier history.
 * Every write is guarded by the row's last position or keyed by the event's revision, so applying an event
 * twice leaves the same rows.
 */
export const membershipProjection: Projection = {
  name: 'membership-register',
  version: 1,
  handles: [...ASSOCIATION_EVENT_TYPES, ...MEMBERSHIP_EVENT_TYPES, ...COUNCIL_TERM_EVENT_TYPES],
  tables: ['association', 'association_waiver_approver', 'council_term', 'council_election', 'membership', 'membership_history'],
  async apply(events, tx) {
    for (const event of events) await applyOne(event as RecordedEvent<Handled['type']>, tx);
  },
};

async function applyOne(event: RecordedEvent<Handled['type']>, tx: EntityManager): Promise<void> {
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case 'AssociationRegistered': {
      const d = (event as Recorded<'AssociationRegistered'>).data;
      await tx.query(
        `INSERT INTO association (association_id, name, region_code, deemed_withdrawal_years, reminder_grace_days, admission_bodies,
           waiver_approvers, registered_at, updated_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8,$9,$10,$11) ON CONFLICT (association_id) DO NOTHING`,
        [
          d.associationId, d.name, d.regionCode, d.charter.deemedWithdrawalYears, d.charter.reminderGraceDays, d.charter.admissionBodies,
          d.waiverApprovers, at, event.revision, event.id, event.position,
        ],
      );
      for (const userId of d.waiverApprovers) await grantApprover(tx, event, d.associationId, userId, businessDate(new Date(at)));
      return;
    }
    case 'WaiverApproverGranted': {
      const d = (event as Recorded<'WaiverApproverGranted'>).data;
      await touchAssociation(tx, event, d.associationId, 'waiver_approvers = array_append(waiver_approvers, $5)', [d.userId]);
      await grantApprover(tx, event, d.associationId, d.userId, d.effectiveFrom);
      return;
    }
    case 'WaiverApproverRevoked': {
      const d = (event as Recorded<'WaiverApproverRevoked'>).data;
      await touchAssociation(tx, event, d.associationId, 'waiver_approvers = array_remove(waiver_approvers, $5)', [d.userId]);
      await tx.query(
        `UPDATE association_waiver_approver SET valid_to = $3, revoked_recorded_at = $4
         WHERE association_id = $1 AND user_id = $2 AND revision < $5 AND valid_to IS NULL`,
        [d.associationId, d.userId, d.effectiveFrom, at, event.revision],
      );
      return;
    }
    case 'CouncilTermRecorded': {
      const d = (event as Recorded<'CouncilTermRecorded'>).data;
      await tx.query(
        `INSERT INTO council_term (association_id, term_number, starts_on, ends_on, president_enterprise_code, recorded_at, updated_at,
           last_event_id, last_position)
         VALUES ($1,$2,$3,$4,NULL,$5,$5,$6,$7) ON CONFLICT (association_id, term_number) DO NOTHING`,
        [d.associationId, d.termNumber, d.startsOn, d.endsOn, at, event.id, event.position],
      );
      await touchAssociation(tx, event, d.associationId, '', []);
      return;
    }
    case 'PresidentSeatTaken':
    case 'PresidentSeatReleased': {
      const d = (event as Recorded<'PresidentSeatTaken'>).data;
      await tx.query(
        `UPDATE council_term SET president_enterprise_code = $3, updated_at = $4, last_event_id = $5, last_position = $6
         WHERE association_id = $1 AND term_number = $2 AND last_position < $6`,
        [d.associationId, d.termNumber, event.type === 'PresidentSeatTaken' ? d.enterpriseCode : null, at, event.id, event.position],
      );
      return;
    }
    case 'CouncilElectionHeld': {
      const d = (event as Recorded<'CouncilElectionHeld'>).data;
      await tx.query(
        `INSERT INTO council_election (election_id, association_id, term_number, office, tier, seats, candidates, elected, decision,
           recorded_at, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (election_id) DO NOTHING`,
        [
          d.electionId, d.associationId, d.termNumber, d.office, d.tier, d.seats, JSON.stringify(d.candidates), d.elected,
          JSON.stringify(d.decision), at, event.id, event.position,
        ],
      );
      return;
    }
    default:
      await applyMembership(event as RecordedEvent<MembershipEvent['type']>, tx);
  }
}

async function applyMembership(event: RecordedEvent<MembershipEvent['type']>, tx: EntityManager): Promise<void> {
  const e = { type: event.type, data: event.data } as unknown as MembershipEvent;
  const d = e.data;
  switch (e.type) {
    case 'MembershipApplied': {
      await tx.query(
        `INSERT INTO membership (association_id, enterprise_code, membership_id, status, tier, applied_on, admitted_on, certificate_number,
           ended_on, status_since, sanctions, last_reminder_on, updated_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,'PENDING',NULL,$4,NULL,NULL,NULL,$4,0,NULL,$5,$6,$7,$8)
         ON CONFLICT (association_id, enterprise_code) DO UPDATE SET
           membership_id = EXCLUDED.membership_id, status = 'PENDING', tier = NULL, applied_on = EXCLUDED.applied_on, admitted_on = NULL,
           certificate_number = NULL, ended_on = NULL, status_since = EXCLUDED.status_since, sanctions = 0, last_reminder_on = NULL,
           updated_at = EXCLUDED.updated_at, revision = EXCLUDED.revision, last_event_id = EXCLUDED.last_event_id,
           last_position = EXCLUDED.last_position
         WHERE membership.last_position < EXCLUDED.last_position`,
        [d.associationId, d.enterpriseCode, d.membershipId, e.data.appliedOn, event.metadata.recordedAt, event.revision, event.id, event.position],
      );
      await history(tx, event, 'PENDING', { tier: null }, e.data.appliedOn);
      return;
    }
    case 'MembershipAdmitted': {
      const { tier, admittedOn, certificateNumber } = e.data;
      await touchMembership(tx, event, `status = 'ACTIVE', tier = $5, admitted_on = $6, certificate_number = $7, status_since = $6`, [
        tier,
        admittedOn,
        certificateNumber,
      ]);
      await history(tx, event, 'ACTIVE', { tier }, admittedOn);
      return;
    }
    case 'MembershipRejected':
      await end(tx, event, 'REJECTED', e.data.rejectedOn);
      return;
    case 'MembershipTierChanged':
      await touchMembership(tx, event, 'tier = $5', [e.data.tier]);
      await history(tx, event, 'ACTIVE', { tier: e.data.tier }, e.data.effectiveFrom);
      return;
    case 'MembershipSanctioned':
      await touchMembership(tx, event, 'sanctions = sanctions + 1', []);
      return;
    case 'MembershipSuspended':
      await touchMembership(tx, event, `status = 'SUSPENDED', status_since = $5`, [e.data.effectiveFrom]);
      await history(tx, event, 'SUSPENDED', 'unchanged', e.data.effectiveFrom);
      return;
    case 'MembershipReinstated':
      await touchMembership(tx, event, `status = 'ACTIVE', status_since = $5`, [e.data.effectiveFrom]);
      await history(tx, event, 'ACTIVE', 'unchanged', e.data.effectiveFrom);
      return;
    case 'MembershipReminderSent':
      await touchMembership(tx, event, 'last_reminder_on = $5', [e.data.sentOn]);
      return;
    case 'MembershipWithdrawn':
      await end(tx, event, 'WITHDRAWN', e.data.effectiveFrom);
      return;
    case 'MembershipDeemedWithdrawn':
      await end(tx, event, 'DEEMED_WITHDRAWN', e.data.effectiveFrom);
      return;
    case 'MembershipExpelled':
      await end(tx, event, 'EXPELLED', e.data.effectiveFrom);
      return;
  }
}

async function end(tx: EntityManager, event: RecordedEvent, status: MembershipStatus, on: string): Promise<void> {
  await touchMembership(tx, event, `status = $5, ended_on = $6, status_since = $6`, [status, on]);
  await history(tx, event, status, 'unchanged', on);
}

function keysOf(event: RecordedEvent): { associationId: string; enterpriseCode: string; membershipId: string } {
  return event.data as unknown as { associationId: string; enterpriseCode: string; membershipId: string };
}

/** Updates the membership row with `set` (parameters from $5) and stamps it with the event, once. */
async function touchMembership(tx: EntityManager, event: RecordedEvent, set: string, values: unknown[]): Promise<void> {
  const { associationId, enterpriseCode } = keysOf(event);
  const n = values.length + 5;
  await tx.query(
    `UPDATE membership SET ${set ? `${set},` : ''} updated_at = $2, revision = $3, last_event_id = $4, last_position = $1
     WHERE association_id = $${n} AND enterprise_code = $${n + 1} AND last_position < $1`,
    [event.position, event.metadata.recordedAt, event.revision, event.id, ...values, associationId, enterpriseCode],
  );
}

/**
 * Adds the history row of a status or tier change (keyed by stream revision, so a replay adds nothing) and
 * closes the membership's previous open row at the new row's business date.
 */
async function history(
  tx: EntityManager,
  event: RecordedEvent,
  status: MembershipStatus,
  tier: { tier: string | null } | 'unchanged',
  validFrom: string,
): Promise<void> {
  const { associationId, enterpriseCode, membershipId } = keysOf(event);
  await tx.query(
    `UPDATE membership_history SET valid_to = $4
     WHERE association_id = $1 AND enterprise_code = $2 AND membership_id = $3 AND revision < $5 AND valid_to IS NULL`,
    [associationId, enterpriseCode, membershipId, validFrom, event.revision],
  );
  await tx.query(
    `INSERT INTO membership_history (association_id, enterprise_code, revision, membership_id, event_type, status, tier, valid_from,
       valid_to, recorded_at, last_event_id)
     VALUES ($1::text, $2::varchar, $3::integer, $4::text, $5, $6,
       CASE WHEN $7::boolean THEN (SELECT h.tier FROM membership_history h WHERE h.association_id = $1::text
                            AND h.enterprise_code = $2::varchar AND h.membership_id = $4::text AND h.revision < $3::integer
                            ORDER BY h.revision DESC LIMIT 1)
            ELSE $8::text END,
       $9, NULL, $10, $11)
     ON CONFLICT (association_id, enterprise_code, revision) DO NOTHING`,
    [
      associationId, enterpriseCode, event.revision, membershipId, event.type, status, tier === 'unchanged',
      tier === 'unchanged' ? null : tier.tier, validFrom, event.metadata.recordedAt, event.id,
    ],
  );
}

async function touchAssociation(tx: EntityManager, event: RecordedEvent, associationId: string, set: string, values: unknown[]): Promise<void> {
  await tx.query(
    `UPDATE association SET ${set ? `${set},` : ''} updated_at = $2, revision = $3, last_event_id = $4, last_position = $1
     WHERE association_id = $${values.length + 5} AND last_position < $1`,
    [event.position, event.metadata.recordedAt, event.revision, event.id, ...values, associationId],
  );
}

async function grantApprover(tx: EntityManager, event: RecordedEvent, associationId: string, userId: string, validFrom: string): Promise<void> {
  await tx.query(
    `INSERT INTO association_waiver_approver (association_id, user_id, revision, valid_from, valid_to, recorded_at, revoked_recorded_at, last_event_id)
     VALUES ($1,$2,$3,$4,NULL,$5,NULL,$6) ON CONFLICT (association_id, user_id, revision) DO NOTHING`,
    [associationId, userId, event.revision, validFrom, event.metadata.recordedAt, event.id],
  );
}
