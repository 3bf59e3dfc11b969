/*
 * Every page size the schema allows can be asked for with every field of the page's nodes: the cost limit and
 * the page maxima agree. The queries are generated from the committed schema (which schema-drift.spec holds to
 * the code), so a connection or a field added later is covered without editing this test.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildSchema,
  getNamedType,
  type GraphQLField,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLSchema,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

const ASSOC = 'page-limits';
const MAX_PAGE = 200;
const MAX_SUBJECTS = 500;
const MAX_DEPTH = 10;
const CODE = memberCode('PGLMT', 1);

/** Values for the required arguments of the root connections, by argument name. */
const REQUIRED: Record<string, string> = { associationId: `"${ASSOC}"`, year: '2024', cycleId: '"no-such-cycle"', code: `"${CODE}"` };

const schema: GraphQLSchema = buildSchema(readFileSync(new URL('../../apps/api/schema.gql', import.meta.url), 'utf8'));

/** A nested page (a field taking `first`) is a page of its own, asked for separately; every other field is selected. */
const isPage = (field: GraphQLField<unknown, unknown>) => field.args.some((a) => a.name === 'first');
const needsArguments = (field: GraphQLField<unknown, unknown>) => field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);

function selectionOf(type: GraphQLObjectType, onPath: ReadonlySet<string>, depthLeft: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (isPage(field) || needsArguments(field)) continue;
    const named: GraphQLNamedType = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && depthLeft > 1 && !onPath.has(named.name)) {
      const inner = selectionOf(named, new Set([...onPath, named.name]), depthLeft - 1);
      if (inner) parts.push(`${field.name} { ${inner} }`);
    }
  }
  return parts.join(' ');
}

function fullQuery(field: GraphQLField<unknown, unknown>, args: string): string {
  const type = getNamedType(field.type) as GraphQLObjectType;
  return `{ ${field.name}(${args}) { ${selectionOf(type, new Set([type.name]), MAX_DEPTH - 1)} } }`;
}

const connections = Object.values(schema.getQueryType()!.getFields()).filter((f) => getNamedType(f.type).name.endsWith('Connection'));

function maximumPageOf(field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .filter((a) => isNonNullType(a.type) && a.defaultValue === undefined)
    .map((a) => {
      if (!(a.name in REQUIRED)) throw new Error(`No test value for the required argument ${field.name}(${a.name}:)`);
      return `${a.name}: ${REQUIRED[a.name]}`;
    });
  return fullQuery(field, [...args, `first: ${MAX_PAGE}`].join(', '));
}

describe('the largest page of every connection, with every field', () => {
  let service: TestService;
  let auditor: GraphQLClient;

  beforeAll(async () => {
    service = await startTestService();
    auditor = service.client('AUDITOR');
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general']);
    await fixtures.members(ASSOC, [{ code: CODE, sizeClass: 'SMALL', tier: 'MEMBER', admittedOn: '2023-03-01' }]);
    await fixtures.settled();
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('covers every connection type of the schema through a root query', () => {
    const asked = new Set(connections.map((f) => getNamedType(f.type).name));
    const all = Object.values(schema.getTypeMap()).filter((t) => t instanceof GraphQLObjectType && t.name.endsWith('Connection')).map((t) => t.name);
    expect([...asked].sort()).toEqual(all.sort());
  });

  it.each(connections.map((f) => [f.name, f] as const))('%s: first: 200 with every field is accepted and answered', async (_name, field) => {
    const query = maximumPageOf(field);
    expect(query).toMatch(/edges \{ cursor node \{/);
    const result = await auditor.request(query);
    expect(result.errors).toBeUndefined();
    // A list answers its total; a feed (ratingChanges) has no total to count, only its page.
    expect(result.data).toEqual({ [field.name]: expect.objectContaining({ edges: expect.any(Array), pageInfo: expect.any(Object) }) });
    const type = getNamedType(field.type) as GraphQLObjectType;
    if ('totalCount' in type.getFields()) expect((result.data as Record<string, { totalCount: unknown }>)[field.name]!.totalCount).toEqual(expect.any(Number));
  });

  it('accepts a tender look-up of the most subjects allowed with every field', async () => {
    const field = schema.getQueryType()!.getFields().creditRatingsAsOf!;
    const ids = Array.from({ length: MAX_SUBJECTS }, (_, i) => memberCode('PGKEY', i));
    const result = await service.client('TENDER').request(fullQuery(field, `subjectIds: ${JSON.stringify(ids)}`));
    expect(result.errors).toBeUndefined();
    expect((result.data as { creditRatingsAsOf: unknown[] }).creditRatingsAsOf).toHaveLength(MAX_SUBJECTS);
  });

  it('still refuses an operation that asks for several of the largest pages at once', async () => {
    const field = schema.getQueryType()!.getFields().duesWaiverRegister!;
    const page = maximumPageOf(field).slice(2, -2);
    const result = await auditor.request(`{ a: ${page} b: ${page} }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'complexity' });
  });
});
