// The embedded default (no DATABASE_URL): the service owns the Postgres of its data folder. When that server is
// killed, the service starts it again on the same folder and port and is healthy within seconds, with every
// record kept; when it cannot be started again, the service exits with code 1 (for a supervisor to act on)
// instead of running on without a database. ADR 0015.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { buildService, healthy, postgresProcessesOf, type ServiceBuild, serviceToken, type ServiceProcess, startServiceProcess } from '../support/built-service.js';
import { freePort } from '../support/own-postgres.js';
import { enterpriseCode, post, report } from '../support/reliability.js';

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;
const COUNT = `{ enterprises(first: 20) { totalCount } }`;

async function postmasterPid(pgdata: string): Promise<number> {
  return Number((await readFile(join(pgdata, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(100);
  }
}

describe('the embedded Postgres of the data folder', () => {
  let build: ServiceBuild;
  let dataDir: string;
  let pgdata: string;
  let env: { DATA_DIR: string; EMBEDDED_PG_PORT: string; PORT: string };
  const started: ServiceProcess[] = [];

  beforeAll(async () => {
    build = await buildService();
    dataDir = await mkdtemp(join(tmpdir(), 'register-restart-'));
    pgdata = join(dataDir, 'postgres');
    env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()) };
  }, 60_000);

  afterAll(async () => {
    for (const service of started) await service.stop();
    for (const pid of await postgresProcessesOf(pgdata)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await build?.remove();
  }, 60_000);

  async function start(): Promise<ServiceProcess> {
    const service = startServiceProcess(build, env);
    started.push(service);
    await healthy(service);
    return service;
  }

  async function register(service: ServiceProcess, token: string, i: number): Promise<void> {
    const answer = await post(service.url, token, REGISTER, {
      input: { code: enterpriseCode(7, i), name: `嵌入式重启测试${i}建设有限公司`, legalRepresentative: '李四', regionCode: '420100', ownership: 'PRIVATE' },
    });
    expect(answer).toMatchObject({ status: 200, codes: [] });
  }

  async function count(service: ServiceProcess, token: string): Promise<number> {
    const answer = await post(service.url, token, COUNT);
    return (answer.data as { enterprises: { totalCount: number } }).enterprises.totalCount;
  }

  it(
    'is started again by the service when it is killed, and the service is healthy again with every record',
    async () => {
      const service = await start();
      const token = await serviceToken('ADMIN', 'reliability');
      await register(service, token, 1);
      const killed = await postmasterPid(pgdata);

      process.kill(killed, 'SIGKILL');
      const killedAt = Date.now();
      // Down for a moment (or already back), then healthy, with a new postmaster on the same folder and port.
      await waitFor('a new postmaster', async () => {
        const pid = await postmasterPid(pgdata).catch(() => killed);
        return pid !== killed ? pid : null;
      }, 30_000);
      await healthy(service, 30_000);
      const healthyAfterMs = Date.now() - killedAt;

      expect(service.child.exitCode).toBeNull();
      await register(service, token, 2);
      expect(await count(service, token)).toBe(2);
      expect(service.output()).toMatch(/The embedded Postgres \(pid \d+\) stopped unexpectedly \(SIGKILL\)/);
      // The supervisor logs the restart once its start call returns, which can be after clients already reconnected.
      await waitFor('the restart in the log', async () => (/is running again \(pid \d+, port \d+\)/.test(service.output()) ? true : null), 15_000);
      expect(healthyAfterMs).toBeLessThan(15_000);
      report('embedded-restart', { healthyAfterKillMs: healthyAfterMs });
    },
    120_000,
  );

  it(
    'makes the service exit with code 1 when it cannot be started again, leaving no Postgres behind; the data is kept',
    async () => {
      const service = started.at(-1)!;
      // A folder Postgres will not start from: its version file moved aside while the server runs.
      await rename(join(pgdata, 'PG_VERSION'), join(dataDir, 'PG_VERSION.aside'));
      const killed = await postmasterPid(pgdata);
      process.kill(killed, 'SIGKILL');
      const killedAt = Date.now();

      const giveUp = new AbortController();
      const ended = await Promise.race([service.exited, delay(60_000, null, { signal: giveUp.signal }).catch(() => null)]);
      giveUp.abort();
      expect(ended).toEqual({ code: 1, signal: null });
      const exitedAfterMs = Date.now() - killedAt;
      expect(service.output()).toMatch(/could not be started again/);
      expect(await postgresProcessesOf(pgdata)).toEqual([]);

      // Put right, the next start finds everything that was recorded.
      await rename(join(dataDir, 'PG_VERSION.aside'), join(pgdata, 'PG_VERSION'));
      const next = await start();
      expect(await count(next, await serviceToken('AUDITOR', null))).toBe(2);
      await next.stop();
      expect(await next.exited).toEqual({ code: 0, signal: null });
      report('embedded-give-up', { exitedAfterKillMs: exitedAfterMs });
    },
    120_000,
  );
});
