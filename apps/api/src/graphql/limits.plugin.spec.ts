import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { queryLimitsPlugin } from './limits.plugin.js';

const schema = buildSchema(`
  type Tag { label: String! weight: Int! }
  type Item { id: ID! name: String! note: String count: Int tag: Tag tags: [Tag!]! children(first: Int = 5): [Item!]! }
  type Query { items(first: Int = 20, label: String): [Item!]! lookup(codes: [String!]!): [Item!]! }
  type Mutation { touch(id: ID!): Item! }
`);

const item = { id: '1', name: 'x', children: [] };

let touched = 0;

async function serverWith(maxDepth: number, maxComplexity: number, maxMutations = 50): Promise<ApolloServer> {
  const server = new ApolloServer({
    schema,
    rootValue: { items: () => [item], touch: () => ((touched += 1), item) },
    plugins: [queryLimitsPlugin(() => schema, { maxDepth, maxComplexity, maxMutations })],
  });
  await server.start();
  return server;
}

async function limitOf(server: ApolloServer, query: string, variables: Record<string, unknown> = {}): Promise<string | null> {
  const response = await server.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const limit = response.body.singleResult.errors?.[0]?.extensions?.limit;
  return typeof limit === 'string' ? limit : null;
}

describe('the cost of an operation', () => {
  it('counts the objects a page can hold, not its scalar fields', async () => {
    const server = await serverWith(10, 400);
    // 200 items with every scalar field: 200 objects.
    expect(await limitOf(server, `{ items(first: 200) { id name note count } }`)).toBeNull();
    // Each nested object counts once per item: 200 × (item + tag + tags) = 600.
    expect(await limitOf(server, `{ items(first: 200) { id tag { label weight } tags { label } } }`)).toBe('complexity');
    expect(await limitOf(server, `{ items(first: 100) { id tag { label weight } tags { label } } }`)).toBeNull();
    await server.stop();
  });

  it('multiplies a nested page by the page that holds it', async () => {
    const server = await serverWith(10, 400);
    expect(await limitOf(server, `{ items(first: 20) { id children(first: 19) { id } } }`)).toBeNull();
    expect(await limitOf(server, `{ items(first: 20) { id children(first: 20) { id } } }`)).toBe('complexity');
    await server.stop();
  });

  it('counts a look-up by the number of keys it is given, literal or in a variable', async () => {
    const server = await serverWith(10, 100);
    const codes = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
    const query = `query ($codes: [String!]!) { lookup(codes: $codes) { id tag { label } } }`;
    expect(await limitOf(server, query, { codes: codes(50) })).toBeNull();
    expect(await limitOf(server, query, { codes: codes(51) })).toBe('complexity');
    expect(await limitOf(server, `{ lookup(codes: ${JSON.stringify(codes(51))}) { id tag { label } } }`)).toBe('complexity');
    await server.stop();
  });
});

describe('the query limits', () => {
  it('costs the same text again by the variables it is sent with when a page size is a variable', async () => {
    const server = await serverWith(10, 100);
    const query = `query ($n: Int) { items(first: $n) { id } }`;
    expect(await limitOf(server, query, { n: 50 })).toBeNull();
    expect(await limitOf(server, query, { n: 500 })).toBe('complexity');
    expect(await limitOf(server, query, { n: 50 })).toBeNull();
    await server.stop();
  });

  it('costs a look-up again when the number of keys changes, whatever the keys are', async () => {
    const server = await serverWith(10, 100);
    const query = `query ($codes: [String!]!) { lookup(codes: $codes) { id tag { label } } }`;
    const codes = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    expect(await limitOf(server, query, { codes: codes(50, 'a') })).toBeNull();
    expect(await limitOf(server, query, { codes: codes(50, 'b') })).toBeNull();
    expect(await limitOf(server, query, { codes: codes(51, 'a') })).toBe('complexity');
    expect(await limitOf(server, query, { codes: codes(51, 'c') })).toBe('complexity');
    expect(await limitOf(server, query, { codes: codes(50, 'c') })).toBeNull();
    await server.stop();
  });

  it('costs the same text again when a variable decides whether a costly field is included', async () => {
    const server = await serverWith(10, 100);
    const query = `query ($big: Boolean!) { items(first: 5) { id } more: items(first: 500) @include(if: $big) { id } }`;
    expect(await limitOf(server, query, { big: false })).toBeNull();
    expect(await limitOf(server, query, { big: true })).toBe('complexity');
    await server.stop();
  });

  it('refuses a costly query every time it is sent, whatever its other variables', async () => {
    const server = await serverWith(10, 100);
    const query = `query ($label: String) { items(first: 500, label: $label) { id } }`;
    expect(await limitOf(server, query, { label: 'a' })).toBe('complexity');
    expect(await limitOf(server, query, { label: 'b' })).toBe('complexity');
    const cheap = `query ($label: String) { items(first: 50, label: $label) { id } }`;
    expect(await limitOf(server, cheap, { label: 'a' })).toBeNull();
    expect(await limitOf(server, cheap, { label: 'b' })).toBeNull();
    await server.stop();
  });

  it('refuses a query nested too deep every time it is sent, including through fragments', async () => {
    const server = await serverWith(3, 10_000);
    const query = `{ items { ...deep } } fragment deep on Item { children { children { id } } }`;
    expect(await limitOf(server, query)).toBe('depth');
    expect(await limitOf(server, query)).toBe('depth');
    expect(await limitOf(server, `{ items { children { id } } }`)).toBeNull();
    await server.stop();
  });
});

describe('a refusal by a limit', () => {
  async function refusal(server: ApolloServer, query: string) {
    const response = await server.executeOperation({ query });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { status: response.http.status, data: response.body.singleResult.data, error: response.body.singleResult.errors?.[0] };
  }

  it('is a request error (HTTP 400, no data) naming the selections that exceed the limit', async () => {
    const server = await serverWith(3, 400);
    const deep = await refusal(server, `{ items { a: children { children { id } } } }`);
    expect(deep).toMatchObject({ status: 400, data: undefined, error: { extensions: { code: 'BAD_USER_INPUT', limit: 'depth', fieldErrors: [{ field: 'items.a.children.id' }] } } });
    const costly = await refusal(server, `{ small: items(first: 2) { id } big: items(first: 500) { id } }`);
    expect(costly).toMatchObject({ status: 400, error: { extensions: { code: 'BAD_USER_INPUT', limit: 'complexity' } } });
    expect(costly.error?.extensions?.fieldErrors).toEqual([
      { field: 'big', message: 'costs 500 points.' },
      { field: 'small', message: 'costs 2 points.' },
    ]);
    await server.stop();
  });
});

describe('the mutations of one request', () => {
  const aliased = (n: number) => `mutation { ${Array.from({ length: n }, (_, i) => `m${i}: touch(id: "${i}") { id }`).join(' ')} }`;

  it('runs as many as the limit allows, aliases counted one each', async () => {
    const server = await serverWith(10, 10_000, 5);
    touched = 0;
    expect(await limitOf(server, aliased(5))).toBeNull();
    expect(touched).toBe(5);
    await server.stop();
  });

  it('refuses one more before any runs, naming the first past the limit', async () => {
    const server = await serverWith(10, 10_000, 5);
    touched = 0;
    const response = await server.executeOperation({ query: aliased(1000) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.http.status).toBe(400);
    expect(response.body.singleResult.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: 'mutations',
      fieldErrors: [{ field: 'm5', message: 'is mutation 6 of 1000; nothing was run.' }],
    });
    // Through a fragment too.
    expect(await limitOf(server, `mutation { ...six } fragment six on Mutation { ${aliased(6).slice(11, -2)} }`)).toBe('mutations');
    expect(touched).toBe(0);
    await server.stop();
  });
});
