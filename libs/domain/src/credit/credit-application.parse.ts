import { calendarDate, FieldErrors, matches, oneOf, optionalText, requiredText, validDecisionRecord, wholeNumber } from '../shared/index.js';
import type { CreditApplicationCommand, CreditApplicationFacts } from './credit.commands.js';
import { CREDIT_CERTIFICATE_NUMBER, identityCardRefusal, subjectId, TEXT_MAX } from './credit.fields.js';

/**
 * The parse step of the application stream: every field of a command checked at once, before the stream is read.
 * Indicator codes, their maximum points and override grades are checked against the cycle's pinned rulebook (a fact
 * the command layer loads first); with no cycle those checks wait, and the decision answers that the cycle is unknown.
 */
export function parseCreditApplication<C extends CreditApplicationCommand>(command: C, facts: CreditApplicationFacts): C {
  const errors = new FieldErrors();
  const parsed = parseFields(errors, command, facts);
  errors.throwIfAny();
  return parsed as C;
}

/** A date a command may leave out (the decision then takes today): checked when given. */
function optionalDate(errors: FieldErrors, field: string, value: string | null | undefined): string | null {
  return value == null ? null : calendarDate(errors, field, value);
}

function parseFields(errors: FieldErrors, command: CreditApplicationCommand, facts: CreditApplicationFacts): CreditApplicationCommand {
  const rulebook = facts.cycle?.data.rulebook ?? null;
  const notAnIndicator = rulebook ? `is not an indicator of rulebook ${rulebook.rulebookId} v${rulebook.version}.` : '';
  // Every command names its application by the subject: an identity-card number is refused before any stream is read.
  const identityCard = command.type === 'FileCreditApplication' ? null : identityCardRefusal('subjectId', command.subjectId);
  if (identityCard) errors.add(identityCard.field, identityCard.message);
  switch (command.type) {
    case 'FileCreditApplication': {
      // A person is a subject by register id only (the rulebook says whether it rates persons or enterprises).
      subjectId(errors, 'subjectId', command.subjectId, rulebook?.subjectKind ?? null);
      const selfAssessment = (command.selfAssessment ?? []).map((s, n) => {
        const indicator = rulebook?.indicators.find((i) => i.code === s.code);
        if (rulebook && !indicator) errors.add(`selfAssessment.${n}.code`, notAnIndicator);
        const points = wholeNumber(errors, `selfAssessment.${n}.points`, s.points, 0, indicator?.maxPoints ?? 1000);
        return { code: s.code, points };
      });
      return { ...command, selfAssessment };
    }
    case 'ScoreCreditIndicators': {
      const scores = (command.scores ?? []).map((s, n) => {
        if (rulebook && !rulebook.indicators.some((i) => i.code === s.code)) errors.add(`scores.${n}.code`, notAnIndicator);
        return {
          code: s.code,
          points: Number.isInteger(s.points) && s.points >= 0 ? s.points : (errors.add(`scores.${n}.points`, 'must be a whole number, 0 or more.'), 0),
          evidenceReference: optionalText(errors, `scores.${n}.evidenceReference`, s.evidenceReference, { max: 500, label: 'The evidence reference' }) ?? null,
          note: optionalText(errors, `scores.${n}.note`, s.note, { multiline: true, max: TEXT_MAX, label: 'The note' }) ?? null,
        };
      });
      if (scores.length === 0) errors.add('scores', 'at least one score.');
      if (new Set(scores.map((s) => s.code)).size !== scores.length) errors.add('scores', 'each indicator once per command.');
      return { ...command, scores };
    }
    case 'RequestCreditGradeOverride': {
      const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: TEXT_MAX, label: 'The reason' });
      const decision = validDecisionRecord(errors, 'decision', command.decision);
      if (rulebook && command.toGrade !== null && !rulebook.thresholds.some((t) => t.grade === command.toGrade)) {
        errors.add('toGrade', `must be one of ${rulebook.thresholds.map((t) => t.grade).join(', ')}, or null for no grade.`);
      }
      return { ...command, reason, decision };
    }
    case 'StartCreditNotice':
      return { ...command, startsOn: optionalDate(errors, 'startsOn', command.startsOn) };
    case 'FileCreditObjection':
      matches(errors, 'objectionId', command.objectionId, /^[A-Za-z0-9-]{1,64}$/, 'must be 1 to 64 letters, digits or hyphens.');
      return {
        ...command,
        objector: requiredText(errors, 'objector', command.objector, { max: 200, label: 'The objector' }),
        grounds: requiredText(errors, 'grounds', command.grounds, { multiline: true, max: TEXT_MAX, label: 'The grounds' }),
        evidenceReference: optionalText(errors, 'evidenceReference', command.evidenceReference, { max: 500 }) ?? null,
      };
    case 'ResolveCreditObjection':
      return {
        ...command,
        outcome: oneOf(errors, 'outcome', command.outcome, ['UPHELD', 'DISMISSED'] as const),
        reasons: requiredText(errors, 'reasons', command.reasons, { multiline: true, max: TEXT_MAX, label: 'The reasons' }),
      };
    case 'IssueCreditRating':
      return {
        ...command,
        certificateNumber: matches(errors, 'certificateNumber', command.certificateNumber, CREDIT_CERTIFICATE_NUMBER, 'must be 1 to 40 letters, digits or hyphens.'),
        validFrom: optionalDate(errors, 'validFrom', command.validFrom),
      };
    case 'ReviewCreditRatingAnnually': {
      const reviewYear = wholeNumber(errors, 'reviewYear', command.reviewYear, 1990, 2100);
      const outcome = oneOf(errors, 'outcome', command.outcome, ['CONFIRMED', 'DOWNGRADED'] as const);
      const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: TEXT_MAX, label: 'The reason' });
      const levels = outcome === 'DOWNGRADED' ? wholeNumber(errors, 'levels', command.levels, 1, 10) : 0;
      return { ...command, reviewYear, outcome, reason, levels };
    }
    case 'ReinstateCreditRating':
      return {
        ...command,
        reason: requiredText(errors, 'reason', command.reason, { multiline: true, max: TEXT_MAX, label: 'The reason' }),
        decision: validDecisionRecord(errors, 'decision', command.decision),
        effectiveFrom: optionalDate(errors, 'effectiveFrom', command.effectiveFrom),
      };
    case 'CompleteCreditReview':
    case 'ApproveCreditGradeOverride':
    case 'ApplyConductToCreditRating':
    case 'RecordCreditRatingExpiry':
      return command;
  }
}
