import type { RecordedEvent } from '#eventstore';
import {
  CREDIT_EVENT_TYPES,
  type CreditConductDisclosureShortened,
  type CreditConductRecorded,
  type CreditEvent,
  upcastCreditConductEvent,
} from '#domain/credit';
import type { EntityManager } from 'typeorm';
import type { Projection } from '../projection.js';

type DataOf<T extends CreditEvent['type']> = Extract<CreditEvent, { type: T }>['data'];
function dataOf<T extends CreditEvent['type']>(event: RecordedEvent): DataOf<T> {
  return event.data as unknown as DataOf<T>;
}

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
 */
export const creditProjection: Projection = {
  name: 'credit',
  // 2: conduct records carry the recording association (older events upcast to the recorder's association).
  version: 2,
  handles: CREDIT_EVENT_TYPES,
  tables: ['credit_rulebook_version', 'credit_cycle', 'credit_application', 'credit_rating_history', 'credit_conduct_record'],
  async apply(events, tx) {
    for (const event of events) await applyOne(event as RecordedEvent<CreditEvent['type']>, tx);
  },
};

async function updateApplication(
  tx: EntityManager,
  event: RecordedEvent,
  key: { associationId: string; cycleId: string; subjectId: string },
  set: string,
  params: unknown[],
): Promise<void> {
  const n = params.length;
  await tx.query(
    `UPDATE credit_application SET ${set}, updated_at = $${n + 1}, revision = $${n + 2}, last_event_id = $${n + 3}, last_position = $${n + 4}
     WHERE association_id = $${n + 5} AND cycle_id = $${n + 6} AND subject_id = $${n + 7} AND revision < $${n + 2}`,
    [...params, event.metadata.recordedAt, event.revision, event.id, event.position, key.associationId, key.cycleId, key.subjectId],
  );
}

async function ratingHistory(
  tx: EntityManager,
  event: RecordedEvent,
  key: { associationId: string; cycleId: string; subjectId: string },
  change: { grade?: string; status: string; effectiveFrom: string; recordId?: string | null; rule?: string | null },
): Promise<void> {
  // The new row carries the rating's certificate, validity and rule version from the latest earlier row.
  await tx.query(
    `INSERT INTO credit_rating_history (association_id, cycle_id, subject_id, revision, event_type, grade, status, certificate_number,
       valid_from, valid_to, effective_from, recorded_at, record_id, rule, rulebook_id, rulebook_version, last_event_id)
     SELECT association_id, cycle_id, subject_id, $4, $5, COALESCE($6, grade), $7, certificate_number, valid_from, valid_to, $8, $9, $10, $11,
       rulebook_id, rulebook_version, $12
     FROM credit_rating_history WHERE association_id = $1 AND cycle_id = $2 AND subject_id = $3 AND revision < $4
     ORDER BY revision DESC LIMIT 1
     ON CONFLICT DO NOTHING`,
    [
      key.associationId, key.cycleId, key.subjectId, event.revision, event.type, change.grade ?? null, change.status, change.effectiveFrom,
      event.metadata.recordedAt, change.recordId ?? null, change.rule ?? null, event.id,
    ],
  );
}

async function applyOne(event: RecordedEvent<CreditEvent['type']>, tx: EntityManager): Promise<void> {
  const at = event.metadata.recordedAt;
  const by = event.metadata.actor.userId;
  switch (event.type) {
    case 'CreditRulebookVersionDefined':
    case 'CreditRulebookVersionAmended': {
      const d = dataOf<'CreditRulebookVersionDefined'>(event);
      const { reason: _reason, ...rulebook } = d as typeof d & { reason?: string };
      await tx.query(
        `INSERT INTO credit_rulebook_version (association_id, rulebook_id, version, title, reference_number, effective_from, effective_to,
           subject_kind, rulebook, defined_at, defined_by, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
         ON CONFLICT (association_id, rulebook_id, version) DO UPDATE SET title = EXCLUDED.title, reference_number = EXCLUDED.reference_number,
           effective_from = EXCLUDED.effective_from, effective_to = EXCLUDED.effective_to, subject_kind = EXCLUDED.subject_kind,
           rulebook = EXCLUDED.rulebook, revision = EXCLUDED.revision, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
         WHERE credit_rulebook_version.revision < EXCLUDED.revision`,
        [
          d.associationId, d.rulebookId, d.version, d.title, d.referenceNumber, d.effectiveFrom, d.effectiveTo, d.subjectKind,
          JSON.stringify(rulebook), at, by, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditRulebookVersionPinned': {
      const d = dataOf<'CreditRulebookVersionPinned'>(event);
      await tx.query(
        `UPDATE credit_rulebook_version SET pinned_by = pinned_by || $4::jsonb, revision = $5, last_event_id = $6, last_position = $7
         WHERE association_id = $1 AND rulebook_id = $2 AND version = $3 AND revision < $5`,
        [d.associationId, d.rulebookId, d.version, JSON.stringify([d.cycleId]), event.revision, event.id, event.position],
      );
      return;
    }
    case 'CreditCycleOpened': {
      const d = dataOf<'CreditCycleOpened'>(event);
      await tx.query(
        `INSERT INTO credit_cycle (association_id, cycle_id, title, rulebook_id, rulebook_version, assessment_from, assessment_to, filing_from,
           filing_to, eligibility, status, opened_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,'OPEN',$11,$12,$13,$14) ON CONFLICT DO NOTHING`,
        [
          d.associationId, d.cycleId, d.title, d.rulebook.rulebookId, d.rulebook.version, d.assessmentFrom, d.assessmentTo, d.filingFrom,
          d.filingTo, d.eligibility, at, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditScorerAssigned': {
      const d = dataOf<'CreditScorerAssigned'>(event);
      await tx.query(
        `UPDATE credit_cycle SET scorers = COALESCE((SELECT jsonb_agg(s) FROM jsonb_array_elements(scorers) s
             WHERE NOT (s ->> 'scorerId' = $7 AND s ->> 'body' = $8)), '[]'::jsonb) || $3::jsonb,
           revision = $4, last_event_id = $5, last_position = $6
         WHERE association_id = $1 AND cycle_id = $2 AND revision < $4`,
        [
          d.associationId, d.cycleId, JSON.stringify([{ scorerId: d.scorerId, body: d.body, employerCode: d.employerCode }]), event.revision, event.id,
          event.position, d.scorerId, d.body,
        ],
      );
      return;
    }
    case 'CreditCycleClosed': {
      const d = dataOf<'CreditCycleClosed'>(event);
      await tx.query(
        `UPDATE credit_cycle SET status = 'CLOSED', revision = $3, last_event_id = $4, last_position = $5
         WHERE association_id = $1 AND cycle_id = $2 AND revision < $3`,
        [d.associationId, d.cycleId, event.revision, event.id, event.position],
      );
      return;
    }
    case 'CreditApplicationFiled': {
      const d = dataOf<'CreditApplicationFiled'>(event);
      await tx.query(
        `INSERT INTO credit_application (association_id, cycle_id, subject_id, subject_kind, member, rulebook_id, rulebook_version, status,
           filed_on, self_assessment, updated_at, revision, last_event_id, last_position)
         VALUES ($1,$2,$3,$4,$5,$6,$7,'UNDER_REVIEW',$8,$9,$10,$11,$12,$13) ON CONFLICT DO NOTHING`,
        [
          d.associationId, d.cycleId, d.subjectId, d.subjectKind, d.member, d.rulebookId, d.rulebookVersion, d.filedOn,
          JSON.stringify(d.selfAssessment), at, event.revision, event.id, event.position,
        ],
      );
      return;
    }
    case 'CreditIndicatorScored': {
      const d = dataOf<'CreditIndicatorScored'>(event);
      const score = { code: d.code, points: d.points, maxPoints: d.maxPoints, body: d.body, scorerId: d.scorerId, evidenceReference: d.evidenceReference, scoredAt: at };
      await updateApplication(tx, event, d, `scores = scores || jsonb_build_object($1::text, $2::jsonb)`, [d.code, JSON.stringify(score)]);
      return;
    }
    case 'CreditReviewCompleted': {
      const d = dataOf<'CreditReviewCompleted'>(event);
      await updateApplication(tx, event, d, `status = 'REVIEWED', computation = $1, grade = $2, grade_overridden = NULL`, [
        JSON.stringify(d.computation),
        d.computation.grade,
      ]);
      return;
    }
    case 'CreditGradeOverrideRequested': {
      const d = dataOf<'CreditGradeOverrideRequested'>(event);
      await updateApplication(tx, event, d, `override_pending = $1`, [JSON.stringify({ toGrade: d.toGrade, reason: d.reason, decision: d.decision, requestedBy: d.requestedBy })]);
      return;
    }
    case 'CreditGradeOverridden': {
      const d = dataOf<'CreditGradeOverridden'>(event);
      await updateApplication(tx, event, d, `grade = $1, override_pending = NULL, grade_overridden = $2`, [d.toGrade, JSON.stringify(d)]);
      return;
    }
    case 'CreditNoticeStarted': {
      const d = dataOf<'CreditNoticeStarted'>(event);
      await updateApplication(tx, event, d, `status = 'IN_NOTICE', notice_starts_on = $1, notice_ends_on = $2`, [d.startsOn, d.endsOn]);
      return;
    }
    case 'CreditObjectionFiled': {
      const d = dataOf<'CreditObjectionFiled'>(event);
      const objection = { objectionId: d.objectionId, objector: d.objector, grounds: d.grounds, evidenceReference: d.evidenceReference, filedOn: d.filedOn, status: 'OPEN' };
      await updateApplication(tx, event, d, `objections = objections || jsonb_build_object($1::text, $2::jsonb), open_objections = open_objections + 1`, [
        d.objectionId,
        JSON.stringify(objection),
      ]);
      return;
    }
    case 'CreditObjectionResolved': {
      const d = dataOf<'CreditObjectionResolved'>(event);
      const resolution = JSON.stringify({ status: d.outcome, reasons: d.reasons, resolvedOn: d.resolvedOn });
      const upheld = d.outcome === 'UPHELD' ? `, status = 'UNDER_REVIEW', computation = NULL, grade = NULL, notice_starts_on = NULL, notice_ends_on = NULL` : '';
      await updateApplication(
        tx,
        event,
        d,
        `objections = jsonb_set(objections, ARRAY[$1::text], (objections -> $1::text) || $2::jsonb), open_objections = open_objections - 1${upheld}`,
        [d.objectionId, resolution],
      );
      return;
    }
    case 'CreditRatingIssued': {
      const d = dataOf<'CreditRatingIssued'>(event);
      await updateApplication(
        tx,
        event,
        d,
        `status = 'RATED', certificate_number = $1, rating_grade = $2, rating_status = 'ACTIVE', valid_from = $3, valid_to = $4`,
        [d.certificateNumber, d.grade, d.validFrom, d.validTo],
      );
      await tx.query(
        `INSERT INTO credit_rating_history (association_id, cycle_id, subject_id, revision, event_type, grade, status, certificate_number,
           valid_from, valid_to, effective_from, recorded_at, record_id, rule, rulebook_id, rulebook_version, last_event_id)
         VALUES ($1,$2,$3,$4,$5,$6,'ACTIVE',$7,$8,$9,$8,$10,NULL,NULL,$11,$12,$13) ON CONFLICT DO NOTHING`,
        [d.associationId, d.cycleId, d.subjectId, event.revision, event.type, d.grade, d.certificateNumber, d.validFrom, d.validTo, at, d.rulebookId, d.rulebookVersion, event.id],
      );
      return;
    }
    case 'CreditRatingDowngraded': {
      const d = dataOf<'CreditRatingDowngraded'>(event);
      await updateApplication(tx, event, d, `rating_grade = $1`, [d.toGrade]);
      await ratingHistory(tx, event, d, { grade: d.toGrade, status: 'ACTIVE', effectiveFrom: d.effectiveFrom, recordId: d.recordId, rule: d.rule });
      return;
    }
    case 'CreditRatingSuspended':
    case 'CreditRatingRevoked': {
      const d = dataOf<'CreditRatingSuspended'>(event);
      const status = event.type === 'CreditRatingSuspended' ? 'SUSPENDED' : 'REVOKED';
      await updateApplication(tx, event, d, `rating_status = $1`, [status]);
      await ratingHistory(tx, event, d, { status, effectiveFrom: d.effectiveFrom, recordId: d.recordId, rule: d.rule });
      return;
    }
    case 'CreditRatingReinstated': {
      const d = dataOf<'CreditRatingReinstated'>(event);
      await updateApplication(tx, event, d, `rating_status = 'ACTIVE'`, []);
      await ratingHistory(tx, event, d, { status: 'ACTIVE', effectiveFrom: d.effectiveFrom, rule: `${d.decision.body} ${d.decision.reference}: ${d.reason}` });
      return;
    }
    case 'CreditRatingConfirmed': {
      const d = dataOf<'CreditRatingConfirmed'>(event);
      await updateApplication(tx, event, d, `rating_grade = $1`, [d.grade]);
      return;
    }
    case 'CreditRatingExpired': {
      const d = dataOf<'CreditRatingExpired'>(event);
      await updateApplication(tx, event, d, `rating_status = 'EXPIRED'`, []);
      await ratingHistory(tx, event, d, { status: 'EXPIRED', effectiveFrom: d.expiredOn, rule: d.rule ?? null });
      return;
    }
    case 'CreditCertificateReserved':
      // The reservation streams only guard uniqueness; the certificate is read from the application.
      return;
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
