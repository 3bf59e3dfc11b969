import { Field, GraphQLISODateTime, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CONDUCT_KINDS, CONDUCT_SEVERITIES, DYNAMIC_ACTIONS, ELIGIBILITIES, SCORING_BODIES, SUBJECT_KINDS, VETO_EFFECTS } from '#domain/credit';
import { ownerOfEvent } from '#domain/visibility';
import { AuditActor, handsDownEventOwner } from '../audit/audit.types.js';
import { ConnectionType } from '../graphql/connection.js';
import { handsDownOwner, ownedByItsAssociation, ownerHandedDown, RedactedPayload, RestrictedField } from '../graphql/field-visibility.js';
import { JSONScalar } from '../graphql/json.scalar.js';

/** A staff identity's description: what it is, and who sees it (ADR 0014). */
const STAFF_OF_ASSOCIATION = (what: string) => `Staff: ${what}; null unless the caller is an admin of the association whose record it is, or an auditor.`;
/** The owner of an application's (or its explanation's) records: the association that runs the cycle, and the subject. */
const ownerOfApplication = (a: { readonly associationId: string; readonly subjectId: string }) => ({ associationId: a.associationId, firm: a.subjectId });

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const ScoringBodyEnum = asEnum(SCORING_BODIES);
export const SubjectKindEnum = asEnum(SUBJECT_KINDS);
export const VetoEffectEnum = asEnum(VETO_EFFECTS);
export const DynamicActionEnum = asEnum(DYNAMIC_ACTIONS);
export const EligibilityEnum = asEnum(ELIGIBILITIES);
export const ConductKindEnum = asEnum(CONDUCT_KINDS);
export const ConductSeverityEnum = asEnum(CONDUCT_SEVERITIES);
export const ObjectionOutcomeEnum = asEnum(['UPHELD', 'DISMISSED'] as const);
export const ReviewOutcomeEnum = asEnum(['CONFIRMED', 'DOWNGRADED'] as const);
export const CreditApplicationStatusEnum = asEnum(['UNDER_REVIEW', 'REVIEWED', 'IN_NOTICE', 'RATED'] as const);
export const CreditLookupOutcomeEnum = asEnum(['RATED', 'NOT_RATED', 'NOT_REGISTERED', 'INVALID_CODE'] as const);
export type CreditLookupOutcome = keyof typeof CreditLookupOutcomeEnum;
registerEnumType(ScoringBodyEnum, { name: 'CreditScoringBody', description: 'Who scores an indicator: the association (协会) or the department (主管部门).' });
registerEnumType(SubjectKindEnum, { name: 'CreditSubjectKind', description: 'An enterprise, or a person for the 三诚 ratings.' });
registerEnumType(VetoEffectEnum, { name: 'CreditVetoEffect', description: '一票否决: CAP the grade, or REFUSE any grade.' });
registerEnumType(DynamicActionEnum, { name: 'CreditDynamicAction', description: 'What a conduct record does to a valid rating.' });
registerEnumType(EligibilityEnum, { name: 'CreditEligibility', description: 'Who may apply in a cycle.' });
registerEnumType(ConductKindEnum, { name: 'CreditConductKind', description: '不良行为 ADVERSE or 良好行为 GOOD.' });
registerEnumType(ConductSeverityEnum, { name: 'CreditConductSeverity' });
registerEnumType(ObjectionOutcomeEnum, { name: 'CreditObjectionOutcome', description: 'UPHELD sends the application back to its scorers.' });
registerEnumType(ReviewOutcomeEnum, { name: 'CreditAnnualReviewOutcome' });
registerEnumType(CreditApplicationStatusEnum, { name: 'CreditApplicationStatus' });
registerEnumType(CreditLookupOutcomeEnum, {
  name: 'CreditLookupOutcome',
  description:
    'What the register knew of a looked-up subject at the instant asked. RATED: it held at least one rating (see `ratings` and `inForce`). ' +
    'NOT_RATED: a registered enterprise (or a known person) with no rating recorded. NOT_REGISTERED: a well-formed credit code no enterprise was registered under. ' +
    'INVALID_CODE: not a unified social credit code, or one failing its check character that no enterprise is registered under (see `invalidReason`).',
});

@ObjectType()
export class CreditIndicatorView {
  @Field() code: string;
  @Field() name: string;
  @Field() category: string;
  @Field(() => Int) maxPoints: number;
  @Field(() => ScoringBodyEnum) body: string;
  @Field() evidenceRequired: boolean;
}

@ObjectType()
export class GradeThresholdView {
  @Field() grade: string;
  @Field(() => Int) minPoints: number;
}

@ObjectType()
export class VetoRuleView {
  @Field() conductCode: string;
  @Field(() => VetoEffectEnum) effect: string;
  @Field(() => String, { nullable: true }) capGrade: string | null;
}

@ObjectType()
export class DynamicRuleView {
  @Field() conductCode: string;
  @Field(() => DynamicActionEnum) action: string;
  @Field(() => Int, { nullable: true }) levels: number | null;
}

@ObjectType({ description: 'One version of a credit rulebook (评价办法).' })
export class CreditRulebookView {
  @Field() associationId: string;
  @Field() rulebookId: string;
  @Field(() => Int) version: number;
  @Field() title: string;
  @Field() referenceNumber: string;
  @Field() effectiveFrom: string;
  @Field(() => String, { nullable: true }) effectiveTo: string | null;
  @Field(() => SubjectKindEnum) subjectKind: string;
  @Field(() => [CreditIndicatorView]) indicators: CreditIndicatorView[];
  @Field(() => [GradeThresholdView]) thresholds: GradeThresholdView[];
  @Field(() => Int) validityYears: number;
  @Field(() => Int) noticeDays: number;
  @Field(() => [VetoRuleView]) vetoRules: VetoRuleView[];
  @Field(() => [DynamicRuleView]) dynamicRules: DynamicRuleView[];
  @Field(() => [String], { description: 'Cycles that use this version (it can no longer change once one does).' }) pinnedBy: string[];
}

@ObjectType()
export class CreditScorerView {
  @RestrictedField(() => String, 'staff', ownerHandedDown, { description: STAFF_OF_ASSOCIATION('the scorer') }) scorerId: string | null;
  @Field(() => ScoringBodyEnum) body: string;
  @Field(() => String, { nullable: true }) employerCode: string | null;
  @RestrictedField(() => String, 'staff', ownerHandedDown, {
    description: STAFF_OF_ASSOCIATION("the expert of the association's pool this scorer is (null for a staff scorer)"),
  })
  expertId: string | null;
}

@ObjectType({ description: 'Applications with one proposed grade, or with none.' })
export class GradeCount {
  @Field(() => String, { nullable: true, description: 'null: no grade (a review that gave none, or not reviewed yet: see underReview).' })
  grade: string | null;
  @Field({
    description: 'True for the applications not graded yet: under review, including those an upheld objection sent back to their scorers.',
  })
  underReview: boolean;
  @Field(() => Int) count: number;
}

@ObjectType({ description: 'Issued ratings with one grade and one status now.' })
export class RatingStatusCount {
  @Field() grade: string;
  @Field({ description: 'ACTIVE, SUSPENDED, REVOKED or EXPIRED (expired from the day after valid-to).' }) status: string;
  @Field({ description: 'Active and within its validity today.' }) inForce: boolean;
  @Field(() => Int) count: number;
}

@ObjectType({ description: 'A credit evaluation cycle with its pinned rulebook version.' })
export class CreditCycleView {
  @Field() associationId: string;
  @Field() cycleId: string;
  @Field() title: string;
  @Field() rulebookId: string;
  @Field(() => Int) rulebookVersion: number;
  @Field() assessmentFrom: string;
  @Field() assessmentTo: string;
  @Field() filingFrom: string;
  @Field() filingTo: string;
  @Field(() => EligibilityEnum) eligibility: string;
  @Field() status: string;
  @Field(() => [CreditScorerView], { middleware: [handsDownOwner(ownedByItsAssociation)] }) scorers: CreditScorerView[];
  @Field(() => Int) applicationCount: number;
  @Field(() => [GradeCount], {
    description:
      'Every application by proposed grade (computed or overridden), then those the review gave no grade, then those not graded yet; the counts add up to applicationCount.',
  })
  gradeDistribution: GradeCount[];
  @Field(() => Int, { description: 'Ratings issued in the cycle, whatever their status now.' }) ratingCount: number;
  @Field(() => [RatingStatusCount], {
    description: 'Every issued rating by status now (ACTIVE, SUSPENDED, REVOKED, EXPIRED) and grade; the counts add up to ratingCount.',
  })
  ratingsByStatus: RatingStatusCount[];
  @Field(() => Int, { description: 'Ratings in force today (active and within their validity).' }) ratingsInForce: number;
  @Field(() => [GradeCount], {
    description: 'Ratings in force today by their grade now; the counts add up to ratingsInForce (the others are in ratingsByStatus).',
  })
  ratedDistribution: GradeCount[];
}

@ObjectType()
export class IndicatorPointsView {
  @Field() code: string;
  @Field(() => Int) points: number;
}

@ObjectType()
export class IndicatorScoreView {
  @Field() code: string;
  @Field(() => String, { nullable: true }) name: string | null;
  @Field(() => Int) points: number;
  @Field(() => Int) maxPoints: number;
  @Field(() => ScoringBodyEnum) body: string;
  @RestrictedField(() => String, 'staff', ownerHandedDown, { description: STAFF_OF_ASSOCIATION('who gave the score') }) scorerId: string | null;
  @Field(() => String, { nullable: true }) evidenceReference: string | null;
}

@ObjectType({ description: 'An application in a cycle and the rating it led to.' })
export class CreditApplicationView {
  @Field() associationId: string;
  @Field() cycleId: string;
  @Field() subjectId: string;
  @Field(() => SubjectKindEnum) subjectKind: string;
  @Field() member: boolean;
  @Field() rulebookId: string;
  @Field(() => Int) rulebookVersion: number;
  @Field(() => CreditApplicationStatusEnum) status: string;
  @Field() filedOn: string;
  @Field(() => [IndicatorPointsView]) selfAssessment: IndicatorPointsView[];
  @Field(() => [IndicatorScoreView], { middleware: [handsDownOwner(ownedByItsAssociation)] }) scores: IndicatorScoreView[];
  @Field(() => Int, { nullable: true }) totalPoints: number | null;
  @Field(() => String, { nullable: true, description: 'The grade the thresholds and vetoes gave.' }) computedGrade: string | null;
  @Field(() => String, { nullable: true, description: 'The grade proposed: computed, or as overridden.' }) grade: string | null;
  @RedactedPayload(() => JSONScalar, 'CreditGradeOverrideRequested', ownerOfApplication, {
    nullable: true,
    description: 'The override awaiting approval; its requester is staff (null unless the caller is an admin of the association, or an auditor).',
  })
  overridePending: unknown;
  @Field(() => String, { nullable: true }) noticeStartsOn: string | null;
  @Field(() => String, { nullable: true }) noticeEndsOn: string | null;
  @Field(() => Int) openObjections: number;
  @RedactedPayload(() => JSONScalar, 'CreditObjectionFiled', ownerOfApplication, {
    description:
      'Objections to the notice; each objector is a person, stored sealed: their name is shown to an admin of the association, an auditor or the firm (null to anyone else; { erased: true } once erased).',
  })
  objections: unknown;
  @Field(() => String, { nullable: true }) certificateNumber: string | null;
  @Field(() => String, { nullable: true, description: 'The rating grade now (after any downgrade).' }) ratingGrade: string | null;
  @Field(() => String, { nullable: true, description: 'ACTIVE, SUSPENDED, REVOKED or EXPIRED (expired from the day after valid-to).' }) ratingStatus: string | null;
  @Field(() => String, { nullable: true }) validFrom: string | null;
  @Field(() => String, { nullable: true }) validTo: string | null;
}

export const CreditApplicationConnection = ConnectionType(CreditApplicationView, 'CreditApplication');

@ObjectType({ description: 'A rating as the register held it at an instant.' })
export class CreditRatingView {
  @Field() associationId: string;
  @Field() cycleId: string;
  @Field() subjectId: string;
  @Field() grade: string;
  @Field({ description: 'ACTIVE, SUSPENDED, REVOKED or EXPIRED.' }) status: string;
  @Field({ description: 'True when the rating was valid and active at that instant.' }) inForce: boolean;
  @Field() certificateNumber: string;
  @Field() validFrom: string;
  @Field() validTo: string;
  @Field({ description: 'Business date from which this state held.' }) effectiveFrom: string;
  @Field(() => GraphQLISODateTime, { description: 'When the register recorded this state.' }) recordedAt: Date;
  @Field({ description: 'The event that set this state.' }) changedBy: string;
  @Field(() => String, { nullable: true }) recordId: string | null;
  @Field(() => String, { nullable: true }) rule: string | null;
  @Field() rulebookId: string;
  @Field(() => Int) rulebookVersion: number;
}

@ObjectType({ description: 'The answer for one subject of a look-up, in the order the subjects were asked for.' })
export class SubjectRatings {
  @Field({ description: 'The subject as asked for.' }) subjectId: string;
  @Field(() => String, { nullable: true, description: 'The code as the register writes it (trimmed, upper case); null when INVALID_CODE.' })
  code: string | null;
  @Field(() => CreditLookupOutcomeEnum) outcome: CreditLookupOutcome;
  @Field(() => String, { nullable: true, description: 'INVALID_CODE: what is wrong with it.' }) invalidReason: string | null;
  @Field(() => String, { nullable: true, description: "The firm's name on `effectiveAt` as the enterprise register had recorded it by `asOf`." }) enterpriseName: string | null;
  @Field({ description: 'True when at least one of the ratings was in force on `effectiveAt`, as recorded by `asOf`.' }) inForce: boolean;
  @Field(() => GraphQLISODateTime, { description: 'The knowledge instant answered for: only what was recorded by then counts.' }) asOf: Date;
  @Field({ description: 'The business date (YYYY-MM-DD) answered for.' }) effectiveAt: string;
  @Field(() => [CreditRatingView]) ratings: CreditRatingView[];
}

@ObjectType({ description: 'One step of a credit history: what happened, who did it, on what authority and evidence.' })
export class CreditHistoryStep {
  @Field() position: string;
  @Field() streamId: string;
  @Field(() => Int) revision: number;
  @Field() type: string;
  @Field(() => GraphQLISODateTime, { description: 'When the register recorded the step (the knowledge axis, `asOf`).' }) recordedAt: Date;
  @Field({ description: 'The business date (YYYY-MM-DD) the step took effect (the `effectiveAt` axis): its own effective date, else the day it was recorded.' })
  effectiveOn: string;
  @Field(() => AuditActor, { middleware: [handsDownEventOwner] }) actor: AuditActor;
  @Field(() => String, { nullable: true, description: 'Decision, source authority or dynamic rule cited.' }) authority: string | null;
  @Field(() => String, { nullable: true, description: 'Rulebook and version the step ran under.' }) ruleVersion: string | null;
  @Field(() => [String]) evidence: string[];
  @RedactedPayload(() => JSONScalar, (s: CreditHistoryStep) => s.type, (s: CreditHistoryStep, data) => ownerOfEvent(s.streamId, data), {
    description: "The event payload, except that the fields its event type declares person or staff are null where the caller may not see them.",
  })
  data: unknown;
  @Field({ description: "SHA-256 of the recorded event, redacted or not." }) hash: string;
}

@ObjectType()
export class AppliedVetoView {
  @Field() conductCode: string;
  @Field() recordId: string;
  @Field(() => VetoEffectEnum) effect: string;
  @Field(() => String, { nullable: true }) capGrade: string | null;
}

@ObjectType()
export class GradeRecomputation {
  @Field(() => Int) totalPoints: number;
  @Field(() => String, { nullable: true }) thresholdGrade: string | null;
  @Field(() => String, { nullable: true }) grade: string | null;
}

@ObjectType({ description: 'Why an application got its grade: indicator by indicator, vetoes, thresholds, rule version and a recomputation.' })
export class CreditExplanation {
  @Field() associationId: string;
  @Field() cycleId: string;
  @Field() subjectId: string;
  @Field() rulebookId: string;
  @Field(() => Int) rulebookVersion: number;
  @Field(() => String, { nullable: true }) referenceNumber: string | null;
  @Field(() => [IndicatorScoreView], { middleware: [handsDownOwner(ownedByItsAssociation)] }) indicators: IndicatorScoreView[];
  @Field(() => [GradeThresholdView]) thresholds: GradeThresholdView[];
  @Field(() => [AppliedVetoView]) vetoes: AppliedVetoView[];
  @Field(() => GradeRecomputation, { description: 'As recorded when the review was completed.' }) recorded: GradeRecomputation;
  @Field(() => GradeRecomputation, { description: 'Computed again now from the recorded inputs.' }) recomputed: GradeRecomputation;
  @Field() recomputationMatches: boolean;
  @RedactedPayload(() => JSONScalar, 'CreditGradeOverridden', ownerOfApplication, {
    nullable: true,
    description: 'The credit-committee override, if any; who requested and approved it is staff (null unless the caller is an admin of the association, or an auditor).',
  })
  override: unknown;
  @Field(() => String, { nullable: true, description: 'Grade after any override (what the notice showed).' }) proposedGrade: string | null;
  @Field(() => String, { nullable: true }) issuedGrade: string | null;
  @Field(() => String, { nullable: true }) ratingGradeNow: string | null;
}

@ObjectType()
export class CreditConductRecordView {
  @Field(() => String, {
    nullable: true,
    description: 'The association that recorded it, whose ratings it can change (null: recorded before records carried one, by no association).',
  })
  associationId: string | null;
  @Field() subjectId: string;
  @Field() recordId: string;
  @Field() code: string;
  @Field(() => ConductKindEnum) kind: string;
  @Field(() => ConductSeverityEnum) severity: string;
  @Field() occurredOn: string;
  @Field() sourceAuthority: string;
  @Field(() => Int) disclosureMonths: number;
  @Field(() => Int, { nullable: true }) penaltyMonths: number | null;
  @Field() disclosureUntil: string;
  @Field() evidenceReference: string;
  @Field() description: string;
  @Field(() => JSONScalar, { nullable: true }) shortened: unknown;
  @Field(() => GraphQLISODateTime) recordedAt: Date;
}

@ObjectType()
export class CreditCommandPayload {
  @Field() commandId: string;
  @Field(() => Int, { nullable: true }) revision: number | null;
  @Field(() => String, { nullable: true }) position: string | null;
  @Field() duplicate: boolean;
  @Field() readModelCurrent: boolean;
  @Field(() => CreditRulebookView, { nullable: true }) rulebook: CreditRulebookView | null;
  @Field(() => CreditCycleView, { nullable: true }) cycle: CreditCycleView | null;
  @Field(() => CreditApplicationView, { nullable: true }) application: CreditApplicationView | null;
  @Field(() => CreditConductRecordView, { nullable: true }) conductRecord: CreditConductRecordView | null;
  @Field(() => [CreditApplicationView], { description: 'Ratings a conduct record changed.' }) changedRatings: CreditApplicationView[];
}

@ObjectType()
export class CreditRefusal {
  @Field() subjectId: string;
  @Field() rule: string;
  @Field() message: string;
}

@ObjectType({ description: 'A batch over a cycle: one command (and its own events) per application.' })
export class CreditBulkPayload {
  @Field(() => Int) considered: number;
  @Field(() => Int) written: number;
  @Field(() => Int) unchanged: number;
  @Field(() => Int) refused: number;
  @Field(() => [CreditRefusal]) refusals: CreditRefusal[];
  @Field() readModelCurrent: boolean;
}
