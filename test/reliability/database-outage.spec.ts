// The database goes away under load and comes back: the service stays up, asks clients to retry (UNAVAILABLE,
// 503, Retry-After) for as long as it is gone, reports itself down on /health without saying where the database
// is, is healthy again within 5 s of its return, and has written nothing twice or by halves. The service is the
// built one in a process of its own; the database a cluster of the test's own (the service reaches it by
// DATABASE_URL), killed with SIGKILL as a crash would. RELIABILITY_SIZE=large runs it longer, with more writers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { buildService, healthy as serviceHealthy, type ServiceBuild, serviceToken, type ServiceProcess, startServiceProcess } from '../support/built-service.js';
import { freePort, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';
import { caughtUp, checkpointReaches, type DatabaseHandles, headPosition, LARGE, openDatabase, partialWrites, readModelChecksums, rebuildAll, report, SteadyLoad, verifyChains } from '../support/reliability.js';

const SIZE = LARGE
  ? { writers: 8, readers: 4, warmupMs: 5_000, outageMs: 20_000, afterMs: 10_000 }
  : { writers: 4, readers: 2, warmupMs: 1_500, outageMs: 3_000, afterMs: 2_000 };
const HEALTHY_WITHIN_MS = 5_000;

interface Probe {
  readonly at: number;
  readonly status: number;
  readonly body: { status?: string } | null;
  readonly text: string;
}

async function probe(url: string): Promise<Probe> {
  const at = Date.now();
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    return { at, status: response.status, body: JSON.parse(text) as Probe['body'], text };
  } catch (error) {
    return { at, status: 0, body: null, text: String(error) };
  }
}

describe('a database outage under load', () => {
  let build: ServiceBuild;
  let postgres: OwnPostgres;
  let service: ServiceProcess;
  let database: DatabaseHandles;

  beforeAll(async () => {
    [build, postgres] = await Promise.all([buildService(), startOwnPostgres()]);
    service = startServiceProcess(build, { DATABASE_URL: postgres.url, RUN_MODE: 'single', PORT: String(await freePort()), DATA_DIR: postgres.dataDir });
    await serviceHealthy(service);
    database = await openDatabase(postgres.url);
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    await service?.stop();
    await postgres?.remove();
    await build?.remove();
  }, 60_000);

  it(
    'is answered UNAVAILABLE with Retry-After while it lasts, writes every command once, and is healthy within 5 s of the return',
    async () => {
      const token = await serviceToken('ADMIN', 'reliability');
      const load = new SteadyLoad({ url: service.url, token, run: 1, commandWorkers: SIZE.writers, queryWorkers: SIZE.readers });
      load.start();
      await delay(SIZE.warmupMs);
      // On a loaded machine the warm-up can pass before the first command is acknowledged: wait for one (bounded).
      for (const until = Date.now() + 30_000; load.report().acknowledged === 0 && Date.now() < until; ) await delay(100);
      const beforeOutage = load.report();

      await postgres.kill();
      const downAt = Date.now();
      const duringOutage: Probe[] = [];
      while (Date.now() - downAt < SIZE.outageMs) {
        duringOutage.push(await probe(service.url));
        await delay(250);
      }
      await postgres.start();
      const backAt = Date.now();
      // What was recorded before the outage (and in its first moments): applied by the projector after the return.
      const resumed = headPosition(database.pool).then((head) => checkpointReaches(database.pool, 'audit-trail', head));
      let healthy: Probe | null = null;
      while (Date.now() - backAt < 30_000) {
        const answer = await probe(service.url);
        if (answer.status === 200 && answer.body?.status === 'ok') {
          healthy = answer;
          break;
        }
        await delay(100);
      }
      const acknowledgedAtReturn = load.report().acknowledged;
      const projectorResumedMs = await resumed;
      await delay(SIZE.afterMs);
      const loadReport = await load.stop();
      const stoppedAt = Date.now();
      await caughtUp(database.pool);
      const caughtUpAt = Date.now();

      // The clients: every failure was a request to retry, and every command was acknowledged in the end.
      expect(loadReport.violations).toEqual([]);
      expect(loadReport.retried).toBeGreaterThan(0);
      expect(loadReport.acknowledged).toBe(loadReport.commands);
      expect(beforeOutage.acknowledged).toBeGreaterThan(0);
      expect(loadReport.acknowledged).toBeGreaterThan(acknowledgedAtReturn);

      // /health: down while the database was, with nothing that says where it is; healthy soon after.
      expect(duringOutage.length).toBeGreaterThan(3);
      const where = new RegExp(`127\\.0\\.0\\.1|localhost|postgres://|\\b${postgres.port}\\b|ECONN|connect`, 'i');
      for (const answer of duringOutage) {
        expect(answer.status).toBe(503);
        expect(answer.body?.status).toBe('down');
        expect(answer.text).not.toMatch(where);
      }
      expect(healthy).not.toBeNull();
      expect(healthy!.at - backAt).toBeLessThan(HEALTHY_WITHIN_MS);
      expect(projectorResumedMs).toBeLessThan(HEALTHY_WITHIN_MS);
      const firstAcknowledgedAfterReturn = Math.min(...load.sent.filter((c) => (c.acknowledgedAt ?? 0) >= backAt).map((c) => c.acknowledgedAt!)) - backAt;

      // The store: no partial write, no command twice, every chain intact.
      expect(await partialWrites(database.pool, load.sent)).toEqual([]);
      const chains = await verifyChains(database.store);
      expect(chains).toMatchObject({ intact: true, firstBreak: null });

      // The projector caught up by itself: its read models are what a rebuild from the store gives.
      const live = await readModelChecksums(database.pool);
      await rebuildAll(database);
      expect(await readModelChecksums(database.pool)).toEqual(live);

      // The service ran throughout; its log says what happened, without what the connections carried.
      expect(service.child.exitCode).toBeNull();
      const log = service.output();
      expect(log).toContain('idle event-store connection failed');
      expect(log).not.toMatch(/secretKey|processID/);

      report('database-outage', {
        size: LARGE ? 'large' : 'ci',
        writers: SIZE.writers,
        readers: SIZE.readers,
        outageMs: backAt - downAt,
        commands: loadReport.commands,
        commandsSentMoreThanOnce: load.sent.filter((c) => c.attempts > 1).length,
        commandRetries: load.sent.reduce((n, c) => n + c.attempts - 1, 0),
        queries: loadReport.queries,
        retriedAnswers: loadReport.retried,
        healthProbesDuringOutage: duringOutage.length,
        healthyAfterReturnMs: healthy!.at - backAt,
        firstCommandAcknowledgedAfterReturnMs: firstAcknowledgedAfterReturn,
        projectorResumedAfterReturnMs: projectorResumedMs,
        allAppliedAfterLoadStoppedMs: caughtUpAt - stoppedAt,
        events: chains.eventsChecked,
      });
    },
    LARGE ? 600_000 : 120_000,
  );
});
