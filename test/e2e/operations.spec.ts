import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { printSchema } from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchemaSdl, RESOLVERS, schemaSdl } from '#api';
import { registerProjections } from '#projections';
import { startTestService, type TestService } from '../support/service.js';

describe('operating the service', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ env: { GRAPHQL_MAX_DEPTH: '4' } });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('serves the same schema it commits', async () => {
    const running = service.service.host.get(GraphQLSchemaHost).schema;
    expect(schemaSdl(running)).toBe(await buildSchemaSdl(RESOLVERS));
    expect(printSchema(running)).toContain('registerEnterprise');
  });

  it('reports the event store, the database and each projection on /health', async () => {
    const response = await fetch(`${service.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      eventStore: { ok: boolean };
      database: { ok: boolean };
      projections: { name: string; lag: number; lastError: string | null }[];
    };
    expect(body.eventStore.ok).toBe(true);
    expect(body.database.ok).toBe(true);
    expect(body.projections.map((p) => p.name).sort()).toEqual(registerProjections.map((p) => p.name).sort());
    expect(body.projections.map((p) => p.name)).toEqual(expect.arrayContaining(['audit-trail', 'enterprise-register']));
    expect(body.projections.every((p) => p.lag === 0 && p.lastError === null)).toBe(true);
  });

  it('exposes command counts, latencies and projection lag on /metrics', async () => {
    await service.client('ADMIN').request(
      `mutation { registerEnterprise(input: { code: "91350100M000100Y43", name: "福建测试建设有限公司", legalRepresentative: "陈六",
         regionCode: "350100", ownership: PRIVATE }) { revision } }`,
    );
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/register_commands_total\{command="RegisterEnterprise",outcome="ok"\} 1/);
    expect(text).toMatch(/register_command_duration_seconds_count\{command="RegisterEnterprise"\} 1/);
    expect(text).toMatch(/register_projection_lag_events\{projection="enterprise-register"\} 0/);
  });

  it('refuses a query nested past the depth limit before running it', async () => {
    // This service runs with GRAPHQL_MAX_DEPTH=4.
    const four = `{ enterprises { edges { node { code } } } }`;
    expect((await service.client('AUDITOR').request(four)).errors).toBeUndefined();
    const five = `{ enterprises { edges { node { qualifications { category } } } } }`;
    const refused = await service.client('AUDITOR').request(five);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth' });
  });

  it('answers variables that do not fit the operation as bad input, not as an internal error', async () => {
    const result = await service.client('ADMIN').request(
      `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`,
      { input: { code: '91350100M000100Y43' } },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/was not provided/);
  });

  it('refuses a query whose pages together cost past the complexity limit', async () => {
    // Any one page of 200 with all its fields is allowed (page-limits.spec); four at once are not.
    const page = `enterprises(first: 200) { edges { node { code name legalRepresentative regionCode provinceCode cityCode
      ownership sizeClass codeCheckOverridden registeredAt updatedAt revision } } }`;
    const huge = `{ a: ${page} b: ${page} c: ${page} d: ${page} }`;
    const refused = await service.client('AUDITOR').request(huge);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'complexity' });
    expect(refused.errors?.[0]?.message).toMatch(/at most 2000/);
  });
});

describe('plain HTTP routes', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers an unknown route with 404, not a hang', async () => {
    const response = await fetch(`${service.url}/no-such-route`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(404);
  });
});
