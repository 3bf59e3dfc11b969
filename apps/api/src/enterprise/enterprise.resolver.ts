import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ActOnEnterpriseCommand } from '#application';
import { enterpriseStreamId, type EnterpriseCommand } from '#domain/enterprise';
import { type Actor, normaliseCreditCode, NotFound } from '#domain/shared';
import { CurrentActor, Roles } from '#platform';
import { type EnterpriseLoaders, EnterpriseQueries } from '#projections';
import { payloadOf } from '../graphql/command.types.js';
import { ScopedTo, Unscoped } from '../graphql/access-scope.guard.js';
import { AuditHistory } from '../audit/audit-history.js';
import { AuditEventConnection } from '../audit/audit.types.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import { loadersFor, type RequestContext } from '../graphql/request-context.js';
import type { AuditEvent } from '../audit/audit.types.js';
import {
  EnterpriseCodeArgs,
  EnterpriseFilter,
  RecordQualificationInput,
  RegisterEnterpriseInput,
  SetEnterpriseSizeClassInput,
  UpdateEnterpriseProfileInput,
  WithdrawQualificationInput,
} from './enterprise.inputs.js';
import { Enterprise, EnterpriseConnection, EnterpriseName, EnterprisePayload, Qualification } from './enterprise.types.js';

const READERS = ['ADMIN', 'AUDITOR', 'EXPERT', 'TENDER', 'MEMBER'] as const;

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  constructor(
    private readonly readModel: EnterpriseQueries,
    private readonly audit: AuditHistory,
    private readonly commandBus: CommandBus,
  ) {}

  @Query(() => Enterprise, { description: 'One enterprise by its unified social credit code.' })
  @Roles(...READERS)
  @ScopedTo({ firm: 'code' })
  async enterprise(
    @Args() { code }: EnterpriseCodeArgs,
    @Context() context: RequestContext,
  ): Promise<Enterprise> {
    const normalised = normaliseCreditCode(code);
    const found = await this.loaders(context).byCode.load(normalised);
    if (!found) throw new NotFound('Enterprise', normalised);
    return found;
  }

  @Query(() => EnterpriseConnection, { description: 'Enterprises matching a filter, ordered by name.' })
  @Roles('ADMIN', 'AUDITOR', 'EXPERT', 'TENDER')
  @Unscoped()
  enterprises(
    @Args('filter', { type: () => EnterpriseFilter, nullable: true }) filter: EnterpriseFilter | null,
    @Args() page: PageArgs,
  ): Promise<Connection<Enterprise>> {
    return this.readModel.list(filter ?? {}, page.first, page.after);
  }

  @Query(() => AuditEventConnection, {
    description: "Every recorded step of an enterprise's register entry, with actor, time and hash, oldest first.",
  })
  @Roles(...READERS)
  @ScopedTo({ firm: 'code' })
  enterpriseHistory(
    @Args() { code }: EnterpriseCodeArgs,
    @Args() page: PageArgs,
  ): Promise<Connection<AuditEvent>> {
    const normalised = normaliseCreditCode(code);
    return this.audit.streamHistory(enterpriseStreamId(normalised), page.first, page.after);
  }

  @ResolveField(() => [Qualification])
  async qualifications(
    @Parent() enterprise: Enterprise,
    @Context() context: RequestContext,
    @Args('includeWithdrawn', { defaultValue: false }) includeWithdrawn: boolean,
  ): Promise<Qualification[]> {
    const all = await this.loaders(context).qualifications.load(enterprise.code);
    return includeWithdrawn ? all : all.filter((q) => q.status === 'HELD');
  }

  @ResolveField(() => [EnterpriseName], { description: 'Every name the enterprise has carried, oldest first.' })
  nameHistory(@Parent() enterprise: Enterprise, @Context() context: RequestContext): Promise<EnterpriseName[]> {
    return this.loaders(context).names.load(enterprise.code);
  }

  @Mutation(() => EnterprisePayload, { description: 'Registers an enterprise under its unified social credit code.' })
  @Roles('ADMIN')
  // Enterprise mutations are open to any admin here: whether its association may change a known firm's facts is
  // the enterprise decider's rule (ENTERPRISE_NOT_RELATED), judged on the firm's ties to associations.
  @Unscoped()
  registerEnterprise(@Args('input') input: RegisterEnterpriseInput, @CurrentActor() actor: Actor): Promise<EnterprisePayload> {
    const { commandId, ...fields } = input;
    return this.send({ type: 'RegisterEnterprise', ...fields }, commandId, actor);
  }

  @Mutation(() => EnterprisePayload, { description: 'Changes name, legal representative, region or ownership; the name history is kept.' })
  @Roles('ADMIN')
  @Unscoped()
  updateEnterpriseProfile(@Args('input') input: UpdateEnterpriseProfileInput, @CurrentActor() actor: Actor): Promise<EnterprisePayload> {
    const { commandId, ...fields } = input;
    return this.send({ type: 'UpdateEnterpriseProfile', ...fields }, commandId, actor);
  }

  @Mutation(() => EnterprisePayload, { description: 'Records a qualification, or a new grade of one already held.' })
  @Roles('ADMIN')
  @Unscoped()
  recordQualification(@Args('input') input: RecordQualificationInput, @CurrentActor() actor: Actor): Promise<EnterprisePayload> {
    const { commandId, ...fields } = input;
    return this.send({ type: 'RecordQualification', ...fields }, commandId, actor);
  }

  @Mutation(() => EnterprisePayload, { description: 'Withdraws a held qualification, with the reason.' })
  @Roles('ADMIN')
  @Unscoped()
  withdrawQualification(@Args('input') input: WithdrawQualificationInput, @CurrentActor() actor: Actor): Promise<EnterprisePayload> {
    const { commandId, ...fields } = input;
    return this.send({ type: 'WithdrawQualification', ...fields }, commandId, actor);
  }

  @Mutation(() => EnterprisePayload, { description: 'Sets the size class (large, medium, small, micro).' })
  @Roles('ADMIN')
  @Unscoped()
  setEnterpriseSizeClass(@Args('input') input: SetEnterpriseSizeClassInput, @CurrentActor() actor: Actor): Promise<EnterprisePayload> {
    const { commandId, ...fields } = input;
    return this.send({ type: 'SetEnterpriseSizeClass', ...fields }, commandId, actor);
  }

  private async send(command: EnterpriseCommand, commandId: string | null | undefined, actor: Actor): Promise<EnterprisePayload> {
    const result = await this.commandBus.execute(new ActOnEnterpriseCommand(command, actor, commandId));
    return { ...payloadOf(result), enterprise: await this.readModel.byCode(normaliseCreditCode(command.code)) };
  }

  private loaders(context: RequestContext): EnterpriseLoaders {
    return loadersFor(context, 'enterprise', () => this.readModel.createLoaders());
  }
}
