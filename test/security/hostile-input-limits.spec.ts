/*
 * The body limit and the input limits agree: for every mutation, the largest request its input limits allow (each
 * list at its ArrayMaxSize, each string at its MaxLength in three-byte characters, as JSON.stringify sends Chinese
 * text, every optional field given, a bulk budget spent in full) fits the body limit, so no request is refused for
 * its size when its fields would have been accepted. The requests are built from the printed schema and the input
 * classes' class-validator metadata: a mutation or a field added later is measured without new test code, and a
 * string or list input without a limit fails here. The largest are then sent to a running service, which must
 * answer them as GraphQL (a field error at worst), never with 413.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  getNullableType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { MAX_BODY_BYTES } from '../../apps/api/src/graphql/http-limits.js';
import { bulkBudgetOf, type BulkBudget } from '../../apps/api/src/graphql/bulk-budget.js';
import { startTestService, type TestService } from '../support/service.js';
import { constraintsOf, INPUT_CLASSES, rootFields, serviceSchema } from './hostile-input-schema.js';

/** A character of the most bytes a MaxLength character can take in UTF-8 JSON (the BMP's CJK: three). */
const WIDEST = '信';
/** The longest JSON form of each scalar the inputs take. */
const LONGEST_SCALAR: Record<string, unknown> = {
  Int: -2_147_483_648,
  Float: -1.7976931348623157e308,
  Fen: -1.7976931348623157e308,
  Boolean: false,
  DateTime: '2024-05-01T08:00:00.000000000+08:00',
};
/** Patterns whose matches have a fixed length (the date and division-code fields carry no MaxLength of their own). */
const FIXED_LENGTH_PATTERNS = new Map([
  ['^\\d{4}-\\d{2}-\\d{2}$', 10],
  ['^\\d{6}$', 6],
]);

interface Budget {
  readonly rule: BulkBudget;
  items: number;
  text: number;
}

/** The longest string a property allows, or an error naming the unbounded property. */
function longestString(typeName: string, property: string, constraints: ReturnType<typeof constraintsOf>, budget: Budget | null): string {
  const isIn = constraints.get('isIn')?.constraints[0];
  if (Array.isArray(isIn)) return [...(isIn as string[])].sort((a, b) => b.length - a.length)[0]!;
  if (constraints.has('isUuid')) return '00000000-0000-4000-8000-000000000000';
  if (constraints.has('isAssociationId')) return 'a'.repeat(64);
  const max = constraints.get('maxLength')?.constraints[0];
  if (typeof max === 'number') {
    let length = max;
    if (budget?.rule.textFields?.includes(property) && budget.rule.maxTextCharacters !== undefined) {
      length = Math.min(max, budget.rule.maxTextCharacters - budget.text);
      budget.text += length;
    }
    return WIDEST.repeat(length);
  }
  const pattern = constraints.get('matches')?.constraints[0];
  const fixed = pattern instanceof RegExp ? FIXED_LENGTH_PATTERNS.get(pattern.source) : undefined;
  if (fixed !== undefined) return '9'.repeat(fixed);
  throw new Error(`${typeName}.${property} is a string without a length limit: give it a MaxLength (or IsIn).`);
}

function largestValue(type: GraphQLInputType, owner: string, property: string, constraints: ReturnType<typeof constraintsOf>, budget: Budget | null): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    const max = constraints.get('arrayMaxSize')?.constraints[0];
    if (typeof max !== 'number') throw new Error(`${owner}.${property} is a list without ArrayMaxSize.`);
    let count = max;
    if (budget && budget.rule.list === property) {
      count = Math.min(max, budget.rule.maxItems - budget.items);
      budget.items += count;
    }
    const ownBudget = bulkBudgetOf(INPUT_CLASSES.get(owner)!, property);
    const itemBudget: Budget | null = ownBudget ? { rule: ownBudget, items: 0, text: 0 } : budget;
    return Array.from({ length: count }, () => largestValue(nullable.ofType, owner, property, constraints, itemBudget));
  }
  if (isInputObjectType(nullable)) return largestObject(nullable.name, nullable.getFields(), budget);
  if (isEnumType(nullable)) return [...nullable.getValues()].map((v) => v.name).sort((a, b) => b.length - a.length)[0];
  if (isScalarType(nullable) && nullable.name === 'String') return longestString(owner, property, constraints, budget);
  if (isScalarType(nullable) && nullable.name in LONGEST_SCALAR) return LONGEST_SCALAR[nullable.name];
  throw new Error(`${owner}.${property}: no longest value known for ${nullable.name}.`);
}

function largestObject(typeName: string, fields: Record<string, { type: GraphQLInputType }>, budget: Budget | null): Record<string, unknown> {
  const type = INPUT_CLASSES.get(typeName);
  if (!type) throw new Error(`No input class for the input type ${typeName}: add its module to hostile-input-schema.ts.`);
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, largestValue(field.type, typeName, name, constraintsOf(type, name), budget)]));
}

interface LargestRequest {
  readonly mutation: string;
  readonly body: string;
  readonly bytes: number;
}

function largestRequest(field: GraphQLField<unknown, unknown>): LargestRequest {
  const variables: Record<string, unknown> = {};
  const declared: string[] = [];
  for (const argument of field.args) {
    const input = getNullableType(argument.type);
    if (!isInputObjectType(input)) throw new Error(`${field.name}(${argument.name}:) is not an input object: measure it here.`);
    variables[argument.name] = largestObject(input.name, input.getFields(), null);
    declared.push(`$${argument.name}: ${String(argument.type)}`);
  }
  const query = `mutation (${declared.join(', ')}) { ${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')}) { __typename } }`;
  const body = JSON.stringify({ query, variables });
  return { mutation: field.name, body, bytes: Buffer.byteLength(body) };
}

describe('the body limit and the input limits', () => {
  let schema: GraphQLSchema;
  let largest: LargestRequest[];

  beforeAll(async () => {
    schema = await serviceSchema();
    largest = rootFields(schema)
      .filter((root) => root.operation === 'mutation')
      .map((root) => largestRequest(root.field))
      .sort((a, b) => b.bytes - a.bytes);
  });

  it('measures every mutation, each argument an input object whose strings and lists are bounded', () => {
    expect(largest.map((r) => r.mutation).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
    expect(largest.every((r) => r.bytes > 0 && isNonNullType(schema.getMutationType()!.getFields()[r.mutation]!.args[0]!.type))).toBe(true);
  });

  it('fits the largest request of every mutation in the body limit', () => {
    const tooLarge = largest.filter((r) => r.bytes > MAX_BODY_BYTES).map((r) => `${r.mutation}: ${r.bytes} bytes`);
    expect(tooLarge).toEqual([]);
    // The bulk scoring is the largest (1,000 applications, 5,000 scores, 600,000 characters of evidence and notes).
    expect(largest[0]).toMatchObject({ mutation: 'scoreCreditApplications' });
    expect(largest[0]!.bytes).toBeGreaterThan(MAX_BODY_BYTES / 2);
  });

  describe('sent to the service', () => {
    let service: TestService;

    beforeAll(async () => {
      service = await startTestService();
    }, 60_000);

    afterAll(async () => {
      await service?.stop();
    });

    it('answers the largest requests as GraphQL, never with 413, and writes nothing', async () => {
      const token = await service.token('ADMIN', { associationId: 'a'.repeat(64) });
      const before = await service.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
      const answers: { mutation: string; bytes: number; status: number; code: string | undefined }[] = [];
      for (const request of largest.filter((r) => r.bytes > 100 * 1024)) {
        const response = await fetch(`${service.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: request.body,
        });
        const answer = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        answers.push({ mutation: request.mutation, bytes: request.bytes, status: response.status, code: answer.errors?.[0]?.extensions?.code });
      }
      expect(answers.length).toBeGreaterThanOrEqual(3);
      expect(answers.filter((a) => a.status >= 413 || a.code === undefined || a.code === 'INTERNAL_SERVER_ERROR' || a.code === 'PAYLOAD_TOO_LARGE')).toEqual([]);
      const after = await service.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
      expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
      process.stdout.write(`${answers.map((a) => `${a.mutation}: ${a.bytes} bytes, HTTP ${a.status} ${a.code}`).join('\n')}\n`);
    }, 60_000);
  });
});
