import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EXPERT_ID, EXPERT_SPECIALTIES, EXPERT_STATUSES, type ExpertSpecialty, type ExpertStatus } from '#domain/experts';
import { PERSON_ID } from '#domain/persons';
import { AssociationCommandInput } from '../graphql/command.types.js';
import { IsAssociationId, IsFreeText, IsLineText } from '../graphql/identifier.validators.js';
import { ExpertSpecialtyEnum, ExpertStatusEnum } from './experts.types.js';

// Shape limits only; the expert decider owns the rules (and reports every field of a command at once).
const EXPERT_ID_MESSAGE = 'must be an expert id: EXP and 16 characters of Crockford base32.';

@InputType({ isAbstract: true })
abstract class ExpertCommandInput extends AssociationCommandInput {
  @Field({ description: 'The expert id (EXP and 16 characters).' })
  @IsString()
  @MaxLength(19)
  @Matches(EXPERT_ID, { message: EXPERT_ID_MESSAGE })
  expertId: string;
}

@InputType({ description: 'Enrols a person of the register in the pool; the expert id is derived from the association and the register id.' })
export class EnrolExpertInput extends AssociationCommandInput {
  @Field({ description: "The person's register id (registerPerson first); never a name or an identity-card number." })
  @IsString()
  @MaxLength(19)
  @Matches(PERSON_ID, { message: 'must be a register id: PSN and 16 characters of Crockford base32.' })
  personId: string;

  @Field(() => [ExpertSpecialtyEnum], { description: 'At least one, each once.' })
  @ArrayMaxSize(EXPERT_SPECIALTIES.length)
  @IsIn(EXPERT_SPECIALTIES, { each: true })
  specialties: ExpertSpecialty[];

  @Field({ description: "The employer's unified social credit code: an enterprise of the register." })
  @IsString()
  @MaxLength(40)
  employerCode: string;

  @Field({ description: 'The professional title (职称), e.g. 高级工程师.' })
  @IsString()
  @IsLineText()
  @MaxLength(50)
  title: string;

  @Field(() => String, { nullable: true, description: 'The user id the expert signs in with (an EXPERT token), if any.' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  userId?: string | null;
}

@InputType({ description: 'Changes what is given; a field left out is unchanged, a null userId clears it.' })
export class ChangeExpertProfileInput extends ExpertCommandInput {
  @Field(() => [ExpertSpecialtyEnum], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(EXPERT_SPECIALTIES.length)
  @IsIn(EXPERT_SPECIALTIES, { each: true })
  specialties?: ExpertSpecialty[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  employerCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(50)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  userId?: string | null;
}

@InputType({ description: 'A suspension, reinstatement or retirement, with its reason.' })
export class ExpertStatusChangeInput extends ExpertCommandInput {
  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(2000)
  reason: string;
}

@InputType({ description: 'A firm the expert may not review, with the reason and the period (inclusive).' })
export class DeclareExpertConflictInput extends ExpertCommandInput {
  @Field({ description: 'Names the conflict within the expert (1 to 64 letters, digits or hyphens).' })
  @IsString()
  @MaxLength(64)
  conflictId: string;

  @Field({ description: "The firm's unified social credit code." })
  @IsString()
  @MaxLength(40)
  enterpriseCode: string;

  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(2000)
  reason: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsString()
  @MaxLength(10)
  from: string;

  @Field({ description: 'YYYY-MM-DD, not before from.' })
  @IsString()
  @MaxLength(10)
  to: string;
}

@InputType({ description: 'Withdraws a declared conflict, with the reason.' })
export class WithdrawExpertConflictInput extends ExpertCommandInput {
  @Field()
  @IsString()
  @MaxLength(64)
  conflictId: string;

  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(2000)
  reason: string;
}

@ArgsType()
export class ExpertArgs {
  @Field({ description: "The pool's association." })
  @IsAssociationId()
  associationId: string;

  @Field(() => ID)
  @IsString()
  @MaxLength(19)
  @Matches(EXPERT_ID, { message: EXPERT_ID_MESSAGE })
  expertId: string;
}

@ArgsType()
export class ExpertsOfAssociationArgs {
  @Field()
  @IsAssociationId()
  associationId: string;

  @Field(() => ExpertStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(EXPERT_STATUSES)
  status?: ExpertStatus | null;

  @Field(() => ExpertSpecialtyEnum, { nullable: true })
  @IsOptional()
  @IsIn(EXPERT_SPECIALTIES)
  specialty?: ExpertSpecialty | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  employerCode?: string | null;
}

@ArgsType()
export class ExpertPoolArgs {
  @Field()
  @IsAssociationId()
  associationId: string;

  @Field(() => ExpertSpecialtyEnum, { nullable: true })
  @IsOptional()
  @IsIn(EXPERT_SPECIALTIES)
  specialty?: ExpertSpecialty | null;

  @Field({ description: 'The date conflicts are taken on (YYYY-MM-DD).' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a calendar date written YYYY-MM-DD.' })
  onDate: string;
}
