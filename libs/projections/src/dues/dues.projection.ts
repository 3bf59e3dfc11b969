import type { RecordedEvent } from '#eventstore';
import { DUES_EVENT_TYPES, type DuesEvent } from '#domain/dues';
import { positionBefore, type Row, type TableSpec, TableBuffer, type Value } from '../bulk-rows.js';
import type { Projection } from '../projection.js';

type Recorded<T extends DuesEvent['type']> = RecordedEvent<T, Extract<DuesEvent, { type: T }>['data']>;
type AccountKey = { associationId: string; enterpriseCode: string; year: number };

/**
 * Dues read models: fee schedule versions, accounts (current figures), the account ledger (bitemporal:
 * business date and recorded-at per money event), payments, waivers and waiver policies. Every row keeps the
 * position of the last event that shaped it and is only touched by a later event, so a second delivery
 * changes nothing (the account figures are increments, so that guard is what keeps them right).
 *
 * Set-based: a batch loads the accounts and waivers it touches in one statement each, applies its events to
 * them in memory, in order and with the guards above, and writes every table back in one statement (see
 * bulk-rows.ts). Live batches and rebuilds run the same code.
 */
export const duesProjection: Projection = {
  name: 'dues',
  // 2: a waiver says on what authority it is in effect (APPROVAL or POLICY) and who recorded it; a policy grant
  // no longer names its operator as approver (migration 1795219710000).
  version: 2,
  handles: DUES_EVENT_TYPES,
  tables: ['dues_fee_schedule', 'dues_account', 'dues_account_entry', 'dues_payment', 'dues_waiver', 'dues_waiver_policy'],
  // Rows are loaded and written only by primary key (bulk-rows), so a rebuild may build the other indexes last.
  rebuildIndexesAfterReplay: true,
  async apply(events, tx) {
    const accountKeys: Value[][] = [];
    const waiverKeys: Value[][] = [];
    for (const event of events) {
      const d = event.data as Partial<AccountKey & { waiverId: string }>;
      if (d.enterpriseCode === undefined || d.year === undefined || d.associationId === undefined) continue;
      // Events that only insert (ON CONFLICT DO NOTHING) need no row loaded; those that change one do.
      if (event.type !== 'DuesInvoiced') accountKeys.push([d.associationId, d.enterpriseCode, d.year]);
      if (d.waiverId !== undefined && event.type !== 'DuesWaiverRequested' && event.type !== 'DuesWaiverGranted') {
        waiverKeys.push([d.associationId, d.enterpriseCode, d.year, d.waiverId]);
      }
    }
    const batch: Batch = {
      accounts: await TableBuffer.load(tx, ACCOUNT, accountKeys),
      waivers: await TableBuffer.load(tx, WAIVER, waiverKeys),
      schedules: new TableBuffer(FEE_SCHEDULE),
      policies: new TableBuffer(WAIVER_POLICY),
      payments: new TableBuffer(PAYMENT),
      entries: new TableBuffer(ENTRY),
    };
    for (const event of events) applyOne(event as RecordedEvent<DuesEvent['type']>, batch);
    for (const table of [batch.schedules, batch.policies, batch.accounts, batch.entries, batch.payments, batch.waivers]) {
      await table.flush(tx);
    }
  },
};

const FEE_SCHEDULE: TableSpec = {
  table: 'dues_fee_schedule',
  key: ['association_id', 'version'],
  columns: {
    association_id: 'text', version: 'integer', effective_from: 'date', amounts: 'jsonb', second_half_percent: 'integer',
    decision: 'jsonb', warnings: 'jsonb', adopted_at: 'timestamptz', adopted_by: 'text', last_event_id: 'uuid', last_position: 'text',
  },
};

const WAIVER_POLICY: TableSpec = {
  table: 'dues_waiver_policy',
  key: ['association_id', 'policy_id'],
  columns: {
    association_id: 'text', policy_id: 'text', year: 'integer', title: 'text', reason_category: 'text', reason: 'text',
    default_percent: 'integer', size_class_percents: 'jsonb', decision: 'jsonb', adopted_at: 'timestamptz', adopted_by: 'text',
    last_event_id: 'uuid', last_position: 'text',
  },
};

const ACCOUNT: TableSpec = {
  table: 'dues_account',
  key: ['association_id', 'enterprise_code', 'year'],
  columns: {
    association_id: 'text', enterprise_code: 'varchar', year: 'integer', tier: 'text', schedule_version: 'integer', annual_fen: 'bigint',
    invoiced_fen: 'bigint', paid_fen: 'bigint', waived_fen: 'bigint', balance_fen: 'bigint', pro_rated_percent: 'integer',
    admitted_on: 'date', invoiced_on: 'date', invoiced_at: 'timestamptz', updated_at: 'timestamptz', revision: 'integer',
    last_event_id: 'uuid', last_position: 'text',
  },
};

const ENTRY: TableSpec = {
  table: 'dues_account_entry',
  key: ['association_id', 'enterprise_code', 'year', 'revision'],
  columns: {
    association_id: 'text', enterprise_code: 'varchar', year: 'integer', revision: 'integer', kind: 'text', amount_fen: 'bigint',
    waiver_id: 'text', effective_on: 'date', recorded_at: 'timestamptz', event_id: 'uuid', position: 'text',
  },
};

const PAYMENT: TableSpec = {
  table: 'dues_payment',
  key: ['association_id', 'receipt_number'],
  columns: {
    association_id: 'text', receipt_number: 'text', enterprise_code: 'varchar', year: 'integer', amount_fen: 'bigint', paid_on: 'date',
    recorded_at: 'timestamptz', recorded_by: 'text', last_event_id: 'uuid', last_position: 'text',
  },
};

const WAIVER: TableSpec = {
  table: 'dues_waiver',
  key: ['association_id', 'enterprise_code', 'year', 'waiver_id'],
  columns: {
    association_id: 'text', enterprise_code: 'varchar', year: 'integer', waiver_id: 'text', status: 'text', full_waiver: 'boolean',
    requested_fen: 'bigint', in_effect_fen: 'bigint', approved_fen: 'bigint', revoked_fen: 'bigint', reason_category: 'text',
    reason: 'text', evidence_reference: 'text', requested_by: 'text', requested_at: 'timestamptz', approved_by: 'text',
    approved_at: 'timestamptz', approval_note: 'text', rejected_by: 'text', rejection_reason: 'text', revoked_by: 'text',
    revocation_reason: 'text', revoked_at: 'timestamptz', policy_id: 'text', decision: 'jsonb', authority: 'text', recorded_by: 'text',
    recorded_at: 'timestamptz', updated_at: 'timestamptz', last_event_id: 'uuid', last_position: 'text',
  },
};

/** The tables this projection writes set-based (a test holds them to the migrated tables' columns). */
export const duesTableSpecs: readonly TableSpec[] = [FEE_SCHEDULE, WAIVER_POLICY, ACCOUNT, ENTRY, PAYMENT, WAIVER];

interface Batch {
  readonly accounts: TableBuffer;
  readonly waivers: TableBuffer;
  readonly schedules: TableBuffer;
  readonly policies: TableBuffer;
  readonly payments: TableBuffer;
  readonly entries: TableBuffer;
}

function applyOne(event: RecordedEvent<DuesEvent['type']>, batch: Batch): void {
  const at = event.metadata.recordedAt;
  const by = event.metadata.actor.userId;
  switch (event.type) {
    case 'FeeScheduleAdopted': {
      const d = (event as Recorded<'FeeScheduleAdopted'>).data;
      batch.schedules.insert({
        association_id: d.associationId, version: d.version, effective_from: d.effectiveFrom, amounts: JSON.stringify(d.amounts),
        second_half_percent: d.secondHalfPercent, decision: JSON.stringify(d.decision), warnings: JSON.stringify(d.warnings),
        adopted_at: at, adopted_by: by, last_event_id: event.id, last_position: event.position,
      });
      return;
    }
    case 'WaiverPolicyAdopted': {
      const d = (event as Recorded<'WaiverPolicyAdopted'>).data;
      batch.policies.insert({
        association_id: d.associationId, policy_id: d.policyId, year: d.year, title: d.title, reason_category: d.reasonCategory,
        reason: d.reason, default_percent: d.defaultPercent, size_class_percents: JSON.stringify(d.sizeClassPercents),
        decision: JSON.stringify(d.decision), adopted_at: at, adopted_by: by, last_event_id: event.id, last_position: event.position,
      });
      return;
    }
    case 'DuesReceiptReserved':
      // The reservation streams only guard uniqueness; payments are read from the account streams.
      return;
    case 'DuesInvoiced': {
      const d = (event as Recorded<'DuesInvoiced'>).data;
      batch.accounts.insert({
        association_id: d.associationId, enterprise_code: d.enterpriseCode, year: d.year, tier: d.tier, schedule_version: d.scheduleVersion,
        annual_fen: d.annualFen, invoiced_fen: d.amountFen, paid_fen: 0, waived_fen: 0, balance_fen: d.amountFen,
        pro_rated_percent: d.proRatedPercent, admitted_on: d.admittedOn, invoiced_on: d.invoicedOn, invoiced_at: at, updated_at: at,
        revision: event.revision, last_event_id: event.id, last_position: event.position,
      });
      entry(batch, event, d, 'INVOICE', d.amountFen, null, d.invoicedOn);
      return;
    }
    case 'DuesPaymentRecorded': {
      const d = (event as Recorded<'DuesPaymentRecorded'>).data;
      batch.payments.insert({
        association_id: d.associationId, receipt_number: d.receiptNumber, enterprise_code: d.enterpriseCode, year: d.year,
        amount_fen: d.amountFen, paid_on: d.paidOn, recorded_at: at, recorded_by: by, last_event_id: event.id, last_position: event.position,
      });
      account(batch, event, d, (a) => ({ paid_fen: fen(a.paid_fen) + d.amountFen, balance_fen: fen(a.balance_fen) - d.amountFen }));
      entry(batch, event, d, 'PAYMENT', d.amountFen, null, d.paidOn);
      return;
    }
    case 'DuesWaiverRequested': {
      const d = (event as Recorded<'DuesWaiverRequested'>).data;
      batch.waivers.insert({
        ...emptyWaiver, association_id: d.associationId, enterprise_code: d.enterpriseCode, year: d.year, waiver_id: d.waiverId,
        status: 'REQUESTED', full_waiver: d.full, requested_fen: d.amountFen, in_effect_fen: 0, revoked_fen: 0,
        reason_category: d.reasonCategory, reason: d.reason, evidence_reference: d.evidenceReference, requested_by: d.requestedBy,
        requested_at: at, updated_at: at, last_event_id: event.id, last_position: event.position,
      });
      account(batch, event, d, () => ({}));
      return;
    }
    case 'DuesWaiverApproved': {
      const d = (event as Recorded<'DuesWaiverApproved'>).data;
      waiver(batch, event, d, d.waiverId, () => ({
        status: 'APPROVED', in_effect_fen: d.amountFen, approved_fen: d.amountFen, approved_by: d.approvedBy, approved_at: at,
        approval_note: d.note, authority: 'APPROVAL', recorded_by: by, recorded_at: at,
      }));
      account(batch, event, d, (a) => ({ waived_fen: fen(a.waived_fen) + d.amountFen, balance_fen: fen(a.balance_fen) - d.amountFen }));
      entry(batch, event, d, 'WAIVER', d.amountFen, d.waiverId, d.approvedOn);
      return;
    }
    case 'DuesWaiverRejected': {
      const d = (event as Recorded<'DuesWaiverRejected'>).data;
      waiver(batch, event, d, d.waiverId, () => ({ status: 'REJECTED', rejected_by: d.rejectedBy, rejection_reason: d.reason }));
      account(batch, event, d, () => ({}));
      return;
    }
    case 'DuesWaiverRevoked': {
      const d = (event as Recorded<'DuesWaiverRevoked'>).data;
      waiver(batch, event, d, d.waiverId, (w) => ({
        in_effect_fen: fen(w.in_effect_fen) - d.amountFen,
        revoked_fen: fen(w.revoked_fen) + d.amountFen,
        status: fen(w.in_effect_fen) - d.amountFen === 0 ? 'REVOKED' : w.status!,
        revoked_by: d.revokedBy,
        revocation_reason: d.reason,
        revoked_at: at,
      }));
      account(batch, event, d, (a) => ({ waived_fen: fen(a.waived_fen) - d.amountFen, balance_fen: fen(a.balance_fen) + d.amountFen }));
      entry(batch, event, d, 'WAIVER_REVOKED', d.amountFen, d.waiverId, d.effectiveFrom);
      return;
    }
    case 'DuesWaiverGranted': {
      const d = (event as Recorded<'DuesWaiverGranted'>).data;
      batch.waivers.insert({
        ...emptyWaiver, association_id: d.associationId, enterprise_code: d.enterpriseCode, year: d.year, waiver_id: d.waiverId,
        status: 'APPROVED', full_waiver: false, requested_fen: d.amountFen, in_effect_fen: d.amountFen, approved_fen: d.amountFen,
        // The policy's decision is the authority; whoever applied the policy recorded the grant but approved nothing.
        revoked_fen: 0, reason_category: d.reasonCategory, reason: d.reason, policy_id: d.policyId, decision: JSON.stringify(d.decision),
        authority: 'POLICY', recorded_by: by, recorded_at: at, updated_at: at, last_event_id: event.id, last_position: event.position,
      });
      account(batch, event, d, (a) => ({ waived_fen: fen(a.waived_fen) + d.amountFen, balance_fen: fen(a.balance_fen) - d.amountFen }));
      entry(batch, event, d, 'WAIVER', d.amountFen, d.waiverId, d.grantedOn);
      return;
    }
  }
}

const emptyWaiver: Row = Object.fromEntries(Object.keys(WAIVER.columns).map((c) => [c, null]));

/** Money columns come back from Postgres as text (bigint). */
function fen(value: Value | undefined): number {
  return Number(value);
}

/** Changes the account row (when it exists and has not seen this event) and stamps it with the event. */
function account(batch: Batch, event: RecordedEvent, key: AccountKey, set: (row: Row) => Row): void {
  const row = batch.accounts.get([key.associationId, key.enterpriseCode, key.year]);
  if (!row || !positionBefore(row.last_position!, event.position)) return;
  const next = { ...row, ...set(row) };
  // The table's CHECK (dues_account_within_invoice), which would fail the per-row UPDATE the same way.
  if (fen(next.paid_fen) + fen(next.waived_fen) > fen(next.invoiced_fen) || fen(next.balance_fen) < 0) {
    throw new Error(
      `Event ${event.id} would break dues_account_within_invoice for ${key.associationId}/${key.enterpriseCode}/${key.year}`,
    );
  }
  Object.assign(row, next, {
    updated_at: event.metadata.recordedAt,
    revision: event.revision,
    last_event_id: event.id,
    last_position: event.position,
  });
  batch.accounts.changed(row);
}

function waiver(batch: Batch, event: RecordedEvent, key: AccountKey, waiverId: string, set: (row: Row) => Row): void {
  const row = batch.waivers.get([key.associationId, key.enterpriseCode, key.year, waiverId]);
  if (!row || !positionBefore(row.last_position!, event.position)) return;
  Object.assign(row, set(row), { updated_at: event.metadata.recordedAt, last_event_id: event.id, last_position: event.position });
  batch.waivers.changed(row);
}

function entry(
  batch: Batch,
  event: RecordedEvent,
  key: AccountKey,
  kind: 'INVOICE' | 'PAYMENT' | 'WAIVER' | 'WAIVER_REVOKED',
  amountFen: number,
  waiverId: string | null,
  effectiveOn: string,
): void {
  batch.entries.insert({
    association_id: key.associationId, enterprise_code: key.enterpriseCode, year: key.year, revision: event.revision, kind,
    amount_fen: amountFen, waiver_id: waiverId, effective_on: effectiveOn, recorded_at: event.metadata.recordedAt, event_id: event.id,
    position: event.position,
  });
}
