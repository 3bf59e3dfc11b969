import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface CreditCycleKey {
  readonly associationId: string;
  readonly cycleId: string;
}

/** Rating statuses under which a rating is still in force (not yet expired, revoked or withdrawn). */
const VALID_RATING = `rating_status IN ('ACTIVE', 'SUSPENDED')`;

/** Reads of the credit evaluation read model. */
@Injectable()
export class CreditQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The subject's ratings in force that the association issued, by cycle. */
  validRatingsOf(associationId: string, subjectId: string): Promise<CreditCycleKey[]> {
    return this.dataSource.query(
      `SELECT association_id AS "associationId", cycle_id AS "cycleId" FROM credit_application
        WHERE association_id = $1 AND subject_id = $2 AND ${VALID_RATING} ORDER BY cycle_id`,
      [associationId, subjectId],
    );
  }

  /** Subjects of the cycle's applications in the given status (every application when null), in order. */
  async subjectsIn(associationId: string, cycleId: string, status: string | null): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT subject_id FROM credit_application
        WHERE association_id = $1 AND cycle_id = $2 AND ($3::text IS NULL OR status = $3) ORDER BY subject_id`,
      [associationId, cycleId, status],
    )) as { subject_id: string }[];
    return rows.map((r) => r.subject_id);
  }

  /** Subjects of the cycle whose rating is still in force although its valid-to is before `onDate` (ISO date). */
  async expiredRatings(associationId: string, cycleId: string, onDate: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT subject_id FROM credit_application
        WHERE association_id = $1 AND cycle_id = $2 AND ${VALID_RATING} AND valid_to < $3 ORDER BY subject_id`,
      [associationId, cycleId, onDate],
    )) as { subject_id: string }[];
    return rows.map((r) => r.subject_id);
  }

  /** The cycles, of every association, holding a rating in force past its valid-to on `onDate` (ISO date). */
  cyclesWithDueExpiries(onDate: string): Promise<CreditCycleKey[]> {
    return this.dataSource.query(
      `SELECT DISTINCT association_id AS "associationId", cycle_id AS "cycleId" FROM credit_application
        WHERE ${VALID_RATING} AND valid_to < $1 ORDER BY "associationId", "cycleId"`,
      [onDate],
    );
  }

  /** The associations holding a credit application of the subject, in any of their cycles, in order. */
  async applicantAssociations(subjectId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT association_id FROM credit_application WHERE subject_id = $1 ORDER BY association_id`,
      [subjectId],
    )) as { association_id: string }[];
    return rows.map((r) => r.association_id);
  }
}
