import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  OWNERSHIPS,
  QUALIFICATION_CATEGORIES,
  QUALIFICATION_GRADES,
  SIZE_CLASSES,
  type Ownership,
  type QualificationCategory,
  type QualificationGrade,
  type SizeClass,
} from '#domain/enterprise';
import { CommandInput } from '../graphql/command.types.js';
import { OwnershipEnum, QualificationCategoryEnum, QualificationGradeEnum, SizeClassEnum } from './enterprise.types.js';
import { IsFreeText, IsLineText } from '../graphql/identifier.validators.js';

// Shape limits only; the decider owns the rules and gives the precise messages.
const TEXT_LIMIT = 2000;

@InputType({ isAbstract: true })
abstract class EnterpriseCommandInput extends CommandInput {
  @Field({ description: 'Unified social credit code.' })
  @IsString()
  @IsLineText()
  @MaxLength(18, { message: 'The unified social credit code has 18 characters.' })
  code: string;
}

@InputType()
export class RegisterEnterpriseInput extends EnterpriseCommandInput {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(200, { message: 'The enterprise name must be at most 200 characters.' })
  name: string;

  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(100, { message: 'The legal representative must be at most 100 characters.' })
  legalRepresentative: string;

  @Field({ description: '6-digit administrative division code, e.g. 420100.' })
  @IsString()
  @IsLineText()
  @MaxLength(6, { message: 'The region code has 6 digits.' })
  regionCode: string;

  @Field(() => OwnershipEnum)
  @IsIn(OWNERSHIPS)
  ownership: Ownership;

  @Field(() => SizeClassEnum, { nullable: true })
  @IsOptional()
  @IsIn(SIZE_CLASSES)
  sizeClass?: SizeClass | null;

  @Field(() => String, {
    nullable: true,
    description: 'Registers a code that fails its check character; say why (at least 10 characters). Audited.',
  })
  @IsOptional()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  checkDigitOverrideReason?: string | null;
}

@InputType()
export class UpdateEnterpriseProfileInput extends EnterpriseCommandInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(200, { message: 'The enterprise name must be at most 200 characters.' })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  legalRepresentative?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(6)
  regionCode?: string | null;

  @Field(() => OwnershipEnum, { nullable: true })
  @IsOptional()
  @IsIn(OWNERSHIPS)
  ownership?: Ownership | null;

  @Field(() => String, { nullable: true, description: 'Business date of the change, YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD.' })
  effectiveFrom?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason?: string | null;
}

@InputType()
export class RecordQualificationInput extends EnterpriseCommandInput {
  @Field(() => QualificationCategoryEnum)
  @IsIn(QUALIFICATION_CATEGORIES)
  category: QualificationCategory;

  @Field({ description: 'Specialty, e.g. 建筑工程, 市政公用工程.' })
  @IsString()
  @IsLineText()
  @MaxLength(100)
  specialty: string;

  @Field(() => QualificationGradeEnum)
  @IsIn(QUALIFICATION_GRADES)
  grade: QualificationGrade;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText({ nfkc: true })
  @MaxLength(64)
  certificateNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD.' })
  effectiveFrom?: string | null;
}

@InputType()
export class WithdrawQualificationInput extends EnterpriseCommandInput {
  @Field(() => QualificationCategoryEnum)
  @IsIn(QUALIFICATION_CATEGORIES)
  category: QualificationCategory;

  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  specialty: string;

  @Field()
  @IsString()
  @IsFreeText()
  @MaxLength(TEXT_LIMIT)
  reason: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD.' })
  effectiveFrom?: string | null;
}

@InputType()
export class SetEnterpriseSizeClassInput extends EnterpriseCommandInput {
  @Field(() => SizeClassEnum)
  @IsIn(SIZE_CLASSES)
  sizeClass: SizeClass;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD (default: today).' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date written YYYY-MM-DD.' })
  effectiveFrom?: string | null;
}

@InputType({ description: 'Filters for the enterprise list; all given filters must hold.' })
export class EnterpriseFilter {
  @Field(() => String, { nullable: true, description: 'Part of the current name.' })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  nameContains?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Division code: a province (420000), a city (420100) or a district (420106) and everything in it.',
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'must be a 6-digit division code.' })
  region?: string | null;

  @Field(() => QualificationCategoryEnum, { nullable: true })
  @IsOptional()
  @IsIn(QUALIFICATION_CATEGORIES)
  qualificationCategory?: QualificationCategory | null;

  @Field(() => QualificationGradeEnum, { nullable: true })
  @IsOptional()
  @IsIn(QUALIFICATION_GRADES)
  qualificationGrade?: QualificationGrade | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @IsLineText()
  @MaxLength(100)
  specialty?: string | null;

  @Field(() => SizeClassEnum, { nullable: true })
  @IsOptional()
  @IsIn(SIZE_CLASSES)
  sizeClass?: SizeClass | null;

  @Field(() => OwnershipEnum, { nullable: true })
  @IsOptional()
  @IsIn(OWNERSHIPS)
  ownership?: Ownership | null;
}

@ArgsType()
export class EnterpriseCodeArgs {
  @Field()
  @IsString()
  @IsLineText()
  @MaxLength(18)
  code: string;
}
