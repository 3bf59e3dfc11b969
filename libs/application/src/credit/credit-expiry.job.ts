import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type Actor, businessDate, SYSTEM_ROLE } from '#domain/shared';
import { newId, PeriodicJob, SERVICE_RUNTIME, type ServiceRuntime, type SessionLeaseKey, withSessionLease } from '#platform';
import { CreditQueries } from '#projections';
import { RecordCreditExpiriesCommand } from './commands/credit-cycle-bulk.handler.js';

/** The user id the job's events carry as their actor (audit trail: "who" is this job, not a person). */
export const CREDIT_EXPIRY_JOB_USER = 'system:credit-expiry-job';

/**
 * Held for the length of a run, so that two processes running the job (two projectors, or a projector beside a
 * single-process server) never run it at once. Class 'CREX'.
 */
const LEASE: SessionLeaseKey = { lockClass: 0x43524558, key: 1 };

export interface CreditExpiryRun {
  /** False when another process held the lease: this run did nothing. */
  readonly ran: boolean;
  /** The business date (China) the run judged expiry by: ratings valid to before it were due. */
  readonly businessDate: string;
  readonly correlationId: string;
  readonly cycles: number;
  readonly considered: number;
  /** Expiries written by this run. */
  readonly recorded: number;
  /** Due ratings whose expiry was already recorded (e.g. by the batch mutation or another run). */
  readonly unchanged: number;
  readonly refused: number;
}

/**
 * Records the expiry of every credit rating past its valid-to. Queries already answer EXPIRED from the day
 * after valid-to; this writes the `CreditRatingExpired` event the history and the change feed need, through
 * the same command path as the `recordCreditExpiries` mutation (same deciders, same deterministic command
 * ids, so a rating is expired once whoever gets there first). The actor is the job itself, acting for the
 * rating's association; the event names the rule (the rulebook's validity).
 */
@Injectable()
export class CreditExpiryJob extends PeriodicJob<CreditExpiryRun> {
  private readonly logger: Logger;
  private readonly runs: Counter<'outcome'>;
  private readonly expired: Counter;
  private readonly lastRun: Gauge;

  constructor(
    @Inject(SERVICE_RUNTIME) runtime: ServiceRuntime,
    private readonly commandBus: CommandBus,
    private readonly credit: CreditQueries,
  ) {
    super(runtime, runtime.config.creditExpiryIntervalSeconds);
    this.logger = runtime.logger.child({ component: 'credit-expiry-job' });
    const registers = [runtime.metrics.registry];
    this.runs = new Counter({
      name: 'register_credit_expiry_runs_total',
      help: 'Runs of the credit expiry job by outcome: ran, skipped (another process held the lease) or failed.',
      labelNames: ['outcome'],
      registers,
    });
    this.expired = new Counter({ name: 'register_credit_expiries_recorded_total', help: 'Rating expiries the credit expiry job recorded.', registers });
    this.lastRun = new Gauge({
      name: 'register_credit_expiry_last_run_seconds',
      help: 'Unix time (seconds) of the last completed run of the credit expiry job in this process.',
      registers,
    });
  }

  protected async run(): Promise<CreditExpiryRun> {
    const started = Date.now();
    const correlationId = newId();
    const today = businessDate(this.runtime.clock.now());
    const skipped: CreditExpiryRun = { ran: false, businessDate: today, correlationId, cycles: 0, considered: 0, recorded: 0, unchanged: 0, refused: 0 };
    try {
      const result = await withSessionLease(this.runtime.dataSource, LEASE, async () => {
        let considered = 0;
        let recorded = 0;
        let unchanged = 0;
        let refused = 0;
        const cycles = await this.credit.cyclesWithDueExpiries(today);
        for (const { associationId, cycleId } of cycles) {
          const actor: Actor = { userId: CREDIT_EXPIRY_JOB_USER, role: SYSTEM_ROLE, associationId };
          const outcome = await this.commandBus.execute(new RecordCreditExpiriesCommand({ associationId, cycleId, correlationId }, actor));
          considered += outcome.considered;
          recorded += outcome.written;
          unchanged += outcome.unchanged;
          refused += outcome.refused;
          if (outcome.refused > 0) {
            this.logger.warn({ job: 'credit-expiry', associationId, cycleId, refusals: outcome.refusals }, 'credit expiry: ratings refused');
          }
        }
        return { ran: true, businessDate: today, correlationId, cycles: cycles.length, considered, recorded, unchanged, refused };
      });
      const report = result ?? skipped;
      this.runs.inc({ outcome: report.ran ? 'ran' : 'skipped' });
      this.expired.inc(report.recorded);
      this.lastRun.set(Date.now() / 1000);
      this.logger.info({ job: 'credit-expiry', ...report, ms: Date.now() - started }, report.ran ? 'credit expiry run' : 'credit expiry run skipped: another process holds the lease');
      return report;
    } catch (error) {
      this.runs.inc({ outcome: 'failed' });
      this.logger.error({ job: 'credit-expiry', err: error, correlationId }, 'credit expiry run failed');
      throw error;
    }
  }
}
