import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ActOnAssociationCommand, type DispatchResult, RecordCouncilElectionCommand } from '#application';
import { type Actor, NotFound } from '#domain/shared';
import { CurrentActor, Roles } from '#platform';
import { type MembershipLoaders, MembershipQueries } from '#projections';
import { loadersFor, type RequestContext } from '../graphql/request-context.js';
import { ScopedTo, Unscoped } from '../graphql/access-scope.guard.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import {
  AssociationIdArgs,
  CouncilElectionsArgs,
  RecordCouncilElectionInput,
  RecordCouncilTermInput,
  RegisterAssociationInput,
  WaiverApproverInput,
} from './membership.inputs.js';
import { Association, AssociationPayload, CouncilElection, CouncilElectionPayload, CouncilTerm } from './membership.types.js';

/** An association's profile, council terms and elections are public: every role reads every association's. */
const READERS = ['ADMIN', 'AUDITOR', 'MEMBER', 'EXPERT', 'TENDER'] as const;

@Resolver(() => Association)
export class AssociationResolver {
  constructor(
    private readonly readModel: MembershipQueries,
    private readonly commandBus: CommandBus,
  ) {}

  @Query(() => [Association], { description: 'Every association in the register, by id.' })
  @Roles(...READERS)
  @Unscoped()
  associations(): Promise<Association[]> {
    return this.readModel.associations();
  }

  @Query(() => Association, { description: 'One association with its charter settings.' })
  @Roles(...READERS)
  @Unscoped()
  async association(@Args() { associationId }: AssociationIdArgs): Promise<Association> {
    const found = await this.readModel.association(associationId);
    if (!found) throw new NotFound('Association', associationId);
    return found;
  }

  @Query(() => [CouncilTerm], { description: "An association's council terms, oldest first." })
  @Roles(...READERS)
  @Unscoped()
  councilTerms(@Args() { associationId }: AssociationIdArgs): Promise<CouncilTerm[]> {
    return this.readModel.councilTerms(associationId);
  }

  @Query(() => [CouncilElection], { description: "An association's council elections, optionally of one term." })
  @Roles(...READERS)
  @Unscoped()
  councilElections(@Args() { associationId, termNumber }: CouncilElectionsArgs): Promise<CouncilElection[]> {
    return this.readModel.elections(associationId, termNumber);
  }

  @ResolveField('councilTerms', () => [CouncilTerm], { description: 'Council terms, oldest first.' })
  councilTermsOf(@Parent() association: Association, @Context() context: RequestContext): Promise<CouncilTerm[]> {
    return loadersFor<MembershipLoaders>(context, 'membership', () => this.readModel.createLoaders()).councilTerms.load(association.associationId);
  }

  @Mutation(() => AssociationPayload, { description: 'Registers an association with its charter settings.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  registerAssociation(@Args('input') input: RegisterAssociationInput, @CurrentActor() actor: Actor): Promise<AssociationPayload> {
    const { commandId, ...fields } = plain(input);
    return this.send(new ActOnAssociationCommand({ ...fields, type: 'RegisterAssociation' }, actor, commandId), fields.associationId);
  }

  @Mutation(() => AssociationPayload, { description: 'Authorises a user to approve dues waivers.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  grantWaiverApprover(@Args('input') input: WaiverApproverInput, @CurrentActor() actor: Actor): Promise<AssociationPayload> {
    const { commandId, ...fields } = plain(input);
    return this.send(new ActOnAssociationCommand({ ...fields, type: 'GrantWaiverApprover' }, actor, commandId), fields.associationId);
  }

  @Mutation(() => AssociationPayload, { description: "Withdraws a user's authority to approve dues waivers." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  revokeWaiverApprover(@Args('input') input: WaiverApproverInput, @CurrentActor() actor: Actor): Promise<AssociationPayload> {
    const { commandId, ...fields } = plain(input);
    return this.send(new ActOnAssociationCommand({ ...fields, type: 'RevokeWaiverApprover' }, actor, commandId), fields.associationId);
  }

  @Mutation(() => AssociationPayload, { description: 'Records a council term (第N届理事会) with its dates.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  recordCouncilTerm(@Args('input') input: RecordCouncilTermInput, @CurrentActor() actor: Actor): Promise<AssociationPayload> {
    const { commandId, ...fields } = plain(input);
    return this.send(new ActOnAssociationCommand({ ...fields, type: 'RecordCouncilTerm' }, actor, commandId), fields.associationId);
  }

  @Mutation(() => CouncilElectionPayload, {
    description:
      'Records a competitive election (差额选举): the most votes fill the seats (a tie at the last seat needs a run-off), ' +
      'then raises each elected member to the office\'s tier.',
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async recordCouncilElection(@Args('input') input: RecordCouncilElectionInput, @CurrentActor() actor: Actor): Promise<CouncilElectionPayload> {
    const { commandId, associationId, ...fields } = plain(input);
    const outcome = await this.commandBus.execute(new RecordCouncilElectionCommand({ ...fields, type: 'RecordCouncilElection', associationId }, actor, commandId));
    return {
      ...payloadOf(outcome.result),
      election: outcome.electionId ? await this.readModel.election(outcome.electionId) : null,
      tierChangesApplied: outcome.tierChangesApplied,
      tierChangesRefused: [...outcome.tierChangesRefused],
    };
  }

  private async send(command: ActOnAssociationCommand, associationId: string): Promise<AssociationPayload> {
    const result: DispatchResult = await this.commandBus.execute(command);
    return { ...payloadOf(result), association: await this.readModel.association(associationId) };
  }
}
