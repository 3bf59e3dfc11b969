import { ArgsType, Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { Matches } from 'class-validator';
import { PERSON_ID } from '#domain/persons';
import { ownerOfEvent, type RecordOwner } from '#domain/visibility';
import { AuditActor } from '../audit/audit.types.js';
import { RedactedPayload, RestrictedField } from '../graphql/field-visibility.js';
import { JSONScalar } from '../graphql/json.scalar.js';

@ArgsType()
export class PersonIdArgs {
  @Field(() => ID, { description: 'The register id (PSN and 16 characters).' })
  @Matches(PERSON_ID, { message: 'must be a register id: PSN and 16 characters of Crockford base32.' })
  personId: string;
}

/** The person's own record: held by the association that registered them. */
const ownerOfDetails = (details: PersonalDetailsExportView): RecordOwner => ({ associationId: details.associationId, person: details.personId });

@ObjectType({ description: "A person's details as their own stream last set them, opened; null where erased or never given." })
export class PersonalDetailsExportView {
  personId: string;
  associationId: string;

  @RestrictedField(() => String, 'personal', ownerOfDetails, { description: 'Personal: null once erased.' })
  name: string | null;

  @RestrictedField(() => String, 'sensitive', ownerOfDetails, { description: 'Sensitive: the auditor only; null once erased.' })
  identityCardNumber: string | null;

  @RestrictedField(() => String, 'personal', ownerOfDetails, { description: 'Personal: null once erased or when never given.' })
  phone: string | null;

  @RestrictedField(() => String, 'personal', ownerOfDetails, { description: 'Personal: null once erased or when never given.' })
  address: string | null;

  @Field({ description: "True when the person's data key was destroyed: the sealed values are gone for good." })
  erased: boolean;
}

@ObjectType({ description: 'One recorded event of a stream that holds or names the person, with its hash-chain link.' })
export class PersonalDataEvent {
  streamId: string;

  @Field(() => ID)
  eventId: string;

  @Field({ description: 'Event type, e.g. PersonRegistered.' })
  type: string;

  @Field(() => Int, { description: 'Revision within the stream, from 0.' })
  revision: number;

  @Field({ description: 'Opaque global position of the event.' })
  position: string;

  @Field(() => GraphQLISODateTime)
  recordedAt: Date;

  @Field({ description: 'SHA-256 chaining this event to its predecessor, as recorded (unchanged by an erasure).' })
  hash: string;

  @Field({ description: 'The hash of the previous event of the stream (64 zeros for the first).' })
  previousHash: string;

  @Field(() => AuditActor)
  actor: AuditActor;

  @Field()
  commandId: string;

  @RedactedPayload(() => JSONScalar, (e: PersonalDataEvent) => e.type, (e: PersonalDataEvent, data) => ownerOfEvent(e.streamId, data), {
    description: 'The recorded data with every sealed field opened; { "erased": true } where its owner\'s data key was destroyed.',
  })
  data: Record<string, unknown>;
}

@ObjectType({ description: 'A stream that holds or names the person, with every event of it.' })
export class PersonalDataStream {
  @Field()
  streamId: string;

  @Field(() => [PersonalDataEvent])
  events: PersonalDataEvent[];
}

@ObjectType({ description: 'Where the export looked for the streams: the event store, or a read model (which may lag).' })
export class PersonalDataSource {
  @Field(() => String, { nullable: true, description: 'The read model consulted; null for the event store itself.' })
  readModel: string | null;

  @Field({ description: 'The query that named the streams.' })
  query: string;

  @Field({ description: 'False when the read model had not caught up with the store in time: streams may be missing.' })
  current: boolean;

  @Field(() => [String])
  streamIds: string[];
}

@ObjectType({ description: "Everything the register holds about one person (PIPL Art. 45), opened, with the events it came from." })
export class PersonalDataExportView {
  @Field(() => ID)
  personId: string;

  @Field({ description: 'REGISTERED or ERASED.' })
  status: string;

  @Field({ description: 'The association whose staff registered the person.' })
  associationId: string;

  @Field(() => GraphQLISODateTime)
  generatedAt: Date;

  @Field(() => PersonalDetailsExportView)
  details: PersonalDetailsExportView;

  @Field(() => [PersonalDataStream])
  streams: PersonalDataStream[];

  @Field(() => [PersonalDataSource])
  sources: PersonalDataSource[];
}
