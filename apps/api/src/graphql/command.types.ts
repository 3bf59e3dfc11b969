import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';
import type { DispatchResult } from '#application';
import { IsAssociationId } from './identifier.validators.js';

/** What every command input carries: the client's idempotency key. */
@InputType({ isAbstract: true })
export abstract class CommandInput {
  @Field(() => String, { nullable: true, description: 'Idempotency key (UUID). Re-sending it returns the first outcome.' })
  @IsOptional()
  @IsUUID()
  commandId?: string | null;
}

/** A command on a record an association owns (every association-owned record carries its association id). */
@InputType({ isAbstract: true })
export abstract class AssociationCommandInput extends CommandInput {
  @Field({ description: 'Association id, e.g. wuhan-cia.' })
  @IsAssociationId()
  associationId: string;
}

/** The outcome every single-stream command reports, before the context's own view of what changed. */
@ObjectType({ isAbstract: true })
export abstract class CommandPayload {
  @Field(() => ID, { description: 'The command id (send it again to retry safely).' })
  commandId: string;

  @Field(() => Int, { nullable: true, description: "The stream's revision after the command." })
  revision: number | null;

  @Field(() => String, { nullable: true, description: 'Global position of the last event written; null when nothing changed.' })
  position: string | null;

  @Field({ description: 'True when this command id had already taken effect and nothing new was written.' })
  duplicate: boolean;

  @Field({ description: 'False when the read model had not caught up within the wait; re-query shortly.' })
  readModelCurrent: boolean;
}

/** The CommandPayload fields of a dispatched command's result. */
export function payloadOf(result: DispatchResult): CommandPayload {
  return {
    commandId: result.commandId,
    revision: result.revision,
    position: result.position,
    duplicate: result.duplicate,
    readModelCurrent: result.readModelCurrent,
  };
}

/** Validated inputs are class instances; commands are plain data (hashed and stored as JSON). */
export function plain<T>(input: T): T {
  return JSON.parse(JSON.stringify(input)) as T;
}
