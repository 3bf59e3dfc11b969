import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ownerOfEvent, type RecordOwner } from '#domain/visibility';
import { ConnectionType } from '../graphql/connection.js';
import { handsDownOwner, ownerHandedDown, RedactedPayload, RestrictedField } from '../graphql/field-visibility.js';
import { DecisionView } from '../dues/dues.types.js';
import { JSONScalar } from '../graphql/json.scalar.js';

/**
 * The association an actor acted for: the one on its token, or for an actor of none (an expert scoring) the
 * association whose record the event is part of, handed down by the event.
 */
const ownerOfActor = (actor: AuditActor): RecordOwner => ({ associationId: actor.associationId ?? ownerHandedDown(actor).associationId ?? null });

/** Hands the event's owner down to its actor (`ownerOfActor`). */
export const handsDownEventOwner = handsDownOwner((e: { readonly streamId: string; readonly data: unknown }) => ownerOfEvent(e.streamId, e.data));

@ObjectType({ description: 'Who recorded an event.' })
export class AuditActor {
  @RestrictedField(() => String, 'staff', ownerOfActor, {
    description:
      'Staff: null unless the caller is an admin of the association the actor acted for (for an expert, the association whose record it is), or an auditor.',
  })
  userId: string | null;

  @Field()
  role: string;

  @Field(() => String, { nullable: true })
  associationId: string | null;
}

@ObjectType({ description: 'One recorded step in the history of a record, with its audit metadata and hash-chain link.' })
export class AuditEvent {
  @Field({ description: 'Opaque global position of the event.' })
  position: string;

  @Field(() => ID)
  eventId: string;

  @Field()
  streamId: string;

  @Field(() => Int, { description: 'Revision within the stream, from 0.' })
  revision: number;

  @Field({ description: 'Event type, e.g. EnterpriseRegistered.' })
  type: string;

  @RedactedPayload(() => JSONScalar, (e: AuditEvent) => e.type, (e: AuditEvent, data) => ownerOfEvent(e.streamId, data), {
    description:
      "The event payload as recorded, except that the fields its event type declares person or staff are null where the caller may not see them (the hash is the recorded event's).",
  })
  data: Record<string, unknown>;

  @Field(() => AuditActor, { middleware: [handsDownEventOwner] })
  actor: AuditActor;

  @Field()
  commandId: string;

  @Field(() => String, { nullable: true })
  commandType: string | null;

  @Field()
  correlationId: string;

  @Field(() => GraphQLISODateTime)
  recordedAt: Date;

  @Field({ description: 'SHA-256 of the previous event of the stream (64 zeros for the first).' })
  prevHash: string;

  @Field({ description: 'SHA-256 chaining this event to its predecessor.' })
  hash: string;
}

export const AuditEventConnection = ConnectionType(AuditEvent, 'AuditEvent');

@ObjectType({
  description:
    "One entry of the auditor's trail: a recorded event with its audit metadata, hash-chain link and global position, and what it says of its association, authority and business date.",
})
export class AuditTrailEntry extends AuditEvent {
  @Field(() => String, { nullable: true, description: 'The association whose record it is; for a record of none (a firm), the one its actor acted for.' })
  associationId: string | null;

  @Field(() => DecisionView, { nullable: true, description: 'The decision it cites as its authority (deciding body, reference number 文号, date, votes), where it carries one.' })
  authority: DecisionView | null;

  @Field(() => String, {
    nullable: true,
    description: 'The business date (YYYY-MM-DD) it takes effect or happened on, where it records one; recordedAt is when the register recorded it.',
  })
  effectiveDate: string | null;
}

export const AuditTrailEntryConnection = ConnectionType(AuditTrailEntry, 'AuditTrailEntry');
