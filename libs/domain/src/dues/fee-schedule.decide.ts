import { type DecisionContext, type Decider, FieldErrors, isCarried, isIsoDate, requiredText, RuleViolation, validDecisionRecord, validFen, oneOf } from '../shared/index.js';
import type { AdoptFeeSchedule, FeeScheduleCommand } from './dues.commands.js';
import { DuesRules } from './dues.errors.js';
import { FEE_SCHEDULE_EVENT_TYPES, FEE_TIERS, type FeeScheduleEvent, type TierAmount, USUAL_TIER_COUNT } from './dues.events.js';
import { evolveFeeSchedule, type FeeScheduleState, initialFeeScheduleState } from './dues.state.js';
import { tierLabel, validPercent } from './dues.fields.js';

// The association's fee schedule stream: versions adopted on a general assembly decision.

/** The parse step: a fee schedule's fields checked at once, before the schedule stream is read. */
export function parseFeeSchedule(command: FeeScheduleCommand): FeeScheduleCommand {
  const errors = new FieldErrors();
  const associationId = requiredText(errors, 'associationId', command.associationId, { max: 64, label: 'The association id' });
  const amounts: TierAmount[] = [];
  if (!Array.isArray(command.amounts) || command.amounts.length === 0) {
    errors.add('amounts', 'name at least one tier and its annual amount.');
  } else {
    const seen = new Set<string>();
    command.amounts.forEach((a, i) => {
      const tier = oneOf(errors, `amounts.${i}.tier`, a?.tier, FEE_TIERS);
      if (seen.has(tier)) errors.add(`amounts.${i}.tier`, `The tier ${tier} is priced twice.`);
      seen.add(tier);
      const annualFen = validFen(errors, `amounts.${i}.annualFen`, a?.annualFen, { positive: true });
      amounts.push({ tier, annualFen });
    });
  }
  const secondHalfPercent =
    command.secondHalfPercent == null ? null : validPercent(errors, 'secondHalfPercent', command.secondHalfPercent, 1);
  if (typeof command.effectiveFrom !== 'string' || !isIsoDate(command.effectiveFrom)) {
    errors.add('effectiveFrom', 'must be a calendar date written YYYY-MM-DD.');
  }
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  errors.throwIfAny();
  return { ...command, associationId, amounts, secondHalfPercent, decision };
}

/** The rules of a parsed fee schedule against the versions adopted before. */
export function decideFeeSchedule(command: FeeScheduleCommand, state: FeeScheduleState, _context: DecisionContext): FeeScheduleEvent[] {
  return adoptSchedule(command, state);
}

function adoptSchedule(command: AdoptFeeSchedule, state: FeeScheduleState): FeeScheduleEvent[] {
  const { associationId, amounts, decision } = command;
  const secondHalfPercent = command.secondHalfPercent ?? null;
  if (decision.body !== 'GENERAL_ASSEMBLY') {
    throw new RuleViolation(
      DuesRules.scheduleNeedsGeneralAssembly,
      `A fee schedule is adopted by the general assembly (会员大会); a decision of the ${tierLabel(decision.body)} cannot set dues.`,
      { body: decision.body },
    );
  }
  if (decision.votes && !isCarried(decision.votes)) {
    throw new RuleViolation(
      DuesRules.scheduleDecisionNotCarried,
      `The general assembly vote was not carried (${decision.votes.inFavour} for of ${decision.votes.present} present), so the fee schedule cannot be adopted.`,
    );
  }
  const latest = state.versions[state.versions.length - 1];
  if (latest && command.effectiveFrom <= latest.effectiveFrom) {
    throw new RuleViolation(
      DuesRules.scheduleNotAfterPrevious,
      `Version ${latest.version} of the fee schedule is in force from ${latest.effectiveFrom}; a new version must take effect after that date, so past invoices keep their version.`,
      { previousVersion: latest.version, previousEffectiveFrom: latest.effectiveFrom },
    );
  }
  const warnings =
    amounts.length > USUAL_TIER_COUNT
      ? [`The schedule prices ${amounts.length} tiers; most charters price ${USUAL_TIER_COUNT}. Check it against the general assembly decision.`]
      : [];
  return [
    {
      type: 'FeeScheduleAdopted',
      data: {
        associationId,
        version: state.versions.length + 1,
        amounts,
        secondHalfPercent,
        effectiveFrom: command.effectiveFrom,
        decision,
        warnings,
      },
    },
  ];
}

export const feeScheduleDecider: Decider<FeeScheduleCommand, FeeScheduleEvent, FeeScheduleState> = {
  initialState: initialFeeScheduleState,
  eventTypes: FEE_SCHEDULE_EVENT_TYPES,
  parse: parseFeeSchedule,
  decide: decideFeeSchedule,
  evolve: evolveFeeSchedule,
};
