import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DECIDING_BODIES, type DecidingBody, type DecisionRecord } from '#domain/shared';
import { IsLineText } from './identifier.validators.js';

@InputType({ description: 'Vote counts of a decision: entitled (应到), present (实到), for, against, abstaining.' })
export class VoteCountInput {
  @Field(() => Int, { description: '应到 (entitled to vote)' }) @IsInt() entitled: number;
  @Field(() => Int, { description: '实到 (present)' }) @IsInt() present: number;
  @Field(() => Int) @IsInt() inFavour: number;
  @Field(() => Int) @IsInt() against: number;
  @Field(() => Int) @IsInt() abstaining: number;
}

/** The authority a command cites (DecisionRecord); every context's decisions take this one input. */
@InputType({ description: 'The decision cited: body, reference number (文号), date and, for a vote, the counts.' })
export class DecisionRecordInput {
  @Field(() => String, { description: `One of ${DECIDING_BODIES.join(', ')}.` })
  @IsIn(DECIDING_BODIES)
  body: DecidingBody;

  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  reference: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD.' })
  decidedOn: string;

  @Field(() => VoteCountInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => VoteCountInput)
  votes?: VoteCountInput | null;
}

/** The decision as plain data for a command (validated inputs arrive as class instances). */
export function decisionOf(input: DecisionRecordInput): DecisionRecord {
  const v = input.votes;
  return {
    body: input.body,
    reference: input.reference,
    decidedOn: input.decidedOn,
    votes: v ? { entitled: v.entitled, present: v.present, inFavour: v.inFavour, against: v.against, abstaining: v.abstaining } : null,
  };
}
