import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { EXPERT_SPECIALTIES, EXPERT_STATUSES, EXPERT_WORK_KINDS } from '#domain/experts';
import type { ExpertView } from '#projections';
import { CommandPayload } from '../graphql/command.types.js';
import { ConnectionType } from '../graphql/connection.js';
import { ownedByItsAssociation, RestrictedField } from '../graphql/field-visibility.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const ExpertSpecialtyEnum = asEnum(EXPERT_SPECIALTIES);
export const ExpertStatusEnum = asEnum(EXPERT_STATUSES);
export const ExpertWorkKindEnum = asEnum(EXPERT_WORK_KINDS);
export const ExpertHistoryKindEnum = asEnum(['ASSIGNED', 'RECUSED', 'SCORED'] as const);
registerEnumType(ExpertSpecialtyEnum, {
  name: 'ExpertSpecialty',
  description:
    '房屋建筑 BUILDING_CONSTRUCTION, 机电安装 INSTALLATION, 装饰装修 DECORATION, 市政 MUNICIPAL, 钢结构 STEEL_STRUCTURE, BIM, 质量 QUALITY, 安全 SAFETY, 造价 COST.',
});
registerEnumType(ExpertStatusEnum, { name: 'ExpertStatus', description: 'ACTIVE (may be drawn), SUSPENDED (may not be drawn until reinstated), RETIRED (final).' });
registerEnumType(ExpertWorkKindEnum, {
  name: 'ExpertWorkKind',
  description: 'What the work was for: an awards entry (editionId/entryId), a credit cycle the expert scores in (cycleId), or one credit application of it they scored (cycleId/subjectId).',
});
registerEnumType(ExpertHistoryKindEnum, { name: 'ExpertHistoryKind', description: 'An assignment, a recusal or a score.' });

const STAFF = (what: string) => `Staff: ${what}; null unless the caller is an admin of the pool's association or an auditor.`;

@ObjectType('ExpertConflict', { description: 'A firm the expert may not review, for a period (withdrawn ones are kept with the date).' })
export class ExpertConflictType {
  /** The pool's association: the owner of the staff fields. */
  associationId: string;
  @Field() conflictId: string;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the firm (unified social credit code)') }) enterpriseCode: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('why the expert may not review it') }) reason: string | null;
  @Field({ description: 'YYYY-MM-DD, inclusive.' }) from: string;
  @Field({ description: 'YYYY-MM-DD, inclusive.' }) to: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD once withdrawn.' }) withdrawnOn: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('why it was withdrawn') }) withdrawalReason: string | null;
}

/** An expert as the API answers them: the person by register id (their name is on `person`, through the field layer). */
@ObjectType('Expert', { description: "An expert of an association's pool (专家库): a person of the register, by register id." })
export class ExpertType {
  @Field(() => ID) expertId: string;
  @Field() associationId: string;
  @Field(() => ID, { description: "The person's register id; their name and number are the persons register's." }) personId: string;
  @Field(() => ExpertStatusEnum) status: ExpertView['status'];
  @Field({ description: 'YYYY-MM-DD' }) enrolledOn: string;
  @Field({ description: 'YYYY-MM-DD: since when the status holds.' }) statusSince: string;
  @RestrictedField(() => [ExpertSpecialtyEnum], 'staff', ownedByItsAssociation, { description: STAFF('the specialties the expert is drawn for') }) specialties: string[] | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF("the employer's unified social credit code") }) employerCode: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the professional title (职称)') }) title: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the user id the expert signs in with') }) userId: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the reason of the last status change') }) statusReason: string | null;
}

@ObjectType('ExpertHistoryEntry', { description: "One entry of an expert's history, in the order recorded." })
export class ExpertHistoryEntryType {
  associationId: string;
  @Field(() => Int, { description: "The revision of the expert's stream it was recorded at (the order)." }) revision: number;
  @Field(() => ExpertHistoryKindEnum) kind: string;
  @Field(() => ExpertWorkKindEnum) referenceKind: string;
  @Field({ description: 'The id its context gives the work (an awards entry, `<cycleId>:<subjectId>`).' }) referenceId: string;
  @Field(() => Int) round: number;
  @Field({ description: "The recording context's event this entry follows from." }) sourceEventId: string;
  @Field(() => String, { nullable: true, description: 'Scores: the criterion, or null for an overall score.' }) criterion: string | null;
  @Field(() => String, { nullable: true, description: 'Scores: the points as an exact decimal (e.g. 87.5).' }) points: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('recusals: why the expert stood down') }) reason: string | null;
  @Field({ description: 'YYYY-MM-DD' }) recordedOn: string;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('who recorded it') }) recordedBy: string | null;
}

@ObjectType('ExpertPoolConflict', { description: 'A conflict in force on the snapshot date.' })
export class ExpertPoolConflictType {
  associationId: string;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the firm') }) enterpriseCode: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the reason') }) reason: string | null;
  @Field() from: string;
  @Field() to: string;
}

@ObjectType('ExpertPoolEntry', { description: 'One expert of a pool snapshot, in expert-id order: what a panel draw reads.' })
export class ExpertPoolEntryType {
  associationId: string;
  @Field(() => ID) expertId: string;
  @Field(() => ID) personId: string;
  @Field(() => ExpertStatusEnum) status: string;
  @RestrictedField(() => [ExpertSpecialtyEnum], 'staff', ownedByItsAssociation, { description: STAFF('the specialties') }) specialties: string[] | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, { description: STAFF('the employer') }) employerCode: string | null;
  @Field(() => [ExpertPoolConflictType]) conflicts: ExpertPoolConflictType[];
}

export const ExpertConnection = ConnectionType(ExpertType, 'Expert');

@ObjectType({ description: 'The outcome of an expert pool command: the expert as the pool now shows them.' })
export class ExpertCommandPayload extends CommandPayload {
  @Field(() => ID, { description: 'The expert the command is about (for an enrolment, the id it gave).' }) expertId: string;
  @Field(() => ExpertType, { nullable: true, description: 'The expert after the command (null while the read model catches up).' }) expert: ExpertType | null;
}
