import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { Inject, Injectable } from '@nestjs/common';
import { sealEventStore, SealRefusedError, SealSigningKey, type SealOutcome } from '#eventstore';
import { PeriodicJob, SERVICE_RUNTIME, type ServiceRuntime, type SessionLeaseKey, withSessionLease } from '#platform';

/** Held for the length of a run, so that two processes (two projectors, or a projector and `cli seal`) never seal at once. Class 'SEAL'. */
const LEASE: SessionLeaseKey = { lockClass: 0x5345414c, key: 1 };

export interface SealRun {
  /** False when another process held the lease: this run did nothing. */
  readonly ran: boolean;
  readonly outcome: SealOutcome | null;
}

/**
 * Signs a seal over the event log every SEAL_INTERVAL (ADR 0017), where the projector runs. A store that no longer
 * matches its seals is never sealed over: the run fails, is logged as an error with what was found, and is counted;
 * the next run tries again (and fails again until someone looks).
 */
@Injectable()
export class SealJob extends PeriodicJob<SealRun> {
  private readonly key: SealSigningKey;
  private readonly logger: Logger;
  private readonly runs: Counter<'outcome'>;
  private readonly lastSeal: Gauge;

  constructor(@Inject(SERVICE_RUNTIME) runtime: ServiceRuntime) {
    // Nothing is scheduled when SEAL_INTERVAL is off.
    super(runtime, runtime.config.seals.intervalSeconds);
    this.key = new SealSigningKey(runtime.config.seals.signingKey);
    this.logger = runtime.logger.child({ component: 'seal-job' });
    const registers = [runtime.metrics.registry];
    this.runs = new Counter({
      name: 'register_seal_runs_total',
      help: 'Runs of the seal job by outcome: sealed, unchanged (nothing appended since the latest seal), skipped (another process held the lease), refused (the store does not match its seals) or failed.',
      labelNames: ['outcome'],
      registers,
    });
    this.lastSeal = new Gauge({ name: 'register_seal_last_sequence', help: 'Number of the latest seal this process signed or found.', registers });
  }

  /** Failures (a refusal included) are logged, counted and rethrown. */
  protected async run(): Promise<SealRun> {
    const started = Date.now();
    try {
      const outcome = await withSessionLease(this.runtime.dataSource, LEASE, () =>
        sealEventStore(this.runtime.store, this.runtime.seals, this.key, { now: () => this.runtime.clock.now() }),
      );
      if (!outcome) {
        this.runs.inc({ outcome: 'skipped' });
        this.logger.info({ job: 'seal' }, 'seal run skipped: another process holds the lease');
        return { ran: false, outcome: null };
      }
      const { seal } = outcome.record;
      this.runs.inc({ outcome: outcome.created ? 'sealed' : 'unchanged' });
      this.lastSeal.set(seal.sequence);
      this.logger.info(
        { job: 'seal', sequence: seal.sequence, treeSize: seal.treeSize, position: seal.position, rootHash: seal.rootHash, created: outcome.created, ms: Date.now() - started },
        outcome.created ? 'sealed the event log' : 'seal run: nothing appended since the latest seal',
      );
      return { ran: true, outcome };
    } catch (error) {
      if (error instanceof SealRefusedError) {
        this.runs.inc({ outcome: 'refused' });
        this.logger.error(
          { job: 'seal', findings: error.verification.findings.slice(0, 20).map((f) => ({ kind: f.kind, seal: f.seal, streamId: f.streamId, revision: f.revision })), count: error.verification.findings.length },
          'seal refused: the event store does not match its seals (run `cli verify-seals`)',
        );
      } else {
        this.runs.inc({ outcome: 'failed' });
        this.logger.error({ job: 'seal', err: error }, 'seal run failed');
      }
      throw error;
    }
  }
}
