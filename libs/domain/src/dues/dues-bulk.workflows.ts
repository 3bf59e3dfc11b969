import { bulkWorkflow, type DomainEvent, FieldErrors } from '../shared/index.js';
import type { GrantPolicyWaiver, IssueDuesInvoice } from './dues.commands.js';
import { validYear } from './dues.fields.js';
import type { WaiverPolicyAdopted } from './dues.events.js';
import { policyPercentFor } from './dues.state.js';

/** Namespace of the dues commands whose id is what they address (never change it: ids are stored). */
export const DUES_COMMAND_NAMESPACE = '0b7f1c52-8d1e-4a5b-9c6e-3f2a7d9e4b10';
const REFUSALS_LISTED = 100;

/** The identity of an account's invoice for a year: one invoice per account, however it is asked for. */
export function invoiceIdentity(associationId: string, enterpriseCode: string, year: number): readonly (string | number)[] {
  return ['invoice', associationId, enterpriseCode, year];
}

const sumOf = (type: string) => (events: readonly DomainEvent[]) =>
  events.reduce((sum, e) => sum + (e.type === type ? Number((e.data as { amountFen?: number }).amountFen) : 0), 0);

/** Checks a bulk run's year by the rule the account decider applies to each command. */
export function parseDuesYear(year: unknown): number {
  const errors = new FieldErrors();
  const valid = validYear(errors, 'year', year);
  errors.throwIfAny();
  return valid;
}

export interface InvoiceYearItem {
  readonly associationId: string;
  readonly enterpriseCode: string;
  readonly year: number;
}

/** Invoices every addressed member for the year, one command per account; the total is the fen invoiced. */
export const invoiceDuesYearWorkflow = bulkWorkflow<InvoiceYearItem, IssueDuesInvoice>({
  name: 'dues-invoice-year',
  commandNamespace: DUES_COMMAND_NAMESPACE,
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ associationId, enterpriseCode, year }) => ({
    key: enterpriseCode,
    command: { type: 'IssueDuesInvoice', associationId, enterpriseCode, year },
    identity: invoiceIdentity(associationId, enterpriseCode, year),
  }),
  measure: sumOf('DuesInvoiced'),
});

/** Members admitted after the year owe nothing for it: not refused, simply not addressed. */
export function addressedForYear<M extends { readonly admittedOn: string | null }>(members: readonly M[], year: number): M[] {
  return members.filter((m) => !m.admittedOn || Number(m.admittedOn.slice(0, 4)) <= year);
}

export interface PolicyWaiverItem {
  readonly policy: WaiverPolicyAdopted['data'];
  readonly enterpriseCode: string;
  /** The firm's size class in the enterprise register (it decides the percent). */
  readonly sizeClass: string | null;
  /** The waiver's id, derived from the policy and the account so that a re-run grants the same waiver. */
  readonly waiverId: string;
}

/** Grants a policy's waiver on every invoiced account of its year; the total is the fen waived. */
export const policyWaiverWorkflow = bulkWorkflow<PolicyWaiverItem, GrantPolicyWaiver>({
  name: 'dues-policy-waivers',
  commandNamespace: DUES_COMMAND_NAMESPACE,
  refusalsListed: REFUSALS_LISTED,
  commandFor: ({ policy, enterpriseCode, sizeClass, waiverId }) => ({
    key: enterpriseCode,
    command: {
      type: 'GrantPolicyWaiver',
      associationId: policy.associationId,
      enterpriseCode,
      year: policy.year,
      waiverId,
      policyId: policy.policyId,
      policyYear: policy.year,
      percent: policyPercentFor(policy, sizeClass),
      reasonCategory: policy.reasonCategory,
      reason: policy.reason,
      decision: policy.decision,
    },
    identity: ['policy', policy.associationId, policy.policyId, enterpriseCode, policy.year],
  }),
  measure: sumOf('DuesWaiverGranted'),
});
