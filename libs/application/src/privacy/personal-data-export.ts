import { Inject, Injectable } from '@nestjs/common';
import { creditConductStreamId } from '#domain/credit';
import {
  evolvePerson,
  initialPersonState,
  isPersonId,
  personIdentityStreamId,
  type PersonEvent,
  type PersonState,
  personStreamId,
} from '#domain/persons';
import { type ErasedValue, InvalidInput, NotFound } from '#domain/shared';
import { comparePositions, type Position, type RecordedEvent } from '#eventstore';
import { type AppConfig, SERVICE_RUNTIME, type ServiceRuntime } from '#platform';
import { AuditQueries, auditTrailProjection } from '#projections';

/** A personal value as the export shows it: the plain value, ERASED once its owner's key is gone, null if never given. */
export type ExportedValue = string | ErasedValue | null;

export interface PersonalDetailsExport {
  readonly name: ExportedValue;
  readonly identityCardNumber: ExportedValue;
  readonly phone: ExportedValue;
  readonly address: ExportedValue;
}

export interface ExportedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly revision: number;
  readonly position: string;
  readonly recordedAt: string;
  /** The recorded event's hash and its link to the previous one (64 zeros for a stream's first event). */
  readonly hash: string;
  readonly previousHash: string;
  readonly actor: { readonly userId: string; readonly role: string; readonly associationId: string | null };
  readonly commandId: string;
  /** The recorded data with every sealed field opened (`{ erased: true }` where its owner's key is gone). */
  readonly data: Record<string, unknown>;
}

export interface ExportedStream {
  readonly streamId: string;
  readonly events: readonly ExportedEvent[];
}

/** What the export consulted to find the streams: the store itself, and a read model (which may lag). */
export interface ExportSource {
  /** The read model consulted, or null for the event store. */
  readonly readModel: string | null;
  readonly query: string;
  /** False when the read model had not caught up with the store within the bounded wait: streams may be missing. */
  readonly current: boolean;
  readonly streamIds: readonly string[];
}

export interface PersonalDataExportResult {
  readonly personId: string;
  readonly status: 'REGISTERED' | 'ERASED';
  /** The association whose staff registered the person (the handler of record). */
  readonly associationId: string;
  readonly generatedAt: string;
  readonly details: PersonalDetailsExport;
  readonly streams: readonly ExportedStream[];
  readonly sources: readonly ExportSource[];
}

/** What the export needs of a process: the API's runtime, or the pieces the CLI opens. */
export type PersonalDataExportRuntime = Pick<ServiceRuntime, 'store' | 'personalData' | 'clock' | 'waiter'> & {
  readonly config: Pick<AppConfig, 'readYourWritesTimeoutMs'>;
};

/**
 * A person's own access (PIPL Art. 45): everything the register holds about one person, decrypted, with the events
 * it came from. Read from the event store (the person's stream, their identity claim, their conduct record, every
 * stream naming them), the streams that name the person found through the audit trail's person index; every sealed
 * field opened with the person's (or an objector's) data key, ERASED where the key was destroyed. For auditors only.
 */
@Injectable()
export class PersonalDataExport {
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: PersonalDataExportRuntime,
    private readonly audit: AuditQueries,
  ) {}

  async of(personId: string): Promise<PersonalDataExportResult> {
    if (!isPersonId(personId)) throw new InvalidInput([{ field: 'personId', message: 'must be a register id: PSN and 16 characters of Crockford base32' }]);
    const { store } = this.runtime;
    const personEvents = await store.readStream(personStreamId(personId));
    if (personEvents.length === 0) throw new NotFound('Person', personId);
    const state = personEvents.reduce<PersonState>((s, e) => evolvePerson(s, e as unknown as PersonEvent), initialPersonState);
    const identityStream = state.identityKey === null ? null : personIdentityStreamId(state.identityKey);

    // The streams whose ids follow from the person; the rest are found by the audit trail, once it has caught up.
    const known = [personStreamId(personId), ...(identityStream ? [identityStream] : []), creditConductStreamId(personId)];
    const head = await store.headPosition();
    const latest = [head, ...personEvents.map((e) => e.position)].reduce<Position | null>((a, b) => (comparePositions(a, b) >= 0 ? a : b), null);
    const current = latest === null || (await this.runtime.waiter.waitFor(latest, [auditTrailProjection.name], this.runtime.config.readYourWritesTimeoutMs));
    const named = await this.audit.streamsNaming(personId);

    const streamIds = [...known, ...named.filter((id) => !known.includes(id)).sort()];
    const read = await Promise.all(streamIds.map(async (streamId) => (streamId === known[0] ? personEvents : await store.readStream(streamId))));
    const opened = await this.runtime.personalData.openEvents(read.flat());
    let at = 0;
    const streams = streamIds
      .map((streamId, i) => ({ streamId, events: opened.slice(at, (at += read[i]!.length)).map(exported) }))
      .filter((stream) => stream.events.length > 0);

    return {
      personId,
      status: state.status === 'ERASED' ? 'ERASED' : 'REGISTERED',
      associationId: state.associationId!,
      generatedAt: this.runtime.clock.now().toISOString(),
      details: detailsOf(streams[0]!.events),
      streams,
      sources: [
        { readModel: null, query: 'EventStore.readStream', current: true, streamIds: known },
        { readModel: auditTrailProjection.name, query: 'AuditQueries.streamsNaming', current, streamIds: named },
      ],
    };
  }
}

function exported(event: RecordedEvent): ExportedEvent {
  const m = event.metadata;
  return {
    eventId: event.id,
    type: event.type,
    revision: event.revision,
    position: event.position,
    recordedAt: m.recordedAt,
    hash: m.hash,
    previousHash: m.prevHash,
    actor: { userId: m.actor.userId, role: m.actor.role, associationId: m.actor.associationId ?? null },
    commandId: m.commandId,
    data: event.data,
  };
}

/** The person's details as their stream last set them (already opened): the registration, then each correction. */
function detailsOf(events: readonly ExportedEvent[]): PersonalDetailsExport {
  let details: PersonalDetailsExport = { name: null, identityCardNumber: null, phone: null, address: null };
  for (const { type, data } of events) {
    if (type === 'PersonRegistered') {
      details = { name: value(data.name), identityCardNumber: value(data.identityCardNumber), phone: value(data.phone), address: value(data.address) };
    } else if (type === 'PersonDetailsCorrected') {
      const changes = (data.changes ?? {}) as Record<string, unknown>;
      details = {
        ...details,
        ...('name' in changes ? { name: value(changes.name) } : {}),
        ...('phone' in changes ? { phone: value(changes.phone) } : {}),
        ...('address' in changes ? { address: value(changes.address) } : {}),
      };
    }
  }
  return details;
}

function value(opened: unknown): ExportedValue {
  return opened === undefined || opened === null ? null : (opened as string | ErasedValue);
}
