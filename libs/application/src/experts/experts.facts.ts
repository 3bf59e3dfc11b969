import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { enterpriseStreamId } from '#domain/enterprise';
import type { ExpertCommand, ExpertFactsSnapshot } from '#domain/experts';
import { evolvePerson, initialPersonState, isPersonId, personStreamId } from '#domain/persons';
import { checkCreditCode } from '#domain/shared';
import { EXPERTS_READS as READS } from '#projections';
import { EventSourcedCommands } from '../commands/event-sourced-commands.js';

/** Projections an expert mutation's payload reads from. */
export const EXPERTS_READS: readonly string[] = READS;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The expert id of a person in an association's pool: `EXP` and 16 Crockford base32 characters of the SHA-256 of the
 * association and the register id. One person is one expert of a pool (a second enrolment names the same stream and
 * is refused), and the id is unique across pools. The register id reveals nothing, so neither does this.
 */
export function expertIdFor(associationId: string, personId: string): string {
  const digest = createHash('sha256').update(`expert:${associationId}:${personId}`).digest();
  let id = 'EXP';
  for (let i = 0; i < 16; i++) id += CROCKFORD[digest[i]! & 31];
  return id;
}

/**
 * The facts an expert decision needs from outside the expert's stream: the person's standing in the persons register
 * (their stream, exact right after a registration) and whether the employer is an enterprise of the register (its
 * stream exists). A value the parse step will refuse is not looked up.
 */
@Injectable()
export class ExpertsFacts {
  constructor(private readonly commands: EventSourcedCommands) {}

  async forCommand(command: ExpertCommand): Promise<ExpertFactsSnapshot> {
    const personId = command.type === 'EnrolExpert' ? command.personId : undefined;
    const employer = command.type === 'EnrolExpert' || command.type === 'ChangeExpertProfile' ? command.employerCode : undefined;
    const [person, employerRegistered] = await Promise.all([
      personId === undefined ? undefined : this.personStatus(personId),
      employer === undefined ? undefined : this.enterpriseRegistered(employer),
    ]);
    return { ...(person === undefined ? {} : { person }), ...(employerRegistered === undefined ? {} : { employerRegistered }) };
  }

  private async personStatus(personId: unknown): Promise<ExpertFactsSnapshot['person']> {
    if (!isPersonId(personId)) return 'NONE';
    return (await this.commands.stateOf(personStreamId(personId), { initialState: initialPersonState, evolve: evolvePerson })).status;
  }

  private async enterpriseRegistered(code: unknown): Promise<boolean> {
    const check = checkCreditCode(typeof code === 'string' ? code : '');
    return check.kind === 'valid' && this.commands.streamExists(enterpriseStreamId(check.code));
  }
}
