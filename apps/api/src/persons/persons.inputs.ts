import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ERASURE_LEGAL_BASES, ERASURE_REQUESTERS, ERASURE_REQUEST_ID, type ErasureLegalBasis, type ErasureRequester, PERSON_ID } from '#domain/persons';
import { AssociationCommandInput } from '../graphql/command.types.js';
import { DecisionRecordInput } from '../graphql/decision.input.js';
import { IsAssociationId, IsFreeText, IsLineText } from '../graphql/identifier.validators.js';
import { ErasureLegalBasisEnum, ErasureRequesterEnum } from './persons.types.js';

// Shape limits only; the deciders own the rules. No message here or there repeats a name or an identity-card number.
const PERSON_ID_MESSAGE = 'must be a register id: PSN and 16 characters of Crockford base32.';
const NAME = 'The name as on the identity card (2 to 40 characters).';

@InputType()
export class RegisterPersonInput extends AssociationCommandInput {
  @Field({ description: NAME })
  @IsString()
  @IsLineText()
  @MaxLength(40)
  name: string;

  @Field({ description: 'Resident identity-card number (公民身份号码, 18 characters; a lower-case x is read as X). Sensitive: stored sealed, never answered.' })
  @IsString()
  @MaxLength(40)
  identityCardNumber: string;

  @Field(() => String, { nullable: true, description: 'Mainland mobile (11 digits) or landline with area code, e.g. 027-87654321.' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal address, one line (at most 200 characters).' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(200)
  address?: string | null;
}

@InputType({ isAbstract: true })
abstract class PersonCommandInput extends AssociationCommandInput {
  @Field({ description: 'The register id (PSN and 16 characters).' })
  @MaxLength(19)
  @Matches(PERSON_ID, { message: PERSON_ID_MESSAGE })
  personId: string;
}

@InputType({ description: 'The details to correct: a field left out is unchanged, null clears phone or address. The identity-card number never changes.' })
export class CorrectPersonDetailsInput extends PersonCommandInput {
  @Field(() => String, { nullable: true, description: NAME })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(40)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(200)
  address?: string | null;
}

@InputType({ description: 'An erasure request (PIPL Art. 47): its grounds, who asked (by kind) and the decision cited.' })
export class RequestPersonErasureInput extends PersonCommandInput {
  @Field(() => String, { nullable: true, description: 'Names the request (used once per person); default: the command id.' })
  @IsOptional()
  @MaxLength(64)
  @Matches(ERASURE_REQUEST_ID, { message: 'must be 1 to 64 letters, digits or hyphens.' })
  requestId?: string | null;

  @Field(() => ErasureLegalBasisEnum)
  @IsIn(ERASURE_LEGAL_BASES)
  legalBasis: ErasureLegalBasis;

  @Field(() => ErasureRequesterEnum)
  @IsIn(ERASURE_REQUESTERS)
  requester: ErasureRequester;

  @Field(() => DecisionRecordInput, { description: 'The decision that grants the erasure (e.g. the secretariat\'s, 秘书处).' })
  @ValidateNested()
  @Type(() => DecisionRecordInput)
  decision: DecisionRecordInput;
}

@InputType({ isAbstract: true })
abstract class ErasureDecisionInput extends PersonCommandInput {
  @Field({ description: 'The erasure request decided on (the requesting command id).' })
  @MaxLength(64)
  @Matches(ERASURE_REQUEST_ID, { message: 'must be 1 to 64 letters, digits or hyphens.' })
  requestId: string;
}

@InputType({ description: 'Approves a pending erasure (another person than its requester): the person\'s data key is destroyed.' })
export class ApprovePersonErasureInput extends ErasureDecisionInput {}

@InputType({ description: 'Rejects a pending erasure (another person than its requester), with the reason.' })
export class RejectPersonErasureInput extends ErasureDecisionInput {
  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(2000)
  reason: string;
}

@ArgsType()
export class PersonArgs {
  @Field(() => ID, { description: 'The register id (PSN and 16 characters).' })
  @MaxLength(19)
  @Matches(PERSON_ID, { message: PERSON_ID_MESSAGE })
  personId: string;
}

@ArgsType()
export class IdentityCardNumberArgs {
  @Field({ description: 'The resident identity-card number to look up (never repeated in an answer or an error).' })
  @IsString()
  @MaxLength(40)
  identityCardNumber: string;
}

@ArgsType()
export class PersonsOfAssociationArgs {
  @Field({ description: 'Association id, e.g. wuhan-cia.' })
  @IsAssociationId()
  associationId: string;
}
