import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../graphql/connection.js';
import { JSONScalar } from '../graphql/json.scalar.js';

@ObjectType({ description: 'Who recorded an event.' })
export class AuditActor {
  @Field()
  userId: string;

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

  @Field(() => JSONScalar, { description: 'The event payload as recorded.' })
  data: Record<string, unknown>;

  @Field(() => AuditActor)
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
