import { businessDate, type DecisionContext, type Decider, type Fen, formatYuan, NotFound, RuleViolation } from '../shared/index.js';
import { parseDuesAccount } from './dues-account.parse.js';
import type { ApproveDuesWaiver, DuesAccountCommand, GrantPolicyWaiver, IssueDuesInvoice, RecordDuesPayment, RejectDuesWaiver, RequestDuesWaiver, RevokeDuesWaiver } from './dues.commands.js';
import { DuesRules } from './dues.errors.js';
import { DUES_ACCOUNT_EVENT_TYPES, type DuesAccountEvent, type FeeTier } from './dues.events.js';
import {
  balanceOf,
  type DuesAccountState,
  evolveDuesAccount,
  type FeeScheduleVersion,
  inEffectFen,
  initialDuesAccountState,
  type InvoicedAccount,
  type RequestedWaiver,
  scheduleInForce,
} from './dues.state.js';
import { percentOf, tierLabel } from './dues.fields.js';

// One member's account for one year: invoice, payments, waivers requested, decided, revoked or granted by policy.

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

export function decideDuesAccount(
  command: DuesAccountCommand,
  state: DuesAccountState,
  context: DecisionContext,
  facts: DuesAccountFacts = {},
): DuesAccountEvent[] {
  switch (command.type) {
    case 'IssueDuesInvoice':
      return issueInvoice(command, state, context, facts);
    case 'RecordDuesPayment':
      return recordPayment(command, state, context);
    case 'RequestDuesWaiver':
      return requestWaiver(command, state, context);
    case 'ApproveDuesWaiver':
      return approveWaiver(command, state, context, facts);
    case 'RejectDuesWaiver':
      return rejectWaiver(command, state, context, facts);
    case 'RevokeDuesWaiver':
      return revokeWaiver(command, state, context, facts);
    case 'GrantPolicyWaiver':
      return grantPolicyWaiver(command, state, context);
  }
}

/** The account decider with the facts the command layer loaded for this one command. */
export function duesAccountDecider(
  facts: DuesAccountFacts = {},
): Decider<DuesAccountCommand, DuesAccountEvent, DuesAccountState> {
  return {
    initialState: initialDuesAccountState,
    eventTypes: DUES_ACCOUNT_EVENT_TYPES,
    parse: parseDuesAccount,
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
): DuesAccountEvent[] {
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
        invoicedOn: businessDate(context.now),
      },
    },
  ];
}

/**
 * A receipt number as it is stored and compared: trimmed, NFKC and upper-cased (`whjx-0012` and `ＷＨＪＸ－００１２`
 * are one receipt); the document-number rule refuses spaces and other punctuation.
 */

function recordPayment(command: RecordDuesPayment, state: DuesAccountState, context: DecisionContext): DuesAccountEvent[] {
  const { receiptNumber, amountFen } = command;
  const paidOn = command.paidOn ?? businessDate(context.now);
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

function requestWaiver(command: RequestDuesWaiver, state: DuesAccountState, context: DecisionContext): DuesAccountEvent[] {
  const { waiverId, reasonCategory, reason } = command;
  const full = command.full === true;
  const amountFen = command.amountFen ?? null;
  const evidenceReference = command.evidenceReference ?? null;
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
        requestedOn: businessDate(context.now),
      },
    },
  ];
}

function pendingWaiver(account: InvoicedAccount, waiverId: string): RequestedWaiver {
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
function assertMayDecide(waiver: RequestedWaiver, context: DecisionContext, facts: DuesAccountFacts): void {
  const userId = context.actor.userId;
  if (waiver.origin.requestedBy === userId) {
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
): DuesAccountEvent[] {
  const { waiverId } = command;
  const note = command.note ?? null;
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
        approvedOn: businessDate(context.now),
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
): DuesAccountEvent[] {
  const { waiverId, reason } = command;
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
): DuesAccountEvent[] {
  const { waiverId, reason } = command;
  const requested = command.amountFen ?? null;
  const effectiveFrom = command.effectiveFrom ?? businessDate(context.now);
  const account = invoiced(state, command);
  const waiver = account.waivers.get(waiverId);
  if (!waiver) throw new NotFound('Dues waiver', waiverId);
  const inEffect = inEffectFen(waiver);
  if (inEffect === 0) {
    throw new RuleViolation(
      DuesRules.waiverNotInEffect,
      `Waiver ${waiverId} is ${waiver.status.toLowerCase()} and waives nothing at present, so there is nothing to revoke.`,
      { status: waiver.status },
    );
  }
  assertAuthorised(context, facts);
  const amountFen = requested ?? inEffect;
  if (amountFen > inEffect) {
    throw new RuleViolation(
      DuesRules.revocationExceedsWaiver,
      `Waiver ${waiverId} waives ${formatYuan(inEffect)}; ${formatYuan(amountFen)} of it cannot be revoked.`,
      { amountFen, inEffectFen: inEffect },
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

/**
 * What a policy waives on one account: its percent of the invoice, rounded half up to whole fen, capped at the unpaid
 * balance (0: nothing to grant). What the decider records, and what decision replay re-runs on the recorded inputs.
 */
export function policyWaiverAmount(input: { readonly invoicedFen: Fen; readonly balanceFen: Fen; readonly percent: number }): Fen {
  if (input.percent === 0) return 0;
  return Math.min(percentOf(input.invoicedFen, input.percent), input.balanceFen);
}

function grantPolicyWaiver(command: GrantPolicyWaiver, state: DuesAccountState, context: DecisionContext): DuesAccountEvent[] {
  const { waiverId, policyId, percent, reasonCategory, reason, decision } = command;
  if (command.policyYear !== command.year) {
    throw new RuleViolation(
      DuesRules.policyYearMismatch,
      `Policy ${policyId} grants waivers for ${command.policyYear}, not for ${command.year}.`,
    );
  }
  const account = invoiced(state, command);
  // Re-running a policy, or a firm it gives nothing to, records nothing.
  if ([...account.waivers.values()].some((w) => w.origin.kind === 'POLICY' && w.origin.policyId === policyId)) return [];
  const balance = balanceOf(account);
  const amountFen = policyWaiverAmount({ invoicedFen: account.invoicedFen, balanceFen: balance, percent });
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
        grantedOn: businessDate(context.now),
        balanceAfterFen: balance - amountFen,
      },
    },
  ];
}
