import { Inject, Injectable } from '@nestjs/common';
import type { ErasureLegalBasis, ErasureRequester } from '#domain/persons';
import type { DecisionRecord, SealedValue } from '#domain/shared';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

export interface PendingErasureView {
  readonly requestId: string;
  readonly legalBasis: ErasureLegalBasis;
  readonly requester: ErasureRequester;
  readonly decision: DecisionRecord;
  readonly requestedBy: string;
  readonly requestedOn: string;
}

/** A person as the read model holds them: the personal fields sealed (the API opens them), null once erased. */
export interface PersonView {
  readonly personId: string;
  /** The association whose staff registered the person. */
  readonly associationId: string;
  readonly status: 'REGISTERED' | 'ERASED';
  readonly name: SealedValue | null;
  readonly identityCardNumber: SealedValue | null;
  readonly phone: SealedValue | null;
  readonly address: SealedValue | null;
  /** ISO date. */
  readonly registeredOn: string;
  readonly registeredAt: Date;
  readonly erasedOn: string | null;
  readonly pendingErasure: PendingErasureView | null;
  readonly revision: number;
}

export interface ErasureRequestView {
  readonly personId: string;
  readonly requestId: string;
  readonly associationId: string;
  readonly legalBasis: ErasureLegalBasis;
  readonly requester: ErasureRequester;
  readonly decision: DecisionRecord;
  readonly requestedBy: string;
  readonly requestedOn: string;
  readonly outcome: 'PENDING' | 'APPROVED' | 'REJECTED';
  readonly decidedBy: string | null;
  readonly decidedOn: string | null;
  readonly reason: string | null;
}

const PERSON_COLUMNS = `p.person_id AS "personId", p.association_id AS "associationId", p.status, p.name,
  p.identity_card_number AS "identityCardNumber", p.phone, p.address, to_char(p.registered_on, 'YYYY-MM-DD') AS "registeredOn",
  p.registered_at AS "registeredAt", to_char(p.erased_on, 'YYYY-MM-DD') AS "erasedOn", p.pending_erasure AS "pendingErasure", p.revision`;

/** Reads of the persons register's read model. */
@Injectable()
export class PersonsQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async person(personId: string): Promise<PersonView | null> {
    return (await this.personsOfEach([personId])).get(personId) ?? null;
  }

  async personsOfEach(personIds: readonly string[]): Promise<Map<string, PersonView>> {
    if (personIds.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.person_id = ANY($1::text[])`, [personIds])) as PersonView[];
    return new Map(rows.map((row) => [row.personId, row]));
  }

  /** The person currently holding this identity key (none once erased: the erasure releases it). */
  async byIdentityKey(identityKey: string): Promise<PersonView | null> {
    const rows = (await this.dataSource.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.identity_key = $1 LIMIT 1`, [identityKey])) as PersonView[];
    return rows[0] ?? null;
  }

  /** The persons an association registered, oldest first. */
  async registeredBy(associationId: string, first: number, after?: string | null): Promise<Page<PersonView>> {
    const cursor = decodeCursor(after, 2);
    const values: unknown[] = [associationId];
    let condition = 'p.association_id = $1';
    if (cursor) {
      values.push(cursor[0], cursor[1]);
      condition += ` AND (p.registered_at, p.person_id) > ($2::timestamptz, $3)`;
    }
    values.push(first + 1);
    const [rows, count] = await Promise.all([
      this.dataSource.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE ${condition} ORDER BY p.registered_at, p.person_id LIMIT $${values.length}`, values) as Promise<
        PersonView[]
      >,
      this.dataSource.query(`SELECT count(*)::int AS n FROM person WHERE association_id = $1`, [associationId]) as Promise<{ n: number }[]>,
    ]);
    return toPage(rows, first, count[0]!.n, cursor !== null, (p) => encodeCursor([p.registeredAt.toISOString(), p.personId]), (p) => p);
  }

  /**
   * The associations related to each person: the one that registered them and every one holding a credit application
   * or a conduct record of theirs. An admin of a related association may see their personal fields and act on them.
   */
  async relatedAssociationsOfEach(personIds: readonly string[]): Promise<Map<string, ReadonlySet<string>>> {
    const related = new Map<string, Set<string>>(personIds.map((id) => [id, new Set<string>()]));
    if (personIds.length === 0) return related;
    const rows = (await this.dataSource.query(
      `SELECT person_id AS "personId", association_id AS "associationId" FROM person WHERE person_id = ANY($1::text[])
       UNION SELECT subject_id, association_id FROM credit_application WHERE subject_id = ANY($1::text[])
       UNION SELECT subject_id, association_id FROM credit_conduct_record WHERE subject_id = ANY($1::text[]) AND association_id IS NOT NULL`,
      [personIds],
    )) as { personId: string; associationId: string }[];
    for (const row of rows) related.get(row.personId)?.add(row.associationId);
    return related;
  }

  /** Every person the register erased (their data keys must not outlive the erasure). */
  async erasedPersonIds(): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT person_id AS "personId" FROM person WHERE status = 'ERASED' ORDER BY person_id`)) as { personId: string }[];
    return rows.map((r) => r.personId);
  }

  /** A person's erasure requests, oldest first, with their outcomes. */
  async erasureRequests(personId: string): Promise<ErasureRequestView[]> {
    return (await this.dataSource.query(
      `SELECT person_id AS "personId", request_id AS "requestId", association_id AS "associationId", legal_basis AS "legalBasis", requester,
         decision, requested_by AS "requestedBy", to_char(requested_on, 'YYYY-MM-DD') AS "requestedOn", outcome, decided_by AS "decidedBy",
         to_char(decided_on, 'YYYY-MM-DD') AS "decidedOn", reason
       FROM person_erasure_request WHERE person_id = $1 ORDER BY requested_on, request_id`,
      [personId],
    )) as ErasureRequestView[];
  }
}
