import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  ActOnMembershipCommand,
  AdmitMemberCommand,
  ApplyForMembershipCommand,
  ChangeMembershipTierCommand,
  DeemMembershipWithdrawnCommand,
  type DispatchResult,
  EndMembershipCommand,
  RecordMembershipReminderCommand,
} from '#application';
import { membershipStreamId } from '#domain/membership';
import { Inject } from '@nestjs/common';
import { type Actor, type FieldError, InvalidInput, normaliseCreditCode, NotFound } from '#domain/shared';
import { CLOCK, type Clock, CurrentActor, Roles } from '#platform';
import { type MembershipLoaders, MembershipQueries } from '#projections';
import { AuditHistory } from '../audit/audit-history.js';
import { type AuditEvent, AuditEventConnection } from '../audit/audit.types.js';
import { asOfInstant, effectiveDate } from '../graphql/as-of.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import { loadersFor, type RequestContext } from '../graphql/request-context.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import { ScopedTo } from '../graphql/access-scope.guard.js';
import {
  AdmitMemberInput,
  ApplyForMembershipInput,
  AssociationIdArgs,
  ChangeMembershipTierInput,
  DeemMembershipWithdrawnInput,
  ExpelMemberInput,
  MemberDirectoryFilter,
  MembershipAsOfArgs,
  MembershipKeyArgs,
  RecordMembershipReminderInput,
  ReinstateMembershipInput,
  RejectApplicationInput,
  SanctionMemberInput,
  SuspendMembershipInput,
  WithdrawMembershipInput,
} from './membership.inputs.js';
import { Membership, MembershipAsOf, MembershipConnection, MembershipHistoryEntry, MembershipPayload } from './membership.types.js';

const MEMBERSHIP_READERS = ['ADMIN', 'AUDITOR', 'MEMBER'] as const;

/** Every membership mutation is about the association its input names. */
const BY_INPUT_ASSOCIATION = { association: 'input.associationId' } as const;

interface Keyed {
  commandId?: string | null;
  associationId: string;
  enterpriseCode: string;
}

/** Splits an input into the command id, the membership's keys (code normalised) and the remaining fields. */
function split<T extends Keyed>(input: T) {
  const { commandId, associationId, enterpriseCode, ...fields } = plain(input);
  return { commandId, associationId, code: normaliseCreditCode(enterpriseCode), fields };
}

@Resolver(() => Membership)
export class MembershipResolver {
  constructor(
    private readonly readModel: MembershipQueries,
    private readonly audit: AuditHistory,
    private readonly commandBus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => MembershipConnection, { description: "An association's member directory, ordered by firm name." })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  memberDirectory(
    @Args() { associationId }: AssociationIdArgs,
    @Args('filter', { type: () => MemberDirectoryFilter, nullable: true }) filter: MemberDirectoryFilter | null,
    @Args() page: PageArgs,
  ): Promise<Connection<Membership>> {
    return this.readModel.directory(associationId, filter ?? {}, page.first, page.after, this.clock.now());
  }

  @Query(() => Membership, { description: "A firm's current (latest) membership of an association, with its history." })
  @Roles(...MEMBERSHIP_READERS)
  @ScopedTo({ association: 'associationId', firm: 'enterpriseCode' })
  async membership(@Args() args: MembershipKeyArgs): Promise<Membership> {
    const code = normaliseCreditCode(args.enterpriseCode);
    const found = await this.readModel.membership(args.associationId, code);
    if (!found) throw new NotFound('Membership', `${args.associationId}/${code}`, `Enterprise ${code} has no membership record in ${args.associationId}.`);
    return found;
  }

  @Query(() => MembershipAsOf, {
    nullable: true,
    description:
      'A membership on two time axes: its status and tier on the business date `effectiveAt` as the register had recorded them by `asOf` (null: no membership in effect then, as far as was recorded).',
  })
  @Roles(...MEMBERSHIP_READERS)
  @ScopedTo({ association: 'associationId', firm: 'enterpriseCode' })
  membershipAsOf(@Args() args: MembershipAsOfArgs): Promise<MembershipAsOf | null> {
    const code = normaliseCreditCode(args.enterpriseCode);
    const errors: FieldError[] = [];
    const at = asOfInstant(args.asOf, this.clock.now(), errors);
    const day = effectiveDate(args.effectiveAt, at, errors);
    if (errors.length > 0) throw new InvalidInput(errors);
    return this.readModel.asOf(args.associationId, code, at, day);
  }

  @ResolveField(() => [MembershipHistoryEntry], { description: 'Status and tier over time, every application, oldest first.' })
  history(@Parent() membership: Membership, @Context() context: RequestContext): Promise<MembershipHistoryEntry[]> {
    return loadersFor<MembershipLoaders>(context, 'membership', () => this.readModel.createLoaders()).history.load(
      JSON.stringify([membership.associationId, membership.enterpriseCode]),
    );
  }

  @ResolveField(() => AuditEventConnection, { description: 'Every recorded event of this firm\'s memberships, with actor, time and hash.' })
  events(@Parent() membership: Membership, @Args() page: PageArgs): Promise<Connection<AuditEvent>> {
    return this.audit.streamHistory(membershipStreamId(membership.associationId, membership.enterpriseCode), page.first, page.after);
  }

  @Mutation(() => MembershipPayload, { description: 'Records an application to join (the firm must be in the enterprise register).' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  applyForMembership(@Args('input') input: ApplyForMembershipInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new ApplyForMembershipCommand({ ...fields, type: 'ApplyForMembership', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Admits a pending applicant with a tier, a certificate number and the decision.' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  admitMember(@Args('input') input: AdmitMemberInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new AdmitMemberCommand({ ...fields, type: 'AdmitMember', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Rejects a pending application, with the reason.' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  rejectMembershipApplication(@Args('input') input: RejectApplicationInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new ActOnMembershipCommand({ ...fields, type: 'RejectApplication', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: "Changes a member's tier; one president firm per council term." })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  changeMembershipTier(@Args('input') input: ChangeMembershipTierInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new ChangeMembershipTierCommand({ ...fields, type: 'ChangeMembershipTier', associationId, enterpriseCode: code, electionId: null }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Records a sanction: 通报批评 (CRITICISM) or 警告 (WARNING).' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  sanctionMember(@Args('input') input: SanctionMemberInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new ActOnMembershipCommand({ ...fields, type: 'SanctionMember', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Suspends an active membership.' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  suspendMembership(@Args('input') input: SuspendMembershipInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new ActOnMembershipCommand({ ...fields, type: 'SuspendMembership', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Reinstates a suspended membership.' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  reinstateMembership(@Args('input') input: ReinstateMembershipInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new ActOnMembershipCommand({ ...fields, type: 'ReinstateMembership', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Records a dues reminder sent to a member, citing the unpaid years.' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  recordMembershipReminder(@Args('input') input: RecordMembershipReminderInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new RecordMembershipReminderCommand({ ...fields, type: 'RecordMembershipReminder', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: "Records a member's withdrawal (退会) on its written notice." })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  withdrawMembership(@Args('input') input: WithdrawMembershipInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new EndMembershipCommand({ ...fields, type: 'WithdrawMembership', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, {
    description: "Deems a member withdrawn (自动退会) after the charter's unpaid years and an unanswered reminder; arrears come from the dues accounts.",
  })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  deemMembershipWithdrawn(@Args('input') input: DeemMembershipWithdrawnInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new DeemMembershipWithdrawnCommand({ type: 'DeemMembershipWithdrawn', associationId, enterpriseCode: code, effectiveFrom: fields.effectiveFrom }, actor, commandId), associationId, code);
  }

  @Mutation(() => MembershipPayload, { description: 'Expels a member (除名) on a council vote with quorum and majority.' })
  @Roles('ADMIN')
  @ScopedTo(BY_INPUT_ASSOCIATION)
  expelMember(@Args('input') input: ExpelMemberInput, @CurrentActor() actor: Actor): Promise<MembershipPayload> {
    const { commandId, associationId, code, fields } = split(input);
    return this.send(new EndMembershipCommand({ ...fields, type: 'ExpelMember', associationId, enterpriseCode: code }, actor, commandId), associationId, code);
  }

  private async send(
    command: ApplyForMembershipCommand | AdmitMemberCommand | ActOnMembershipCommand | ChangeMembershipTierCommand | RecordMembershipReminderCommand | EndMembershipCommand | DeemMembershipWithdrawnCommand,
    associationId: string,
    code: string,
  ): Promise<MembershipPayload> {
    const result: DispatchResult = await this.commandBus.execute(command);
    return { ...payloadOf(result), membership: await this.readModel.membership(associationId, code) };
  }
}
