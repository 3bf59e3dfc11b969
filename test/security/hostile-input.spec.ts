/*
 * Hostile input over real HTTP to a real service: requests generated with fast-check from the service's own
 * printed schema, for every query and every mutation (an operation added later is covered without new test code)
 * and, over graphql-ws, every subscription,
 * each argument a value of its type (often one the register holds) or a hostile one (see
 * hostile-input-arbitraries.ts), sent under tokens of every role, a foreign association's, none and a forged one.
 *
 * Whatever is sent: no HTTP 5xx, no INTERNAL_SERVER_ERROR, every BAD_USER_INPUT names its fields, and a refused
 * request appends nothing to the event store (the events are counted before and after each request; requests are
 * sent one at a time, so the count is exact). HOSTILE_RUNS sets how many requests in all (default 2,000); a
 * failure prints the seed to run it again with HOSTILE_SEED.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { GraphQLField, GraphQLSchema } from 'graphql';
import { FixedClock } from '#platform';
import { MAX_BODY_BYTES } from '../../apps/api/src/graphql/http-limits.js';
import { connectWs, type FirstAnswer, firstAnswer } from '../support/graphql-ws.js';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from '../e2e/credit-fixtures.js';
import { DuesFixtures, memberCode } from '../e2e/dues-fixtures.js';
import { type GeneratedRequest, type KnownValues, requestArbitrary } from './hostile-input-arbitraries.js';
import { rootFields, serviceSchema } from './hostile-input-schema.js';

const RUNS = Number(process.env.HOSTILE_RUNS ?? 2_000);
const SEED = process.env.HOSTILE_SEED === undefined ? undefined : Number(process.env.HOSTILE_SEED);
const ASSOC = 'hostile-cia';
const CYCLE = 'hostile-2024';
const MEMBER = memberCode('HXTLE', 1);
const OTHER = memberCode('HXTLE', 2);

const KNOWN: KnownValues = {
  byName: {
    associationId: [ASSOC],
    code: [MEMBER, OTHER],
    enterpriseCode: [MEMBER, OTHER],
    subjectId: [MEMBER, OTHER],
    subjectIds: [MEMBER, OTHER],
    employerCode: [OTHER],
    cycleId: [CYCLE],
    rulebookId: [`${CYCLE}-rules`],
    scorerId: [`${ASSOC}-expert`],
    userId: ['secretary-general'],
    regionCode: ['420106', '420100'],
    region: ['420000'],
    reference: ['理〔2024〕1号'],
    name: ['武汉测试建设有限公司'],
    reason: ['依章程办理\n见附件'],
  },
};

interface Answer {
  readonly status: number;
  readonly body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string; fieldErrors?: { field?: unknown }[] } }[] } | null;
}

/** What is wrong with one answer; empty when it is as the register promises. */
function problemsOf(answer: Answer, appended: number, rootKey: string): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  if (answer.body === null) return [...problems, 'the body is not JSON'];
  const errors = answer.body.errors ?? [];
  for (const error of errors) {
    const code = error.extensions?.code;
    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') problems.push(`${code ?? 'no code'}: ${error.message}`);
    if (code === 'BAD_USER_INPUT') {
      const fields = error.extensions?.fieldErrors;
      if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f.field !== 'string' || f.field === '')) {
        problems.push(`BAD_USER_INPUT without field errors: ${error.message}`);
      }
    }
  }
  const refused = errors.length > 0 && (answer.body.data === undefined || answer.body.data === null || answer.body.data[rootKey] === null);
  if (refused && appended !== 0) problems.push(`refused, yet ${appended} events were appended`);
  if (answer.body.errors === undefined && answer.body.data === undefined) problems.push('neither data nor errors');
  return problems;
}

describe('hostile input to every operation of the schema', () => {
  let service: TestService;
  let schema: GraphQLSchema;
  let tokens: (string | null)[];
  const tally = { requests: 0, refused: 0, byCode: new Map<string, number>(), operations: new Set<string>() };

  beforeAll(async () => {
    schema = await serviceSchema();
    service = await startTestService();
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general']);
    await fixtures.members(ASSOC, [
      { code: MEMBER, sizeClass: 'SMALL', tier: 'MEMBER', admittedOn: '2023-03-01' },
      { code: OTHER, sizeClass: 'LARGE', tier: 'MEMBER', admittedOn: '2023-03-01' },
    ]);
    await fixtures.settled();
    await new CreditCycleScenario(service, new FixedClock(new Date()), { associationId: ASSOC, cycleId: CYCLE, filingFrom: '2024-01-01', filingTo: '2099-12-31' }).open();
    tokens = [
      ...(await Promise.all([
        service.token('ADMIN', { associationId: ASSOC, userId: 'secretary-general' }),
        service.token('ADMIN', { associationId: ASSOC, userId: 'dues-clerk' }),
        service.token('ADMIN', { associationId: 'other-assoc' }),
        service.token('AUDITOR'),
        service.token('MEMBER', { associationId: ASSOC, enterpriseCode: MEMBER }),
        service.token('TENDER'),
        service.token('EXPERT', { userId: `${ASSOC}-expert` }),
      ])),
      'forged.token.value',
      null,
    ];
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const eventCount = async () => (await service.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]!.n;

  async function send(request: GeneratedRequest, token: string | null): Promise<{ answer: Answer; appended: number }> {
    const sent = JSON.stringify({ query: request.query, variables: request.variables });
    // The generator keeps bodies near the body limit; what is far above it is only refused again (HTTP 413).
    if (sent.length > 4 * MAX_BODY_BYTES) throw new Error(`generated a body of ${sent.length} characters`);
    const before = await eventCount();
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: sent,
    }).catch((error: unknown) => {
      throw new Error(`the request failed: ${String((error as { cause?: unknown }).cause ?? error)} (${sent.length} characters)`);
    });
    const text = await response.text();
    let body: Answer['body'];
    try {
      body = JSON.parse(text) as Answer['body'];
    } catch {
      body = null;
    }
    const after = await eventCount();
    return { answer: { status: response.status, body }, appended: Number(after) - Number(before) };
  }

  const operations = () => rootFields(schema);

  it('generates requests for every query and mutation of the printed schema', () => {
    const all = operations();
    expect(all.filter((o) => o.operation === 'mutation').length).toBeGreaterThan(30);
    expect(all.filter((o) => o.operation === 'query').length).toBeGreaterThan(20);
    expect(Math.ceil(RUNS / all.length) * all.length).toBeGreaterThanOrEqual(RUNS);
  });

  it(`answers ${RUNS} hostile requests without a 5xx, an internal error, an unnamed bad field or a write by a refused request`, async () => {
    const all = operations();
    const runsEach = Math.ceil(RUNS / all.length);
    const failures: string[] = [];
    for (const { operation, field } of all) {
      const property = fc.asyncProperty(requestArbitrary(operation, field as GraphQLField<unknown, unknown>, KNOWN), fc.constantFrom(...tokens), async (request, token) => {
        const { answer, appended } = await send(request, token);
        tally.requests += 1;
        tally.operations.add(field.name);
        const code = answer.body?.errors?.[0]?.extensions?.code ?? (answer.body?.errors ? 'none' : 'ok');
        tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
        if (answer.body?.errors?.length) tally.refused += 1;
        if (operation === 'query' && appended !== 0) throw new Error(`the query appended ${appended} events`);
        const problems = problemsOf(answer, appended, request.rootKey);
        if (problems.length > 0) {
          throw new Error(`${problems.join('; ')}\n  HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 800)}\n  query: ${request.query.slice(0, 400)}`);
        }
      });
      const result = await fc.check(property, { numRuns: runsEach, seed: SEED, endOnFailure: true });
      if (result.failed) failures.push(`${field.name} (seed ${result.seed}, path ${result.counterexamplePath}): ${String(result.errorInstance).slice(0, 1500)}`);
    }
    process.stdout.write(
      `hostile input: ${tally.requests} requests over ${tally.operations.size} operations, ${tally.refused} refused; first codes: ${JSON.stringify(Object.fromEntries([...tally.byCode].sort((a, b) => b[1] - a[1])))}\n`,
    );
    expect(failures).toEqual([]);
    expect(tally.requests).toBeGreaterThanOrEqual(RUNS);
    expect([...tally.operations].sort()).toEqual(all.map((o) => o.field.name).sort());
  }, 600_000);

  /** What is wrong with a subscription's first answer over graphql-ws; empty when it is as the register promises. */
  function subscriptionProblems(answer: FirstAnswer): string[] {
    if (answer.kind === 'closed') return [4401, 4403].includes(answer.code) ? [] : [`closed ${answer.code}: ${answer.reason}`];
    const errors = answer.kind === 'error' ? answer.errors : answer.kind === 'next' ? (answer.result.errors ?? []) : [];
    return errors.flatMap((error) => {
      const code = error.extensions?.code;
      if (code === undefined || code === 'INTERNAL_SERVER_ERROR') return [`${String(code ?? 'no code')}: ${error.message}`];
      const fields = error.extensions?.fieldErrors as { field?: unknown }[] | undefined;
      if (code === 'BAD_USER_INPUT' && (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f.field !== 'string' || f.field === ''))) {
        return [`BAD_USER_INPUT without field errors: ${error.message}`];
      }
      return [];
    });
  }

  it('answers hostile subscriptions over graphql-ws without an internal error, an unnamed bad field or a write', async () => {
    const subscriptions = Object.values(schema.getSubscriptionType()?.getFields() ?? {});
    expect(subscriptions.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const field of subscriptions) {
      const property = fc.asyncProperty(requestArbitrary('subscription', field as GraphQLField<unknown, unknown>, KNOWN), fc.constantFrom(...tokens), async (request, token) => {
        const before = await eventCount();
        const connection = connectWs(service.url, token);
        // A subscription the service took answers nothing until a change is recorded: after a moment it is ended.
        const answer = await firstAnswer(connection, request.query, request.variables, new Promise((resolve) => setTimeout(resolve, 150)));
        await connection.dispose();
        const problems = subscriptionProblems(answer);
        if (Number(await eventCount()) !== Number(before)) problems.push('a subscription appended events');
        if (problems.length > 0) throw new Error(`${problems.join('; ')}\n  ${JSON.stringify(answer).slice(0, 800)}\n  query: ${request.query.slice(0, 400)}`);
      });
      const result = await fc.check(property, { numRuns: Math.max(60, Math.ceil(RUNS / 30)), seed: SEED, endOnFailure: true });
      if (result.failed) failures.push(`${field.name} (seed ${result.seed}, path ${result.counterexamplePath}): ${String(result.errorInstance).slice(0, 1500)}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
