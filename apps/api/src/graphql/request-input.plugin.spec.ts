import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { instantProblem, requestInputPlugin } from './request-input.plugin.js';

const schema = buildSchema(`
  scalar DateTime
  input Score { code: String! points: Int! note: String }
  input Scores { subjectId: String! scores: [Score!]! }
  type Query { statement(code: String!, asOf: DateTime): String lookup(ids: [String!]!): [String!]! }
  type Mutation { score(input: Scores!): String }
`);

let resolved = 0;

async function answer(query: string, variables: Record<string, unknown> = {}) {
  const server = new ApolloServer({
    schema,
    rootValue: { statement: () => ((resolved += 1), 'ok'), lookup: () => ['ok'], score: () => ((resolved += 1), 'ok') },
    plugins: [requestInputPlugin()],
  });
  await server.start();
  const response = await server.executeOperation({ query, variables });
  await server.stop();
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const error = response.body.singleResult.errors?.[0];
  return { status: response.http.status, data: response.body.singleResult.data, code: error?.extensions?.code, fieldErrors: error?.extensions?.fieldErrors };
}

const SCORE = `mutation ($input: Scores!) { score(input: $input) }`;

describe('the input of a request, before anything runs', () => {
  it('refuses NUL and unpaired surrogates in variables, named by their field path, with HTTP 400', async () => {
    resolved = 0;
    const refused = await answer(SCORE, { input: { subjectId: 'a\u0000b', scores: [{ code: 'X', points: 1 }, { code: 'Y', points: 2, note: 'x\uD800' }] } });
    expect(refused).toMatchObject({ status: 400, data: undefined, code: 'BAD_USER_INPUT' });
    expect(refused.fieldErrors).toEqual([
      { field: 'subjectId', message: expect.stringMatching(/U\+0000/) },
      { field: 'scores.1.note', message: expect.stringMatching(/unpaired UTF-16 surrogate/) },
    ]);
    const list = await answer(`query ($ids: [String!]!) { lookup(ids: $ids) }`, { ids: ['ok', '\uDC00'] });
    expect(list.fieldErrors).toEqual([{ field: 'ids.1', message: expect.any(String) }]);
    expect(resolved).toBe(0);
  });

  it('refuses them in literals and in variables inside literals', async () => {
    expect((await answer(`{ statement(code: "\\u0000") }`)).fieldErrors).toEqual([{ field: 'code', message: expect.any(String) }]);
    const nested = await answer(`mutation ($note: String) { score(input: { subjectId: "s", scores: [{ code: "c", points: 1, note: $note }] }) }`, { note: '\u0000' });
    expect(nested.fieldErrors).toEqual([{ field: 'scores.0.note', message: expect.any(String) }]);
  });

  it('names the field of a variable that does not fit its type, and a missing or unknown one', async () => {
    const refused = await answer(SCORE, { input: { subjectId: 5, scores: [{ code: 'c', points: 'many' }, { points: 1 }], extra: true } });
    expect(refused).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
    expect((refused.fieldErrors as { field: string }[]).map((e) => e.field).sort()).toEqual(['extra', 'scores.0.points', 'scores.1.code', 'subjectId']);
    expect((await answer(SCORE)).fieldErrors).toEqual([{ field: 'input', message: expect.stringMatching(/was not given/) }]);
  });

  it('prefixes the response key when the operation selects several root fields', async () => {
    const refused = await answer(`{ a: statement(code: "\\u0000") b: statement(code: "ok") c: statement(code: "x\\u0000") }`);
    expect(refused.fieldErrors).toEqual([
      { field: 'a.code', message: expect.any(String) },
      { field: 'c.code', message: expect.any(String) },
    ]);
  });

  it('refuses a DateTime that is no instant in the years 1 to 9999, and takes one that is', async () => {
    resolved = 0;
    for (const asOf of ['yesterday', '', '2023-02-30T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', 5, true]) {
      expect(await answer(`query ($asOf: DateTime) { statement(code: "c", asOf: $asOf) }`, { asOf })).toMatchObject({ status: 400, fieldErrors: [{ field: 'asOf' }] });
    }
    expect((await answer(`{ statement(code: "c", asOf: "0000-01-01") }`)).fieldErrors).toEqual([{ field: 'asOf', message: expect.any(String) }]);
    expect(resolved).toBe(0);
    expect(await answer(`query ($asOf: DateTime) { statement(code: "c", asOf: $asOf) }`, { asOf: '2024-05-01T08:00:00+08:00' })).toMatchObject({ data: { statement: 'ok' } });
    expect(resolved).toBe(1);
  });
});

describe('instantProblem', () => {
  it('takes ISO 8601 dates and date-times of real calendar days', () => {
    for (const value of ['2024-02-29', '2024-05-01T08:00', '2024-05-01T08:00:00Z', '2024-05-01T08:00:00.123+0800', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
      expect(instantProblem(value)).toBeNull();
    }
    for (const value of ['2023-02-29', '2024-05-01T24:00:00Z', '2024-05-01T08:60', '20240501', 'May 1, 2024', null, 1714550400000]) {
      expect(instantProblem(value)).toMatch(/ISO 8601/);
    }
  });
});
