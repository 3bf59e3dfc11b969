import {
  checkCreditCode,
  type DecisionContext,
  type DecisionRecord,
  type Decider,
  effectiveDate,
  FieldErrors,
  type Fen,
  formatYuan,
  isCarried,
  isIsoDate,
  NotFound,
  optionalText,
  requiredText,
  RECEIPT_NUMBER_RULE,
  RuleViolation,
  validDecisionRecord,
  validDocumentNumber,
  validFen,
  oneOf,
} from '../shared/index.js';
import type {
  AdoptFeeSchedule,
  AdoptWaiverPolicy,
  ApproveDuesWaiver,
  DuesAccountCommand,
  FeeScheduleCommand,
  GrantPolicyWaiver,
  IssueDuesInvoice,
  ReceiptCommand,
  RecordDuesPayment,
  RejectDuesWaiver,
  RequestDuesWaiver,
  RevokeDuesWaiver,
  WaiverPolicyCommand,
} from './dues.commands.js';
import { DuesRules } from './dues.errors.js';
import {
  DUES_ACCOUNT_EVENT_TYPES,
  type DuesAccountEvent,
  FEE_SCHEDULE_EVENT_TYPES,
  FEE_TIERS,
  type FeeScheduleEvent,
  type FeeTier,
  POLICY_SIZE_CLASSES,
  RECEIPT_EVENT_TYPES,
  type ReceiptEvent,
  type TierAmount,
  USUAL_TIER_COUNT,
  WAIVER_POLICY_EVENT_TYPES,
  WAIVER_REASONS,
  type WaiverPolicyEvent,
  type WaiverReason,
} from './dues.events.js';
import {
  balanceOf,
  type DuesAccountState,
  evolveDuesAccount,
  evolveFeeSchedule,
  evolveReceipt,
  evolveWaiverPolicy,
  type FeeScheduleState,
  type FeeScheduleVersion,
  initialDuesAccountState,
  initialFeeScheduleState,
  initialReceiptState,
  initialWaiverPolicyState,
  type InvoicedAccount,
  type ReceiptState,
  scheduleInForce,
  type WaiverPolicyState,
  type WaiverState,
} from './dues.state.js';

const REASON_MAX = 2000;
const REFERENCE_MAX = 200;
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

/** Bodies whose decision can grant waivers in bulk (not the credit or review committees). */
const POLICY_BODIES = ['GENERAL_ASSEMBLY', 'COUNCIL', 'STANDING_COUNCIL', 'PRESIDENTS_MEETING', 'SECRETARIAT'] as const;

/** Membership as the membership register holds it for the member and association invoiced. */
export interface MembershipFact {
  /** ACTIVE for an active member; PENDING, SUSPENDED, WITHDRAWN … otherwise. */
  readonly status: string;
  readonly tier: string;
  /** YYYY-MM-DD */
  readonly admittedOn: string | null;
}

/**
 * What a dues account decision needs from outside its stream, loaded by the command layer: the membership
 * (for invoicing), the association's fee schedule versions (for invoicing) and the user ids the charter
 * authorises to approve waivers. The rules that use them live here.
 */
export interface DuesAccountFacts {
  readonly membership?: MembershipFact | null;
  readonly schedules?: readonly FeeScheduleVersion[];
  readonly waiverApprovers?: readonly string[];
}

// ---- shared field checks -----------------------------------------------------------------------

export function validYear(errors: FieldErrors, field: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < MIN_YEAR || (value as number) > MAX_YEAR) {
    errors.add(field, `must be a year between ${MIN_YEAR} and ${MAX_YEAR}.`);
    return 0;
  }
  return value as number;
}

function validPercent(errors: FieldErrors, field: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > 100) {
    errors.add(field, `must be a whole percent from ${min} to 100.`);
    return 0;
  }
  return value as number;
}

function validId(errors: FieldErrors, field: string, value: unknown, label: string): string {
  const id = requiredText(errors, field, value, { max: 64, label });
  if (id && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    errors.add(field, `${label} may hold only letters, digits, dots, dashes and underscores.`);
  }
  return id;
}

/** Share of an amount in whole fen, rounded half up: never a float in the register. */
export function percentOf(amount: Fen, percent: number): Fen {
  return Math.floor((amount * percent + 50) / 100);
}

const tierLabel = (tier: string) => tier.toLowerCase().replace(/_/g, ' ');

// ---- fee schedules -------------------------------------------------------------------------------

export function decideFeeSchedule(command: FeeScheduleCommand, state: FeeScheduleState, _context: DecisionContext): FeeScheduleEvent[] {
  return adoptSchedule(command, state);
}

function adoptSchedule(command: AdoptFeeSchedule, state: FeeScheduleState): FeeScheduleEvent[] {
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
  decide: decideFeeSchedule,
  evolve: evolveFeeSchedule,
};

// ---- dues accounts ---------------------------------------------------------------------------------

export function decideDuesAccount(
  command: DuesAccountCommand,
  state: DuesAccountState,
  context: DecisionContext,
  facts: DuesAccountFacts = {},
): DuesAccountEvent[] {
  const errors = new FieldErrors();
  validYear(errors, 'year', command.year);
  const code = checkCreditCode(typeof command.enterpriseCode === 'string' ? command.enterpriseCode : '');
  // A code failing only its check character may be genuine (registered by override): only malformed ones are refused.
  if (code.kind === 'malformed') errors.add('enterpriseCode', `The unified social credit code ${code.reason}.`);
  switch (command.type) {
    case 'IssueDuesInvoice':
      return issueInvoice(command, state, context, facts, errors);
    case 'RecordDuesPayment':
      return recordPayment(command, state, context, errors);
    case 'RequestDuesWaiver':
      return requestWaiver(command, state, context, errors);
    case 'ApproveDuesWaiver':
      return approveWaiver(command, state, context, facts, errors);
    case 'RejectDuesWaiver':
      return rejectWaiver(command, state, context, facts, errors);
    case 'RevokeDuesWaiver':
      return revokeWaiver(command, state, context, facts, errors);
    case 'GrantPolicyWaiver':
      return grantPolicyWaiver(command, state, context, errors);
  }
}

/** The account decider with the facts the command layer loaded for this one command. */
export function duesAccountDecider(
  facts: DuesAccountFacts = {},
): Decider<DuesAccountCommand, DuesAccountEvent, DuesAccountState> {
  return {
    initialState: initialDuesAccountState,
    eventTypes: DUES_ACCOUNT_EVENT_TYPES,
    decide: (command, state, context) => decideDuesAccount(command, state, context, facts),
    evolve: evolveDuesAccount,
  };
}

function accountLabel(c: { enterpriseCode: string; year: number }): string {
  return `${c.enterpriseCode} for ${c.year}`;
}

function invoiced(state: DuesAccountState, command: { enterpriseCode: string; year: number }): InvoicedAccount {
  if (state.status !== 'invoiced') {
    throw new RuleViolation(
      DuesRules.notInvoiced,
      `No dues have been invoiced to ${accountLabel(command)} yet: issue the year's invoice first.`,
    );
  }
  return state;
}

function issueInvoice(
  command: IssueDuesInvoice,
  state: DuesAccountState,
  context: DecisionContext,
  facts: DuesAccountFacts,
  errors: FieldErrors,
): DuesAccountEvent[] {
  errors.throwIfAny();
  // Invoicing a year twice writes nothing: a re-run of the annual invoicing is harmless.
  if (state.status === 'invoiced') return [];
  const membership = facts.membership ?? null;
  if (!membership || membership.status !== 'ACTIVE') {
    throw new RuleViolation(
      DuesRules.notAnActiveMember,
      membership
        ? `${command.enterpriseCode} is not an active member (membership status ${membership.status}), so no dues are invoiced.`
        : `${command.enterpriseCode} is not a member of this association, so no dues are invoiced.`,
      { status: membership?.status ?? null },
    );
  }
  const admittedOn = membership.admittedOn ?? `${command.year}-01-01`;
  if (Number(admittedOn.slice(0, 4)) > command.year) {
    throw new RuleViolation(
      DuesRules.admittedAfterYear,
      `${command.enterpriseCode} was admitted on ${admittedOn}, after ${command.year}: it owes no dues for that year.`,
    );
  }
  const schedule = scheduleInForce(facts.schedules ?? [], command.year);
  if (!schedule) {
    throw new RuleViolation(
      DuesRules.noScheduleInForce,
      `No fee schedule is in force on 1 January ${command.year}: the general assembly must adopt one before dues can be invoiced.`,
    );
  }
  const priced = schedule.amounts.find((a) => a.tier === membership.tier);
  if (!priced) {
    throw new RuleViolation(
      DuesRules.tierNotInSchedule,
      `Version ${schedule.version} of the fee schedule sets no amount for the ${tierLabel(membership.tier)} tier of ${command.enterpriseCode}.`,
      { tier: membership.tier, scheduleVersion: schedule.version },
    );
  }
  const admittedInSecondHalf = admittedOn.slice(0, 4) === String(command.year) && Number(admittedOn.slice(5, 7)) >= 7;
  const proRatedPercent = admittedInSecondHalf && schedule.secondHalfPercent !== null ? schedule.secondHalfPercent : null;
  return [
    {
      type: 'DuesInvoiced',
      data: {
        associationId: command.associationId,
        enterpriseCode: command.enterpriseCode,
        year: command.year,
        tier: membership.tier as FeeTier,
        scheduleVersion: schedule.version,
        annualFen: priced.annualFen,
        amountFen: proRatedPercent === null ? priced.annualFen : percentOf(priced.annualFen, proRatedPercent),
        proRatedPercent,
        admittedOn,
        invoicedOn: effectiveDate(errors, 'invoicedOn', null, context.now),
      },
    },
  ];
}

/**
 * A receipt number as it is stored and compared: trimmed, NFKC and upper-cased (`whjx-0012` and `ＷＨＪＸ－００１２`
 * are one receipt); the document-number rule refuses spaces and other punctuation.
 */
export function validReceiptNumber(errors: FieldErrors, field: string, value: unknown): string {
  return validDocumentNumber(errors, field, value, RECEIPT_NUMBER_RULE);
}

function recordPayment(command: RecordDuesPayment, state: DuesAccountState, context: DecisionContext, errors: FieldErrors): DuesAccountEvent[] {
  const receiptNumber = validReceiptNumber(errors, 'receiptNumber', command.receiptNumber);
  const amountFen = validFen(errors, 'amountFen', command.amountFen, { positive: true });
  const paidOn = effectiveDate(errors, 'paidOn', command.paidOn, context.now);
  errors.throwIfAny();
  const account = invoiced(state, command);
  if (account.receipts.has(receiptNumber)) {
    throw new RuleViolation(DuesRules.receiptDuplicate, `Receipt ${receiptNumber} is already recorded on this account.`, { receiptNumber });
  }
  const balance = balanceOf(account);
  if (amountFen > balance) {
    throw new RuleViolation(
      DuesRules.paymentExceedsBalance,
      `A payment of ${formatYuan(amountFen)} is more than the ${formatYuan(balance)} still owed by ${accountLabel(command)}.`,
      { amountFen, balanceFen: balance },
    );
  }
  return [
    {
      type: 'DuesPaymentRecorded',
      data: {
        associationId: account.associationId,
        enterpriseCode: account.enterpriseCode,
        year: account.year,
        receiptNumber,
        amountFen,
        paidOn,
        balanceAfterFen: balance - amountFen,
      },
    },
  ];
}

function requestWaiver(command: RequestDuesWaiver, state: DuesAccountState, context: DecisionContext, errors: FieldErrors): DuesAccountEvent[] {
  const waiverId = validId(errors, 'waiverId', command.waiverId, 'The waiver id');
  const full = command.full === true;
  let amountFen: Fen | null = null;
  if (full && command.amountFen != null) errors.add('amountFen', 'Give an amount or ask for a full waiver, not both.');
  else if (!full && command.amountFen == null) errors.add('amountFen', 'Give the amount to waive in fen, or ask for a full waiver.');
  else if (!full) amountFen = validFen(errors, 'amountFen', command.amountFen, { positive: true });
  const reasonCategory = oneOf(errors, 'reasonCategory', command.reasonCategory, WAIVER_REASONS);
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const evidenceReference =
    optionalText(errors, 'evidenceReference', command.evidenceReference, { max: REFERENCE_MAX, label: 'The evidence reference' }) ?? null;
  errors.throwIfAny();
  const account = invoiced(state, command);
  if (account.waivers.has(waiverId)) {
    throw new RuleViolation(DuesRules.waiverAlreadyExists, `Waiver ${waiverId} is already on this account.`, { waiverId });
  }
  const balance = balanceOf(account);
  if (balance === 0 || (amountFen !== null && amountFen > balance)) {
    throw new RuleViolation(
      DuesRules.waiverExceedsBalance,
      balance === 0
        ? `Nothing is owed by ${accountLabel(command)}, so there is nothing to waive.`
        : `A waiver of ${formatYuan(amountFen!)} is more than the ${formatYuan(balance)} still owed by ${accountLabel(command)}.`,
      { amountFen, balanceFen: balance },
    );
  }
  return [
    {
      type: 'DuesWaiverRequested',
      data: {
        associationId: account.associationId,
        enterpriseCode: account.enterpriseCode,
        year: account.year,
        waiverId,
        full,
        amountFen,
        reasonCategory,
        reason,
        evidenceReference,
        requestedBy: context.actor.userId,
        requestedOn: effectiveDate(errors, 'requestedOn', null, context.now),
      },
    },
  ];
}

function pendingWaiver(account: InvoicedAccount, waiverId: string): WaiverState {
  const waiver = account.waivers.get(waiverId);
  if (!waiver) throw new NotFound('Dues waiver', waiverId);
  if (waiver.status !== 'REQUESTED') {
    throw new RuleViolation(
      DuesRules.waiverNotPending,
      `Waiver ${waiverId} is ${waiver.status.toLowerCase()}, not awaiting a decision.`,
      { status: waiver.status },
    );
  }
  return waiver;
}

/** Maker-checker: only a user the charter authorises may decide on a waiver, and never on their own request. */
function assertMayDecide(waiver: WaiverState, context: DecisionContext, facts: DuesAccountFacts): void {
  const userId = context.actor.userId;
  if (waiver.requestedBy === userId) {
    throw new RuleViolation(
      DuesRules.waiverSelfApproval,
      'You requested this waiver, so you cannot decide on it: another authorised person must approve or reject it.',
    );
  }
  assertAuthorised(context, facts);
}

function assertAuthorised(context: DecisionContext, facts: DuesAccountFacts): void {
  if (!(facts.waiverApprovers ?? []).includes(context.actor.userId)) {
    throw new RuleViolation(
      DuesRules.waiverApproverNotAuthorised,
      `User ${context.actor.userId} is not among those the association's charter authorises to decide on dues waivers.`,
    );
  }
}

function approveWaiver(
  command: ApproveDuesWaiver,
  state: DuesAccountState,
  context: DecisionContext,
  facts: DuesAccountFacts,
  errors: FieldErrors,
): DuesAccountEvent[] {
  const waiverId = validId(errors, 'waiverId', command.waiverId, 'The waiver id');
  const note = optionalText(errors, 'note', command.note, { max: REASON_MAX, label: 'The note' }) ?? null;
  errors.throwIfAny();
  const account = invoiced(state, command);
  const waiver = pendingWaiver(account, waiverId);
  assertMayDecide(waiver, context, facts);
  const balance = balanceOf(account);
  const amountFen = waiver.full ? balance : (waiver.requestedFen ?? 0);
  if (amountFen === 0 || amountFen > balance) {
    throw new RuleViolation(
      DuesRules.waiverExceedsBalance,
      amountFen === 0
        ? `Nothing is owed by ${accountLabel(command)} any more, so this waiver has nothing to waive: reject it instead.`
        : `Approving would waive ${formatYuan(amountFen)}, but only ${formatYuan(balance)} is still owed by ${accountLabel(command)}: payments and waivers may not exceed the invoice.`,
      { amountFen, balanceFen: balance },
    );
  }
  return [
    {
      type: 'DuesWaiverApproved',
      data: {
        associationId: account.associationId,
        enterpriseCode: account.enterpriseCode,
        year: account.year,
        waiverId,
        amountFen,
        approvedBy: context.actor.userId,
        approvedOn: effectiveDate(errors, 'approvedOn', null, context.now),
        note,
        balanceAfterFen: balance - amountFen,
      },
    },
  ];
}

function rejectWaiver(
  command: RejectDuesWaiver,
  state: DuesAccountState,
  context: DecisionContext,
  facts: DuesAccountFacts,
  errors: FieldErrors,
): DuesAccountEvent[] {
  const waiverId = validId(errors, 'waiverId', command.waiverId, 'The waiver id');
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  errors.throwIfAny();
  const account = invoiced(state, command);
  const waiver = pendingWaiver(account, waiverId);
  assertMayDecide(waiver, context, facts);
  return [
    {
      type: 'DuesWaiverRejected',
      data: {
        associationId: account.associationId,
        enterpriseCode: account.enterpriseCode,
        year: account.year,
        waiverId,
        rejectedBy: context.actor.userId,
        reason,
      },
    },
  ];
}

function revokeWaiver(
  command: RevokeDuesWaiver,
  state: DuesAccountState,
  context: DecisionContext,
  facts: DuesAccountFacts,
  errors: FieldErrors,
): DuesAccountEvent[] {
  const waiverId = validId(errors, 'waiverId', command.waiverId, 'The waiver id');
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const requested = command.amountFen == null ? null : validFen(errors, 'amountFen', command.amountFen, { positive: true });
  const effectiveFrom = effectiveDate(errors, 'effectiveFrom', command.effectiveFrom, context.now);
  errors.throwIfAny();
  const account = invoiced(state, command);
  const waiver = account.waivers.get(waiverId);
  if (!waiver) throw new NotFound('Dues waiver', waiverId);
  if (waiver.inEffectFen === 0) {
    throw new RuleViolation(
      DuesRules.waiverNotInEffect,
      `Waiver ${waiverId} is ${waiver.status.toLowerCase()} and waives nothing at present, so there is nothing to revoke.`,
      { status: waiver.status },
    );
  }
  assertAuthorised(context, facts);
  const amountFen = requested ?? waiver.inEffectFen;
  if (amountFen > waiver.inEffectFen) {
    throw new RuleViolation(
      DuesRules.revocationExceedsWaiver,
      `Waiver ${waiverId} waives ${formatYuan(waiver.inEffectFen)}; ${formatYuan(amountFen)} of it cannot be revoked.`,
      { amountFen, inEffectFen: waiver.inEffectFen },
    );
  }
  return [
    {
      type: 'DuesWaiverRevoked',
      data: {
        associationId: account.associationId,
        enterpriseCode: account.enterpriseCode,
        year: account.year,
        waiverId,
        amountFen,
        revokedBy: context.actor.userId,
        reason,
        effectiveFrom,
        balanceAfterFen: balanceOf(account) + amountFen,
      },
    },
  ];
}

function grantPolicyWaiver(command: GrantPolicyWaiver, state: DuesAccountState, context: DecisionContext, errors: FieldErrors): DuesAccountEvent[] {
  const waiverId = validId(errors, 'waiverId', command.waiverId, 'The waiver id');
  const policyId = validId(errors, 'policyId', command.policyId, 'The policy id');
  const percent = validPercent(errors, 'percent', command.percent, 0);
  const reasonCategory = oneOf<WaiverReason>(errors, 'reasonCategory', command.reasonCategory, WAIVER_REASONS);
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
  const decision: DecisionRecord = validDecisionRecord(errors, 'decision', command.decision);
  errors.throwIfAny();
  if (command.policyYear !== command.year) {
    throw new RuleViolation(
      DuesRules.policyYearMismatch,
      `Policy ${policyId} grants waivers for ${command.policyYear}, not for ${command.year}.`,
    );
  }
  const account = invoiced(state, command);
  // Re-running a policy, or a firm it gives nothing to, records nothing.
  if ([...account.waivers.values()].some((w) => w.policyId === policyId) || percent === 0) return [];
  const balance = balanceOf(account);
  const amountFen = Math.min(percentOf(account.invoicedFen, percent), balance);
  if (amountFen === 0) return [];
  return [
    {
      type: 'DuesWaiverGranted',
      data: {
        associationId: account.associationId,
        enterpriseCode: account.enterpriseCode,
        year: account.year,
        waiverId,
        policyId,
        percent,
        amountFen,
        reasonCategory,
        reason,
        decision,
        grantedOn: effectiveDate(errors, 'grantedOn', null, context.now),
        balanceAfterFen: balance - amountFen,
      },
    },
  ];
}

// ---- receipt numbers ---------------------------------------------------------------------------------

export function decideReceipt(command: ReceiptCommand, state: ReceiptState, _context: DecisionContext): ReceiptEvent[] {
  const errors = new FieldErrors();
  const receiptNumber = validReceiptNumber(errors, 'receiptNumber', command.receiptNumber);
  validYear(errors, 'year', command.year);
  errors.throwIfAny();
  if (state.status === 'reserved') {
    throw new RuleViolation(
      DuesRules.receiptDuplicate,
      `Receipt ${receiptNumber} is already used for the dues of ${state.enterpriseCode} for ${state.year}: every receipt number may be used once in the association.`,
      { receiptNumber, enterpriseCode: state.enterpriseCode, year: state.year },
    );
  }
  return [
    {
      type: 'DuesReceiptReserved',
      data: { associationId: command.associationId, receiptNumber, enterpriseCode: command.enterpriseCode, year: command.year },
    },
  ];
}

export const receiptDecider: Decider<ReceiptCommand, ReceiptEvent, ReceiptState> = {
  initialState: initialReceiptState,
  eventTypes: RECEIPT_EVENT_TYPES,
  decide: decideReceipt,
  evolve: evolveReceipt,
};

// ---- waiver policies ------------------------------------------------------------------------------------

export function decideWaiverPolicy(command: WaiverPolicyCommand, state: WaiverPolicyState, _context: DecisionContext): WaiverPolicyEvent[] {
  return adoptPolicy(command, state);
}

function adoptPolicy(command: AdoptWaiverPolicy, state: WaiverPolicyState): WaiverPolicyEvent[] {
  const errors = new FieldErrors();
  const policyId = validId(errors, 'policyId', command.policyId, 'The policy id');
  const year = validYear(errors, 'year', command.year);
  const title = requiredText(errors, 'title', command.title, { max: 200, label: 'The title' });
  const reasonCategory = oneOf(errors, 'reasonCategory', command.reasonCategory, WAIVER_REASONS);
  const reason = requiredText(errors, 'reason', command.reason, { max: REASON_MAX, label: 'The reason' });
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
  decide: decideWaiverPolicy,
  evolve: evolveWaiverPolicy,
};
