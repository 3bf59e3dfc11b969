import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RATING_CHANGE_KINDS, type RatingChangeKind } from '#projections';
import { PageInfo } from '../graphql/connection.js';

export const RatingChangeKindEnum = Object.fromEntries(RATING_CHANGE_KINDS.map((kind) => [kind, kind])) as Record<RatingChangeKind, RatingChangeKind>;
registerEnumType(RatingChangeKindEnum, {
  name: 'RatingChangeKind',
  description:
    'What happened to the rating: ISSUED, DOWNGRADED, SUSPENDED, REVOKED, REINSTATED, EXPIRED, or CONFIRMED (an annual review kept the grade and status).',
});

@ObjectType({ description: 'One change of a credit rating, in the store’s global order. Public rating data only: a person is named by register id.' })
export class RatingChange {
  @Field({ description: 'Opaque: the global position of the change. Store the cursor of the last change handled and resume after it.' })
  cursor: string;

  @Field(() => RatingChangeKindEnum)
  change: RatingChangeKind;

  @Field({ description: 'Id of the event that recorded the change (the same on every read and replay).' })
  eventId: string;

  @Field({ description: 'Type of that event, e.g. CreditRatingDowngraded.' })
  eventType: string;

  @Field({ description: 'The association whose rating it is.' })
  associationId: string;

  @Field({ description: 'The credit cycle the rating was issued in.' })
  cycleId: string;

  @Field({ description: "A firm's unified social credit code, or a person's register id (never a person's name or identity-card number)." })
  subjectCode: string;

  @Field(() => String, { nullable: true, description: 'ENTERPRISE or PERSON.' })
  subjectKind: string | null;

  @Field(() => String, { nullable: true, description: 'The firm’s name as the register knew it when the change was recorded; null for a person.' })
  firmName: string | null;

  @Field(() => String, { nullable: true, description: 'The grade before the change; null for an issue.' })
  gradeBefore: string | null;

  @Field(() => String, { nullable: true, description: 'The status before the change (ACTIVE, SUSPENDED, REVOKED, EXPIRED); null for an issue.' })
  statusBefore: string | null;

  @Field()
  gradeAfter: string;

  @Field()
  statusAfter: string;

  @Field({ description: 'The business date the change takes effect (YYYY-MM-DD).' })
  effectiveOn: string;

  @Field(() => GraphQLISODateTime, { description: 'When the register recorded the change.' })
  recordedAt: Date;
}

@ObjectType()
export class RatingChangeEdge {
  @Field()
  cursor: string;

  @Field(() => RatingChange)
  node: RatingChange;
}

@ObjectType({ description: 'A page of the rating change feed.' })
export class RatingChangeConnection {
  @Field(() => [RatingChangeEdge])
  edges: RatingChangeEdge[];

  @Field(() => PageInfo, { description: 'endCursor is null on an empty page: keep the cursor you sent.' })
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'Changes readable now after `after` that match the filter, this page included; the feed grows while it is read.' })
  totalCount: number;
}
