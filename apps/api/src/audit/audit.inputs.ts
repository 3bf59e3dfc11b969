import { ArgsType, Field, GraphQLISODateTime, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PERSON_ID } from '#domain/persons';
import { PageArgs } from '../graphql/connection.js';
import { IsLineText } from '../graphql/identifier.validators.js';

/** Event types are PascalCase names (EnterpriseRegistered, CreditReviewCompleted). */
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{1,79}$/;

@InputType({ description: "What the auditor's trail is narrowed to: every criterion given must hold; none gives the whole trail." })
export class AuditTrailFilterInput {
  @Field(() => String, {
    nullable: true,
    description:
      "A firm by its unified social credit code: every event of the streams about it, across contexts (its register entry, memberships, dues accounts, credit applications and conduct file).",
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  firmCode?: string | null;

  @Field(() => String, { nullable: true, description: 'A person by register id (PSN and 16 characters): every event of the streams naming them.' })
  @IsOptional()
  @MaxLength(19)
  @Matches(PERSON_ID, { message: 'must be a register id: PSN and 16 characters of Crockford base32.' })
  personId?: string | null;

  @Field(() => String, { nullable: true, description: 'The user id of whoever recorded the events (the actor on their token).' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(128)
  actorUserId?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Recorded at or after this instant (the register’s clock).' })
  @IsOptional()
  recordedFrom?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Recorded at or before this instant.' })
  @IsOptional()
  recordedTo?: Date | null;

  @Field(() => [String], { nullable: true, description: 'Only events of these types (at most 50), e.g. CreditReviewCompleted.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(80, { each: true })
  @Matches(EVENT_TYPE, { each: true, message: 'each must be an event type name, e.g. CreditReviewCompleted.' })
  eventTypes?: string[] | null;
}

@ArgsType()
export class AuditTrailArgs extends PageArgs {
  @Field(() => AuditTrailFilterInput, { nullable: true, description: 'Leave out for the whole trail.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditTrailFilterInput)
  filter?: AuditTrailFilterInput | null;
}
