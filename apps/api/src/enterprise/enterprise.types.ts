import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  enterpriseStreamId,
  OWNERSHIPS,
  QUALIFICATION_CATEGORIES,
  QUALIFICATION_GRADES,
  SIZE_CLASSES,
  type Ownership,
  type QualificationCategory,
  type QualificationGrade,
  type SizeClass,
} from '#domain/enterprise';
import { CommandPayload } from '../graphql/command.types.js';
import { ConnectionType } from '../graphql/connection.js';
import { RestrictedField } from '../graphql/field-visibility.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const OwnershipEnum = asEnum(OWNERSHIPS);
export const SizeClassEnum = asEnum(SIZE_CLASSES);
export const QualificationCategoryEnum = asEnum(QUALIFICATION_CATEGORIES);
export const QualificationGradeEnum = asEnum(QUALIFICATION_GRADES);
registerEnumType(OwnershipEnum, { name: 'Ownership', description: 'State-owned, private, mixed or foreign ownership.' });
registerEnumType(SizeClassEnum, { name: 'SizeClass', description: 'Enterprise size class (small and micro firms qualify for dues relief).' });
registerEnumType(QualificationCategoryEnum, {
  name: 'QualificationCategory',
  description: '施工总承包 (GENERAL_CONTRACTING), 专业承包 (SPECIALIST_CONTRACTING), 施工劳务 (LABOUR_SUBCONTRACTING).',
});
registerEnumType(QualificationGradeEnum, {
  name: 'QualificationGrade',
  description: '特级 (SPECIAL), 一级, 二级, 三级 (GRADE_1..3); labour subcontracting is UNGRADED.',
});

@ObjectType({ description: 'A qualification (资质) an enterprise holds or held.' })
export class Qualification {
  @Field(() => QualificationCategoryEnum)
  category: QualificationCategory;

  @Field()
  specialty: string;

  @Field(() => QualificationGradeEnum)
  grade: QualificationGrade;

  @Field(() => String, { nullable: true })
  certificateNumber: string | null;

  @Field({ description: 'HELD or WITHDRAWN.' })
  status: string;

  @Field({ description: 'Date the current grade took effect (YYYY-MM-DD).' })
  effectiveFrom: string;

  @Field(() => String, { nullable: true })
  withdrawnFrom: string | null;

  @Field(() => String, { nullable: true })
  withdrawalReason: string | null;
}

@ObjectType({ description: 'A name the enterprise has carried.' })
export class EnterpriseName {
  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Business date of the change; null for the name it was registered under.' })
  effectiveFrom: string | null;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => GraphQLISODateTime)
  recordedAt: Date;

  @Field(() => Int)
  revision: number;
}

@ObjectType({ description: 'An enterprise in the register, identified by its unified social credit code.' })
export class Enterprise {
  @Field(() => ID, { description: 'Unified social credit code (统一社会信用代码).' })
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'The legal representative as the business licence publishes it (public).' })
  legalRepresentative: string | null;

  @Field({ description: '6-digit administrative division code of the registered address.' })
  regionCode: string;

  @Field()
  provinceCode: string;

  @Field()
  cityCode: string;

  @Field(() => OwnershipEnum)
  ownership: Ownership;

  @Field(() => SizeClassEnum, { nullable: true })
  sizeClass: SizeClass | null;

  @Field({ description: 'True when the code fails its check character and was registered by an audited override.' })
  codeCheckOverridden: boolean;

  @Field(() => String, { nullable: true })
  codeOverrideReason: string | null;

  @Field(() => GraphQLISODateTime)
  registeredAt: Date;

  @RestrictedField(
    () => String,
    'staff',
    async (e: Enterprise, access) => ({ associationId: await access.firstRecorderAssociation(enterpriseStreamId(e.code)) }),
    { description: 'Staff: the user who registered the firm; null unless the caller is an admin of the association that user acted for, or an auditor.' },
  )
  registeredBy: string | null;

  @Field(() => GraphQLISODateTime)
  updatedAt: Date;

  @Field(() => Int, { description: 'Stream revision of the last event reflected here.' })
  revision: number;
}

export const EnterpriseConnection = ConnectionType(Enterprise, 'Enterprise');

@ObjectType({ description: 'The outcome of an enterprise command.' })
export class EnterprisePayload extends CommandPayload {
  @Field(() => Enterprise, { nullable: true })
  enterprise: Enterprise | null;
}
