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

export type WaiverStatus = 'REQUESTED' | 'APPROVED' | 'REJECTED' | 'REVOKED';

export interface WaiverState {
  readonly waiverId: string;
  readonly status: WaiverStatus;
  readonly full: boolean;
  readonly requestedFen: Fen | null;
  /** The amount in effect (0 unless approved or granted; less after a partial revocation). */
  readonly inEffectFen: Fen;
  readonly requestedBy: string | null;
  readonly reasonCategory: WaiverReason;
  readonly policyId: string | null;
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
  const withWaiver = (waiverId: string, change: (w: WaiverState) => WaiverState, waivedDelta: Fen): InvoicedAccount => {
    const current = state.waivers.get(waiverId);
    if (!current) return state;
    const waivers = new Map(state.waivers);
    waivers.set(waiverId, change(current));
    return { ...state, waivers, waivedFen: state.waivedFen + waivedDelta };
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
        full: d.full,
        requestedFen: d.amountFen,
        inEffectFen: 0,
        requestedBy: d.requestedBy,
        reasonCategory: d.reasonCategory,
        policyId: null,
      });
      return { ...state, waivers };
    }
    case 'DuesWaiverApproved':
      return withWaiver(event.data.waiverId, (w) => ({ ...w, status: 'APPROVED', inEffectFen: event.data.amountFen }), event.data.amountFen);
    case 'DuesWaiverRejected':
      return withWaiver(event.data.waiverId, (w) => ({ ...w, status: 'REJECTED' }), 0);
    case 'DuesWaiverRevoked':
      return withWaiver(
        event.data.waiverId,
        (w) => {
          const left = w.inEffectFen - event.data.amountFen;
          return { ...w, inEffectFen: left, status: left === 0 ? 'REVOKED' : w.status };
        },
        -event.data.amountFen,
      );
    case 'DuesWaiverGranted': {
      const d = event.data;
      const waivers = new Map(state.waivers);
      waivers.set(d.waiverId, {
        waiverId: d.waiverId,
        status: 'APPROVED',
        full: false,
        requestedFen: d.amountFen,
        inEffectFen: d.amountFen,
        requestedBy: null,
        reasonCategory: d.reasonCategory,
        policyId: d.policyId,
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
