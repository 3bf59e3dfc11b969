import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createLogger, loadConfig, openInfrastructure } from '#platform';
import { createTestDatabase } from '#testing';
import { startTestService, type TestService } from '../service.js';
import { KurrentDbTestServer } from './kurrentdb-test-server.js';

interface Health {
  status: string;
  eventStore: { status: string; ok: boolean; kind: string; connection?: string };
}

async function health(url: string): Promise<{ code: number; body: Health }> {
  const response = await fetch(`${url}/health`);
  return { code: response.status, body: (await response.json()) as Health };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the service with EVENT_STORE=esdb (on the KurrentDB protocol test server)', () => {
  let server: KurrentDbTestServer;
  let service: TestService;

  beforeAll(async () => {
    server = await KurrentDbTestServer.start();
    service = await startTestService({ env: { EVENT_STORE: 'esdb', EVENTSTORE_URL: server.connectionString } });
  });

  afterAll(async () => {
    await service?.stop();
    await server?.stop();
  });

  it('takes a command into KurrentDB and answers it from the read model the projector built from $all', async () => {
    const code = '91350100M000100Y43';
    const result = await service.client('ADMIN').request<{ registerEnterprise: { revision: number } }>(
      `mutation { registerEnterprise(input: { code: "${code}", name: "福建测试建设有限公司", legalRepresentative: "陈六",
         regionCode: "350100", ownership: PRIVATE }) { revision } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.registerEnterprise.revision).toBe(0);
    await service.settled();
    const read = await service.client('AUDITOR').request<{ enterprises: { edges: { node: { code: string; name: string } }[] } }>(
      `{ enterprises { edges { node { code name } } } }`,
    );
    expect(read.data?.enterprises.edges.map((e) => e.node)).toEqual([{ code, name: '福建测试建设有限公司' }]);
    // The checkpoint is a KurrentDB position, stored with the read models in Postgres.
    const rows = (await service.pool.query(`SELECT position FROM projection_checkpoints WHERE name = 'enterprise-register'`)).rows as { position: string }[];
    expect(rows[0]?.position).toMatch(/^\d{20}:\d{20}$/);
    const verification = await service.service.runtime.store.verifyAll();
    expect(verification).toMatchObject({ intact: true });
  });

  it('reports KurrentDB on /health while it answers; once it is gone, 503 and a command answered UNAVAILABLE', async () => {
    const up = await health(service.url);
    expect(up.code).toBe(200);
    expect(up.body.eventStore).toMatchObject({ status: 'ok', ok: true, kind: 'kurrentdb', connection: 'connected' });

    await server.stop();
    const down = await health(service.url);
    expect(down.code).toBe(503);
    expect(down.body.status).toBe('down');
    expect(down.body.eventStore).toMatchObject({ status: 'down', ok: false, kind: 'kurrentdb', connection: 'unreachable' });

    const refused = await service.client('ADMIN').request(
      `mutation { registerEnterprise(input: { code: "91350100M000101Y2X", name: "福建另一建设有限公司", legalRepresentative: "林七",
         regionCode: "350100", ownership: PRIVATE }) { revision } }`,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('when EVENTSTORE_URL names a server that does not answer', () => {
  it('refuses to start with a message naming the URL, not a missing adapter', async () => {
    const database = await createTestDatabase('esdb_unreachable');
    const url = `esdb://127.0.0.1:${await closedPort()}?tls=false`;
    try {
      const config = loadConfig({
        DATABASE_URL: database.url,
        EVENT_STORE: 'esdb',
        EVENTSTORE_URL: url,
        JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
        PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
        PERSON_IDENTITY_SECRET: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'error',
      });
      const opened = openInfrastructure(config, createLogger({ level: 'silent', service: 'register-test' }));
      await expect(opened).rejects.toThrow(`EVENTSTORE_URL=${url} cannot be reached`);
      await expect(opened).rejects.not.toThrow(/not in this build/);
    } finally {
      await database.drop();
    }
  });
});
