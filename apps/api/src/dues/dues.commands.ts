import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  duesAccountDecider,
  duesAccountStreamId,
  type DuesAccountCommand,
  type DuesAccountFacts,
  evolveFeeSchedule,
  evolveWaiverPolicy,
  feeScheduleDecider,
  feeScheduleStreamId,
  type FeeScheduleCommand,
  type FeeScheduleEvent,
  type FeeScheduleVersion,
  initialFeeScheduleState,
  initialWaiverPolicyState,
  type MembershipFact,
  policyPercentFor,
  type RecordDuesPayment,
  duesPaymentDecider,
  type WaiverPolicyAdopted,
  waiverPolicyDecider,
  waiverPolicyStreamId,
  type WaiverPolicyCommand,
  type WaiverPolicyEvent,
} from '#domain/dues';
import { associationDecider, associationStreamId, type AssociationEvent } from '#domain/membership';
import { type Actor, InvalidInput, normaliseCreditCode, NotFound, RuleViolation } from '#domain/shared';
import { comparePositions, type Position, type RecordedEvent } from '#eventstore';
import type { WrittenEvent } from '#platform';
import { CommandDispatcher, type DispatchResult } from '../commands/command-dispatcher.js';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

/** Projections a dues mutation's payload reads from. */
export const DUES_READS = ['dues'];

/** Fixed namespace for command ids derived from what a bulk run addresses (never change it: ids are stored). */
const DUES_COMMAND_NAMESPACE = '0b7f1c52-8d1e-4a5b-9c6e-3f2a7d9e4b10';
const BULK_CONCURRENCY = 8;
const MAX_REFUSALS_LISTED = 100;

export function derivedCommandId(...parts: (string | number)[]): string {
  return uuidv5(parts.join('\u0000'), DUES_COMMAND_NAMESPACE);
}

export interface BulkOutcome {
  considered: number;
  written: number;
  unchanged: number;
  refused: number;
  refusals: { enterpriseCode: string; rule: string; message: string }[];
  amountFen: number;
  readModelCurrent: boolean;
}

function fold<S, E>(events: readonly RecordedEvent[], initial: S, evolve: (s: S, e: E) => S): S {
  return events.reduce((state, e) => evolve(state, e as unknown as E), initial);
}

/**
 * The dues command side: loads the facts a dues decision needs from outside its stream (the charter's waiver
 * approvers from the association stream, fee schedule versions, the membership from the membership register),
 * guards receipt numbers across accounts, and runs the bulk commands with deterministic command ids.
 * Every rule stays in the deciders.
 */
@Injectable()
export class DuesCommands {
  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly commands: CommandDispatcher,
  ) {}

  // ---- facts -------------------------------------------------------------------------------------

  async schedules(associationId: string): Promise<FeeScheduleVersion[]> {
    const events = await this.runtime.store.readStream(feeScheduleStreamId(associationId));
    return [...fold<{ versions: readonly FeeScheduleVersion[] }, FeeScheduleEvent>(events, initialFeeScheduleState, evolveFeeSchedule).versions];
  }

  /** User ids the association's charter authorises to decide on waivers (none if it is not registered). */
  async waiverApprovers(associationId: string): Promise<readonly string[]> {
    const events = await this.runtime.store.readStream(associationStreamId(associationId));
    const state = fold(events, associationDecider.initialState, (s, e: AssociationEvent) => associationDecider.evolve(s, e));
    return state.status === 'registered' ? state.waiverApprovers : [];
  }

  async membership(associationId: string, enterpriseCode: string): Promise<MembershipFact | null> {
    const rows = (await this.runtime.dataSource.query(
      `SELECT status, tier, admitted_on::text AS admitted_on FROM membership WHERE association_id = $1 AND enterprise_code = $2`,
      [associationId, enterpriseCode],
    )) as { status: string; tier: string | null; admitted_on: string | null }[];
    const row = rows[0];
    return row ? { status: row.status, tier: row.tier ?? '', admittedOn: row.admitted_on } : null;
  }

  async policy(associationId: string, policyId: string): Promise<WaiverPolicyAdopted['data']> {
    const events = await this.runtime.store.readStream(waiverPolicyStreamId(associationId, policyId));
    const state = fold(events, initialWaiverPolicyState, (s, e: WaiverPolicyEvent) => evolveWaiverPolicy(s, e));
    if (state.status !== 'adopted') throw new NotFound('Waiver policy', policyId);
    return state.policy;
  }

  // ---- single commands ------------------------------------------------------------------------------

  adoptFeeSchedule(command: FeeScheduleCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    return this.commands.dispatch(feeScheduleDecider, feeScheduleStreamId(command.associationId), { command, actor, commandId }, DUES_READS);
  }

  adoptWaiverPolicy(command: WaiverPolicyCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    return this.commands.dispatch(
      waiverPolicyDecider,
      waiverPolicyStreamId(command.associationId, command.policyId),
      { command, actor, commandId },
      DUES_READS,
    );
  }

  /** Account commands other than payments; loads the facts the command needs. */
  async onAccount(command: DuesAccountCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    const normalised = { ...command, enterpriseCode: normaliseCreditCode(command.enterpriseCode) };
    const facts = await this.factsFor(normalised);
    return this.commands.dispatch(
      duesAccountDecider(facts),
      duesAccountStreamId(normalised.associationId, normalised.enterpriseCode, normalised.year),
      { command: normalised, actor, commandId: commandId ?? this.defaultCommandId(normalised) },
      DUES_READS,
    );
  }

  /** An invoice's command id is derived from its account, so invoicing a year twice is the same command. */
  private defaultCommandId(command: DuesAccountCommand): string | null {
    return command.type === 'IssueDuesInvoice'
      ? derivedCommandId('invoice', command.associationId, command.enterpriseCode, command.year)
      : null;
  }

  private async factsFor(command: DuesAccountCommand): Promise<DuesAccountFacts> {
    switch (command.type) {
      case 'IssueDuesInvoice': {
        const [membership, schedules] = await Promise.all([
          this.membership(command.associationId, command.enterpriseCode),
          this.schedules(command.associationId),
        ]);
        return { membership, schedules };
      }
      case 'ApproveDuesWaiver':
      case 'RejectDuesWaiver':
      case 'RevokeDuesWaiver':
        return { waiverApprovers: await this.waiverApprovers(command.associationId) };
      default:
        return {};
    }
  }

  /**
   * A payment and the claim on its receipt number, appended together or not at all (`duesPaymentDecider`): a
   * refused payment leaves its receipt number free.
   */
  recordPayment(input: RecordDuesPayment, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    const command: RecordDuesPayment = { ...input, enterpriseCode: normaliseCreditCode(input.enterpriseCode) };
    return this.commands.dispatchAcross(duesPaymentDecider, { command, actor, commandId }, DUES_READS);
  }

  // ---- bulk commands -----------------------------------------------------------------------------------

  /** Invoices every active member of the association for the year; a re-run writes nothing. */
  async invoiceYear(associationId: string, year: number, actor: Actor): Promise<BulkOutcome> {
    if (!Number.isInteger(year) || year < 1990 || year > 2100) {
      throw new InvalidInput([{ field: 'year', message: 'must be a year between 1990 and 2100.' }]);
    }
    const [members, schedules] = await Promise.all([
      this.runtime.dataSource.query(
        `SELECT enterprise_code, status, tier, admitted_on::text AS admitted_on FROM membership
         WHERE association_id = $1 AND status = 'ACTIVE' ORDER BY enterprise_code`,
        [associationId],
      ) as Promise<{ enterprise_code: string; status: string; tier: string | null; admitted_on: string | null }[]>,
      this.schedules(associationId),
    ]);
    // A member admitted after the year owes nothing for it: not a refusal, simply not addressed.
    const addressed = members.filter((m) => !m.admitted_on || Number(m.admitted_on.slice(0, 4)) <= year);
    return this.runBulk(
      addressed.map((m) => m.enterprise_code),
      async (enterpriseCode, index) => {
        const m = addressed[index]!;
        return this.commands.dispatch(
          duesAccountDecider({ membership: { status: m.status, tier: m.tier ?? '', admittedOn: m.admitted_on }, schedules }),
          duesAccountStreamId(associationId, enterpriseCode, year),
          {
            command: { type: 'IssueDuesInvoice', associationId, enterpriseCode, year },
            actor,
            commandId: derivedCommandId('invoice', associationId, enterpriseCode, year),
          },
          [],
        );
      },
      (events) => events.reduce((sum, e) => sum + (e.type === 'DuesInvoiced' ? Number(e.data.amountFen) : 0), 0),
    );
  }

  /** Grants the policy's waiver on every invoiced account of its year; one event per account, a re-run writes nothing. */
  async applyWaiverPolicy(associationId: string, policyId: string, actor: Actor): Promise<BulkOutcome> {
    const policy = await this.policy(associationId, policyId);
    const accounts = (await this.runtime.dataSource.query(
      `SELECT a.enterprise_code, e.size_class FROM dues_account a LEFT JOIN enterprise e ON e.code = a.enterprise_code
       WHERE a.association_id = $1 AND a.year = $2 ORDER BY a.enterprise_code`,
      [associationId, policy.year],
    )) as { enterprise_code: string; size_class: string | null }[];
    return this.runBulk(
      accounts.map((a) => a.enterprise_code),
      (enterpriseCode, index) =>
        this.commands.dispatch(
          duesAccountDecider(),
          duesAccountStreamId(associationId, enterpriseCode, policy.year),
          {
            command: {
              type: 'GrantPolicyWaiver',
              associationId,
              enterpriseCode,
              year: policy.year,
              waiverId: derivedCommandId('policy-waiver', associationId, policyId, enterpriseCode, policy.year),
              policyId,
              policyYear: policy.year,
              percent: policyPercentFor(policy, accounts[index]!.size_class),
              reasonCategory: policy.reasonCategory,
              reason: policy.reason,
              decision: policy.decision,
            },
            actor,
            commandId: derivedCommandId('policy', associationId, policyId, enterpriseCode, policy.year),
          },
          [],
        ),
      (events) => events.reduce((sum, e) => sum + (e.type === 'DuesWaiverGranted' ? Number(e.data.amountFen) : 0), 0),
    );
  }

  private async runBulk(
    codes: readonly string[],
    send: (code: string, index: number) => Promise<DispatchResult>,
    amountOf: (events: readonly WrittenEvent[]) => number,
  ): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { considered: codes.length, written: 0, unchanged: 0, refused: 0, refusals: [], amountFen: 0, readModelCurrent: true };
    let last: Position | null = null;
    let next = 0;
    const worker = async () => {
      while (next < codes.length) {
        const index = next++;
        const code = codes[index]!;
        try {
          const result = await send(code, index);
          if (result.duplicate || result.position === null) {
            outcome.unchanged += 1;
            continue;
          }
          outcome.written += 1;
          outcome.amountFen += amountOf(result.streams.flatMap((s) => s.events));
          if (comparePositions(result.position, last) > 0) last = result.position;
        } catch (error) {
          if (!(error instanceof RuleViolation || error instanceof NotFound)) throw error;
          outcome.refused += 1;
          if (outcome.refusals.length < MAX_REFUSALS_LISTED) {
            outcome.refusals.push({ enterpriseCode: code, rule: error instanceof RuleViolation ? error.rule : 'NOT_FOUND', message: error.message });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, codes.length) }, worker));
    if (last !== null) {
      outcome.readModelCurrent = await this.runtime.waiter.waitFor(last, DUES_READS, this.runtime.config.readYourWritesTimeoutMs);
    }
    return outcome;
  }
}
