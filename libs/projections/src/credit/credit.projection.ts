import type { RecordedEvent } from '#eventstore';
import {
  CREDIT_EVENT_TYPES,
  type CreditConductDisclosureShortened,
  type CreditConductRecorded,
  type CreditEvent,
  sameScorerAssignment,
  type ScoringBody,
  upcastCreditConductEvent,
} from '#domain/credit';
import { isSealed } from '#domain/shared';
import type { EntityManager } from 'typeorm';
import { type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type DataOf<T extends CreditEvent['type']> = Extract<CreditEvent, { type: T }>['data'];
function dataOf<T extends CreditEvent['type']>(event: RecordedEvent): DataOf<T> {
  return event.data as unknown as DataOf<T>;
}
type ApplicationKey = { associationId: string; cycleId: string; subjectId: string };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rating events write a bitemporal history row: effective from a business date, recorded at an instant. */
export const CREDIT_RATING_AS_OF_SQL = `
  SELECT DISTINCT ON (subject_id, association_id, cycle_id) association_id, cycle_id, subject_id, revision, event_type, grade, status,
    certificate_number, valid_from::text AS valid_from, valid_to::text AS valid_to, effective_from::text AS effective_from,
    recorded_at, record_id, rule, rulebook_id, rulebook_version
  FROM credit_rating_history
  WHERE subject_id = ANY($1) AND recorded_at <= $2 AND effective_from <= $3
  ORDER BY subject_id, association_id, cycle_id, revision DESC`;

/**
 * Credit read models: rulebook versions, cycles, applications (scores, computed grade, notice, objections,
 * the rating as it stands), the bitemporal rating history and conduct records. Each row keeps the revision
 * of the last event of its stream that shaped it, and an event only touches rows older than itself, so a
 * second delivery changes nothing.
 *
 * Set-based: a batch loads the rulebook versions, cycles, applications and rating histories it touches in one
 * statement per table, applies its events to them in memory, in order and with the guards above, and writes
 * each table back in one statement (see bulk-rows.ts). Conduct records keep one statement per event: their
 * table has no primary key (its unique key is over `COALESCE(association_id, '')`, the association being
 * nullable), which the bulk writer's key match and ON CONFLICT cannot express; they are few.
 */
export const creditProjection: Projection = {
  name: 'credit',
  // 2: conduct records carry the recording association (older events upcast to the recorder's association).
  // 3: a downgrade keeps the rating's status (a suspended rating downgraded stays suspended in the history).
  // 4: a cycle's scorers carry the expert of the pool each is (null for a staff scorer), ADR 0024.
  version: 4,
  handles: CREDIT_EVENT_TYPES,
  tables: ['credit_rulebook_version', 'credit_cycle', 'credit_application', 'credit_rating_history', 'credit_conduct_record'],
  async apply(events, tx) {
    const rulebookKeys: Value[][] = [];
    const cycleKeys: Value[][] = [];
    const applicationKeys: Value[][] = [];
    const historyKeys: Value[][] = [];
    const batched: RecordedEvent<CreditEvent['type']>[] = [];
    for (const event of events) {
      const type = event.type as CreditEvent['type'];
      if (type === 'CreditConductRecorded' || type === 'CreditConductDisclosureShortened') {
        await applyConduct(event as RecordedEvent<typeof type>, tx);
        continue;
      }
      const d = event.data as Partial<ApplicationKey & { rulebookId: string; version: number }>;
      // Every key an event touches is loaded, inserted ones too: a later event of the batch may change the row.
      if (RULEBOOK_TYPES.has(type)) rulebookKeys.push([d.associationId!, d.rulebookId!, d.version!]);
      else if (CYCLE_TYPES.has(type)) cycleKeys.push([d.associationId!, d.cycleId!]);
      else if (APPLICATION_TYPES.has(type)) {
        applicationKeys.push([d.associationId!, d.cycleId!, d.subjectId!]);
        if (HISTORY_TYPES.has(type)) historyKeys.push([d.associationId!, d.cycleId!, d.subjectId!]);
      } else continue;
      batched.push(event as RecordedEvent<CreditEvent['type']>);
    }
    if (batched.length === 0) return;
    const batch: Batch = {
      rulebooks: await TableBuffer.load(tx, RULEBOOK_VERSION, rulebookKeys),
      cycles: await TableBuffer.load(tx, CYCLE, cycleKeys),
      applications: await TableBuffer.load(tx, APPLICATION, applicationKeys),
      history: await TableBuffer.load(tx, RATING_HISTORY, historyKeys, ['association_id', 'cycle_id', 'subject_id']),
    };
    for (const event of batched) applyOne(event, batch);
    for (const table of [batch.rulebooks, batch.cycles, batch.applications, batch.history]) await table.flush(tx);
  },
};

// Which table an event's key belongs to (typed, so a misspelt event type does not compile).
const RULEBOOK_TYPES: ReadonlySet<CreditEvent['type']> = new Set<CreditEvent['type']>(['CreditRulebookVersionDefined', 'CreditRulebookVersionAmended', 'CreditRulebookVersionPinned']);
const CYCLE_TYPES: ReadonlySet<CreditEvent['type']> = new Set<CreditEvent['type']>(['CreditCycleOpened', 'CreditScorerAssigned', 'CreditCycleClosed']);
const HISTORY_TYPES: ReadonlySet<CreditEvent['type']> = new Set<CreditEvent['type']>([
  'CreditRatingIssued',
  'CreditRatingDowngraded',
  'CreditRatingSuspended',
  'CreditRatingRevoked',
  'CreditRatingReinstated',
  'CreditRatingExpired',
]);
const APPLICATION_TYPES: ReadonlySet<CreditEvent['type']> = new Set<CreditEvent['type']>([
  'CreditApplicationFiled',
  'CreditIndicatorScored',
  'CreditReviewCompleted',
  'CreditGradeOverrideRequested',
  'CreditGradeOverridden',
  'CreditNoticeStarted',
  'CreditObjectionFiled',
  'CreditObjectionResolved',
  'CreditRatingConfirmed',
  ...HISTORY_TYPES,
]);

const RULEBOOK_VERSION: TableSpec = {
  table: 'credit_rulebook_version',
  key: ['association_id', 'rulebook_id', 'version'],
  columns: {
    association_id: 'text', rulebook_id: 'text', version: 'integer', title: 'text', reference_number: 'text', effective_from: 'date',
    effective_to: 'date', subject_kind: 'text', rulebook: 'jsonb', pinned_by: 'jsonb', defined_at: 'timestamptz', defined_by: 'text',
    revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const CYCLE: TableSpec = {
  table: 'credit_cycle',
  key: ['association_id', 'cycle_id'],
  columns: {
    association_id: 'text', cycle_id: 'text', title: 'text', rulebook_id: 'text', rulebook_version: 'integer', assessment_from: 'date',
    assessment_to: 'date', filing_from: 'date', filing_to: 'date', eligibility: 'text', status: 'text', scorers: 'jsonb',
    opened_at: 'timestamptz', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const APPLICATION: TableSpec = {
  table: 'credit_application',
  key: ['association_id', 'cycle_id', 'subject_id'],
  columns: {
    association_id: 'text', cycle_id: 'text', subject_id: 'text', subject_kind: 'text', member: 'boolean', rulebook_id: 'text',
    rulebook_version: 'integer', status: 'text', filed_on: 'date', self_assessment: 'jsonb', scores: 'jsonb', computation: 'jsonb',
    grade: 'text', grade_overridden: 'jsonb', override_pending: 'jsonb', notice_starts_on: 'date', notice_ends_on: 'date',
    objections: 'jsonb', open_objections: 'integer', certificate_number: 'text', rating_grade: 'text', rating_status: 'text',
    valid_from: 'date', valid_to: 'date', updated_at: 'timestamptz', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

const RATING_HISTORY: TableSpec = {
  table: 'credit_rating_history',
  key: ['association_id', 'cycle_id', 'subject_id', 'revision'],
  columns: {
    association_id: 'text', cycle_id: 'text', subject_id: 'text', revision: 'integer', event_type: 'text', grade: 'text', status: 'text',
    certificate_number: 'text', valid_from: 'date', valid_to: 'date', effective_from: 'date', recorded_at: 'timestamptz', record_id: 'text',
    rule: 'text', rulebook_id: 'text', rulebook_version: 'integer', last_event_id: 'uuid',
  },
};

// Written per event (`applyConduct`), not through the bulk writer: described so that every table has one description.
const CONDUCT_RECORD: TableSpec = {
  table: 'credit_conduct_record',
  // No primary key: a unique index over (subject_id, COALESCE(association_id, ''), record_id) identifies a record.
  key: [],
  columns: {
    subject_id: 'text', association_id: 'text', record_id: 'text', code: 'text', kind: 'text', severity: 'text', occurred_on: 'date', source_authority: 'text',
    disclosure_months: 'integer', penalty_months: 'integer', disclosure_until: 'date', evidence_reference: 'text', description: 'text',
    shortened: 'jsonb', recorded_at: 'timestamptz', recorded_by: 'text', revision: 'integer', last_event_id: 'uuid', last_position: 'text',
  },
};

/** Every table of this projection, its columns and key (a test holds them to the migrated tables). */
export const creditTableSpecs: readonly TableSpec[] = [RULEBOOK_VERSION, CYCLE, APPLICATION, RATING_HISTORY, CONDUCT_RECORD];

interface Batch {
  readonly rulebooks: TableBuffer;
  readonly cycles: TableBuffer;
  readonly applications: TableBuffer;
  readonly history: TableBuffer;
}

function applyOne(event: RecordedEvent<CreditEvent['type']>, batch: Batch): void {
  const at = event.metadata.recordedAt;
  const by = event.metadata.actor.userId;
  switch (event.type) {
    case 'CreditRulebookVersionDefined':
    case 'CreditRulebookVersionAmended': {
      const d = dataOf<'CreditRulebookVersionAmended'>(event);
      const { reason: _reason, ...rulebook } = d as typeof d & { reason?: string };
      const defined: Row = {
        association_id: d.associationId, rulebook_id: d.rulebookId, version: d.version, title: d.title, reference_number: d.referenceNumber,
        effective_from: d.effectiveFrom, effective_to: d.effectiveTo, subject_kind: d.subjectKind, rulebook: JSON.stringify(rulebook),
        revision: event.revision, last_event_id: event.id, last_position: event.position,
      };
      const existing = batch.rulebooks.get([d.associationId, d.rulebookId, d.version]);
      // INSERT … ON CONFLICT DO UPDATE … WHERE older: an amendment replaces the text, keeping who defined it and the pins.
      if (!existing) batch.rulebooks.insert({ ...defined, pinned_by: '[]', defined_at: at, defined_by: by });
      else if (Number(existing.revision) < event.revision) {
        Object.assign(existing, defined);
        batch.rulebooks.changed(existing);
      }
      return;
    }
    case 'CreditRulebookVersionPinned': {
      const d = dataOf<'CreditRulebookVersionPinned'>(event);
      const row = batch.rulebooks.get([d.associationId, d.rulebookId, d.version]);
      if (!row || Number(row.revision) >= event.revision) return;
      Object.assign(row, {
        pinned_by: JSON.stringify([...(parse(row.pinned_by) as Json[]), d.cycleId]),
        revision: event.revision,
        last_event_id: event.id,
        last_position: event.position,
      });
      batch.rulebooks.changed(row);
      return;
    }
    case 'CreditCycleOpened': {
      const d = dataOf<'CreditCycleOpened'>(event);
      batch.cycles.insert({
        association_id: d.associationId, cycle_id: d.cycleId, title: d.title, rulebook_id: d.rulebook.rulebookId,
        rulebook_version: d.rulebook.version, assessment_from: d.assessmentFrom, assessment_to: d.assessmentTo, filing_from: d.filingFrom,
        filing_to: d.filingTo, eligibility: d.eligibility, status: 'OPEN', scorers: '[]', opened_at: at, revision: event.revision,
        last_event_id: event.id, last_position: event.position,
      });
      return;
    }
    case 'CreditScorerAssigned': {
      const d = dataOf<'CreditScorerAssigned'>(event);
      // An assignment recorded before experts came from the pool names no expert.
      const assigned = { scorerId: d.scorerId, body: d.body, employerCode: d.employerCode, expertId: d.expertId ?? null };
      touchCycle(batch, event, d, (row) => {
        // As the cycle's state does: an expert's assignment for a body replaces that expert's, a staff scorer's the same user's.
        const others = (parse(row.scorers) as Json[]).filter((s) => {
          const body = field(s, 'body');
          if (body === null || field(s, 'scorerId') === null) return false;
          return !sameScorerAssignment({ scorerId: field(s, 'scorerId')!, body: body as ScoringBody, expertId: field(s, 'expertId') }, assigned);
        });
        return { scorers: JSON.stringify([...others, assigned]) };
      });
      return;
    }
    case 'CreditCycleClosed': {
      const d = dataOf<'CreditCycleClosed'>(event);
      touchCycle(batch, event, d, () => ({ status: 'CLOSED' }));
      return;
    }
    case 'CreditApplicationFiled': {
      const d = dataOf<'CreditApplicationFiled'>(event);
      batch.applications.insert({
        ...emptyApplication, association_id: d.associationId, cycle_id: d.cycleId, subject_id: d.subjectId, subject_kind: d.subjectKind,
        member: d.member, rulebook_id: d.rulebookId, rulebook_version: d.rulebookVersion, status: 'UNDER_REVIEW', filed_on: d.filedOn,
        self_assessment: JSON.stringify(d.selfAssessment), updated_at: at, revision: event.revision, last_event_id: event.id,
        last_position: event.position,
      });
      return;
    }
    case 'CreditIndicatorScored': {
      const d = dataOf<'CreditIndicatorScored'>(event);
      const score = { code: d.code, points: d.points, maxPoints: d.maxPoints, body: d.body, scorerId: d.scorerId, evidenceReference: d.evidenceReference, scoredAt: at };
      touchApplication(batch, event, d, (row) => ({ scores: JSON.stringify(withEntry(parse(row.scores), d.code, score)) }));
      return;
    }
    case 'CreditReviewCompleted': {
      const d = dataOf<'CreditReviewCompleted'>(event);
      touchApplication(batch, event, d, () => ({
        status: 'REVIEWED', computation: JSON.stringify(d.computation), grade: d.computation.grade, grade_overridden: null,
      }));
      return;
    }
    case 'CreditGradeOverrideRequested': {
      const d = dataOf<'CreditGradeOverrideRequested'>(event);
      touchApplication(batch, event, d, () => ({
        override_pending: JSON.stringify({ toGrade: d.toGrade, reason: d.reason, decision: d.decision, requestedBy: d.requestedBy }),
      }));
      return;
    }
    case 'CreditGradeOverridden': {
      const d = dataOf<'CreditGradeOverridden'>(event);
      touchApplication(batch, event, d, () => ({ grade: d.toGrade, override_pending: null, grade_overridden: JSON.stringify(d) }));
      return;
    }
    case 'CreditNoticeStarted': {
      const d = dataOf<'CreditNoticeStarted'>(event);
      touchApplication(batch, event, d, () => ({ status: 'IN_NOTICE', notice_starts_on: d.startsOn, notice_ends_on: d.endsOn }));
      return;
    }
    case 'CreditObjectionFiled': {
      const d = dataOf<'CreditObjectionFiled'>(event);
      // The objector is personal: kept as the sealed envelope the event holds, never a plain name (an event from before
      // objectors were sealed keeps its objector in the event alone).
      const objector = isSealed(d.objector) ? d.objector : null;
      const objection = { objectionId: d.objectionId, objector, grounds: d.grounds, evidenceReference: d.evidenceReference, filedOn: d.filedOn, status: 'OPEN' };
      touchApplication(batch, event, d, (row) => ({
        objections: JSON.stringify(withEntry(parse(row.objections), d.objectionId, objection)),
        open_objections: Number(row.open_objections) + 1,
      }));
      return;
    }
    case 'CreditObjectionResolved': {
      const d = dataOf<'CreditObjectionResolved'>(event);
      touchApplication(batch, event, d, (row) => {
        const objections = parse(row.objections) as Record<string, Json>;
        const filed = Object.hasOwn(objections, d.objectionId) ? objections[d.objectionId] : undefined;
        // jsonb_set(objections, …, NULL) is NULL, which the NOT NULL column refuses: the per-event UPDATE failed the batch too.
        if (filed === undefined || filed === null || typeof filed !== 'object' || Array.isArray(filed)) {
          throw new Error(`Event ${event.id} resolves objection ${d.objectionId}, which ${d.associationId}/${d.cycleId}/${d.subjectId} does not hold`);
        }
        const resolved = { ...filed, status: d.outcome, reasons: d.reasons, resolvedOn: d.resolvedOn };
        const reset: Row = d.outcome === 'UPHELD'
          ? { status: 'UNDER_REVIEW', computation: null, grade: null, notice_starts_on: null, notice_ends_on: null }
          : {};
        return { objections: JSON.stringify(withEntry(objections, d.objectionId, resolved)), open_objections: Number(row.open_objections) - 1, ...reset };
      });
      return;
    }
    case 'CreditRatingIssued': {
      const d = dataOf<'CreditRatingIssued'>(event);
      touchApplication(batch, event, d, () => ({
        status: 'RATED', certificate_number: d.certificateNumber, rating_grade: d.grade, rating_status: 'ACTIVE', valid_from: d.validFrom,
        valid_to: d.validTo,
      }));
      batch.history.insert({
        association_id: d.associationId, cycle_id: d.cycleId, subject_id: d.subjectId, revision: event.revision, event_type: event.type,
        grade: d.grade, status: 'ACTIVE', certificate_number: d.certificateNumber, valid_from: d.validFrom, valid_to: d.validTo,
        effective_from: d.validFrom, recorded_at: at, record_id: null, rule: null, rulebook_id: d.rulebookId, rulebook_version: d.rulebookVersion,
        last_event_id: event.id,
      });
      return;
    }
    case 'CreditRatingDowngraded': {
      const d = dataOf<'CreditRatingDowngraded'>(event);
      touchApplication(batch, event, d, () => ({ rating_grade: d.toGrade }));
      ratingHistory(batch, event, d, { grade: d.toGrade, effectiveFrom: d.effectiveFrom, recordId: d.recordId, rule: d.rule });
      return;
    }
    case 'CreditRatingSuspended':
    case 'CreditRatingRevoked': {
      const d = dataOf<'CreditRatingSuspended'>(event);
      const status = event.type === 'CreditRatingSuspended' ? 'SUSPENDED' : 'REVOKED';
      touchApplication(batch, event, d, () => ({ rating_status: status }));
      ratingHistory(batch, event, d, { status, effectiveFrom: d.effectiveFrom, recordId: d.recordId, rule: d.rule });
      return;
    }
    case 'CreditRatingReinstated': {
      const d = dataOf<'CreditRatingReinstated'>(event);
      touchApplication(batch, event, d, () => ({ rating_status: 'ACTIVE' }));
      ratingHistory(batch, event, d, { status: 'ACTIVE', effectiveFrom: d.effectiveFrom, rule: `${d.decision.body} ${d.decision.reference}: ${d.reason}` });
      return;
    }
    case 'CreditRatingConfirmed': {
      const d = dataOf<'CreditRatingConfirmed'>(event);
      touchApplication(batch, event, d, () => ({ rating_grade: d.grade }));
      return;
    }
    case 'CreditRatingExpired': {
      const d = dataOf<'CreditRatingExpired'>(event);
      touchApplication(batch, event, d, () => ({ rating_status: 'EXPIRED' }));
      ratingHistory(batch, event, d, { status: 'EXPIRED', effectiveFrom: d.expiredOn, rule: d.rule ?? null });
      return;
    }
    default:
      // CreditCertificateReserved writes nothing (the reservation streams only guard uniqueness; the certificate
      // is read from the application); conduct events go through applyConduct.
      return;
  }
}

/** What a filed application holds before any later event: the table's defaults, nulls elsewhere. */
const emptyApplication: Row = {
  ...Object.fromEntries(Object.keys(APPLICATION.columns).map((c) => [c, null])),
  scores: '{}',
  objections: '{}',
  open_objections: 0,
};

/** jsonb held as text; an SQL NULL stays null. */
function parse(value: Value | undefined): Json {
  return typeof value === 'string' ? (JSON.parse(value) as Json) : null;
}

/** `object || jsonb_build_object(key, value)`: own keys only, so no key (not even `__proto__`) reaches the prototype. */
function withEntry(object: Json, key: string, value: unknown): Record<string, Json> {
  return { ...(object as Record<string, Json>), ...Object.fromEntries([[key, value as Json]]) };
}

/** `element ->> name`: the text of a field (JSON text for non-strings), null when absent or JSON null. */
function field(element: Json, name: string): string | null {
  if (element === null || typeof element !== 'object' || Array.isArray(element) || !Object.hasOwn(element, name)) return null;
  const value = element[name]!;
  if (value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function touchCycle(batch: Batch, event: RecordedEvent, key: { associationId: string; cycleId: string }, set: (row: Row) => Row): void {
  const row = batch.cycles.get([key.associationId, key.cycleId]);
  if (!row || Number(row.revision) >= event.revision) return;
  Object.assign(row, set(row), { revision: event.revision, last_event_id: event.id, last_position: event.position });
  batch.cycles.changed(row);
}

/** Changes the application row (when it exists and has not seen this event) and stamps it with the event. */
function touchApplication(batch: Batch, event: RecordedEvent, key: ApplicationKey, set: (row: Row) => Row): void {
  const row = batch.applications.get([key.associationId, key.cycleId, key.subjectId]);
  if (!row || Number(row.revision) >= event.revision) return;
  Object.assign(row, set(row), {
    updated_at: event.metadata.recordedAt,
    revision: event.revision,
    last_event_id: event.id,
    last_position: event.position,
  });
  batch.applications.changed(row);
}


/**
 * A history row for a change to an issued rating. It carries the rating's certificate, validity and rule
 * version from the subject's latest earlier row in the cycle; with no earlier row there is nothing to carry
 * and no row is written.
 */
function ratingHistory(
  batch: Batch,
  event: RecordedEvent,
  key: ApplicationKey,
  // A change names only what it changes: a downgrade leaves the status as it was, a suspension the grade.
  change: { grade?: string; status?: string; effectiveFrom: string; recordId?: string | null; rule?: string | null },
): void {
  let previous: Row | undefined;
  for (const row of batch.history.withPrefix([key.associationId, key.cycleId, key.subjectId])) {
    if (Number(row.revision) < event.revision && (!previous || Number(row.revision) > Number(previous.revision))) previous = row;
  }
  if (!previous) return;
  batch.history.insert({
    association_id: key.associationId, cycle_id: key.cycleId, subject_id: key.subjectId, revision: event.revision, event_type: event.type,
    grade: change.grade ?? previous.grade!, status: change.status ?? previous.status!, certificate_number: previous.certificate_number!,
    valid_from: previous.valid_from!, valid_to: previous.valid_to!, effective_from: change.effectiveFrom, recorded_at: event.metadata.recordedAt,
    record_id: change.recordId ?? null, rule: change.rule ?? null, rulebook_id: previous.rulebook_id!, rulebook_version: previous.rulebook_version!,
    last_event_id: event.id,
  });
}

async function applyConduct(event: RecordedEvent<'CreditConductRecorded' | 'CreditConductDisclosureShortened'>, tx: EntityManager): Promise<void> {
  const at = event.metadata.recordedAt;
  const by = event.metadata.actor.userId;
  switch (event.type) {
    case 'CreditConductRecorded': {
      const d = upcastCreditConductEvent(event as unknown as CreditConductRecorded, event.metadata.actor.associationId).data;
      await tx.query(
        `INSERT INTO credit_conduct_record (association_id, subject_id, record_id, code, kind, severity, occurred_on, source_authority, disclosure_months,
           penalty_months, disclosure_until, evidence_reference, description, recorded_at, recorded_by, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) ON CONFLICT DO NOTHING`,
        [
          d.associationId, d.subjectId, d.recordId, d.code, d.kind, d.severity, d.occurredOn, d.sourceAuthority, d.disclosureMonths, d.penaltyMonths,
          d.disclosureUntil, d.evidenceReference, d.description, at, by, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditConductDisclosureShortened': {
      const d = upcastCreditConductEvent(event as unknown as CreditConductDisclosureShortened, event.metadata.actor.associationId).data;
      await tx.query(
        `UPDATE credit_conduct_record SET disclosure_months = $3, disclosure_until = $4, shortened = $5, revision = $6, last_event_id = $7, last_position = $8
         WHERE subject_id = $1 AND record_id = $2 AND association_id IS NOT DISTINCT FROM $9 AND revision < $6`,
        [
          d.subjectId, d.recordId, d.toMonths, d.disclosureUntil, JSON.stringify({ fromMonths: d.fromMonths, rectificationEvidence: d.rectificationEvidence, at }),
          event.revision, event.id, event.position, d.associationId,
        ],
      );
      return;
    }
  }
}
