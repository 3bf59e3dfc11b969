import { Inject, Injectable } from '@nestjs/common';
import type { ExpertSpecialty, ExpertStatus, ExpertWorkKind } from '#domain/experts';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page, toPage } from '../read-models/page.js';

/** An expert as the pool holds them: the person by register id only (their name is the persons register's, sealed). */
export interface ExpertView {
  readonly expertId: string;
  readonly associationId: string;
  readonly personId: string;
  readonly status: ExpertStatus;
  readonly specialties: ExpertSpecialty[];
  readonly employerCode: string;
  readonly title: string;
  readonly userId: string | null;
  /** ISO dates. */
  readonly enrolledOn: string;
  /** The reason of the last suspension, reinstatement or retirement; null while never changed. */
  readonly statusReason: string | null;
  readonly statusSince: string;
  readonly revision: number;
}

export interface ExpertConflictView {
  readonly expertId: string;
  readonly conflictId: string;
  readonly enterpriseCode: string;
  readonly reason: string;
  readonly from: string;
  readonly to: string;
  readonly declaredBy: string;
  readonly withdrawnOn: string | null;
  readonly withdrawalReason: string | null;
}

/** One entry of an expert's history, in the order of their stream. */
export interface ExpertHistoryEntryView {
  readonly expertId: string;
  readonly revision: number;
  readonly kind: 'ASSIGNED' | 'RECUSED' | 'SCORED';
  readonly reference: { readonly kind: ExpertWorkKind; readonly id: string };
  readonly round: number;
  readonly sourceEventId: string;
  /** Scores only. */
  readonly criterion: string | null;
  /** Scores only: the exact decimal as recorded. */
  readonly points: string | null;
  /** Recusals only. */
  readonly reason: string | null;
  readonly recordedOn: string;
  readonly recordedBy: string;
  readonly recordedAt: Date;
}

export interface ExpertListFilter {
  readonly status?: ExpertStatus | null;
  readonly specialty?: ExpertSpecialty | null;
  readonly employerCode?: string | null;
}

/** A conflict in force on the snapshot's date. */
export interface PoolConflict {
  readonly enterpriseCode: string;
  readonly reason: string;
  readonly from: string;
  readonly to: string;
}

/** One expert of a pool snapshot: what a panel draw needs, and nothing personal beyond the register id. */
export interface PoolSnapshotEntry {
  readonly expertId: string;
  readonly personId: string;
  readonly specialties: string[];
  readonly employerCode: string;
  readonly status: ExpertStatus;
  readonly conflicts: PoolConflict[];
}

const EXPERT_COLUMNS = `e.expert_id AS "expertId", e.association_id AS "associationId", e.person_id AS "personId", e.status, e.specialties,
  e.employer_code AS "employerCode", e.title, e.user_id AS "userId", to_char(e.enrolled_on, 'YYYY-MM-DD') AS "enrolledOn",
  e.status_reason AS "statusReason", to_char(e.status_since, 'YYYY-MM-DD') AS "statusSince", e.revision`;

/** Reads of the expert pool's read model. */
@Injectable()
export class ExpertQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async byId(expertId: string): Promise<ExpertView | null> {
    const rows = (await this.dataSource.query(`SELECT ${EXPERT_COLUMNS} FROM expert e WHERE e.expert_id = $1`, [expertId])) as ExpertView[];
    return rows[0] ?? null;
  }

  /** The expert an EXPERT token's user is, in an association's pool (none when no expert signs in as that user). */
  async byUser(associationId: string, userId: string): Promise<ExpertView | null> {
    const rows = (await this.dataSource.query(`SELECT ${EXPERT_COLUMNS} FROM expert e WHERE e.association_id = $1 AND e.user_id = $2 ORDER BY e.expert_id LIMIT 1`, [
      associationId,
      userId,
    ])) as ExpertView[];
    return rows[0] ?? null;
  }

  /** An association's experts by expert id, narrowed by status, specialty and employer. */
  async list(associationId: string, filter: ExpertListFilter = {}, first = 50, after?: string | null): Promise<Page<ExpertView>> {
    const cursor = decodeCursor(after, 1);
    const values: unknown[] = [associationId];
    const conditions = ['e.association_id = $1'];
    if (filter.status) conditions.push(`e.status = $${values.push(filter.status)}`);
    if (filter.specialty) conditions.push(`e.specialties ? $${values.push(filter.specialty)}`);
    if (filter.employerCode) conditions.push(`e.employer_code = $${values.push(filter.employerCode)}`);
    const counted = conditions.join(' AND ');
    const countValues = [...values];
    if (cursor) conditions.push(`e.expert_id > $${values.push(cursor[0])}`);
    const limit = `$${values.push(first + 1)}`;
    const [rows, count] = await Promise.all([
      this.dataSource.query(`SELECT ${EXPERT_COLUMNS} FROM expert e WHERE ${conditions.join(' AND ')} ORDER BY e.expert_id LIMIT ${limit}`, values) as Promise<ExpertView[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM expert e WHERE ${counted}`, countValues) as Promise<{ n: number }[]>,
    ]);
    return toPage(rows, first, count[0]!.n, cursor !== null, (e) => encodeCursor([e.expertId]), (e) => e);
  }

  /** Every conflict the expert declared, withdrawn ones too, in the order declared. */
  async conflicts(expertId: string): Promise<ExpertConflictView[]> {
    return (await this.dataSource.query(
      `SELECT expert_id AS "expertId", conflict_id AS "conflictId", enterprise_code AS "enterpriseCode", reason, to_char(from_date, 'YYYY-MM-DD') AS "from",
         to_char(to_date, 'YYYY-MM-DD') AS "to", declared_by AS "declaredBy", to_char(withdrawn_on, 'YYYY-MM-DD') AS "withdrawnOn",
         withdrawal_reason AS "withdrawalReason"
       FROM expert_conflict WHERE expert_id = $1 ORDER BY from_date, conflict_id`,
      [expertId],
    )) as ExpertConflictView[];
  }

  /** The expert's assignments, recusals and scores, in the order they were recorded on the expert's stream. */
  async history(expertId: string): Promise<ExpertHistoryEntryView[]> {
    const rows = (await this.dataSource.query(
      `SELECT expert_id AS "expertId", revision, kind, reference_kind AS "referenceKind", reference_id AS "referenceId", round, source_event_id AS "sourceEventId",
         criterion, points, reason, to_char(recorded_on, 'YYYY-MM-DD') AS "recordedOn", recorded_by AS "recordedBy", recorded_at AS "recordedAt"
       FROM expert_history WHERE expert_id = $1 ORDER BY revision`,
      [expertId],
    )) as (Omit<ExpertHistoryEntryView, 'reference'> & { referenceKind: ExpertWorkKind; referenceId: string })[];
    return rows.map(({ referenceKind, referenceId, ...row }) => ({ ...row, reference: { kind: referenceKind, id: referenceId } }));
  }

  /**
   * The pool of an association as a panel draw reads it: every expert (whatever their status, which the entry names),
   * narrowed to one specialty if asked, with the conflicts in force on `onDate` (declared, not withdrawn, the date
   * within their period). Sorted by expert id, the conflicts by enterprise code then period, and the specialties in
   * the closed list's order: the same pool gives the same snapshot, so a draw can be replayed from it.
   */
  async poolSnapshot(associationId: string, options: { readonly specialty?: ExpertSpecialty | null; readonly onDate: string }): Promise<PoolSnapshotEntry[]> {
    const values: unknown[] = [associationId, options.onDate];
    const bySpecialty = options.specialty ? `AND e.specialties ? $${values.push(options.specialty)}` : '';
    const rows = (await this.dataSource.query(
      `SELECT e.expert_id AS "expertId", e.person_id AS "personId", e.specialties, e.employer_code AS "employerCode", e.status,
         COALESCE((
           SELECT jsonb_agg(jsonb_build_object('enterpriseCode', c.enterprise_code, 'reason', c.reason, 'from', to_char(c.from_date, 'YYYY-MM-DD'),
                    'to', to_char(c.to_date, 'YYYY-MM-DD')) ORDER BY c.enterprise_code, c.from_date, c.to_date, c.conflict_id)
           FROM expert_conflict c
           WHERE c.expert_id = e.expert_id AND c.withdrawn_on IS NULL AND c.from_date <= $2::date AND $2::date <= c.to_date
         ), '[]'::jsonb) AS conflicts
       FROM expert e WHERE e.association_id = $1 ${bySpecialty}
       ORDER BY e.expert_id COLLATE "C"`,
      values,
    )) as PoolSnapshotEntry[];
    return rows;
  }
}
