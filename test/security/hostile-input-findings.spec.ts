/*
 * One regression test per finding of the hostile-input review, over real HTTP to a real service: text Postgres
 * cannot hold, dates that are no instant, the cost limit's status, persisted-query and subscription errors, the
 * text rule on names and free text, the body limit and a normal bulk batch, aliased mutations, the rate limit and
 * the X-Powered-By header. Each refusal is checked to have written nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { withCheckCharacter } from '#domain/shared';
import { MAX_BODY_BYTES } from '../../apps/api/src/graphql/http-limits.js';
import { startTestService, type TestService } from '../support/service.js';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string; limit?: string; limitBytes?: number; retryAfterSeconds?: number; fieldErrors?: { field: string; message: string }[] } }[];
  };
}

async function post(service: TestService, token: string | null, body: unknown): Promise<Answer> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

const firstError = (answer: Answer) => answer.body.errors?.[0]?.extensions ?? {};
const fieldsOf = (answer: Answer) => (firstError(answer).fieldErrors ?? []).map((e) => e.field).sort();

const code = (prefix: string, index: number) => withCheckCharacter(`914201${prefix}${String(index).padStart(6, '0')}`);
const REGISTER = `mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`;
const firm = (enterpriseCode: string, overrides: Record<string, unknown> = {}) => ({
  code: enterpriseCode,
  name: `湖北测试建设有限公司${enterpriseCode.slice(-4)}`,
  legalRepresentative: '李四',
  regionCode: '420106',
  ownership: 'PRIVATE',
  ...overrides,
});

describe('the findings of the hostile-input review', () => {
  let service: TestService;
  let admin: string;
  let auditor: string;
  let tender: string;
  const ASSOC = 'findings-cia';

  beforeAll(async () => {
    service = await startTestService();
    admin = await service.token('ADMIN', { associationId: ASSOC, userId: 'findings-secretariat' });
    auditor = await service.token('AUDITOR');
    tender = await service.token('TENDER');
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  const events = async () => (await service.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events')).rows[0]!.n;

  describe('text Postgres cannot hold', () => {
    it.each([
      ['NUL in a variable', REGISTER, { input: firm(code('NUL01', 1), { name: 'a\u0000b' }) }, ['name']],
      ['an unpaired surrogate in a variable', REGISTER, { input: firm(code('NUL01', 2), { legalRepresentative: '\uD800' }) }, ['legalRepresentative']],
      ['NUL in a literal', `{ creditCycle(associationId: "${ASSOC}", cycleId: "\\u0000") { title } }`, {}, ['cycleId']],
      ['an unpaired surrogate in a list', `query ($ids: [String!]!) { creditRatingsAsOf(subjectIds: $ids) { outcome } }`, { ids: [code('NUL01', 3), 'x\uDFFF'] }, ['subjectIds.1']],
      ['NUL in a nested list', `mutation ($input: ScoreCreditApplicationsInput!) { scoreCreditApplications(input: $input) { written } }`,
        { input: { associationId: ASSOC, cycleId: 'c', applications: [{ subjectId: 's', scores: [{ code: 'A', points: 1, note: '\u0000' }] }] } }, ['applications.0.scores.0.note']],
    ])('answers %s as BAD_USER_INPUT on the field, HTTP 400, writing nothing', async (_label, query, variables, fields) => {
      const before = await events();
      const answer = await post(service, admin, { query, variables });
      expect(answer.status).toBe(400);
      expect(firstError(answer).code).toBe('BAD_USER_INPUT');
      expect(fieldsOf(answer)).toEqual(fields);
      expect(await events()).toBe(before);
    });
  });

  describe('an asOf that is no instant', () => {
    const queries = {
      duesStatement: `query ($asOf: DateTime) { duesStatement(associationId: "${ASSOC}", enterpriseCode: "${code('ASOF0', 1)}", asOf: $asOf) { balanceFen } }`,
      duesAnnualReport: `query ($asOf: DateTime) { duesAnnualReport(associationId: "${ASSOC}", year: 2024, asOf: $asOf) { invoicedFen } }`,
      creditRatingsAsOf: `query ($asOf: DateTime) { creditRatingsAsOf(subjectIds: ["${code('ASOF0', 1)}"], asOf: $asOf) { outcome } }`,
    };
    const bad = ['yesterday', '', '2023-02-30T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '0000-01-01', 1_714_550_400_000];

    it.each(Object.entries(queries))('%s refuses each on the asOf field, never as an internal error', async (_name, query) => {
      for (const asOf of bad) {
        const answer = await post(service, auditor, { query, variables: { asOf } });
        expect({ asOf, status: answer.status, code: firstError(answer).code, fields: fieldsOf(answer) }).toEqual({ asOf, status: 400, code: 'BAD_USER_INPUT', fields: ['asOf'] });
      }
      const literal = await post(service, auditor, { query: query.replace('query ($asOf: DateTime) ', '').replace('$asOf', '"yesterday"') });
      expect(fieldsOf(literal)).toEqual(['asOf']);
    });
  });

  it('answers a refusal by the cost limit with HTTP 400, naming each root field with its cost', async () => {
    const page = `enterprises(first: 200) { edges { node { code qualifications { category grade } } } }`;
    const answer = await post(service, auditor, { query: `{ a: ${page} b: ${page} c: ${page} d: ${page} e: enterprises(first: 1) { totalCount } }` });
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(firstError(answer)).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'complexity' });
    expect(firstError(answer).fieldErrors).toEqual([
      ...['a', 'b', 'c', 'd'].map((field) => ({ field, message: 'costs 800 points.' })),
      { field: 'e', message: 'costs 1 point.' },
    ]);
  });

  it('stops parsing a document of more tokens than any query needs (GRAPHQL_PARSE_FAILED, HTTP 400)', async () => {
    const answer = await post(service, auditor, { query: `{ ${'associations { associationId } '.repeat(30_000)}}` });
    expect(answer.status).toBe(400);
    expect(firstError(answer).code).toBe('GRAPHQL_PARSE_FAILED');
    expect(answer.body.errors?.[0]?.message).toMatch(/100000 tokens/);
  });

  it('answers a persisted query whose hash does not match as BAD_REQUEST (HTTP 400), an unknown one as PERSISTED_QUERY_NOT_FOUND', async () => {
    const query = '{ associations { associationId } }';
    const mismatch = await post(service, auditor, { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(mismatch.status).toBe(400);
    expect(firstError(mismatch).code).toBe('BAD_REQUEST');
    const unknown = await post(service, auditor, { extensions: { persistedQuery: { version: 1, sha256Hash: 'e'.repeat(64) } } });
    expect(firstError(unknown).code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const registered = await post(service, auditor, { query, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(registered.body.errors).toBeUndefined();
  });

  it('answers a subscription over HTTP as a validation error (HTTP 400): subscriptions are served over WebSocket', async () => {
    const answer = await post(service, auditor, { query: 'subscription { ratingChanged { cursor } }' });
    expect(answer.status).toBe(400);
    expect(firstError(answer).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.message).toMatch(/Subscriptions are served over WebSocket/);
  });

  describe('the text rule on names and free text', () => {
    it.each([
      ['a right-to-left override in the name', { name: '武汉\u202E司公限有' }, 'name'],
      ['a bidi isolate in the legal representative', { legalRepresentative: '李\u2066四\u2069' }, 'legalRepresentative'],
      ['a name of zero-width spaces only', { name: '\u200B\u200B\u200B' }, 'name'],
      ['a name with CR/LF', { name: '武汉建设\r\n有限公司' }, 'name'],
      ['a name with a tab', { name: '武汉建设\t有限公司' }, 'name'],
      ['a free-text reason with a carriage return', { checkDigitOverrideReason: '经核实\r代码属实' }, 'checkDigitOverrideReason'],
    ])('refuses %s as BAD_USER_INPUT on the field, writing nothing', async (_label, overrides, field) => {
      const before = await events();
      const answer = await post(service, admin, { query: REGISTER, variables: { input: firm(code('TEXT0', 1), overrides) } });
      expect(firstError(answer).code).toBe('BAD_USER_INPUT');
      expect(fieldsOf(answer)).toContain(field);
      expect(await events()).toBe(before);
    });

    it('takes free text over several lines (LF), and names in any script', async () => {
      const enterpriseCode = code('TEXT0', 2);
      expect((await post(service, admin, { query: REGISTER, variables: { input: firm(enterpriseCode, { name: 'Müller 武汉 شركة 建设有限公司' }) } })).body.errors).toBeUndefined();
      const update = await post(service, admin, {
        query: `mutation ($input: UpdateEnterpriseProfileInput!) { updateEnterpriseProfile(input: $input) { revision } }`,
        variables: { input: { code: enterpriseCode, legalRepresentative: '王五', reason: '法定代表人变更\n见工商变更登记' } },
      });
      expect(update.body.errors).toBeUndefined();
    });
  });

  describe('the body limit', () => {
    it('answers a body over the limit as a GraphQL error PAYLOAD_TOO_LARGE with the limit, HTTP 413', async () => {
      const answer = await post(service, admin, { query: REGISTER, variables: { input: firm(code('BODY0', 1), { name: '名'.repeat(MAX_BODY_BYTES / 3 + 10) }) } });
      expect(answer.status).toBe(413);
      expect(answer.body.errors?.[0]).toEqual({
        message: expect.stringMatching(/at most 4194304 bytes/),
        extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: MAX_BODY_BYTES },
      });
    });

    it('answers a body that is no JSON as BAD_REQUEST, HTTP 400', async () => {
      const answer = await post(service, admin, '{"query": "{ associations { associationId } }"');
      expect(answer.status).toBe(400);
      expect(firstError(answer).code).toBe('BAD_REQUEST');
    });
  });

  describe('a normal bulk batch and the mutations of one request', () => {
    const BULK = 'bulk-cia';
    const CYCLE = 'bulk-2024';
    const FIRMS = 173;
    const INDICATORS = ['MANAGEMENT', 'QUALITY', 'SAFETY', 'CONTRACTS', 'FINANCE', 'HONOURS'];
    const codes = Array.from({ length: FIRMS }, (_, i) => code('BULK0', i));
    let bulkAdmin: string;
    let expert: string;

    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const aliasedRegistrations = (batch: readonly string[]) => ({
      query: `mutation (${batch.map((_, i) => `$f${i}: RegisterEnterpriseInput!`).join(', ')}) { ${batch.map((_, i) => `f${i}: registerEnterprise(input: $f${i}) { revision }`).join(' ')} }`,
      variables: Object.fromEntries(batch.map((c, i) => [`f${i}`, firm(c)])),
    });

    beforeAll(async () => {
      bulkAdmin = await service.token('ADMIN', { associationId: BULK, userId: 'bulk-secretariat' });
      expert = await service.token('EXPERT', { userId: 'bulk-expert' });
    });

    it('refuses 1,000 aliased mutations before any runs, and runs 50', async () => {
      const before = await events();
      const thousand = Array.from({ length: 1000 }, (_, i) => code('ALIAS', i));
      const refused = await post(service, admin, aliasedRegistrations(thousand));
      expect(refused.status).toBe(400);
      expect(firstError(refused)).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'mutations', fieldErrors: [{ field: 'f50' }] });
      expect(await events()).toBe(before);
      for (let start = 0; start < FIRMS; start += 50) {
        const answer = await post(service, bulkAdmin, aliasedRegistrations(codes.slice(start, start + 50)));
        expect(answer.body.errors).toBeUndefined();
      }
      expect(await events()).toBe(before + FIRMS);
    });

    it('files and scores 173 applications with six scores and evidence each in one request apiece', async () => {
      const mutate = async (token: string, name: string, input: Record<string, unknown>, selection = '__typename') => {
        const type = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
        const answer = await post(service, token, { query: `mutation ($input: ${type}!) { ${name}(input: $input) { ${selection} } }`, variables: { input } });
        expect(answer.body.errors).toBeUndefined();
        return answer.body.data![name] as Record<string, unknown>;
      };
      await mutate(bulkAdmin, 'defineCreditRulebook', {
        associationId: BULK, rulebookId: `${CYCLE}-rules`, title: '建筑业企业信用评价办法', referenceNumber: '协〔2024〕1号', effectiveFrom: '2024-01-01', subjectKind: 'ENTERPRISE',
        indicators: INDICATORS.map((c) => ({ code: c, name: `指标${c}`, category: '协会评价', maxPoints: 20, body: 'ASSOCIATION', evidenceRequired: true })),
        thresholds: [{ grade: 'AAA', minPoints: 100 }, { grade: 'AA', minPoints: 80 }, { grade: 'A', minPoints: 60 }],
        validityYears: 3, noticeDays: 5, vetoRules: [], dynamicRules: [],
      });
      await mutate(bulkAdmin, 'openCreditCycle', {
        associationId: BULK, cycleId: CYCLE, title: '2024年度信用评价', rulebookId: `${CYCLE}-rules`, rulebookVersion: 1,
        assessmentFrom: '2022-01-01', assessmentTo: '2023-12-31', filingFrom: day(-1), filingTo: day(30), eligibility: 'ALL',
      });
      await mutate(bulkAdmin, 'assignCreditScorer', { associationId: BULK, cycleId: CYCLE, scorerId: 'bulk-expert', body: 'ASSOCIATION' });
      const filed = await mutate(bulkAdmin, 'fileCreditApplications', {
        associationId: BULK, cycleId: CYCLE, applications: codes.map((subjectId) => ({ subjectId, selfAssessment: INDICATORS.map((c) => ({ code: c, points: 15 })) })),
      }, 'written refused');
      expect(filed).toEqual({ written: FIRMS, refused: 0 });
      const scoring = {
        query: `mutation ($input: ScoreCreditApplicationsInput!) { scoreCreditApplications(input: $input) { written refused } }`,
        variables: {
          input: {
            associationId: BULK, cycleId: CYCLE,
            applications: codes.map((subjectId, i) => ({
              subjectId,
              scores: INDICATORS.map((c, j) => ({ code: c, points: (i + j) % 21, evidenceReference: `岳建协评〔2024〕第${String(i).padStart(3, '0')}-${j}号 档案` })),
            })),
          },
        },
      };
      const bytes = Buffer.byteLength(JSON.stringify(scoring));
      // Over the 100 KiB Nest's parser allowed, well under the body limit.
      expect(bytes).toBeGreaterThan(100 * 1024);
      const answer = await post(service, expert, scoring);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ data: { scoreCreditApplications: { written: FIRMS, refused: 0 } } });
    });
  });

  it('sends no X-Powered-By header', async () => {
    const graphql = await post(service, tender, { query: '{ associations { associationId } }' });
    expect(graphql.headers.get('x-powered-by')).toBeNull();
    const health = await fetch(`${service.url}/health`);
    expect(health.headers.get('x-powered-by')).toBeNull();
  });
});

describe('the rate limit', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  const ask = (token: string | null) => post(service, token, { query: '{ associations { associationId } }' });

  it('answers a token past its allowance with HTTP 429, Retry-After and RATE_LIMITED, and other tokens still', async () => {
    const first = await service.token('AUDITOR', { userId: `auditor-${randomUUID()}` });
    const second = await service.token('AUDITOR', { userId: `auditor-${randomUUID()}` });
    for (let i = 0; i < 3; i++) expect((await ask(first)).status).toBe(200);
    const limited = await ask(first);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(limited.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter, limitPerMinute: 3 });
    expect((await ask(second)).status).toBe(200);
  });

  it('counts requests without a valid token by client address, a forged token included', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(null)).status);
    statuses.push((await ask('forged.token.value')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
