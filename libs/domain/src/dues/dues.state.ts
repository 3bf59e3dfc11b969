import type { Fen } from '../shared/index.js';
import type {
  DuesAccountEvent,
  FeeScheduleAdopted,
  FeeScheduleEvent,
  FeeTier,
  ReceiptEvent,
  WaiverPolicyAdopted,
  WaiverPolicyEvent,
  WaiverReason,
} from './dues.events.js';

// ---- fee schedule -------------------------------------------------------------------------------

export type FeeScheduleVersion = FeeScheduleAdopted['data'];

export interface FeeScheduleState {
  readonly versions: readonly FeeScheduleVersion[];
}

export const initialFeeScheduleState: FeeScheduleState = { versions: [] };

export function evolveFeeSchedule(state: FeeScheduleState, event: FeeScheduleEvent): FeeScheduleState {
  return { versions: [...state.versions, event.data] };
}

/** The version in force on 1 January of `year`: the latest one effective on or before that day. */
export function scheduleInForce(versions: readonly FeeScheduleVersion[], year: number): FeeScheduleVersion | null {
  const firstDay = `${String(year).padStart(4, '0')}-01-01`;
  let found: FeeScheduleVersion | null = null;
  for (const v of versions) {
    if (v.effectiveFrom <= firstDay && (!found || v.effectiveFrom >= found.effectiveFrom)) found = v;
  }
  return found;
}

// ---- dues account (one member, one year) --------------------------------------------------------

/** Where a waiver comes from: a request that an authorised person decides on, or a policy that grants it outright. */
export type WaiverOrigin = { readonly kind: 'REQUEST'; readonly requestedBy: string } | { readonly kind: 'POLICY'; readonly policyId: string };
type RequestOrigin = Extract<WaiverOrigin, { kind: 'REQUEST' }>;

interface Waiver<Origin extends WaiverOrigin> {
  readonly waiverId: string;
  readonly reasonCategory: WaiverReason;
  readonly origin: Origin;
}

/** A request awaiting its decision: an amount, or the whole balance at approval (`full`). */
export type RequestedWaiver = Waiver<RequestOrigin> & { readonly status: 'REQUESTED'; readonly full: boolean; readonly requestedFen: Fen | null };
export type RejectedWaiver = Waiver<RequestOrigin> & { readonly status: 'REJECTED' };
/** In effect, approved or granted by a policy: `inEffectFen` is the amount approved or granted, less what a partial revocation took back. */
export type ApprovedWaiver = Waiver<WaiverOrigin> & { readonly status: 'APPROVED'; readonly inEffectFen: Fen };
/** Revoked in full: it waives nothing any more. */
export type RevokedWaiver = Waiver<WaiverOrigin> & { readonly status: 'REVOKED' };

/** One waiver on an account, by status: each status holds exactly what the waiver has by then. */
export type WaiverState = RequestedWaiver | RejectedWaiver | ApprovedWaiver | RevokedWaiver;
export type WaiverStatus = WaiverState['status'];

/** What a waiver waives at present: nothing unless it is in effect. */
export function inEffectFen(waiver: WaiverState): Fen {
  return waiver.status === 'APPROVED' ? waiver.inEffectFen : 0;
}

export type DuesAccountState =
  | { readonly status: 'not_invoiced' }
  | {
      readonly status: 'invoiced';
      readonly associationId: string;
      readonly enterpriseCode: string;
      readonly year: number;
      readonly tier: FeeTier;
      readonly invoicedFen: Fen;
      readonly paidFen: Fen;
      readonly waivedFen: Fen;
      readonly receipts: ReadonlySet<string>;
      readonly waivers: ReadonlyMap<string, WaiverState>;
    };

export type InvoicedAccount = Extract<DuesAccountState, { status: 'invoiced' }>;

export const initialDuesAccountState: DuesAccountState = { status: 'not_invoiced' };

export function balanceOf(account: InvoicedAccount): Fen {
  return account.invoicedFen - account.paidFen - account.waivedFen;
}

export function evolveDuesAccount(state: DuesAccountState, event: DuesAccountEvent): DuesAccountState {
  if (event.type === 'DuesInvoiced') {
    const d = event.data;
    return {
      status: 'invoiced',
      associationId: d.associationId,
      enterpriseCode: d.enterpriseCode,
      year: d.year,
      tier: d.tier,
      invoicedFen: d.amountFen,
      paidFen: 0,
      waivedFen: 0,
      receipts: new Set(),
      waivers: new Map(),
    };
  }
  if (state.status !== 'invoiced') return state;
  /*
   * A decision changes the waiver in the status the decider records it for (approved or rejected while requested,
   * revoked while in effect); a waiver in any other status, or none, leaves the account as it is.
   */
  const withWaiver = (waiverId: string, change: (w: WaiverState) => { waiver: WaiverState; waivedDelta: Fen } | null): InvoicedAccount => {
    const current = state.waivers.get(waiverId);
    const changed = current && change(current);
    if (!changed) return state;
    const waivers = new Map(state.waivers);
    waivers.set(waiverId, changed.waiver);
    return { ...state, waivers, waivedFen: state.waivedFen + changed.waivedDelta };
  };
  switch (event.type) {
    case 'DuesPaymentRecorded': {
      const receipts = new Set(state.receipts);
      receipts.add(event.data.receiptNumber);
      return { ...state, receipts, paidFen: state.paidFen + event.data.amountFen };
    }
    case 'DuesWaiverRequested': {
      const d = event.data;
      const waivers = new Map(state.waivers);
      waivers.set(d.waiverId, {
        waiverId: d.waiverId,
        status: 'REQUESTED',
        reasonCategory: d.reasonCategory,
        origin: { kind: 'REQUEST', requestedBy: d.requestedBy },
        full: d.full,
        requestedFen: d.amountFen,
      });
      return { ...state, waivers };
    }
    case 'DuesWaiverApproved': {
      const amountFen = event.data.amountFen;
      return withWaiver(event.data.waiverId, (w) =>
        w.status === 'REQUESTED'
          ? { waiver: { waiverId: w.waiverId, status: 'APPROVED', reasonCategory: w.reasonCategory, origin: w.origin, inEffectFen: amountFen }, waivedDelta: amountFen }
          : null,
      );
    }
    case 'DuesWaiverRejected':
      return withWaiver(event.data.waiverId, (w) =>
        w.status === 'REQUESTED' ? { waiver: { waiverId: w.waiverId, status: 'REJECTED', reasonCategory: w.reasonCategory, origin: w.origin }, waivedDelta: 0 } : null,
      );
    case 'DuesWaiverRevoked': {
      const amountFen = event.data.amountFen;
      return withWaiver(event.data.waiverId, (w) => {
        if (w.status !== 'APPROVED') return null;
        const left = w.inEffectFen - amountFen;
        const waiver: WaiverState =
          left === 0 ? { waiverId: w.waiverId, status: 'REVOKED', reasonCategory: w.reasonCategory, origin: w.origin } : { ...w, inEffectFen: left };
        return { waiver, waivedDelta: -amountFen };
      });
    }
    case 'DuesWaiverGranted': {
      const d = event.data;
      const waivers = new Map(state.waivers);
      waivers.set(d.waiverId, {
        waiverId: d.waiverId,
        status: 'APPROVED',
        reasonCategory: d.reasonCategory,
        origin: { kind: 'POLICY', policyId: d.policyId },
        inEffectFen: d.amountFen,
      });
      return { ...state, waivers, waivedFen: state.waivedFen + d.amountFen };
    }
  }
}

// ---- receipt numbers (one stream per receipt, for uniqueness across accounts) -------------------

export type ReceiptState =
  | { readonly status: 'free' }
  | { readonly status: 'reserved'; readonly enterpriseCode: string; readonly year: number };

export const initialReceiptState: ReceiptState = { status: 'free' };

export function evolveReceipt(_state: ReceiptState, event: ReceiptEvent): ReceiptState {
  return { status: 'reserved', enterpriseCode: event.data.enterpriseCode, year: event.data.year };
}

// ---- waiver policies ------------------------------------------------------------------------------

export type WaiverPolicyState = { readonly status: 'none' } | { readonly status: 'adopted'; readonly policy: WaiverPolicyAdopted['data'] };

export const initialWaiverPolicyState: WaiverPolicyState = { status: 'none' };

export function evolveWaiverPolicy(_state: WaiverPolicyState, event: WaiverPolicyEvent): WaiverPolicyState {
  return { status: 'adopted', policy: event.data };
}

/** The percent of an invoice a policy waives for a firm of this size class. */
export function policyPercentFor(policy: WaiverPolicyAdopted['data'], sizeClass: string | null): number {
  const special = policy.sizeClassPercents.find((s) => s.sizeClass === sizeClass);
  return special ? special.percent : policy.defaultPercent;
}
