import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Extensions, type FieldMiddleware, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ActOnPersonCommand, ApprovePersonErasureCommand, type DispatchResult, RegisterPersonCommand } from '#application';
import { type CorrectPersonDetails, maskIdentityCardNumber, normaliseIdentityCardNumber, PersonStream } from '#domain/persons';
import { type Actor, InvalidInput, NotFound } from '#domain/shared';
import { CurrentActor, Roles } from '#platform';
import { MembershipQueries, PersonsQueries } from '#projections';
import { ScopedTo, Unscoped } from '../graphql/access-scope.guard.js';
import { payloadOf, plain } from '../graphql/command.types.js';
import { type Connection, PageArgs } from '../graphql/connection.js';
import { decisionOf } from '../graphql/decision.input.js';
import { FIELD_CLASS_EXTENSION, type FieldAccessContext } from '../graphql/field-visibility.js';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';
import {
  ApprovePersonErasureInput,
  CorrectPersonDetailsInput,
  IdentityCardNumberArgs,
  PersonArgs,
  PersonsOfAssociationArgs,
  RegisterPersonInput,
  RejectPersonErasureInput,
  RequestPersonErasureInput,
} from './persons.inputs.js';
import { PendingPersonErasureType, PersonCommandPayload, PersonConnection, personOf, ownerOfPerson, PersonType } from './persons.types.js';

/** The masked number is personal: the same callers as the name see it; nobody else causes it to be opened. */
const personalOnly: FieldMiddleware<PersonType> = async ({ source, context }, next) =>
  (await (context as FieldAccessContext).fieldAccess.maySee('personal', () => ownerOfPerson(source))) ? next() : null;

/*
 * The persons register (ADR 0016). A person is nobody's association record alone: who may see their personal fields is
 * the field layer's decision (the registering association, a related one, the auditor), so reading a person by id is
 * open to the roles that name persons (admins, auditors, tender systems for the public fields). The look-up by
 * identity-card number answers exactly what `person` answers for the id it finds (or null), computes the keyed hash
 * whatever the number, and its errors are field errors that never repeat it.
 */
@Resolver(() => PersonType)
export class PersonsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly register: PersonsQueries,
    private readonly associations: MembershipQueries,
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
  ) {}

  // ---- queries ------------------------------------------------------------------------------------

  @Query(() => PersonType, { nullable: true, description: 'A person by register id; null when none. Personal fields by the field layer; tender systems see the public ones.' })
  @Roles('ADMIN', 'AUDITOR', 'TENDER')
  @Unscoped()
  async person(@Args() { personId }: PersonArgs): Promise<PersonType | null> {
    const view = await this.register.person(personId);
    return view && personOf(view);
  }

  @Query(() => PersonType, {
    nullable: true,
    description: 'The person registered under an identity-card number (by its keyed hash), or null: admins and auditors only. An erased person is not found.',
  })
  @Roles('ADMIN', 'AUDITOR')
  @Unscoped()
  async personByIdentityCardNumber(@Args() { identityCardNumber }: IdentityCardNumberArgs): Promise<PersonType | null> {
    const checked = normaliseIdentityCardNumber(identityCardNumber);
    if ('problem' in checked) throw new InvalidInput([{ field: 'identityCardNumber', message: checked.problem }]);
    const view = await this.register.byIdentityKey(this.runtime.personalData.identityKey(checked.number));
    return view && personOf(view);
  }

  @Query(() => PersonConnection, { description: 'The persons an association registered, oldest first.' })
  @Roles('ADMIN', 'AUDITOR')
  @ScopedTo({ association: 'associationId' })
  async persons(@Args() { associationId }: PersonsOfAssociationArgs, @Args() page: PageArgs): Promise<Connection<PersonType>> {
    if (!(await this.associations.associationExists(associationId))) throw new NotFound('Association', associationId);
    const found = await this.register.registeredBy(associationId, page.first, page.after);
    return { ...found, edges: found.edges.map((edge) => ({ ...edge, node: personOf(edge.node) })) };
  }

  // ---- fields -------------------------------------------------------------------------------------

  @ResolveField('identityCardNumberMasked', () => String, {
    nullable: true,
    middleware: [personalOnly],
    description: 'Personal: the identity-card number with all but its first and last four characters hidden (4201**********123X); null as the name is, and once erased.',
  })
  @Extensions({ [FIELD_CLASS_EXTENSION]: 'personal' })
  async identityCardNumberMasked(@Parent() person: PersonType, @Context() context: FieldAccessContext): Promise<string | null> {
    if (!person.identityCardNumber) return null;
    // Opened with every other sealed value of the request, in one batch.
    const number = await context.fieldAccess.open(person.identityCardNumber);
    return typeof number === 'string' ? maskIdentityCardNumber(number) : null;
  }

  @ResolveField('pendingErasure', () => PendingPersonErasureType, { nullable: true, description: 'The erasure request waiting for a decision, if any.' })
  async pendingErasure(@Parent() person: PersonType): Promise<PendingPersonErasureType | null> {
    const pending = person.pendingErasure;
    if (!pending) return null;
    // The requester acted for the association the request names (the registering one or a related one).
    const request = (await this.register.erasureRequests(person.personId)).find((r) => r.requestId === pending.requestId);
    return { ...pending, associationId: request?.associationId ?? null };
  }

  // ---- mutations ----------------------------------------------------------------------------------

  @Mutation(() => PersonCommandPayload, {
    description: 'Registers a person under a new register id; a number already registered is refused (PERSON_ALREADY_REGISTERED) naming the id that holds it.',
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async registerPerson(@Args('input') input: RegisterPersonInput, @CurrentActor() actor: Actor): Promise<PersonCommandPayload> {
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(
      new RegisterPersonCommand({ associationId: fields.associationId, name: fields.name, identityCardNumber: fields.identityCardNumber, phone: fields.phone ?? null, address: fields.address ?? null }, actor, commandId),
    );
    return this.payload(result, PersonStream.parse(result.streamId)![0]!, null);
  }

  @Mutation(() => PersonCommandPayload, { description: "Corrects a person's name, phone or address (the identity-card number never changes); refused once erased." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async correctPersonDetails(@Args('input') input: CorrectPersonDetailsInput, @CurrentActor() actor: Actor): Promise<PersonCommandPayload> {
    // Through JSON: a field left out stays out (unchanged), an explicit null is kept (cleared; the decider refuses it for the name).
    const { commandId, ...fields } = plain(input);
    const result = await this.commandBus.execute(new ActOnPersonCommand({ type: 'CorrectPersonDetails', ...fields } as CorrectPersonDetails, actor, commandId));
    return this.payload(result, fields.personId, null);
  }

  @Mutation(() => PersonCommandPayload, { description: "Requests a person's erasure (PIPL Art. 47) with its legal basis, requester kind and decision; a second person decides." })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async requestPersonErasure(@Args('input') input: RequestPersonErasureInput, @CurrentActor() actor: Actor): Promise<PersonCommandPayload> {
    const { commandId, decision, ...fields } = input;
    const id = commandId ?? randomUUID();
    const requestId = fields.requestId ?? id;
    const result = await this.commandBus.execute(
      new ActOnPersonCommand(
        { type: 'RequestPersonErasure', associationId: fields.associationId, personId: fields.personId, requestId, legalBasis: fields.legalBasis, requester: fields.requester, decision: decisionOf(decision) },
        actor,
        id,
      ),
    );
    return this.payload(result, fields.personId, requestId);
  }

  @Mutation(() => PersonCommandPayload, {
    description: "Approves a pending erasure (not its requester): the person's personal data becomes unreadable everywhere and their number may be registered anew.",
  })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async approvePersonErasure(@Args('input') input: ApprovePersonErasureInput, @CurrentActor() actor: Actor): Promise<PersonCommandPayload> {
    const { commandId, associationId, personId, requestId } = input;
    const result = await this.commandBus.execute(new ApprovePersonErasureCommand({ type: 'ApprovePersonErasure', associationId, personId, requestId }, actor, commandId));
    return this.payload(result, personId, requestId);
  }

  @Mutation(() => PersonCommandPayload, { description: 'Rejects a pending erasure (not its requester), with the reason; the person stays registered.' })
  @Roles('ADMIN')
  @ScopedTo({ association: 'input.associationId' })
  async rejectPersonErasure(@Args('input') input: RejectPersonErasureInput, @CurrentActor() actor: Actor): Promise<PersonCommandPayload> {
    const { commandId, associationId, personId, requestId, reason } = input;
    const result = await this.commandBus.execute(new ActOnPersonCommand({ type: 'RejectPersonErasure', associationId, personId, requestId, reason }, actor, commandId));
    return this.payload(result, personId, requestId);
  }

  private async payload(result: DispatchResult, personId: string, requestId: string | null): Promise<PersonCommandPayload> {
    const view = await this.register.person(personId);
    return { ...payloadOf(result), personId, requestId, person: view && personOf(view) };
  }
}
