import {
  checkCreditCode,
  type DecisionContext,
  type Decider,
  effectiveDate,
  FieldErrors,
  NotFound,
  optionalText,
  regionCodeProblem,
  requiredText,
  RuleViolation,
  oneOf,
} from '../shared/index.js';
import type {
  EnterpriseCommand,
  EnterpriseTies,
  RecordQualification,
  RegisterEnterprise,
  SetEnterpriseSizeClass,
  UpdateEnterpriseProfile,
  WithdrawQualification,
} from './enterprise.commands.js';
import { EnterpriseRules } from './enterprise.errors.js';
import {
  ENTERPRISE_EVENT_TYPES,
  type EnterpriseEvent,
  type EnterpriseProfileUpdated,
  OWNERSHIPS,
  type QualificationCategory,
  QUALIFICATION_CATEGORIES,
  QUALIFICATION_GRADES,
  type QualificationGrade,
  qualificationKey,
  SIZE_CLASSES,
} from './enterprise.events.js';
import { type EnterpriseState, evolveEnterprise, initialEnterpriseState } from './enterprise.state.js';

type Registered = Extract<EnterpriseState, { status: 'registered' }>;

export const NAME_MAX = 200;
const PERSON_MAX = 100;
const SPECIALTY_MAX = 100;
const REASON_MAX = 2000;
const OVERRIDE_REASON_MIN = 10;

/** Grades each category can hold: specialist contracting has no 特级, labour subcontracting is not graded. */
const GRADES_BY_CATEGORY: Record<QualificationCategory, readonly QualificationGrade[]> = {
  GENERAL_CONTRACTING: ['SPECIAL', 'GRADE_1', 'GRADE_2', 'GRADE_3'],
  SPECIALIST_CONTRACTING: ['GRADE_1', 'GRADE_2', 'GRADE_3'],
  LABOUR_SUBCONTRACTING: ['UNGRADED'],
};

/** Membership statuses that have not ended: an application under consideration, an active or a suspended member. */
const UNENDED_MEMBERSHIP: readonly string[] = ['PENDING', 'ACTIVE', 'SUSPENDED'];

/**
 * Decides one enterprise command. `ties` are the firm's ties to associations (null: not loaded), judged before a
 * registered firm's facts change.
 */
export function decideEnterprise(
  command: EnterpriseCommand,
  state: EnterpriseState,
  context: DecisionContext,
  ties: EnterpriseTies | null,
): EnterpriseEvent[] {
  if (command.type === 'RegisterEnterprise') return register(command, state, context);
  const firm = registered(state, command.code);
  assertMayChange(firm, ties, context);
  switch (command.type) {
    case 'UpdateEnterpriseProfile':
      return updateProfile(command, firm, context);
    case 'RecordQualification':
      return recordQualification(command, firm, context);
    case 'WithdrawQualification':
      return withdrawQualification(command, firm, context);
    case 'SetEnterpriseSizeClass':
      return setSizeClass(command, firm, context);
  }
}

/** Every enterprise command, judged against the firm's ties to associations as the command layer loaded them. */
export function enterpriseDeciderWith(ties: EnterpriseTies): Decider<EnterpriseCommand, EnterpriseEvent, EnterpriseState> {
  return {
    initialState: initialEnterpriseState,
    eventTypes: ENTERPRISE_EVENT_TYPES,
    decide: (command, state, context) => decideEnterprise(command, state, context, ties),
    evolve: evolveEnterprise,
  };
}

/**
 * Registration, open to any admin, and the stream's state. It knows no ties, so a change of a registered firm's
 * facts sent to it is refused: changes go through `enterpriseDeciderWith(ties)`.
 */
export const enterpriseDecider: Decider<RegisterEnterprise, EnterpriseEvent, EnterpriseState> = {
  initialState: initialEnterpriseState,
  eventTypes: ENTERPRISE_EVENT_TYPES,
  decide: (command, state, context) => decideEnterprise(command, state, context, null),
  evolve: evolveEnterprise,
};

function registered(state: EnterpriseState, code: string): Registered {
  if (state.status !== 'registered') throw new NotFound('Enterprise', code);
  return state;
}

/** The associations a firm is related to: an unended membership of it, or a credit application of it (ADR 0014). */
export function relatedAssociations(ties: EnterpriseTies): Set<string> {
  const related = new Set(ties.creditApplicants);
  for (const { associationId, status } of ties.memberships) if (UNENDED_MEMBERSHIP.includes(status)) related.add(associationId);
  return related;
}

/**
 * Enterprises are national, and their facts (the size class decides small/micro dues relief) count in the records
 * of every association that holds the firm: only such an association may change them. A firm no association holds
 * yet may be corrected by any admin, as any admin may register it. Checked before the fields, and the refusal does
 * not say which associations hold the firm.
 */
function assertMayChange(firm: Registered, ties: EnterpriseTies | null, context: DecisionContext): void {
  const acting = context.actor.associationId ?? null;
  if (ties !== null) {
    const related = relatedAssociations(ties);
    if (related.size === 0 || (acting !== null && related.has(acting))) return;
  }
  throw new RuleViolation(
    EnterpriseRules.notRelated,
    `${acting === null ? 'An admin of no association' : `Association ${acting}`} holds no membership and no credit application of ` +
      `enterprise ${firm.code}, so it may not change the firm's facts.`,
    { code: firm.code },
  );
}

function register(command: RegisterEnterprise, state: EnterpriseState, context: DecisionContext): EnterpriseEvent[] {
  const errors = new FieldErrors();
  const check = checkCreditCode(typeof command.code === 'string' ? command.code : '');
  const overrideReason = optionalText(errors, 'checkDigitOverrideReason', command.checkDigitOverrideReason, { multiline: true,
    max: REASON_MAX,
    min: OVERRIDE_REASON_MIN,
    label: 'The override reason',
  });
  let code = '';
  let expectedCheckCharacter: string | null = null;
  if (check.kind === 'malformed') {
    errors.add('code', `The unified social credit code ${check.reason}.`);
  } else if (check.kind === 'check_digit_mismatch') {
    code = check.code;
    expectedCheckCharacter = check.expected;
    // A reason that was given but is itself invalid is reported on its own field only.
    if (command.checkDigitOverrideReason == null) {
      errors.add(
        'code',
        `The unified social credit code fails its check character: the 18th character should be "${check.expected}", not "${check.actual}". ` +
          'If the code is printed so on the business licence, register it with an override reason.',
      );
    }
  } else {
    code = check.code;
  }
  const name = requiredText(errors, 'name', command.name, { max: NAME_MAX, label: 'The enterprise name' });
  const legalRepresentative = requiredText(errors, 'legalRepresentative', command.legalRepresentative, {
    max: PERSON_MAX,
    label: 'The legal representative',
  });
  const regionCode = requiredText(errors, 'regionCode', command.regionCode, { max: 6, label: 'The region code' });
  const regionProblem = regionCode ? regionCodeProblem(regionCode) : null;
  if (regionProblem) errors.add('regionCode', `The region code ${regionProblem}`);
  const ownership = oneOf(errors, 'ownership', command.ownership, OWNERSHIPS);
  const sizeClass = command.sizeClass == null ? null : oneOf(errors, 'sizeClass', command.sizeClass, SIZE_CLASSES);
  errors.throwIfAny();

  if (check.kind === 'valid' && overrideReason !== undefined) {
    throw new RuleViolation(
      EnterpriseRules.overrideNotNeeded,
      'The credit code passes its check, so no override is needed: register it without an override reason.',
    );
  }
  if (state.status === 'registered') {
    throw new RuleViolation(EnterpriseRules.alreadyRegistered, `Enterprise ${code} is already in the register.`, { code });
  }
  return [
    {
      type: 'EnterpriseRegistered',
      data: {
        code,
        name,
        legalRepresentative,
        regionCode,
        ownership,
        sizeClass,
        checkDigitOverride:
          overrideReason !== undefined && expectedCheckCharacter !== null
            ? { reason: overrideReason, expectedCheckCharacter }
            : null,
        actingAssociationId: actingAssociation(context),
      },
    },
  ];
}

function updateProfile(command: UpdateEnterpriseProfile, state: Registered, context: DecisionContext): EnterpriseEvent[] {
  const errors = new FieldErrors();
  const name = optionalText(errors, 'name', command.name, { max: NAME_MAX, label: 'The enterprise name' });
  const legalRepresentative = optionalText(errors, 'legalRepresentative', command.legalRepresentative, {
    max: PERSON_MAX,
    label: 'The legal representative',
  });
  const regionCode = optionalText(errors, 'regionCode', command.regionCode, { max: 6, label: 'The region code' });
  const regionProblem = regionCode ? regionCodeProblem(regionCode) : null;
  if (regionProblem) errors.add('regionCode', `The region code ${regionProblem}`);
  const ownership = command.ownership == null ? undefined : oneOf(errors, 'ownership', command.ownership, OWNERSHIPS);
  const reason = optionalText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' }) ?? null;
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  errors.throwIfAny();

  const events: EnterpriseEvent[] = [];
  if (name !== undefined && name !== state.name) {
    events.push({
      type: 'EnterpriseRenamed',
      data: { code: state.code, previousName: state.name, name, effectiveFrom, reason, actingAssociationId: actingAssociation(context) },
    });
  }
  const changes: { -readonly [K in keyof EnterpriseProfileUpdated['data']['changes']]: EnterpriseProfileUpdated['data']['changes'][K] } = {};
  if (legalRepresentative !== undefined && legalRepresentative !== state.legalRepresentative) {
    changes.legalRepresentative = legalRepresentative;
  }
  if (regionCode !== undefined && regionCode !== state.regionCode) changes.regionCode = regionCode;
  if (ownership !== undefined && ownership !== state.ownership) changes.ownership = ownership;
  if (Object.keys(changes).length > 0) {
    events.push({ type: 'EnterpriseProfileUpdated', data: { code: state.code, changes, reason, actingAssociationId: actingAssociation(context) } });
  }
  // Sending the profile as it already stands changes nothing and records nothing.
  return events;
}

function actingAssociation(context: DecisionContext): string | null {
  return context.actor.associationId ?? null;
}

function qualificationFields(
  errors: FieldErrors,
  command: { category: QualificationCategory; specialty: string },
): { category: QualificationCategory; specialty: string } {
  const category = oneOf(errors, 'category', command.category, QUALIFICATION_CATEGORIES);
  const specialty = requiredText(errors, 'specialty', command.specialty, { max: SPECIALTY_MAX, label: 'The specialty' });
  return { category, specialty };
}

function recordQualification(command: RecordQualification, state: Registered, context: DecisionContext): EnterpriseEvent[] {
  const errors = new FieldErrors();
  const { category, specialty } = qualificationFields(errors, command);
  const grade = oneOf(errors, 'grade', command.grade, QUALIFICATION_GRADES);
  const allowed = GRADES_BY_CATEGORY[category];
  if (allowed && QUALIFICATION_GRADES.includes(grade) && !allowed.includes(grade)) {
    errors.add('grade', `A ${category} qualification is graded ${allowed.join(', ')}, not ${grade}.`);
  }
  const certificateNumber =
    optionalText(errors, 'certificateNumber', command.certificateNumber, { max: 64, label: 'The certificate number' }) ?? null;
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  errors.throwIfAny();

  const key = qualificationKey(category, specialty);
  const held = state.qualifications.get(key);
  if (held?.grade === grade) {
    throw new RuleViolation(
      EnterpriseRules.qualificationAlreadyHeld,
      `Enterprise ${state.code} already holds ${specialty} (${category}) at ${grade}.`,
      { qualificationKey: key, grade },
    );
  }
  return [
    {
      type: 'QualificationRecorded',
      data: {
        code: state.code,
        qualificationKey: key,
        category,
        specialty,
        grade,
        previousGrade: held?.grade ?? null,
        certificateNumber,
        effectiveFrom,
        actingAssociationId: actingAssociation(context),
      },
    },
  ];
}

function withdrawQualification(command: WithdrawQualification, state: Registered, context: DecisionContext): EnterpriseEvent[] {
  const errors = new FieldErrors();
  const { category, specialty } = qualificationFields(errors, command);
  const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' });
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  errors.throwIfAny();

  const key = qualificationKey(category, specialty);
  const held = state.qualifications.get(key);
  if (!held) {
    throw new RuleViolation(
      EnterpriseRules.qualificationNotHeld,
      `Enterprise ${state.code} holds no ${specialty} (${category}) qualification to withdraw.`,
      { qualificationKey: key },
    );
  }
  return [
    {
      type: 'QualificationWithdrawn',
      data: {
        code: state.code,
        qualificationKey: key,
        category,
        specialty,
        grade: held.grade,
        reason,
        effectiveFrom,
        actingAssociationId: actingAssociation(context),
      },
    },
  ];
}

function setSizeClass(command: SetEnterpriseSizeClass, state: Registered, context: DecisionContext): EnterpriseEvent[] {
  const errors = new FieldErrors();
  const sizeClass = oneOf(errors, 'sizeClass', command.sizeClass, SIZE_CLASSES);
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  errors.throwIfAny();
  if (state.sizeClass === sizeClass) return [];
  return [
    {
      type: 'EnterpriseSizeClassSet',
      data: { code: state.code, sizeClass, previousSizeClass: state.sizeClass, effectiveFrom, actingAssociationId: actingAssociation(context) },
    },
  ];
}
