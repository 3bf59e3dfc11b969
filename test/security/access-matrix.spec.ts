import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, getNamedType, type GraphQLField, type GraphQLObjectType, type GraphQLSchema, isCompositeType } from 'graphql';
import { buildSchemaSdl, RESOLVERS } from '#api';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import { GraphQLClient, type GraphQLResponse } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { type Arguments, cycleInput, matrixArguments, type MatrixRecords, rulebookInput } from './access-matrix.arguments.js';
import { type Caller, CALLERS, MUTATIONS, type Outcome, QUERIES, renderAccessTable, type Row } from './access-matrix.expected.js';

const NOW = '2026-03-02T02:00:00.000Z';
const RECORDS: MatrixRecords = {
  association: 'wuhan-cia',
  otherAssociation: 'yueyang-ucca',
  firm: withCheckCharacter('91420100MA4K00001'),
  changedMember: withCheckCharacter('91420100MA4K00002'),
  unregisteredFirm: withCheckCharacter('91420100MA4K00003'),
  cycle: 'wuhan-2026',
  rulebook: 'wuhan-credit',
  now: NOW,
  year: 2026,
};
const ASSIGNED_EXPERT = 'expert-zhao';

type Kind = 'query' | 'mutation';

/** One operation as every caller sends it: the document and its variables. */
interface Call {
  readonly name: string;
  readonly kind: Kind;
  readonly document: string;
  readonly variables: Arguments;
}

/** An operation document asking for exactly the arguments given, and `__typename` of what it returns. */
function documentFor(kind: Kind, field: GraphQLField<unknown, unknown>, args: Arguments): string {
  const unknown = Object.keys(args).filter((name) => !field.args.some((a) => a.name === name));
  if (unknown.length > 0) throw new Error(`${field.name} has no argument ${unknown.join(', ')}`);
  const used = field.args.filter((a) => a.name in args);
  const declared = used.length > 0 ? `(${used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')})` : '';
  const passed = used.length > 0 ? `(${used.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${kind} ${field.name}${declared} { ${field.name}${passed}${selection} }`;
}

function fieldsOf(type: GraphQLObjectType | null | undefined): GraphQLField<unknown, unknown>[] {
  return Object.values(type?.getFields() ?? {});
}

/**
 * What a response says about access. ALLOWED: the operation reached the records (data, or a refusal about the
 * records themselves); anything else that is not an access answer (bad arguments, an internal error) is reported as
 * it is, and matches no expected outcome.
 */
function outcomeOf(response: GraphQLResponse<unknown>): Outcome | string {
  const error = response.errors?.[0];
  if (!error) return 'ALLOWED';
  const code = error.extensions?.code;
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return code;
  if (error.extensions?.rule === 'ENTERPRISE_NOT_RELATED') return 'NOT_RELATED';
  if (code === 'RULE_VIOLATION' || code === 'NOT_FOUND' || code === 'CONFLICT') return 'ALLOWED';
  return `${String(code)} (${error.message})`;
}

describe('access by role, association, firm and assignment, for every query and mutation (ADR 0014)', () => {
  const clock = new FixedClock(NOW);
  let service: TestService;
  let schema: GraphQLSchema;
  let callers: Record<Caller, GraphQLClient>;

  const eventCount = async (): Promise<number> => Number((await service.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events')).rows[0]!.n);
  const mutate = (client: GraphQLClient, name: string, input: Arguments) =>
    client.request(`mutation ($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { __typename } }`, { input });

  beforeAll(async () => {
    schema = buildSchema(await buildSchemaSdl(RESOLVERS));
    service = await startTestService({ clock });
    const { association, otherAssociation, firm, changedMember } = RECORDS;
    const client = (role: Parameters<TestService['token']>[0], claims: Parameters<TestService['token']>[1]) =>
      service.token(role, claims).then((token) => new GraphQLClient(service.url, token));
    const issued = await Promise.all([
      client('ADMIN', { associationId: association, userId: 'wuhan-secretariat' }),
      client('ADMIN', { associationId: otherAssociation, userId: 'yueyang-secretariat' }),
      client('EXPERT', { userId: ASSIGNED_EXPERT }),
      client('EXPERT', { userId: 'expert-sun' }),
      client('AUDITOR', { userId: 'audit-office' }),
      client('TENDER', { userId: 'tender-platform' }),
      client('MEMBER', { associationId: association, enterpriseCode: firm, userId: 'firm-own' }),
      client('MEMBER', { associationId: association, enterpriseCode: changedMember, userId: 'firm-other' }),
    ]);
    callers = { anonymous: new GraphQLClient(service.url), ...Object.fromEntries(CALLERS.slice(1).map((caller, i) => [caller, issued[i]!])) } as Record<Caller, GraphQLClient>;

    // The scene, as the secretariats set it up: A with two member firms and a credit cycle F has applied to; B.
    const admin = callers['ADMIN own'];
    const ok = async (as: GraphQLClient, name: string, input: Arguments) => {
      const result = await mutate(as, name, input);
      if (result.errors?.length) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
    };
    const charter = { regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] };
    await ok(admin, 'registerAssociation', { associationId: association, name: '武汉建筑业协会', ...charter });
    await ok(callers['ADMIN other'], 'registerAssociation', { associationId: otherAssociation, name: '岳阳市城乡建设协会', ...charter, regionCode: '430600' });
    for (const [n, code] of [firm, changedMember].entries()) {
      await ok(admin, 'registerEnterprise', { code, name: `武汉第${n + 1}建设有限公司`, legalRepresentative: '张三', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'MEDIUM' });
      await ok(admin, 'applyForMembership', { associationId: association, enterpriseCode: code, appliedOn: '2026-01-05' });
      await ok(admin, 'admitMember', {
        associationId: association,
        enterpriseCode: code,
        tier: 'MEMBER',
        certificateNumber: `WJX-2026-000${n + 1}`,
        admittedOn: '2026-01-20',
        decision: { body: 'COUNCIL', reference: '武建协〔2026〕2号', decidedOn: '2026-01-20' },
      });
    }
    await ok(admin, 'defineCreditRulebook', rulebookInput(RECORDS));
    await ok(admin, 'openCreditCycle', cycleInput(RECORDS));
    await ok(admin, 'assignCreditScorer', { associationId: association, cycleId: RECORDS.cycle, scorerId: ASSIGNED_EXPERT, body: 'ASSOCIATION' });
    await ok(admin, 'fileCreditApplication', { associationId: association, cycleId: RECORDS.cycle, subjectId: firm, selfAssessment: [] });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  /** Every operation of the printed schema, queries first (they change nothing), each with its arguments. */
  function calls(): Call[] {
    const { queries, mutations } = matrixArguments(RECORDS);
    const of = (kind: Kind, type: GraphQLObjectType | null | undefined, args: Record<string, Arguments>, wrap: (a: Arguments) => Arguments) =>
      fieldsOf(type).map((field) => {
        const given = args[field.name];
        if (!given) throw new Error(`No arguments for ${kind} ${field.name} in test/security/access-matrix.arguments.ts.`);
        const variables = wrap(given);
        return { name: field.name, kind, document: documentFor(kind, field, variables), variables };
      });
    return [...of('query', schema.getQueryType(), queries, (a) => a), ...of('mutation', schema.getMutationType(), mutations, (input) => ({ input }))];
  }

  it('has a row for every query and mutation of the printed schema, and no row for an operation it lacks', () => {
    expect(Object.keys(QUERIES).sort()).toEqual(fieldsOf(schema.getQueryType()).map((f) => f.name).sort());
    expect(Object.keys(MUTATIONS).sort()).toEqual(fieldsOf(schema.getMutationType()).map((f) => f.name).sort());
    const { queries, mutations } = matrixArguments(RECORDS);
    expect(Object.keys(queries).sort()).toEqual(Object.keys(QUERIES).sort());
    expect(Object.keys(mutations).sort()).toEqual(Object.keys(MUTATIONS).sort());
  });

  it('answers every operation for every caller as the table says, and no refused call writes an event', async () => {
    const mismatches: string[] = [];
    const writes: string[] = [];
    let before = await eventCount();
    for (const call of calls()) {
      const row: Row = (call.kind === 'query' ? QUERIES : MUTATIONS)[call.name]!;
      for (const [column, caller] of CALLERS.entries()) {
        const expected = row[column]!;
        const actual = outcomeOf(await callers[caller].request(call.document, call.variables));
        if (actual !== expected) mismatches.push(`${call.name} as ${caller}: expected ${expected}, got ${actual}`);
        const after = await eventCount();
        if (expected !== 'ALLOWED' && after !== before) writes.push(`${call.name} as ${caller} (${expected}) appended ${after - before} event(s)`);
        before = after;
      }
    }
    expect(mismatches).toEqual([]);
    expect(writes).toEqual([]);
  }, 90_000);

  it('is the table docs/security.md shows under "Access"', async () => {
    const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const section = /^## Access\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(doc)?.[1] ?? '';
    const shown = section.split('\n').filter((line) => line.startsWith('|'));
    expect(shown).toEqual(renderAccessTable());
  });

  describe('authorises before it validates', () => {
    it("answers an admin of another association FORBIDDEN for a malformed rulebook of A, where A's admin is told what is wrong", async () => {
      const malformed = { ...rulebookInput(RECORDS, 'wuhan-malformed'), title: '', validityYears: 99, thresholds: [{ grade: 'AAA', minPoints: 5000 }] };
      const before = await eventCount();
      const foreign = await mutate(callers['ADMIN other'], 'defineCreditRulebook', malformed);
      expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(foreign.errors?.[0]?.extensions?.fieldErrors).toBeUndefined();
      const own = await mutate(callers['ADMIN own'], 'defineCreditRulebook', malformed);
      expect(own.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await eventCount()).toBe(before);
    });

    it('answers an unassigned expert FORBIDDEN for a wrong indicator code, naming no rulebook; an assigned one learns the code is not an indicator', async () => {
      const scores = { associationId: RECORDS.association, cycleId: RECORDS.cycle, subjectId: RECORDS.firm, scores: [{ code: 'SAFETY', points: 10 }] };
      const before = await eventCount();
      const unassigned = await mutate(callers['EXPERT unassigned'], 'scoreCreditIndicators', scores);
      expect(unassigned.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(unassigned.errors?.[0]?.message).not.toMatch(/rulebook|wuhan-credit|MANAGEMENT|COMPLIANCE/i);
      const assigned = await mutate(callers['EXPERT assigned'], 'scoreCreditIndicators', scores);
      expect(assigned.errors?.[0]?.extensions?.fieldErrors).toEqual([{ field: 'scores.0.code', message: `is not an indicator of rulebook ${RECORDS.rulebook} v1.` }]);
      expect(await eventCount()).toBe(before);
    });

    it("answers a member FORBIDDEN for another firm's dues statement under a malformed code, and reads its own under its code as typed", async () => {
      const statement = `query ($code: String!) { duesStatement(associationId: "${RECORDS.association}", enterpriseCode: $code) { __typename } }`;
      const malformed = await callers['MEMBER other'].request(statement, { code: 'not-a-code' });
      expect(malformed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const typed = await callers['MEMBER own'].request(statement, { code: RECORDS.firm.toLowerCase() });
      expect(typed.errors).toBeUndefined();
    });

    it('answers FORBIDDEN for a scope argument that is not even a well-formed id, whatever else the input holds', async () => {
      const directory = await callers['ADMIN other'].request(`query ($id: String!) { memberDirectory(associationId: $id) { totalCount } }`, { id: 'x'.repeat(5000) });
      expect(directory.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const before = await eventCount();
      const expel = await mutate(callers['ADMIN other'], 'expelMember', { associationId: ' wuhan-cia', enterpriseCode: 'x', reason: '', decision: { body: 'NOBODY', reference: '', decidedOn: '2026-13-45' } });
      expect(expel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await eventCount()).toBe(before);
    });

    it("lets an expert score as soon as the assignment is recorded, though the credit read model does not show it yet", async () => {
      const scorerId = 'expert-newly-assigned';
      const cycleId = `${RECORDS.cycle}-late`;
      const expert = new GraphQLClient(service.url, await service.token('EXPERT', { userId: scorerId }));
      const opened = await mutate(callers['ADMIN own'], 'openCreditCycle', cycleInput(RECORDS, cycleId));
      expect(opened.errors).toBeUndefined();
      const scores = { associationId: RECORDS.association, cycleId, subjectId: RECORDS.firm, scores: [{ code: 'MANAGEMENT', points: 41 }] };
      expect((await mutate(expert, 'scoreCreditIndicators', scores)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      await service.settled();
      // SHARE mode lets everyone read credit_cycle but holds the credit projection's writes back.
      const blocker = await service.pool.connect();
      let locked = true;
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE credit_cycle IN SHARE MODE');
        const assigned = await callers['ADMIN own'].request<{ assignCreditScorer: { readModelCurrent: boolean } }>(
          `mutation ($input: AssignCreditScorerInput!) { assignCreditScorer(input: $input) { readModelCurrent } }`,
          { input: { associationId: RECORDS.association, cycleId, scorerId, body: 'ASSOCIATION' } },
        );
        expect(assigned.data?.assignCreditScorer.readModelCurrent).toBe(false);
        const scored = mutate(expert, 'scoreCreditIndicators', scores);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await blocker.query('COMMIT');
        locked = false;
        // Past the guard, and assigned: the register answers about the application itself.
        const answer = await scored;
        expect(outcomeOf(answer)).toBe('ALLOWED');
        expect(answer.errors?.[0]?.extensions?.rule).not.toBe('CREDIT_SCORER_NOT_ASSIGNED');
      } finally {
        if (locked) await blocker.query('ROLLBACK');
        blocker.release();
      }
    }, 30_000);
  });
});
