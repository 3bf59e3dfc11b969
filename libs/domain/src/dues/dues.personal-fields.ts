import type { EventFieldClasses } from '../visibility/field-classes.js';
import type { DuesEvent } from './dues.events.js';

const ACCOUNT = { associationId: 'public', enterpriseCode: 'public', year: 'public' } as const;

/**
 * The class of every field of every dues event (ADR 0014): who requested, approved, rejected or revoked a waiver
 * is a staff identity (maker-checker); amounts, reasons, receipts and decisions are public.
 */
export const DUES_EVENT_FIELD_CLASSES: EventFieldClasses<DuesEvent> = {
  FeeScheduleAdopted: {
    associationId: 'public',
    version: 'public',
    amounts: 'public',
    secondHalfPercent: 'public',
    effectiveFrom: 'public',
    decision: 'public',
    warnings: 'public',
  },
  DuesInvoiced: {
    ...ACCOUNT,
    tier: 'public',
    scheduleVersion: 'public',
    annualFen: 'public',
    amountFen: 'public',
    proRatedPercent: 'public',
    admittedOn: 'public',
    invoicedOn: 'public',
  },
  DuesPaymentRecorded: { ...ACCOUNT, receiptNumber: 'public', amountFen: 'public', paidOn: 'public', balanceAfterFen: 'public' },
  DuesWaiverRequested: {
    ...ACCOUNT,
    waiverId: 'public',
    full: 'public',
    amountFen: 'public',
    reasonCategory: 'public',
    reason: 'public',
    evidenceReference: 'public',
    requestedBy: 'staff',
    requestedOn: 'public',
  },
  DuesWaiverApproved: {
    ...ACCOUNT,
    waiverId: 'public',
    amountFen: 'public',
    approvedBy: 'staff',
    approvedOn: 'public',
    note: 'public',
    balanceAfterFen: 'public',
  },
  DuesWaiverRejected: { ...ACCOUNT, waiverId: 'public', rejectedBy: 'staff', reason: 'public' },
  DuesWaiverRevoked: {
    ...ACCOUNT,
    waiverId: 'public',
    amountFen: 'public',
    revokedBy: 'staff',
    reason: 'public',
    effectiveFrom: 'public',
    balanceAfterFen: 'public',
  },
  DuesWaiverGranted: {
    ...ACCOUNT,
    waiverId: 'public',
    policyId: 'public',
    percent: 'public',
    amountFen: 'public',
    reasonCategory: 'public',
    reason: 'public',
    decision: 'public',
    grantedOn: 'public',
    balanceAfterFen: 'public',
  },
  DuesReceiptReserved: { associationId: 'public', receiptNumber: 'public', enterpriseCode: 'public', year: 'public' },
  WaiverPolicyAdopted: {
    associationId: 'public',
    policyId: 'public',
    year: 'public',
    title: 'public',
    reasonCategory: 'public',
    reason: 'public',
    defaultPercent: 'public',
    sizeClassPercents: 'public',
    decision: 'public',
  },
};
