import { Injectable } from '@nestjs/common';
import type { PersonFacts } from '#domain/persons';
import { PERSONS_READS as READS, PersonsQueries } from '#projections';

/** Projections a persons mutation's payload reads from. */
export const PERSONS_READS: readonly string[] = READS;

/** The facts a decision on an existing person needs: the associations related to them (the persons read model). */
@Injectable()
export class PersonsFacts {
  constructor(private readonly persons: PersonsQueries) {}

  async forPerson(personId: string): Promise<PersonFacts> {
    const related = await this.persons.relatedAssociationsOfEach([personId]);
    return { relatedAssociations: related.get(personId) ?? new Set<string>() };
  }
}
