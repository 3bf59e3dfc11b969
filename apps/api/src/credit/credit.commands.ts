import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import {
  type ConductRecord,
  type CreditApplicationCommand,
  type CreditApplicationFacts,
  type CreditConductCommand,
  type CreditConductEvent,
  type CreditCycleCommand,
  type CreditCycleEvent,
  type CreditRulebookCommand,
  type CreditRulebookEvent,
  type IssueCreditRating,
  creditApplicationDecider,
  creditApplicationStreamId,
  creditConductDecider,
  creditConductStreamId,
  creditCycleDecider,
  creditCycleStreamId,
  creditRulebookDecider,
  creditRulebookStreamId,
  issueCreditRatingDecider,
  openCreditCycleDecider,
  evolveCreditConduct,
  evolveCreditCycle,
  evolveCreditRulebook,
  initialCreditConductState,
  initialCreditCycleState,
  initialCreditRulebookState,
  type CreditConductState,
  type RulebookVersion,
  upcastCreditConductEvent,
} from '#domain/credit';
import { enterpriseStreamId } from '#domain/enterprise';
import { type Actor, businessDate, type Decider, InvalidInput, NotFound, RuleViolation } from '#domain/shared';
import { comparePositions, type Position, type RecordedEvent } from '#eventstore';
import { CommandDispatcher, type DispatchResult } from '../commands/command-dispatcher.js';
import { API_RUNTIME, type ApiRuntime } from '../runtime.js';

/** Projections a credit mutation's payload reads from. */
export const CREDIT_READS = ['credit'];

/** Fixed namespace for command ids derived from what a bulk run addresses (never change it: ids are stored). */
const CREDIT_COMMAND_NAMESPACE = '6d1f0c3e-2b7a-4f55-8e0d-9a4c1b7e5f21';
const BULK_CONCURRENCY = 8;
const MAX_REFUSALS_LISTED = 300;

export function creditCommandId(...parts: (string | number)[]): string {
  return uuidv5(parts.join('\u0000'), CREDIT_COMMAND_NAMESPACE);
}

export interface CreditBulkOutcome {
  considered: number;
  written: number;
  unchanged: number;
  refused: number;
  refusals: { subjectId: string; rule: string; message: string }[];
  readModelCurrent: boolean;
}

export interface ConductOutcome {
  record: DispatchResult;
  /** The rating streams the record changed. */
  ratingChanges: DispatchResult[];
}

type CycleFacts = NonNullable<CreditApplicationFacts['cycle']>;

/**
 * The conduct decider over upcast events. The command handler folds the stored events themselves (with their
 * metadata), some older than the association field: those are read as their recorder's association's.
 */
const conductDecider: Decider<CreditConductCommand, CreditConductEvent, CreditConductState> = {
  ...creditConductDecider,
  evolve: (state, event) =>
    creditConductDecider.evolve(state, upcastCreditConductEvent(event, (event as Partial<Pick<RecordedEvent, 'metadata'>>).metadata?.actor.associationId)),
};

function fold<S, E>(events: readonly RecordedEvent[], initial: S, evolve: (s: S, e: E) => S): S {
  return events.reduce((state, e) => evolve(state, e as unknown as E), initial);
}

/**
 * The credit command side: loads the facts a decision needs from other streams (the pinned rulebook, the
 * cycle, the enterprise register, membership, conduct records, certificate holders), reserves certificate
 * numbers before a rating is issued, applies conduct records to valid ratings, and runs the cycle-wide batch
 * commands with deterministic command ids. Every rule stays in the deciders.
 */
@Injectable()
export class CreditCommands {
  constructor(
    @Inject(API_RUNTIME) private readonly runtime: ApiRuntime,
    private readonly commands: CommandDispatcher,
  ) {}

  // ---- facts -------------------------------------------------------------------------------------------

  async rulebookVersion(associationId: string, rulebookId: string, version: number): Promise<RulebookVersion | null> {
    const events = await this.runtime.store.readStream(creditRulebookStreamId(associationId, rulebookId));
    const state = fold<typeof initialCreditRulebookState, CreditRulebookEvent>(events, initialCreditRulebookState, evolveCreditRulebook);
    return state.versions.find((v) => v.rulebook.version === version)?.rulebook ?? null;
  }

  async cycle(associationId: string, cycleId: string): Promise<CycleFacts | null> {
    const events = await this.runtime.store.readStream(creditCycleStreamId(associationId, cycleId));
    const state = fold<typeof initialCreditCycleState, CreditCycleEvent>(events, initialCreditCycleState, evolveCreditCycle);
    return state.status === 'none' ? null : { data: state.data, closed: state.status === 'closed', scorers: state.scorers };
  }

  /** Every association's conduct records of the subject (the deciders keep to their own association's). */
  async conductRecords(subjectId: string): Promise<ConductRecord[]> {
    const events = (await this.runtime.store.readStream(creditConductStreamId(subjectId))).map((e) =>
      upcastCreditConductEvent(e as unknown as CreditConductEvent, e.metadata.actor.associationId),
    );
    return [...events.reduce(evolveCreditConduct, initialCreditConductState).records.values()];
  }

  private async subjectRegistered(subjectId: string): Promise<boolean> {
    return (await this.runtime.store.readStream(enterpriseStreamId(subjectId), { to: 0 })).length > 0;
  }

  private async activeMember(associationId: string, subjectId: string): Promise<boolean> {
    const rows = (await this.runtime.dataSource.query(`SELECT status FROM membership WHERE association_id = $1 AND enterprise_code = $2`, [
      associationId,
      subjectId,
    ])) as { status: string }[];
    return rows[0]?.status === 'ACTIVE';
  }

  private async factsFor(command: CreditApplicationCommand, cycle?: CycleFacts | null): Promise<CreditApplicationFacts> {
    const cycleFacts = cycle === undefined ? await this.cycle(command.associationId, command.cycleId) : cycle;
    switch (command.type) {
      case 'FileCreditApplication': {
        const [subjectRegistered, activeMember] = await Promise.all([
          this.subjectRegistered(command.subjectId),
          this.activeMember(command.associationId, command.subjectId),
        ]);
        return { cycle: cycleFacts, subjectRegistered, activeMember };
      }
      case 'CompleteCreditReview':
      case 'ApplyConductToCreditRating':
        return { cycle: cycleFacts, conductRecords: await this.conductRecords(command.subjectId) };
      default:
        return { cycle: cycleFacts };
    }
  }

  // ---- rulebooks and cycles -------------------------------------------------------------------------------

  onRulebook(command: CreditRulebookCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    return this.commands.dispatch(creditRulebookDecider, creditRulebookStreamId(command.associationId, command.rulebookId), { command, actor, commandId }, CREDIT_READS);
  }

  /** Opening a cycle pins its rulebook version in the same append (`openCreditCycleDecider`); other cycle commands are plain. */
  onCycle(command: CreditCycleCommand, commandId: string | null | undefined, actor: Actor): Promise<DispatchResult> {
    if (command.type === 'OpenCreditCycle') return this.commands.dispatchAcross(openCreditCycleDecider, { command, actor, commandId }, CREDIT_READS);
    return this.commands.dispatch(creditCycleDecider(), creditCycleStreamId(command.associationId, command.cycleId), { command, actor, commandId }, CREDIT_READS);
  }

  // ---- applications ------------------------------------------------------------------------------------

  async onApplication(
    command: CreditApplicationCommand,
    commandId: string | null | undefined,
    actor: Actor,
    cycle?: CycleFacts | null,
    readProjections: readonly string[] = CREDIT_READS,
    correlationId?: string | null,
  ): Promise<DispatchResult> {
    if (command.type === 'IssueCreditRating') return this.issue(command, commandId, actor, cycle, readProjections, correlationId);
    const facts = await this.factsFor(command, cycle);
    return this.commands.dispatch(
      creditApplicationDecider(facts),
      creditApplicationStreamId(command.associationId, command.cycleId, command.subjectId),
      { command, actor, commandId, correlationId },
      readProjections,
    );
  }

  /** Issuing a rating reserves its certificate number in the same append (`issueCreditRatingDecider`). */
  private async issue(
    command: IssueCreditRating,
    commandId: string | null | undefined,
    actor: Actor,
    cycle: CycleFacts | null | undefined,
    readProjections: readonly string[],
    correlationId?: string | null,
  ): Promise<DispatchResult> {
    const facts = await this.factsFor(command, cycle);
    return this.commands.dispatchAcross(issueCreditRatingDecider(facts), { command, actor, commandId, correlationId }, readProjections);
  }

  // ---- conduct records -------------------------------------------------------------------------------------

  /**
   * Records a conduct record, then applies it at once to every valid rating of the subject that the recording
   * association issued (dynamic rules; another association's ratings are not its to change).
   */
  async recordConduct(command: CreditConductCommand, commandId: string | null | undefined, actor: Actor): Promise<ConductOutcome> {
    const id = commandId ?? randomUUID();
    const record = await this.commands.dispatch(conductDecider, creditConductStreamId(command.subjectId), { command, actor, commandId: id }, CREDIT_READS);
    if (command.type !== 'RecordCreditConduct') return { record, ratingChanges: [] };
    const ratings = (await this.runtime.dataSource.query(
      `SELECT association_id, cycle_id FROM credit_application
       WHERE association_id = $1 AND subject_id = $2 AND rating_status IN ('ACTIVE', 'SUSPENDED') ORDER BY cycle_id`,
      [command.associationId, command.subjectId],
    )) as { association_id: string; cycle_id: string }[];
    const ratingChanges: DispatchResult[] = [];
    for (const r of ratings) {
      try {
        const result = await this.onApplication(
          { type: 'ApplyConductToCreditRating', associationId: r.association_id, cycleId: r.cycle_id, subjectId: command.subjectId, recordId: command.recordId },
          creditCommandId('apply-conduct', id, r.association_id, r.cycle_id),
          actor,
        );
        if (result.eventCount > 0) ratingChanges.push(result);
      } catch (error) {
        // A rating that lapsed since the read model listed it is simply not valid any more.
        if (!(error instanceof RuleViolation)) throw error;
      }
    }
    return { record, ratingChanges };
  }

  // ---- batch commands over a cycle ------------------------------------------------------------------------

  private async requireCycle(associationId: string, cycleId: string): Promise<CycleFacts> {
    const cycle = await this.cycle(associationId, cycleId);
    if (!cycle) throw new NotFound('Credit cycle', cycleId);
    return cycle;
  }

  private async subjectsIn(associationId: string, cycleId: string, status: string | null): Promise<string[]> {
    const rows = (await this.runtime.dataSource.query(
      `SELECT subject_id FROM credit_application WHERE association_id = $1 AND cycle_id = $2 AND ($3::text IS NULL OR status = $3) ORDER BY subject_id`,
      [associationId, cycleId, status],
    )) as { subject_id: string }[];
    return rows.map((r) => r.subject_id);
  }

  /** Sends one command per subject (each one event stream, each its own command) with bounded concurrency. */
  async runBulk(
    associationId: string,
    cycleId: string,
    subjects: readonly string[],
    build: (subjectId: string, index: number) => { command: CreditApplicationCommand; commandId: string },
    actor: Actor,
    correlationId?: string | null,
  ): Promise<CreditBulkOutcome> {
    const cycle = await this.requireCycle(associationId, cycleId);
    const outcome: CreditBulkOutcome = { considered: subjects.length, written: 0, unchanged: 0, refused: 0, refusals: [], readModelCurrent: true };
    let last: Position | null = null;
    let next = 0;
    const worker = async () => {
      while (next < subjects.length) {
        const index = next++;
        const subjectId = subjects[index]!;
        try {
          const { command, commandId } = build(subjectId, index);
          const result = await this.onApplication(command, commandId, actor, cycle, [], correlationId);
          if (result.duplicate || result.position === null) outcome.unchanged += 1;
          else {
            outcome.written += 1;
            if (comparePositions(result.position, last) > 0) last = result.position;
          }
        } catch (error) {
          if (!(error instanceof RuleViolation || error instanceof NotFound || error instanceof InvalidInput)) throw error;
          outcome.refused += 1;
          if (outcome.refusals.length < MAX_REFUSALS_LISTED) {
            const rule = error instanceof RuleViolation ? error.rule : error instanceof NotFound ? 'NOT_FOUND' : 'BAD_USER_INPUT';
            outcome.refusals.push({ subjectId, rule, message: error.message });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, subjects.length) }, worker));
    if (last !== null) outcome.readModelCurrent = await this.runtime.waiter.waitFor(last, CREDIT_READS, this.runtime.config.readYourWritesTimeoutMs);
    return outcome;
  }

  async completeAllReviews(associationId: string, cycleId: string, actor: Actor): Promise<CreditBulkOutcome> {
    const subjects = await this.subjectsIn(associationId, cycleId, 'UNDER_REVIEW');
    return this.runBulk(associationId, cycleId, subjects, (subjectId) => ({
      command: { type: 'CompleteCreditReview', associationId, cycleId, subjectId },
      commandId: randomUUID(),
    }), actor);
  }

  async startAllNotices(associationId: string, cycleId: string, startsOn: string | null, actor: Actor): Promise<CreditBulkOutcome> {
    const subjects = await this.subjectsIn(associationId, cycleId, 'REVIEWED');
    return this.runBulk(associationId, cycleId, subjects, (subjectId) => ({
      command: { type: 'StartCreditNotice', associationId, cycleId, subjectId, startsOn },
      commandId: randomUUID(),
    }), actor);
  }

  /**
   * Issues every rating whose notice is over, numbering certificates `<prefix>-<nnnn>` by the subject's place
   * among all applications of the cycle (so a re-run gives each subject the same number and writes nothing).
   */
  async issueAll(associationId: string, cycleId: string, certificatePrefix: string, validFrom: string | null, actor: Actor): Promise<CreditBulkOutcome> {
    if (!/^[A-Za-z0-9-]{1,30}$/.test(certificatePrefix)) {
      throw new InvalidInput([{ field: 'certificatePrefix', message: 'must be 1 to 30 letters, digits or hyphens.' }]);
    }
    const all = await this.subjectsIn(associationId, cycleId, null);
    const inNotice = new Set(await this.subjectsIn(associationId, cycleId, 'IN_NOTICE'));
    const numbered = all.map((subjectId, index) => ({ subjectId, number: `${certificatePrefix}-${String(index + 1).padStart(4, '0')}` })).filter((s) => inNotice.has(s.subjectId));
    return this.runBulk(associationId, cycleId, numbered.map((s) => s.subjectId), (subjectId, index) => ({
      command: { type: 'IssueCreditRating', associationId, cycleId, subjectId, certificateNumber: numbered[index]!.number, validFrom },
      commandId: creditCommandId('issue', associationId, cycleId, subjectId, numbered[index]!.number, validFrom ?? ''),
    }), actor);
  }

  /**
   * Records the expiry of every rating of the cycle past its valid-to (queries already treat them as expired).
   * The command ids derive from the rating alone, so this mutation and the scheduled job never both write one.
   */
  async recordExpiries(associationId: string, cycleId: string, actor: Actor, correlationId?: string | null): Promise<CreditBulkOutcome> {
    const rows = (await this.runtime.dataSource.query(
      `SELECT subject_id FROM credit_application WHERE association_id = $1 AND cycle_id = $2 AND rating_status IN ('ACTIVE', 'SUSPENDED')
         AND valid_to < $3 ORDER BY subject_id`,
      [associationId, cycleId, businessDate(this.runtime.clock.now())],
    )) as { subject_id: string }[];
    return this.runBulk(associationId, cycleId, rows.map((r) => r.subject_id), (subjectId) => ({
      command: { type: 'RecordCreditRatingExpiry', associationId, cycleId, subjectId },
      commandId: creditCommandId('expiry', associationId, cycleId, subjectId),
    }), actor, correlationId);
  }

  /** The cycles, of every association, holding a rating past its valid-to whose expiry is not yet recorded. */
  async cyclesWithDueExpiries(): Promise<{ associationId: string; cycleId: string }[]> {
    const rows = (await this.runtime.dataSource.query(
      `SELECT DISTINCT association_id, cycle_id FROM credit_application WHERE rating_status IN ('ACTIVE', 'SUSPENDED') AND valid_to < $1
       ORDER BY association_id, cycle_id`,
      [businessDate(this.runtime.clock.now())],
    )) as { association_id: string; cycle_id: string }[];
    return rows.map((r) => ({ associationId: r.association_id, cycleId: r.cycle_id }));
  }
}
