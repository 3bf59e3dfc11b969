import { type DecisionContext, type Decider, FieldErrors, requiredText, RuleViolation, validDecisionRecord, oneOf } from '../shared/index.js';
import type { AdoptWaiverPolicy, WaiverPolicyCommand } from './dues.commands.js';
import { DuesRules } from './dues.errors.js';
import { POLICY_SIZE_CLASSES, WAIVER_POLICY_EVENT_TYPES, WAIVER_REASONS, type WaiverPolicyEvent } from './dues.events.js';
import { evolveWaiverPolicy, initialWaiverPolicyState, type WaiverPolicyState } from './dues.state.js';
import { POLICY_BODIES, REASON_MAX, tierLabel, validId, validPercent, validYear } from './dues.fields.js';

// A waiver policy stream: adopted once, on a decision; applied account by account by the bulk workflow.

/** The parse step: a waiver policy's fields checked at once, before the policy stream is read. */
export function parseWaiverPolicy(command: WaiverPolicyCommand): WaiverPolicyCommand {
  const errors = new FieldErrors();
  const policyId = validId(errors, 'policyId', command.policyId, 'The policy id');
  const year = validYear(errors, 'year', command.year);
  const title = requiredText(errors, 'title', command.title, { max: 200, label: 'The title' });
  const reasonCategory = oneOf(errors, 'reasonCategory', command.reasonCategory, WAIVER_REASONS);
  const reason = requiredText(errors, 'reason', command.reason, { multiline: true, max: REASON_MAX, label: 'The reason' });
  const defaultPercent = validPercent(errors, 'defaultPercent', command.defaultPercent, 0);
  const sizeClassPercents: { sizeClass: (typeof POLICY_SIZE_CLASSES)[number]; percent: number }[] = [];
  const seen = new Set<string>();
  (command.sizeClassPercents ?? []).forEach((s, i) => {
    const sizeClass = oneOf(errors, `sizeClassPercents.${i}.sizeClass`, s?.sizeClass, POLICY_SIZE_CLASSES);
    if (seen.has(sizeClass)) errors.add(`sizeClassPercents.${i}.sizeClass`, `The size class ${sizeClass} is named twice.`);
    seen.add(sizeClass);
    sizeClassPercents.push({ sizeClass, percent: validPercent(errors, `sizeClassPercents.${i}.percent`, s?.percent, 0) });
  });
  if (defaultPercent === 0 && sizeClassPercents.every((s) => s.percent === 0)) {
    errors.add('defaultPercent', 'The policy waives nothing: give a percent for every member or for some size classes.');
  }
  const decision = validDecisionRecord(errors, 'decision', command.decision);
  errors.throwIfAny();
  return { ...command, policyId, year, title, reasonCategory, reason, defaultPercent, sizeClassPercents, decision };
}

/** The rules of a parsed waiver policy: the deciding body, and one adoption per policy id. */
export function decideWaiverPolicy(command: WaiverPolicyCommand, state: WaiverPolicyState, _context: DecisionContext): WaiverPolicyEvent[] {
  return adoptPolicy(command, state);
}

function adoptPolicy(command: AdoptWaiverPolicy, state: WaiverPolicyState): WaiverPolicyEvent[] {
  const { policyId, year, title, reasonCategory, reason, defaultPercent, decision } = command;
  const sizeClassPercents = command.sizeClassPercents ?? [];
  if (!(POLICY_BODIES as readonly string[]).includes(decision.body)) {
    throw new RuleViolation(
      DuesRules.policyBodyNotCompetent,
      `Dues waivers are granted by the general assembly, council, standing council, president's meeting or secretariat, not by the ${tierLabel(decision.body)}.`,
      { body: decision.body },
    );
  }
  if (state.status === 'adopted') {
    throw new RuleViolation(DuesRules.policyAlreadyAdopted, `Waiver policy ${policyId} is already adopted; a new decision needs a new policy id.`);
  }
  return [
    {
      type: 'WaiverPolicyAdopted',
      data: { associationId: command.associationId, policyId, year, title, reasonCategory, reason, defaultPercent, sizeClassPercents, decision },
    },
  ];
}

export const waiverPolicyDecider: Decider<WaiverPolicyCommand, WaiverPolicyEvent, WaiverPolicyState> = {
  initialState: initialWaiverPolicyState,
  eventTypes: WAIVER_POLICY_EVENT_TYPES,
  parse: parseWaiverPolicy,
  decide: decideWaiverPolicy,
  evolve: evolveWaiverPolicy,
};
