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
import { positionBefore, type Row, type TableSpec, TableBuffer } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type Handled = AssociationEvent | MembershipEvent | CouncilTermEvent;
type Recorded<T extends Handled['type']> = RecordedEvent<T, Extract<Handled, { type: T }>['data']>;

/**
 * Associations, council terms and elections, current memberships and their bitemporal status/tier history.
 * Every write is guarded by the row's last position or keyed by the event's revision, so applying an event
 * twice leaves the same rows.
 *
 * Membership events (the bulk of the log) are applied set-based: a batch loads the memberships it touches and
 * their history in one statement each, applies its events in memory with the same guards, and writes both
 * tables back in one statement each (bulk-rows.ts). Association and council events, which touch other tables
 * and are rare, keep one statement per write.
 */
export const membershipProjection: Projection = {
  name: 'membership-register',
  version: 1,
  handles: [...ASSOCIATION_EVENT_TYPES, ...MEMBERSHIP_EVENT_TYPES, ...COUNCIL_TERM_EVENT_TYPES],
  tables: ['association', 'association_waiver_approver', 'council_term', 'council_election', 'membership', 'membership_history'],
  // Every statement finds and conflicts on rows by primary key (or its leading columns), so a rebuild may
  // build the other indexes last.
  rebuildIndexesAfterReplay: true,
  async apply(events, tx) {
    const memberships: RecordedEvent<MembershipEvent['type']>[] = [];
    for (const event of events) {
      if (MEMBERSHIP_TYPES.has(event.type)) memberships.push(event as RecordedEvent<MembershipEvent['type']>);
      else await applyOne(event as RecordedEvent<Handled['type']>, tx);
    }
    if (memberships.length > 0) await applyMemberships(memberships, tx);
  },
};

const MEMBERSHIP_TYPES: ReadonlySet<string> = new Set(MEMBERSHIP_EVENT_TYPES);

const MEMBERSHIP: TableSpec = {
  table: 'membership',
  key: ['association_id', 'enterprise_code'],
  columns: {
    association_id: 'text', enterprise_code: 'varchar', membership_id: 'text', status: 'text', tier: 'text', applied_on: 'date',
    admitted_on: 'date', certificate_number: 'text', ended_on: 'date', status_since: 'date', sanctions: 'integer',
    last_reminder_on: 'date', updated_at: 'timestamptz', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const HISTORY: TableSpec = {
  table: 'membership_history',
  key: ['association_id', 'enterprise_code', 'revision'],
  columns: {
    association_id: 'text', enterprise_code: 'varchar', revision: 'integer', membership_id: 'text', event_type: 'text', status: 'text',
    tier: 'text', valid_from: 'date', valid_to: 'date', recorded_at: 'timestamptz', last_event_id: 'uuid',
  },
};

// Written per event (below), not through the bulk writer: described here so that every table of the projection
// has one description a test holds to the migration.
const ASSOCIATION: TableSpec = {
  table: 'association',
  key: ['association_id'],
  columns: {
    association_id: 'text', name: 'text', region_code: 'bpchar', deemed_withdrawal_years: 'integer', reminder_grace_days: 'integer',
    admission_bodies: 'text[]', waiver_approvers: 'text[]', registered_at: 'timestamptz', updated_at: 'timestamptz', revision: 'integer',
    last_event_id: 'uuid', last_position: 'text',
  },
};

const WAIVER_APPROVER: TableSpec = {
  table: 'association_waiver_approver',
  key: ['association_id', 'user_id', 'revision'],
  columns: {
    association_id: 'text', user_id: 'text', revision: 'integer', valid_from: 'date', valid_to: 'date', recorded_at: 'timestamptz',
    revoked_recorded_at: 'timestamptz', last_event_id: 'uuid',
  },
};

const COUNCIL_TERM: TableSpec = {
  table: 'council_term',
  key: ['association_id', 'term_number'],
  columns: {
    association_id: 'text', term_number: 'integer', starts_on: 'date', ends_on: 'date', president_enterprise_code: 'varchar',
    recorded_at: 'timestamptz', updated_at: 'timestamptz', last_event_id: 'uuid', last_position: 'text',
  },
};

const COUNCIL_ELECTION: TableSpec = {
  table: 'council_election',
  key: ['election_id'],
  columns: {
    election_id: 'text', association_id: 'text', term_number: 'integer', office: 'text', tier: 'text', seats: 'integer', candidates: 'jsonb',
    elected: 'text[]', decision: 'jsonb', recorded_at: 'timestamptz', last_event_id: 'uuid', last_position: 'text',
  },
};

/**
 * Every table of this projection, its columns and key (a test holds them to the migrated tables); membership and
 * its history are written set-based through theirs.
 */
export const membershipTableSpecs: readonly TableSpec[] = [ASSOCIATION, WAIVER_APPROVER, COUNCIL_TERM, COUNCIL_ELECTION, MEMBERSHIP, HISTORY];

interface MembershipBatch {
  readonly memberships: TableBuffer;
  readonly history: TableBuffer;
}

async function applyMemberships(events: readonly RecordedEvent<MembershipEvent['type']>[], tx: EntityManager): Promise<void> {
  const keys = events.map((event) => {
    const { associationId, enterpriseCode } = keysOf(event);
    return [associationId, enterpriseCode];
  });
  const memberships = await TableBuffer.load(tx, MEMBERSHIP, keys);
  const history = await TableBuffer.load(tx, HISTORY, keys, ['association_id', 'enterprise_code']);
  const batch: MembershipBatch = { memberships, history };
  for (const event of events) applyMembership(event, batch);
  await memberships.flush(tx);
  await history.flush(tx);
}

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
      // Membership events go through applyMemberships.
      return;
  }
}

function applyMembership(event: RecordedEvent<MembershipEvent['type']>, batch: MembershipBatch): void {
  const e = { type: event.type, data: event.data } as unknown as MembershipEvent;
  const d = e.data;
  switch (e.type) {
    case 'MembershipApplied': {
      // INSERT … ON CONFLICT DO UPDATE … WHERE the row has not seen this event: a re-application starts afresh.
      const row: Row = {
        association_id: d.associationId, enterprise_code: d.enterpriseCode, membership_id: d.membershipId, status: 'PENDING', tier: null,
        applied_on: e.data.appliedOn, admitted_on: null, certificate_number: null, ended_on: null, status_since: e.data.appliedOn,
        sanctions: 0, last_reminder_on: null, updated_at: event.metadata.recordedAt, revision: event.revision, last_event_id: event.id,
        last_position: event.position,
      };
      const existing = batch.memberships.get([d.associationId, d.enterpriseCode]);
      if (!existing) batch.memberships.insert(row);
      else if (positionBefore(existing.last_position!, event.position)) {
        Object.assign(existing, row);
        batch.memberships.changed(existing);
      }
      history(batch, event, 'PENDING', { tier: null }, e.data.appliedOn);
      return;
    }
    case 'MembershipAdmitted': {
      const { tier, admittedOn, certificateNumber } = e.data;
      touchMembership(batch, event, () => ({
        status: 'ACTIVE', tier, admitted_on: admittedOn, certificate_number: certificateNumber, status_since: admittedOn,
      }));
      history(batch, event, 'ACTIVE', { tier }, admittedOn);
      return;
    }
    case 'MembershipRejected':
      end(batch, event, 'REJECTED', e.data.rejectedOn);
      return;
    case 'MembershipTierChanged':
      touchMembership(batch, event, () => ({ tier: e.data.tier }));
      history(batch, event, 'ACTIVE', { tier: e.data.tier }, e.data.effectiveFrom);
      return;
    case 'MembershipSanctioned':
      touchMembership(batch, event, (row) => ({ sanctions: Number(row.sanctions) + 1 }));
      return;
    case 'MembershipSuspended':
      touchMembership(batch, event, () => ({ status: 'SUSPENDED', status_since: e.data.effectiveFrom }));
      history(batch, event, 'SUSPENDED', 'unchanged', e.data.effectiveFrom);
      return;
    case 'MembershipReinstated':
      touchMembership(batch, event, () => ({ status: 'ACTIVE', status_since: e.data.effectiveFrom }));
      history(batch, event, 'ACTIVE', 'unchanged', e.data.effectiveFrom);
      return;
    case 'MembershipReminderSent':
      touchMembership(batch, event, () => ({ last_reminder_on: e.data.sentOn }));
      return;
    case 'MembershipWithdrawn':
      end(batch, event, 'WITHDRAWN', e.data.effectiveFrom);
      return;
    case 'MembershipDeemedWithdrawn':
      end(batch, event, 'DEEMED_WITHDRAWN', e.data.effectiveFrom);
      return;
    case 'MembershipExpelled':
      end(batch, event, 'EXPELLED', e.data.effectiveFrom);
      return;
  }
}

function end(batch: MembershipBatch, event: RecordedEvent, status: MembershipStatus, on: string): void {
  touchMembership(batch, event, () => ({ status, ended_on: on, status_since: on }));
  history(batch, event, status, 'unchanged', on);
}

function keysOf(event: RecordedEvent): { associationId: string; enterpriseCode: string; membershipId: string } {
  return event.data as unknown as { associationId: string; enterpriseCode: string; membershipId: string };
}

/** Changes the membership row (when it exists and has not seen this event) and stamps it with the event. */
function touchMembership(batch: MembershipBatch, event: RecordedEvent, set: (row: Row) => Row): void {
  const { associationId, enterpriseCode } = keysOf(event);
  const row = batch.memberships.get([associationId, enterpriseCode]);
  if (!row || !positionBefore(row.last_position!, event.position)) return;
  Object.assign(row, set(row), {
    updated_at: event.metadata.recordedAt,
    revision: event.revision,
    last_event_id: event.id,
    last_position: event.position,
  });
  batch.memberships.changed(row);
}

/**
 * Adds the history row of a status or tier change (keyed by stream revision, so a replay adds nothing) and
 * closes the membership's previous open rows at the new row's business date. An unchanged tier is the tier
 * of the membership's latest earlier row.
 */
function history(
  batch: MembershipBatch,
  event: RecordedEvent,
  status: MembershipStatus,
  tier: { tier: string | null } | 'unchanged',
  validFrom: string,
): void {
  const { associationId, enterpriseCode, membershipId } = keysOf(event);
  let previous: Row | null = null;
  for (const row of batch.history.withPrefix([associationId, enterpriseCode])) {
    if (row.membership_id !== membershipId || Number(row.revision) >= event.revision) continue;
    if (row.valid_to === null) {
      row.valid_to = validFrom;
      batch.history.changed(row);
    }
    if (!previous || Number(row.revision) > Number(previous.revision)) previous = row;
  }
  const added: Row = {
    association_id: associationId, enterprise_code: enterpriseCode, revision: event.revision, membership_id: membershipId,
    event_type: event.type, status, tier: tier === 'unchanged' ? (previous?.tier ?? null) : tier.tier, valid_from: validFrom,
    valid_to: null, recorded_at: event.metadata.recordedAt, last_event_id: event.id,
  };
  batch.history.insert(added);
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
