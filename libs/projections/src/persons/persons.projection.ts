import type { RecordedEvent } from '#eventstore';
import { PERSON_EVENT_TYPES, type PersonEvent } from '#domain/persons';
import { positionBefore, type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type Recorded<T extends PersonEvent['type']> = RecordedEvent<T, Extract<PersonEvent, { type: T }>['data']>;

export const PERSONS_PROJECTION = 'persons';
/** What a persons mutation's payload reads (read-your-writes). */
export const PERSONS_READS = [PERSONS_PROJECTION] as const;

/**
 * The persons register: one row per person with the sealed envelopes of their details, and one per erasure request.
 * Set-based and idempotent by last position, as the other projections. PersonErased clears every personal column and
 * the identity key: the erased row is what a rebuild gives too.
 */
export const personsProjection: Projection = {
  name: PERSONS_PROJECTION,
  version: 1,
  handles: PERSON_EVENT_TYPES,
  tables: ['person', 'person_erasure_request'],
  async apply(events, tx) {
    const persons: Value[][] = [];
    const requests: Value[][] = [];
    for (const event of events) {
      const d = event.data as { personId: string; requestId?: string };
      if (event.type !== 'PersonRegistered') persons.push([d.personId]);
      if (d.requestId !== undefined && event.type !== 'PersonErasureRequested') requests.push([d.personId, d.requestId]);
    }
    const batch: Batch = {
      persons: await TableBuffer.load(tx, PERSON, persons),
      requests: await TableBuffer.load(tx, ERASURE_REQUEST, requests),
    };
    for (const event of events) applyOne(event as RecordedEvent<PersonEvent['type']>, batch);
    await batch.persons.flush(tx);
    await batch.requests.flush(tx);
  },
};

const PERSON: TableSpec = {
  table: 'person',
  key: ['person_id'],
  columns: {
    person_id: 'text', association_id: 'text', identity_key: 'text', status: 'text', name: 'jsonb', identity_card_number: 'jsonb',
    phone: 'jsonb', address: 'jsonb', registered_on: 'date', registered_at: 'timestamptz', erased_on: 'date', pending_erasure: 'jsonb',
    revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const ERASURE_REQUEST: TableSpec = {
  table: 'person_erasure_request',
  key: ['person_id', 'request_id'],
  columns: {
    person_id: 'text', request_id: 'text', association_id: 'text', legal_basis: 'text', requester: 'text', decision: 'jsonb',
    requested_by: 'text', requested_on: 'date', outcome: 'text', decided_by: 'text', decided_on: 'date', reason: 'text',
    last_event_id: 'uuid', last_position: 'text',
  },
};

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const personsTableSpecs: readonly TableSpec[] = [PERSON, ERASURE_REQUEST];

interface Batch {
  readonly persons: TableBuffer;
  readonly requests: TableBuffer;
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

function applyOne(event: RecordedEvent<PersonEvent['type']>, batch: Batch): void {
  switch (event.type) {
    case 'PersonRegistered': {
      const d = (event as unknown as Recorded<'PersonRegistered'>).data;
      batch.persons.insert({
        person_id: d.personId, association_id: d.associationId, identity_key: d.identityKey, status: 'REGISTERED', name: json(d.name),
        identity_card_number: json(d.identityCardNumber), phone: json(d.phone), address: json(d.address), registered_on: d.registeredOn,
        registered_at: event.metadata.recordedAt, erased_on: null, pending_erasure: null, revision: event.revision, last_event_id: event.id,
        last_position: event.position,
      });
      return;
    }
    case 'PersonDetailsCorrected': {
      const { personId, changes } = (event as unknown as Recorded<'PersonDetailsCorrected'>).data;
      const set: Row = {};
      if (changes.name !== undefined) set.name = json(changes.name);
      if (changes.phone !== undefined) set.phone = json(changes.phone);
      if (changes.address !== undefined) set.address = json(changes.address);
      touch(batch, event, personId, set);
      return;
    }
    case 'PersonErasureRequested': {
      const d = (event as Recorded<'PersonErasureRequested'>).data;
      const pending = { requestId: d.requestId, legalBasis: d.legalBasis, requester: d.requester, decision: d.decision, requestedBy: d.requestedBy, requestedOn: d.requestedOn };
      if (touch(batch, event, d.personId, { pending_erasure: json(pending) })) {
        batch.requests.insert({
          person_id: d.personId, request_id: d.requestId, association_id: d.associationId, legal_basis: d.legalBasis, requester: d.requester,
          decision: json(d.decision), requested_by: d.requestedBy, requested_on: d.requestedOn, outcome: 'PENDING', decided_by: null,
          decided_on: null, reason: null, last_event_id: event.id, last_position: event.position,
        });
      }
      return;
    }
    case 'PersonErasureRejected': {
      const d = (event as Recorded<'PersonErasureRejected'>).data;
      touch(batch, event, d.personId, { pending_erasure: null });
      decide(batch, event, d.personId, d.requestId, { outcome: 'REJECTED', decided_by: d.rejectedBy, decided_on: d.rejectedOn, reason: d.reason });
      return;
    }
    case 'PersonErased': {
      const d = (event as Recorded<'PersonErased'>).data;
      touch(batch, event, d.personId, {
        status: 'ERASED', name: null, identity_card_number: null, phone: null, address: null, identity_key: null, erased_on: d.erasedOn,
        pending_erasure: null,
      });
      decide(batch, event, d.personId, d.requestId, { outcome: 'APPROVED', decided_by: d.approvedBy, decided_on: d.erasedOn });
      return;
    }
  }
}

/** Changes the person's row when it exists and has not seen this event; true when it did. */
function touch(batch: Batch, event: RecordedEvent, personId: string, set: Row): boolean {
  const row = batch.persons.get([personId]);
  if (!row || !positionBefore(row.last_position!, event.position)) return false;
  Object.assign(row, set, { revision: event.revision, last_event_id: event.id, last_position: event.position });
  batch.persons.changed(row);
  return true;
}

function decide(batch: Batch, event: RecordedEvent, personId: string, requestId: string, set: Row): void {
  const row = batch.requests.get([personId, requestId]);
  if (!row || !positionBefore(row.last_position!, event.position)) return;
  Object.assign(row, set, { last_event_id: event.id, last_position: event.position });
  batch.requests.changed(row);
}
