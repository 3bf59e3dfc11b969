/*
 * fast-check arbitraries for GraphQL requests generated from the schema: for every argument of a root field, a
 * value of its type (often one the register holds, so the request gets past the look-ups) or a hostile one: NUL,
 * unpaired surrogates, bidi overrides, invisible-only and multi-line text, control characters, huge strings,
 * wrong types, bad dates, negative and huge numbers, malformed ids, unknown fields, missing fields, long lists.
 */
import fc, { type Arbitrary } from 'fast-check';
import {
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/** Values the register holds after the suite's set-up, by argument or input field name. */
export interface KnownValues {
  readonly byName: Readonly<Record<string, readonly unknown[]>>;
}

const HUGE = [10_000, 100_000, 1_000_000];

const HOSTILE_TEXT: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDBFF',
  '\u202Eexe.txt',
  'name\u2066hidden\u2069',
  '\u200B\u200B',
  '\uFEFF',
  '\u00AD\u2060',
  ' ',
  '',
  '\u3000',
  'line\nbreak',
  'carriage\r\nreturn',
  'tab\there',
  '\u0007bell',
  '\u001B[31mred',
  '\u0085next line',
  '\u2028',
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '"',
  '{"$gt":""}',
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'A B',
  'UPPER-CASE',
  'a--b',
  '-a',
  'a'.repeat(65),
  '９１４２０１００ＭＡ４ＫＱ０００１Ｍ',
  '91420100MA4KQ0001M ',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '😀'.repeat(40),
];

const BAD_DATES: readonly unknown[] = [
  'yesterday',
  '',
  '2023-02-30',
  '2023-02-30T00:00:00Z',
  '2024-13-01',
  '0000-01-01',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2999-01-01T00:00:00Z',
  '1',
  'NaN',
  '2024-05-01T25:00:00Z',
  0,
  -8.64e15,
  true,
];

const hostileString: Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 6, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 20 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => `x${String.fromCharCode(c)}y`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HUGE), fc.constantFrom('x', '信', '\u0000')).map(([n, c]) => c.repeat(n)) },
);

/** A value of another JSON type than the position takes. */
const wrongType: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 31, 2 ** 53, 1e308, '', 'x', [], [1, 2], {}, { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);

function intArbitrary(): Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -3, max: 300 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, -1, 1, 2020, 2024, 2_147_483_647, -2_147_483_648, 200, 201, 501, 1001) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(2 ** 31, 2 ** 53, 1.5, -0.0001, '12', 'NaN', true) },
  );
}

function floatArbitrary(): Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: -100_000, max: 10_000_000 }) },
    { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 2, 0.5, '100', true) },
  );
}

function dateTimeArbitrary(): Arbitrary<unknown> {
  const past = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  return fc.oneof({ weight: 3, arbitrary: past }, { weight: 2, arbitrary: fc.constantFrom(...BAD_DATES) }, { weight: 1, arbitrary: hostileString });
}

function stringArbitrary(name: string, known: KnownValues): Arbitrary<unknown> {
  const good = known.byName[name];
  const dateLike = /(On|From|To|Date|date)$/.test(name);
  return fc.oneof(
    ...(good && good.length > 0 ? [{ weight: 8, arbitrary: fc.constantFrom(...good) }] : []),
    ...(dateLike ? [{ weight: 2, arbitrary: fc.oneof(fc.constantFrom('2024-03-01', '2020-01-01', '2030-01-01'), fc.constantFrom(...BAD_DATES)) }] : []),
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: wrongType },
  );
}

/** A value for a position of `type`, named `name` (an argument or an input field). */
export function valueArbitrary(type: GraphQLInputType, name: string, known: KnownValues, depth = 0): Arbitrary<unknown> {
  const nullable = getNullableType(type) as GraphQLInputType;
  const orNull = (arbitrary: Arbitrary<unknown>) => (isNonNullType(type) ? fc.oneof({ weight: 12, arbitrary }, { weight: 1, arbitrary: fc.constant(null) }) : fc.option(arbitrary, { freq: 4 }));
  if (isListType(nullable)) {
    const item = valueArbitrary(nullable.ofType, name, known, depth + 1);
    return orNull(
      fc.oneof(
        { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
        { weight: 1, arbitrary: item },
        // A long list of one item (a short one: a long list of huge strings would be hundreds of megabytes).
        { weight: 1, arbitrary: fc.tuple(item, fc.constantFrom(21, 51, 101, 501, 1001, 5001)).map(([one, n]) => (JSON.stringify(one ?? null).length > 2_000 ? [one] : Array.from({ length: n }, () => one))) },
        { weight: 1, arbitrary: wrongType },
      ),
    );
  }
  if (isInputObjectType(nullable)) {
    if (depth > 6) return fc.constant(null);
    const fields = Object.values(nullable.getFields());
    const model = Object.fromEntries(fields.map((field) => [field.name, valueArbitrary(field.type, field.name, known, depth + 1)]));
    const required = fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined).map((field) => field.name);
    const object = fc
      .tuple(
        fc.record(model, { requiredKeys: required }),
        fc.option(fc.constantFrom(...(required.length > 0 ? required : ['none'])), { freq: 6 }),
        fc.option(fc.constantFrom('unknownField', '__proto__', 'constructor'), { freq: 8 }),
      )
      .map(([value, dropped, extra]) => {
        // Required fields are given (so the request reaches the resolver), but now and then one is left out.
        const present = { ...value } as Record<string, unknown>;
        if (dropped !== null) delete present[dropped];
        if (extra !== null) Object.defineProperty(present, extra, { value: 'x', enumerable: true, configurable: true, writable: true });
        return present;
      });
    const complete = fc.record(model).map((value) => value as Record<string, unknown>);
    return orNull(fc.oneof({ weight: 3, arbitrary: complete }, { weight: 3, arbitrary: object }, { weight: 1, arbitrary: wrongType }));
  }
  if (isEnumType(nullable)) {
    const values = nullable.getValues().map((v) => v.name);
    return orNull(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom('', 'lower', values[0]!.toLowerCase(), 'X'.repeat(1000)) }, { weight: 1, arbitrary: wrongType }));
  }
  switch (nullable.name) {
    case 'Int':
      return orNull(intArbitrary());
    case 'Float':
    case 'Fen':
      return orNull(floatArbitrary());
    case 'Boolean':
      return orNull(fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 1, 'yes') }));
    case 'DateTime':
      return orNull(dateTimeArbitrary());
    default:
      return orNull(stringArbitrary(name, known));
  }
}

/** Leaf fields, and nested objects' leaf fields, of a return type (nested pages and fields with required arguments left out). */
export function selectionOf(type: GraphQLObjectType, depthLeft = 3, onPath: ReadonlySet<string> = new Set([type.name])): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => a.name === 'first' || (isNonNullType(a.type) && a.defaultValue === undefined))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (isObjectType(named) && depthLeft > 1 && !onPath.has(named.name)) {
      const inner = selectionOf(named, depthLeft - 1, new Set([...onPath, named.name]));
      if (inner) parts.push(`${field.name} { ${inner} }`);
    }
  }
  return parts.length > 0 ? parts.join(' ') : '__typename';
}

/** A GraphQL literal of a plain value (hostile strings written as JSON strings, which GraphQL reads the same way). */
export function literalOf(value: unknown, type: GraphQLInputType): string {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literalOf(item, isListType(nullable) ? nullable.ofType : nullable)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(nullable) ? nullable.getFields() : {};
    return `{ ${Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(key) ? key : 'invalidKey'}: ${literalOf(item, fields[key]?.type ?? nullable)}`)
      .join(', ')} }`;
  }
  if (typeof value === 'string') {
    if (isEnumType(nullable) && nullable.getValue(value)) return value;
    return JSON.stringify(value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  return String(value);
}

export interface GeneratedRequest {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly rootKey: string;
}

/** A request for one root field: each argument as a variable (mostly) or an inline literal. */
export function requestArbitrary(operation: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, known: KnownValues): Arbitrary<GeneratedRequest> {
  const returned = getNamedType(field.type);
  const selection = isObjectType(returned) ? ` { ${selectionOf(returned)} }` : '';
  const args = field.args.map((argument) =>
    fc.record({
      value: fc.option(valueArbitrary(argument.type, argument.name, known), { freq: isNonNullType(argument.type) ? 20 : 3 }),
      inline: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
  );
  return fc.tuple(...args).map((chosen) => {
    const declared: string[] = [];
    const given: string[] = [];
    const variables: Record<string, unknown> = {};
    field.args.forEach((argument, index) => {
      const { value, inline } = chosen[index]!;
      if (value === null && !isNonNullType(argument.type)) return;
      if (inline) {
        given.push(`${argument.name}: ${literalOf(value, argument.type)}`);
      } else {
        declared.push(`$${argument.name}: ${String(argument.type)}`);
        given.push(`${argument.name}: $${argument.name}`);
        if (value !== null) variables[argument.name] = value;
      }
    });
    const head = declared.length > 0 ? `${operation} (${declared.join(', ')})` : operation;
    const call = given.length > 0 ? `${field.name}(${given.join(', ')})` : field.name;
    return { query: `${head} { ${call}${selection} }`, variables, rootKey: field.name };
  });
}
