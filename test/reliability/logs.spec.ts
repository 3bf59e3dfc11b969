// What the service writes to its log when SQL fails and when idle connections die: error codes, statement heads
// and messages, never the statement's bound parameters (user input), a row Postgres quotes back, the pg client an
// idle connection's error carries (its connection settings, its cancel secret key), or a bearer token.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger } from '#platform';
import { enterpriseCode, post } from '../support/reliability.js';
import { startTestService, type TestService } from '../support/service.js';

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;
const SEARCH = `query($filter: EnterpriseFilter) { enterprises(filter: $filter) { totalCount } }`;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(50);
  }
}

describe('the service log under failing SQL and dying connections', () => {
  let service: TestService;
  let token: string;
  const lines: string[] = [];
  const log = () => lines.join('');

  beforeAll(async () => {
    const logger = createLogger({ level: 'info', service: 'register-logs', destination: { write: (line: string) => void lines.push(line) } });
    // A short read-your-writes wait: the read models are broken on purpose below.
    service = await startTestService({ logger, env: { READ_YOUR_WRITES_TIMEOUT_MS: '300' } });
    token = await service.token('ADMIN', { associationId: 'reliability' });
    // The first start builds every projection; the tables are broken below only once they are built and live.
    await until('every projection built', async () => (await service.service.runner!.status()).every((p) => p.storedVersion === p.version && p.status === 'live'), 60_000);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  }, 60_000);

  it('logs failing statements by their code and text, without their parameters or the rows they quote', async () => {
    const searched = '检索密文甲-7f3a9c';
    const appended = '写入密文乙-52e1d0';
    try {
      await breakAndFail(searched, appended);
    } finally {
      await service.pool.query('ALTER TABLE IF EXISTS enterprise_moved_aside RENAME TO enterprise');
      await service.pool.query('ALTER TABLE es_events DROP CONSTRAINT IF EXISTS reliability_refused_name');
    }
  });

  async function breakAndFail(searched: string, appended: string): Promise<void> {
    // The event store refuses this one name (a check Postgres reports with the failing row in its detail) ...
    await service.pool.query(`ALTER TABLE es_events ADD CONSTRAINT reliability_refused_name CHECK (data->>'name' IS DISTINCT FROM '${appended}') NOT VALID`);
    const refused = await post(service.url, token, REGISTER, {
      input: { code: enterpriseCode(3, 1), name: appended, legalRepresentative: '赵六', regionCode: '420100', ownership: 'PRIVATE' },
    });
    expect(refused.codes).toEqual(['INTERNAL_SERVER_ERROR']);

    // ... and the read model's table is gone, so a search by name fails with its parameter bound.
    await service.pool.query('ALTER TABLE enterprise RENAME TO enterprise_moved_aside');
    const failed = await post(service.url, token, SEARCH, { filter: { nameContains: searched } });
    expect(failed.codes).toEqual(['INTERNAL_SERVER_ERROR']);
    await until('the failures logged', () => log().includes('relation \\"enterprise\\" does not exist') && log().includes('reliability_refused_name'));

    // A registration the store takes but the enterprise register cannot apply: /health names the failure's kind only.
    await post(service.url, token, REGISTER, {
      input: { code: enterpriseCode(3, 3), name: '健康检查测试建设有限公司', legalRepresentative: '赵六', regionCode: '420100', ownership: 'PRIVATE' },
    });
    let health: { status: string; projections: { name: string; status: string; lag: number; lastError: string | null }[] } | null = null;
    await until('the projection reported degraded', async () => {
      health = (await (await fetch(`${service.url}/health`)).json()) as NonNullable<typeof health>;
      return health.projections.some((p) => p.name === 'enterprise-register' && p.lastError !== null);
    });
    expect(health!.status).toBe('degraded');
    expect(health!.projections.find((p) => p.name === 'enterprise-register')).toEqual({ name: 'enterprise-register', status: 'degraded', lag: expect.any(Number), lastError: 'QueryFailedError' });
    expect(JSON.stringify(health)).not.toMatch(/does not exist|relation|enterprise_moved_aside/);
    await until('the degraded projection logged', () => log().includes('health: projection enterprise-register is degraded'));

    const text = log();
    expect(text).toContain('"code":"42P01"');
    expect(text).toContain('"code":"23514"');
    expect(text).toMatch(/"statement":"SELECT count\(\*\)::int AS n FROM enterprise e WHERE e\.name ILIKE \$1/);
    for (const secret of [searched, appended, token, 'Failing row contains']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"parameters"|"detail"/);
  }

  it('logs idle connections that die without the client they belonged to, and the service goes on', async () => {
    // Requests side by side leave several pooled connections idle; then the server ends every connection of the
    // service, as a restart or a proxy would.
    await Promise.all(Array.from({ length: 4 }, () => post(service.url, token, SEARCH, { filter: {} })));
    const before = lines.length;
    const { rows } = await service.pool.query<{ ended: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'register-%'`,
    );
    expect(rows[0]!.ended).toBeGreaterThan(0);
    await until('the lost connections logged', () => /idle (event-store|read-model) connection failed/.test(lines.slice(before).join('')));

    // The pools open new connections, and the projector its sessions, by themselves.
    await until('a query answered again', async () => (await post(service.url, token, SEARCH, { filter: {} })).codes.length === 0);
    const registered = await post(service.url, token, REGISTER, {
      input: { code: enterpriseCode(3, 2), name: '日志测试建设有限公司', legalRepresentative: '赵六', regionCode: '420100', ownership: 'PRIVATE' },
    });
    expect(registered).toMatchObject({ status: 200, codes: [] });
    await service.settled();

    const text = lines.slice(before).join('');
    expect(text).toContain('"code":"57P01"');
    expect(text).not.toMatch(/secretKey|processID|"client"|connectionParameters|"password"|postgres:postgres/);
    expect(log()).not.toContain(token);
  });
});
