import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ERASURE_LEGAL_BASES, ERASURE_REQUESTERS } from '#domain/persons';
import type { RecordOwner } from '#domain/visibility';
import type { PendingErasureView, PersonView } from '#projections';
import { CommandPayload } from '../graphql/command.types.js';
import { ConnectionType } from '../graphql/connection.js';
import { ownedByItsAssociation, RestrictedField } from '../graphql/field-visibility.js';
import { DecisionView } from '../dues/dues.types.js';

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const PersonStatusEnum = asEnum(['REGISTERED', 'ERASED'] as const);
export const ErasureLegalBasisEnum = asEnum(ERASURE_LEGAL_BASES);
export const ErasureRequesterEnum = asEnum(ERASURE_REQUESTERS);
registerEnumType(PersonStatusEnum, { name: 'PersonStatus', description: 'REGISTERED, or ERASED (PIPL Art. 47: the personal data is gone for good).' });
registerEnumType(ErasureLegalBasisEnum, {
  name: 'ErasureLegalBasis',
  description:
    'The ground of PIPL Art. 47: PURPOSE_FULFILLED (1), SERVICE_ENDED (2, or the retention period expired), CONSENT_WITHDRAWN (3), UNLAWFUL_PROCESSING (4), OTHER_LEGAL (5).',
});
registerEnumType(ErasureRequesterEnum, { name: 'ErasureRequester', description: 'Who asked for the erasure, by kind only: the person, the association, an authority.' });

/** A person's record is the registering association's, and about the person (related associations see it too). */
export const ownerOfPerson = (p: { readonly personId: string; readonly associationId: string }): RecordOwner => ({ person: p.personId, associationId: p.associationId });

const PERSONAL = 'Personal: the name, phone or address; null unless the caller is an admin of the registering or a related association, or an auditor; null once erased.';

/** A person as the API answers them: the read model's row, its personal fields sealed until the field layer opens them. */
@ObjectType('Person', { description: 'A natural person in the register (三诚 subject, expert, nominee, inspector), known by a register id that reveals nothing.' })
export class PersonType {
  @Field(() => ID) personId: string;
  @Field(() => PersonStatusEnum) status: PersonView['status'];
  @Field({ description: 'The date the person was registered (YYYY-MM-DD).' }) registeredOn: string;
  @Field(() => String, { nullable: true, description: 'The date the erasure was approved (YYYY-MM-DD).' }) erasedOn: string | null;
  @Field({ description: 'The association whose staff registered the person.' }) associationId: string;
  @Field({ description: 'True once erased: every personal field is null for everyone from then on.' }) erased: boolean;
  @RestrictedField(() => String, 'personal', ownerOfPerson, { description: PERSONAL }) name: unknown;
  @RestrictedField(() => String, 'personal', ownerOfPerson, { description: PERSONAL }) phone: unknown;
  @RestrictedField(() => String, 'personal', ownerOfPerson, { description: PERSONAL }) address: unknown;
  /** The sealed number, for the masked field only (never a field of its own). */
  identityCardNumber: PersonView['identityCardNumber'];
  pendingErasure: PendingErasureView | null;
}

@ObjectType('PendingPersonErasure', { description: 'An erasure request waiting for a second person to approve or reject it.' })
export class PendingPersonErasureType {
  @Field() requestId: string;
  @Field(() => ErasureLegalBasisEnum) legalBasis: string;
  @Field(() => ErasureRequesterEnum) requester: string;
  @Field(() => DecisionView) decision: DecisionView;
  /** The association the request was made for: its staff identity is that association's. */
  associationId: string | null;
  @RestrictedField(() => String, 'staff', ownedByItsAssociation, {
    description: 'Staff: who requested it; null unless the caller is an admin of the association the request was made for, or an auditor.',
  })
  requestedBy: string | null;
  @Field({ description: 'YYYY-MM-DD' }) requestedOn: string;
}

export const PersonConnection = ConnectionType(PersonType, 'Person');

@ObjectType({ description: 'The outcome of a persons command: the person as the register now shows them.' })
export class PersonCommandPayload extends CommandPayload {
  @Field(() => ID, { description: 'The register id the command is about (for a registration, the one it gave).' }) personId: string;
  @Field(() => String, { nullable: true, description: 'The erasure request id (for an erasure request: the one to approve or reject).' }) requestId: string | null;
  @Field(() => PersonType, { nullable: true, description: 'The person after the command, as the read model shows them (null while it catches up).' })
  person: PersonType | null;
}

/** The API's person from the read model's row. */
export function personOf(view: PersonView): PersonType {
  return { ...view, erased: view.status === 'ERASED' };
}
