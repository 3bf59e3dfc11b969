import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ActOnExpertCommand, type DispatchResult, EnrolExpertCommand } from '#application';
import { type ChangeExpertProfile, ExpertStream } from '#domain/experts';
import { type Actor, calendarDate, FieldErrors, NotFound, normaliseCreditCode } from '#domain/shared';
import { CurrentActor, ForbiddenError, Roles } from '#platform';
import { ExpertQueries, type ExpertView, MembershipQueries, PersonsQueries } from '#projections';
import { ScopedTo } from '../graphql/access-scope.guard.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import { personOf, PersonType } from '../persons/persons.types.js';
import {
  ChangeExpertProfileInput,
  DeclareExpertConflictInput,
  EnrolExpertInput,
  ExpertArgs,
  ExpertPoolArgs,
  ExpertsOfAssociationArgs,
  ExpertStatusChangeInput,
  WithdrawExpertConflictInput,
} from './experts.inputs.js';
import { ExpertCommandPayload, ExpertConflictType, ExpertHistoryEntryType, ExpertPoolEntryType, ExpertType, ExpertConnection } from './experts.types.js';

/*
 * The expert pool (ADR 0021). An association's ADMIN manages its own pool; the AUDITOR reads every pool; an EXPERT
 * reads their own record and history only (the record whose sign-in user id is theirs, in the association asked
 * about): any other expert id is FORBIDDEN to them, whether or not it exists, so an expert learns nothing of the
 * pool. Other roles are refused by @Roles. The pool's history entries are recorded by the contexts that draw and
 * score (RecordExpertHistoryCommand), not through this API.
 */
@Resolver(() => ExpertType)
export class ExpertsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly pool: ExpertQueries,
    private readonly persons: PersonsQueries,
    private readonly associations: MembershipQueries,
  ) {}

  // ---- queries ------------------------------------------------------------------------------------

  @Query(() => ExpertConnection, { description: "An association's pool by expert id, narrowed by status, specialty and employer." })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async experts(@Args() { associationId, status, specialty, employerCode }: ExpertsOfAssociationArgs, @Args() page: PageArgs): Promise<Connection<ExpertType>> {
    if (!(await this.associations.associationExists(associationId))) throw new NotFound('Association', associationId);
    const filter = { status: status ?? null, specialty: specialty ?? null, employerCode: employerCode ? normaliseCreditCode(employerCode) : null };
    return this.pool.list(associationId, filter, page.first, page.after);
  }

  @Query(() => ExpertType, { nullable: true, description: "An expert of the association's pool; null when none. An EXPERT reads only their own record." })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT')
  @ScopedTo({ association: 'associationId', ownExpert: 'expertId' })
  async expert(@Args() { associationId, expertId }: ExpertArgs, @CurrentActor() actor: Actor): Promise<ExpertType | null> {
    return this.readable(actor, associationId, expertId);
  }

  @Query(() => [ExpertHistoryEntryType], { description: "An expert's assignments, recusals and scores, in the order recorded. An EXPERT reads only their own." })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT')
  @ScopedTo({ association: 'associationId', ownExpert: 'expertId' })
  async expertHistory(@Args() { associationId, expertId }: ExpertArgs, @CurrentActor() actor: Actor): Promise<ExpertHistoryEntryType[]> {
    const expert = await this.readable(actor, associationId, expertId);
    if (!expert) throw new NotFound('Expert', expertId);
    const entries = await this.pool.history(expertId);
    return entries.map(({ reference, ...entry }) => ({ ...entry, associationId, referenceKind: reference.kind, referenceId: reference.id }));
  }

  @Query(() => [ExpertPoolEntryType], { description: 'The pool as a panel draw reads it: every expert in expert-id order, with the conflicts in force on the date.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async expertPool(@Args() { associationId, specialty, onDate }: ExpertPoolArgs): Promise<ExpertPoolEntryType[]> {
    const errors = new FieldErrors();
    calendarDate(errors, 'onDate', onDate);
    errors.throwIfAny();
    const snapshot = await this.pool.poolSnapshot(associationId, { specialty: specialty ?? null, onDate });
    return snapshot.map((entry) => ({ ...entry, associationId, conflicts: entry.conflicts.map((c) => ({ ...c, associationId })) }));
  }

  // ---- fields -------------------------------------------------------------------------------------

  @ResolveField('person', () => PersonType, { nullable: true, description: 'The person of the register; their personal fields by the field layer.' })
  async person(@Parent() expert: ExpertType): Promise<PersonType | null> {
    const view = await this.persons.person(expert.personId);
    return view && personOf(view);
  }

  @ResolveField('conflicts', () => [ExpertConflictType], { description: 'Every conflict declared, withdrawn ones too.' })
  async conflicts(@Parent() expert: ExpertType): Promise<ExpertConflictType[]> {
    return (await this.pool.conflicts(expert.expertId)).map((c) => ({ ...c, associationId: expert.associationId }));
  }

  // ---- mutations ----------------------------------------------------------------------------------

  @Mutation(() => ExpertCommandPayload, { description: 'Enrols a person of the register in the pool (EXPERT_PERSON_NOT_REGISTERED, EXPERT_EMPLOYER_NOT_REGISTERED).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async enrolExpert(@Args('input') input: EnrolExpertInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new EnrolExpertCommand({ ...fields, userId: fields.userId ?? null }, actor, commandId));
    return this.payload(result, ExpertStream.parse(result.streamId)![1]!);
  }

  @Mutation(() => ExpertCommandPayload, { description: "Changes an expert's specialties, employer, title or sign-in user id; refused once retired." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async changeExpertProfile(@Args('input') input: ChangeExpertProfileInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    // Through JSON: a field left out stays out (unchanged); a null other than userId's is left out too.
    const { commandId, associationId, expertId, specialties, employerCode, title, userId } = plain(input);
    const command: ChangeExpertProfile = {
      type: 'ChangeExpertProfile',
      associationId,
      expertId,
      ...(specialties == null ? {} : { specialties }),
      ...(employerCode == null ? {} : { employerCode }),
      ...(title == null ? {} : { title }),
      ...(userId === undefined ? {} : { userId }),
    };
    return this.payload(await this.commandBus.execute(new ActOnExpertCommand(command, actor, commandId)), expertId);
  }

  @Mutation(() => ExpertCommandPayload, { description: 'Suspends an active expert: they may not be drawn until reinstated.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async suspendExpert(@Args('input') input: ExpertStatusChangeInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    return this.statusChange('SuspendExpert', input, actor);
  }

  @Mutation(() => ExpertCommandPayload, { description: 'Reinstates a suspended expert.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async reinstateExpert(@Args('input') input: ExpertStatusChangeInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    return this.statusChange('ReinstateExpert', input, actor);
  }

  @Mutation(() => ExpertCommandPayload, { description: 'Retires an expert from the pool (final: their record is kept for the history).' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async retireExpert(@Args('input') input: ExpertStatusChangeInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    return this.statusChange('RetireExpert', input, actor);
  }

  @Mutation(() => ExpertCommandPayload, { description: 'Declares a firm the expert may not review, with the reason and the period.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async declareExpertConflict(@Args('input') input: DeclareExpertConflictInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.payload(await this.commandBus.execute(new ActOnExpertCommand({ type: 'DeclareExpertConflict', ...fields }, actor, commandId)), fields.expertId);
  }

  @Mutation(() => ExpertCommandPayload, { description: 'Withdraws a declared conflict, with the reason.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async withdrawExpertConflict(@Args('input') input: WithdrawExpertConflictInput, @CurrentActor() actor: Actor): Promise<ExpertCommandPayload> {
    const { commandId, ...fields } = plain(input);
    return this.payload(await this.commandBus.execute(new ActOnExpertCommand({ type: 'WithdrawExpertConflict', ...fields }, actor, commandId)), fields.expertId);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private async statusChange(type: 'SuspendExpert' | 'ReinstateExpert' | 'RetireExpert', input: ExpertStatusChangeInput, actor: Actor): Promise<ExpertCommandPayload> {
    const { commandId, associationId, expertId, reason } = plain(input);
    return this.payload(await this.commandBus.execute(new ActOnExpertCommand({ type, associationId, expertId, reason }, actor, commandId)), expertId);
  }

  /** The expert of the pool asked about, if the caller may read it: an EXPERT only their own (else FORBIDDEN, found or not). */
  private async readable(actor: Actor, associationId: string, expertId: string): Promise<ExpertView | null> {
    const view = await this.pool.byId(expertId);
    const found = view && view.associationId === associationId ? view : null;
    // A user id is one association's: an expert token naming another association is no one's own record here.
    const own = found !== null && found.userId === actor.userId && (actor.associationId == null || actor.associationId === associationId);
    if (actor.role === 'EXPERT' && !own) {
      throw new ForbiddenError('An expert reads only their own record and history.');
    }
    return found;
  }

  private async payload(result: DispatchResult, expertId: string): Promise<ExpertCommandPayload> {
    const view = await this.pool.byId(expertId);
    return { ...payloadOf(result), expertId, expert: view };
  }
}
