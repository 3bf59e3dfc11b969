import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ELECTION_OFFICES,
  MEMBERSHIP_STATUSES,
  MEMBERSHIP_TIERS,
  SANCTION_KINDS,
  type ElectionOffice,
  type MembershipStatus,
  type MembershipTier,
} from '#domain/membership';
import { CommandPayload } from '../graphql/command.types.js';
import { ConnectionType } from '../graphql/connection.js';
import { ownedByItsAssociation, RestrictedField } from '../graphql/field-visibility.js';
import { JSONScalar } from '../graphql/json.scalar.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const MembershipTierEnum = asEnum(MEMBERSHIP_TIERS);
export const MembershipStatusEnum = asEnum(MEMBERSHIP_STATUSES);
export const SanctionKindEnum = asEnum(SANCTION_KINDS);
export const ElectionOfficeEnum = asEnum(ELECTION_OFFICES);
registerEnumType(MembershipTierEnum, {
  name: 'MembershipTier',
  description: '会长单位 PRESIDENT, 副会长单位 VICE_PRESIDENT, 常务理事单位 EXECUTIVE_DIRECTOR, 理事单位 DIRECTOR, 会员单位 MEMBER, 储备会员 RESERVE.',
});
registerEnumType(MembershipStatusEnum, {
  name: 'MembershipStatus',
  description: 'PENDING (applied), ACTIVE, SUSPENDED, WITHDRAWN (退会), DEEMED_WITHDRAWN (自动退会), EXPELLED (除名), REJECTED.',
});
registerEnumType(SanctionKindEnum, { name: 'SanctionKind', description: '通报批评 CRITICISM, 警告 WARNING.' });
registerEnumType(ElectionOfficeEnum, {
  name: 'ElectionOffice',
  description: '副会长 VICE_PRESIDENT, 常务副会长 EXECUTIVE_VICE_PRESIDENT (chosen from the elected vice-presidents), 常务理事 EXECUTIVE_DIRECTOR, 理事 DIRECTOR.',
});

@ObjectType({ description: 'A council term (理事会届次).' })
export class CouncilTerm {
  @Field()
  associationId: string;

  @Field(() => Int)
  termNumber: number;

  @Field()
  startsOn: string;

  @Field()
  endsOn: string;

  @Field(() => String, { nullable: true, description: 'The president firm (会长单位) of the term, if any.' })
  presidentEnterpriseCode: string | null;
}

@ObjectType({ description: 'An association (协会) and its charter settings.' })
export class Association {
  @Field(() => ID)
  associationId: string;

  @Field()
  name: string;

  @Field()
  regionCode: string;

  @Field(() => Int, { description: 'Unpaid years after which a member may be deemed withdrawn (1 or 2).' })
  deemedWithdrawalYears: number;

  @Field(() => Int, { description: 'Days a dues reminder must go unanswered before deemed withdrawal.' })
  reminderGraceDays: number;

  @Field(() => [String], { description: 'Deciding bodies that may admit members.' })
  admissionBodies: string[];

  @RestrictedField(() => [String], 'staff', ownedByItsAssociation, {
    description: 'Staff: user ids currently authorised to approve dues waivers; null unless the caller is an admin of this association, or an auditor.',
  })
  waiverApprovers: string[] | null;

  @Field(() => GraphQLISODateTime)
  registeredAt: Date;

  @Field(() => Int)
  revision: number;
}

@ObjectType()
export class ElectionCandidate {
  @Field()
  enterpriseCode: string;

  @Field(() => Int)
  votes: number;

  @Field(() => Int, { nullable: true, description: 'Votes in the run-off among those tied at the last seat.' })
  runOffVotes: number | null;

  @Field()
  elected: boolean;

  @Field(() => Int, { description: '1 = most votes.' })
  rank: number;
}

@ObjectType({ description: 'A competitive council election (差额选举): every candidate with the votes received, and who was elected.' })
export class CouncilElection {
  @Field(() => ID)
  electionId: string;

  @Field()
  associationId: string;

  @Field(() => Int)
  termNumber: number;

  @Field(() => ElectionOfficeEnum)
  office: ElectionOffice;

  @Field(() => MembershipTierEnum, { description: 'Tier the elected firms take.' })
  tier: MembershipTier;

  @Field(() => Int)
  seats: number;

  @Field(() => [ElectionCandidate], { description: 'Most votes first.' })
  candidates: ElectionCandidate[];

  @Field(() => [String], { description: 'Elected firms, most votes first.' })
  elected: string[];

  @Field(() => JSONScalar, { description: 'The decision record of the sitting (body, reference, date, attendance).' })
  decision: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  recordedAt: Date;
}

@ObjectType({ description: 'One step of a membership\'s status and tier over time (bitemporal).' })
export class MembershipHistoryEntry {
  @Field()
  membershipId: string;

  @Field(() => Int, { description: 'Revision in the membership stream.' })
  revision: number;

  @Field({ description: 'The event that made the change.' })
  eventType: string;

  @Field(() => MembershipStatusEnum)
  status: MembershipStatus;

  @Field(() => MembershipTierEnum, { nullable: true })
  tier: MembershipTier | null;

  @Field({ description: 'Business date the state took effect (YYYY-MM-DD).' })
  validFrom: string;

  @Field(() => String, { nullable: true, description: 'Business date the next state took effect; null while current.' })
  validTo: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When the register recorded it.' })
  recordedAt: Date;
}

@ObjectType({ description: "An enterprise's current (latest) membership of an association." })
export class Membership {
  @Field()
  associationId: string;

  @Field()
  enterpriseCode: string;

  @Field(() => String, { nullable: true, description: 'Current name in the enterprise register.' })
  enterpriseName: string | null;

  @Field(() => ID, { description: 'Identifies this application; a readmission is a new one.' })
  membershipId: string;

  @Field(() => MembershipStatusEnum)
  status: MembershipStatus;

  @Field(() => MembershipTierEnum, { nullable: true })
  tier: MembershipTier | null;

  @Field()
  appliedOn: string;

  @Field(() => String, { nullable: true })
  admittedOn: string | null;

  @Field(() => String, { nullable: true })
  certificateNumber: string | null;

  @Field(() => String, { nullable: true })
  endedOn: string | null;

  @Field({ description: 'Business date the current status took effect.' })
  statusSince: string;

  @Field(() => Int, { description: 'Sanctions (通报批评, 警告) recorded on this membership.' })
  sanctions: number;

  @Field(() => String, { nullable: true })
  lastReminderOn: string | null;

  @Field(() => GraphQLISODateTime)
  updatedAt: Date;

  @Field(() => Int)
  revision: number;
}

export const MembershipConnection = ConnectionType(Membership, 'Membership');

@ObjectType({ description: 'A membership as the register stood at an instant.' })
export class MembershipAsOf {
  @Field()
  membershipId: string;

  @Field(() => MembershipStatusEnum)
  status: MembershipStatus;

  @Field(() => MembershipTierEnum, { nullable: true })
  tier: MembershipTier | null;

  @Field()
  validFrom: string;

  @Field(() => GraphQLISODateTime)
  recordedAt: Date;
}

@ObjectType({ description: 'The outcome of an association command.' })
export class AssociationPayload extends CommandPayload {
  @Field(() => Association, { nullable: true })
  association: Association | null;
}

@ObjectType({ description: 'The outcome of a membership command.' })
export class MembershipPayload extends CommandPayload {
  @Field(() => Membership, { nullable: true })
  membership: Membership | null;
}

@ObjectType({ description: "An elected firm whose tier change to the office's tier was refused; the election stands." })
export class ElectionTierRefusal {
  @Field()
  enterpriseCode: string;

  @Field({ description: 'The rule that refused it, e.g. MEMBERSHIP_NOT_ACTIVE.' })
  rule: string;

  @Field()
  message: string;
}

@ObjectType({ description: 'The outcome of recording a council election, with the tier changes it brought.' })
export class CouncilElectionPayload extends CommandPayload {
  @Field(() => CouncilElection, { nullable: true })
  election: CouncilElection | null;

  @Field(() => Int, { description: 'Memberships whose tier was raised to the office\'s tier by this call.' })
  tierChangesApplied: number;

  @Field(() => [ElectionTierRefusal], {
    description: 'Elected firms whose tier change was refused (their membership changed since the candidates were checked).',
  })
  tierChangesRefused: ElectionTierRefusal[];
}
