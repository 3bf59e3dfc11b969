// The service killed with SIGKILL at random points while its projector catches up on a backlog and writers keep
// sending commands: after every restart each read-model table equals what a clean rebuild from the store gives
// (a projection's writes commit with its checkpoint, so a kill can only lose work that is done again), every
// command a writer had acknowledged is stored once, and the hash chains verify. The built service runs in a
// process of its own on the embedded default; every other kill takes its Postgres down too (a crash of both).
// CI size: 5 kills over 4,000 backlog events; RELIABILITY_SIZE=large: 20 kills over 100,000.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { enterpriseDecider, enterpriseStreamId } from '#domain/enterprise';
import type { Actor } from '#domain/shared';
import type { Position } from '#eventstore';
import { CommandHandler, SystemClock } from '#platform';
import { buildService, healthy, postgresProcessesOf, type ServiceBuild, serviceToken, type ServiceProcess, startServiceProcess } from '../support/built-service.js';
import { freePort } from '../support/own-postgres.js';
import {
  caughtUp,
  type DatabaseHandles,
  enterpriseCode,
  LARGE,
  openDatabase,
  partialWrites,
  readModelChecksums,
  rebuildAll,
  report,
  type SentCommand,
  SteadyLoad,
  verifyChains,
} from '../support/reliability.js';

const SIZE = LARGE ? { kills: 20, backlogPerKill: 5_000, writers: 4 } : { kills: 5, backlogPerKill: 800, writers: 2 };
const SEEDER: Actor = { userId: 'reliability-seed', role: 'ADMIN', associationId: null };
/** The projections that handle the backlog's events (enterprise registrations): where a catch-up shows. */
const CATCHING_UP = ['audit-trail', 'enterprise-register'];

/** A small seeded generator, so a failing run can be repeated with RELIABILITY_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Registers `count` enterprises straight into the store (eight at a time) while no projector runs; their positions in order. */
async function seedBacklog(database: DatabaseHandles, round: number, count: number): Promise<Position[]> {
  const handler = new CommandHandler(database.store, new SystemClock());
  const positions: Position[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        const code = enterpriseCode(200 + round, i);
        const result = await handler.handle(enterpriseDecider, enterpriseStreamId(code), {
          command: { type: 'RegisterEnterprise', code, name: `积压${round}-${i}建设有限公司`, legalRepresentative: '周八', regionCode: '420106', ownership: 'PRIVATE' },
          actor: SEEDER,
        });
        positions.push(result.position!);
      }
    }),
  );
  return positions.sort();
}

/**
 * Writers beside the service's own: commands appended straight to the store (two at a time) from the moment the
 * service starts until `stop`, each under its command id and sent again until it is recorded (the database may be
 * down for a moment), so the projector catches up on a store that keeps growing.
 */
function appendAlongside(database: DatabaseHandles, round: number): { sent: SentCommand[]; stop: () => Promise<void> } {
  const handler = new CommandHandler(database.store, new SystemClock());
  const sent: SentCommand[] = [];
  let stopping = false;
  let next = 0;
  const writers = Array.from({ length: 2 }, async () => {
    while (!stopping) {
      const code = enterpriseCode(400 + round, next++);
      const command: SentCommand = { commandId: randomUUID(), kind: 'register', code, events: 1, attempts: 0, acknowledged: false };
      sent.push(command);
      while (!command.acknowledged) {
        command.attempts += 1;
        try {
          await handler.handle(enterpriseDecider, enterpriseStreamId(code), {
            command: { type: 'RegisterEnterprise', code, name: `并行${round}-${next}建设有限公司`, legalRepresentative: '吴九', regionCode: '420106', ownership: 'PRIVATE' },
            actor: SEEDER,
            commandId: command.commandId,
          });
          command.acknowledged = true;
        } catch {
          await delay(100);
        }
      }
      await delay(10);
    }
  });
  return {
    sent,
    stop: async () => {
      stopping = true;
      await Promise.all(writers);
    },
  };
}

async function checkpoints(database: DatabaseHandles): Promise<Map<string, string | null>> {
  const { rows } = await database.pool.query<{ name: string; position: string | null }>('SELECT name, position FROM projection_checkpoints');
  return new Map(rows.map((r) => [r.name, r.position]));
}

describe('the service killed while its projector catches up', () => {
  let build: ServiceBuild;
  let dataDir: string;
  let env: { DATA_DIR: string; EMBEDDED_PG_PORT: string; PORT: string; PROJECTION_BATCH_SIZE: string };
  let database: DatabaseHandles;
  let service: ServiceProcess;
  const services: ServiceProcess[] = [];

  async function start(): Promise<ServiceProcess> {
    service = startServiceProcess(build, env);
    services.push(service);
    await healthy(service, 120_000);
    return service;
  }

  beforeAll(async () => {
    build = await buildService();
    dataDir = await mkdtemp(join(tmpdir(), 'register-crash-'));
    // Batches of 100 (the default is 500): a round's backlog is many batches, so a kill can land between any two.
    env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()), PROJECTION_BATCH_SIZE: '100' };
    await start();
    database = await openDatabase(`postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/register`);
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    for (const s of services) await s.stop();
    for (const pid of await postgresProcessesOf(join(dataDir, 'postgres'))) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await build?.remove();
  }, 120_000);

  it(
    'leaves every read-model table equal to a clean rebuild after each restart, and every acknowledged command stored once',
    async () => {
      const seed = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);
      const next = random(seed);
      const token = await serviceToken('ADMIN', 'reliability');
      const sent: SentCommand[] = [];
      const kills: { fraction: number; behindAtKill: string[]; withPostgres: boolean; restartMs: number; retried: number; alongside: number; served: number }[] = [];
      let backlog = 0;

      for (let round = 0; round < SIZE.kills; round++) {
        // No projector runs while the backlog is written: the service is killed (its Postgres runs on).
        await service.kill();
        const positions = await seedBacklog(database, round, SIZE.backlogPerKill);
        backlog += positions.length;

        // Started again, it catches up while writers send commands; it is killed at a random point of the backlog.
        // At most 85% in: the batch holding the target then still leaves work after it.
        const fraction = 0.05 + 0.8 * next();
        const target = positions[Math.floor(fraction * (positions.length - 1))]!;
        const last = positions.at(-1)!;
        const load = new SteadyLoad({ url: service.url, token, run: 300 + round, commandWorkers: SIZE.writers, queryWorkers: 0, retryWithoutAnswer: true });
        const restarted = startServiceProcess(build, env);
        services.push(restarted);
        service = restarted;
        load.start();
        const alongside = appendAlongside(database, round);
        let behindAtKill: string[];
        for (;;) {
          const seen = await checkpoints(database);
          const reached = CATCHING_UP.some((name) => (seen.get(name) ?? '') >= target);
          if (reached || restarted.child.exitCode !== null) {
            behindAtKill = CATCHING_UP.filter((name) => (seen.get(name) ?? '') < last);
            break;
          }
          await delay(5);
        }
        await restarted.kill();
        const withPostgres = round % 2 === 1;
        if (withPostgres) {
          const pgdata = join(dataDir, 'postgres');
          const postmaster = Number((await readFile(join(pgdata, 'postmaster.pid'), 'utf8')).split('\n')[0]);
          process.kill(postmaster, 'SIGKILL');
          while ((await postgresProcessesOf(pgdata)).length > 0) await delay(20);
        }

        // Started again, the writers finish what they had sent, and once all is applied: the tables against a rebuild.
        const startedAt = Date.now();
        await start();
        const restartMs = Date.now() - startedAt;
        const loadReport = await load.stop();
        await alongside.stop();
        expect(loadReport.violations).toEqual([]);
        sent.push(...load.sent, ...alongside.sent);
        await caughtUp(database.pool);
        const live = await readModelChecksums(database.pool);
        await rebuildAll(database);
        expect({ round, seed, tables: live }).toEqual({ round, seed, tables: await readModelChecksums(database.pool) });
        kills.push({ fraction: Math.round(fraction * 100) / 100, behindAtKill, withPostgres, restartMs, retried: loadReport.retried, alongside: alongside.sent.length, served: load.sent.length });
      }

      // Every kill came while the backlog was still being applied.
      expect(kills.filter((k) => k.behindAtKill.length === 0)).toEqual([]);
      expect(await partialWrites(database.pool, sent)).toEqual([]);
      const chains = await verifyChains(database.store);
      expect(chains).toMatchObject({ intact: true, firstBreak: null, eventsChecked: backlog + sent.length });

      report('projector-crash', {
        size: LARGE ? 'large' : 'ci',
        seed,
        kills: kills.length,
        backlogEvents: backlog,
        commandsThroughTheApi: kills.reduce((n, k) => n + k.served, 0),
        commandsStraightToTheStore: kills.reduce((n, k) => n + k.alongside, 0),
        writerRetries: kills.reduce((n, k) => n + k.retried, 0),
        killsWithPostgres: kills.filter((k) => k.withPostgres).length,
        killFractions: kills.map((k) => k.fraction),
        restartToHealthyMs: kills.map((k) => k.restartMs),
      });
    },
    LARGE ? 3_600_000 : 240_000,
  );
});
