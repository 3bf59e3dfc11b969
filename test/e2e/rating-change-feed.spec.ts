/*
 * The rating change feed as a tender system follows it (ADR 0018), over real HTTP and a real WebSocket against
 * the whole service on Postgres. Several writers change ratings at once (conduct records suspending and revoking,
 * reinstatements, a firm renamed) while slow transactions hold rating changes open and commit out of order; one
 * consumer pages through `ratingChanges` and another subscribes to `ratingChanged`, both restarting at random
 * points from the cursor they stored. Each ends with exactly the store's rating events, in the store's order,
 * none twice. The same runs on KurrentDB (the protocol test server), without the held transactions, which are
 * Postgres's own. FEED_SEED replays a run's random restarts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { creditApplicationStreamId } from '#domain/credit';
import { appendStatement } from '#eventstore';
import { FixedClock } from '#platform';
import { RATING_CHANGE_EVENT_TYPES } from '#projections';
import type { GraphQLClient } from '#testing';
import { connectWs, firstAnswer } from '../support/graphql-ws.js';
import { KurrentDbTestServer } from '../support/kurrentdb-test-server/kurrentdb-test-server.js';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from './credit-fixtures.js';
import { DuesFixtures, memberCode } from './dues-fixtures.js';

const ASSOC = 'feed-cia';
const OTHER_ASSOC = 'feed-other';
const CYCLE = 'feed-2022';
const FIRMS = Array.from({ length: 9 }, (_, n) => memberCode('FEEDX', n + 1));
const nameOf = (code: string) => `信用流${code.slice(-6)}建设有限公司`;
const RENAMED = '信用流更名建设集团有限公司';
const SEED = Number(process.env.FEED_SEED ?? Date.now() % 1_000_000);
const RATING_TYPES: ReadonlySet<string> = new Set(RATING_CHANGE_EVENT_TYPES);

/** A small seeded generator (mulberry32), so a failing run's restarts can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Change {
  cursor: string;
  change: string;
  eventId: string;
  eventType: string;
  associationId: string;
  subjectCode: string;
  subjectKind: string | null;
  firmName: string | null;
  gradeBefore: string | null;
  statusBefore: string | null;
  gradeAfter: string;
  statusAfter: string;
  effectiveOn: string;
  recordedAt: string;
}
const FIELDS = 'cursor change eventId eventType associationId subjectCode subjectKind firmName gradeBefore statusBefore gradeAfter statusAfter effectiveOn recordedAt';
const PAGE = `query ($after: String, $first: Int!, $codes: [String!], $associationId: String) {
  ratingChanges(after: $after, first: $first, codes: $codes, associationId: $associationId) { edges { cursor node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const SUBSCRIBE = `subscription ($after: String, $codes: [String!], $associationId: String) {
  ratingChanged(after: $after, codes: $codes, associationId: $associationId) { ${FIELDS} } }`;
type PageAnswer = { ratingChanges: { edges: { cursor: string; node: Change }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** What a consumer keeps across restarts: the cursor and what it handled, stored together after every change. */
interface Stored {
  cursor: string | null;
  handled: Change[];
}

function handle(stored: Stored, change: Change): void {
  stored.handled.push(change);
  stored.cursor = change.cursor;
}

/**
 * The suite on one store. Postgres: everything, with slow transactions holding rating changes open. KurrentDB (the
 * protocol test server, as `npm test` runs it): the same writers and consumers, whose order is KurrentDB's $all.
 */
function feedSuite(store: 'postgres' | 'kurrentdb'): void {
  const postgres = store === 'postgres';
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let kurrent: KurrentDbTestServer | null = null;
  let service: TestService;
  let credit: CreditCycleScenario;
  let tender: GraphQLClient;
  let tenderToken: string;
  /** The store's rating events in its gap-safe global order, read once the writers are done. */
  let expected: { id: string; type: string; subject: string }[];
  const http: Stored = { cursor: null, handled: [] };
  const ws: Stored = { cursor: null, handled: [] };
  const restarts = { http: 0, ws: 0, cut: 0 };

  beforeAll(async () => {
    kurrent = postgres ? null : await KurrentDbTestServer.start();
    service = await startTestService({ clock, env: kurrent ? { EVENT_STORE: 'esdb', EVENTSTORE_URL: kurrent.connectionString } : {} });
    tender = service.client('TENDER', { userId: 'tender-platform' });
    tenderToken = await service.token('TENDER', { userId: 'tender-platform' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, ['secretary-general'], 1);
    await fixtures.settled();
    credit = new CreditCycleScenario(service, clock, { associationId: ASSOC, cycleId: CYCLE, filingFrom: '2022-05-01', filingTo: '2022-05-15' });
    await credit.open();
    for (const firm of FIRMS) {
      await credit.registerFirm(firm, nameOf(firm));
      await credit.file(firm);
      await credit.score(firm, 46, 47);
      await credit.completeReview(firm);
      await credit.startNotice(firm, '2022-05-04');
    }
    clock.set('2022-05-10T02:00:00.000Z');
    for (const [n, firm] of FIRMS.entries()) await credit.issue(firm, `FEED-2022-${String(n + 1).padStart(3, '0')}`, '2022-05-11');
    clock.set('2022-06-01T02:00:00.000Z');
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await kurrent?.stop();
  });

  /** A reinstatement after a suspension; refused (the rating is not suspended) when a conduct record found it stale. */
  const reinstate = (firm: string, n: number) =>
    credit.admin.request(`mutation ($input: ReinstateCreditRatingInput!) { reinstateCreditRating(input: $input) { __typename } }`, {
      input: {
        associationId: ASSOC, cycleId: CYCLE, subjectId: firm, reason: '欠薪已清偿', effectiveFrom: '2022-06-01',
        decision: { body: 'COUNCIL', reference: `信复〔2022〕${n}号`, decidedOn: '2022-06-01' },
      },
    });

  /**
   * Appends a rating change inside a transaction of its own and keeps it open until `release` resolves: its
   * position is taken now, before the writers' that commit meanwhile, and it commits after them.
   */
  function slowChange(firm: string, release: Promise<void>): { begun: Promise<string>; committed: Promise<void> } {
    let begun: (xid: string) => void = () => undefined;
    const started = new Promise<string>((resolve) => (begun = resolve));
    const committed = (async () => {
      const streamId = creditApplicationStreamId(ASSOC, CYCLE, firm);
      const revision = await service.service.runtime.store.streamRevision(streamId);
      const commandId = randomUUID();
      const statement = appendStatement(
        streamId,
        [
          {
            id: randomUUID(),
            type: 'CreditRatingConfirmed',
            data: { associationId: ASSOC, cycleId: CYCLE, subjectId: firm, grade: 'AAA', reviewYear: 2022, reason: '年度复核维持原等级', confirmedOn: '2022-06-01' },
            metadata: {
              actor: { userId: 'secretary-general', role: 'ADMIN', associationId: ASSOC },
              commandId, correlationId: commandId, causationId: commandId, recordedAt: clock.now().toISOString(),
            },
          },
        ],
        { expectedRevision: revision! },
      );
      const connection = await service.pool.connect();
      try {
        await connection.query('BEGIN');
        await connection.query(statement.text, [...statement.values]);
        begun((await connection.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid);
        await release;
        await connection.query('COMMIT');
      } finally {
        connection.release();
      }
    })();
    return { begun: started, committed };
  }

  /** Pages through the feed, restarting at random points (mid-page too) from the stored cursor, until told to stop. */
  async function followOverHttp(next: () => number, done: () => boolean): Promise<void> {
    for (;;) {
      const finishing = done();
      let client = service.client('TENDER', { userId: 'tender-platform' });
      let drained = false;
      while (!drained) {
        const page = await client.ok<PageAnswer>(PAGE, { after: http.cursor, first: 1 + Math.floor(next() * 7) });
        const edges = page.ratingChanges.edges;
        // The first page that has two changes or more is always left half-way; later ones at random.
        const crashAt = edges.length > 1 && restarts.http === 0 ? 1 : edges.length > 0 && next() < 0.3 ? Math.floor(next() * edges.length) : -1;
        for (const [n, edge] of page.ratingChanges.edges.entries()) {
          if (n === crashAt) break;
          expect(edge.cursor).toBe(edge.node.cursor);
          handle(http, edge.node);
        }
        if (crashAt >= 0) {
          restarts.http += 1;
          client = service.client('TENDER', { userId: 'tender-platform' });
          continue;
        }
        drained = page.ratingChanges.edges.length === 0;
      }
      if (finishing) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The WebSocket connection in use, so that the test can end the last one. */
  let current: ReturnType<typeof connectWs> | null = null;

  /** Subscribes from the stored cursor; disconnects at random points (completing, or cutting the socket) and resubscribes. */
  async function followOverWs(next: () => number, enough: () => boolean): Promise<void> {
    while (!enough()) {
      const connection = (current = connectWs(service.url, tenderToken));
      const leaveAfter = 1 + Math.floor(next() * 6);
      // The first session ends by a cut socket, the second by completing; later ones at random.
      const cut = restarts.ws === 0 ? true : restarts.ws === 1 ? false : next() < 0.5;
      let taken = 0;
      try {
        for await (const result of connection.client.iterate<{ ratingChanged: Change }>({ query: SUBSCRIBE, variables: { after: ws.cursor } })) {
          expect(result.errors).toBeUndefined();
          handle(ws, result.data!.ratingChanged);
          taken += 1;
          if (enough()) break;
          if (taken === leaveAfter) {
            if (!cut) break;
            restarts.cut += 1;
            connection.cut();
          }
        }
      } catch (error) {
        // A cut socket ends the iteration with its close event (1006), the test's own dispose with 1000.
        if (![1000, 1006].includes((error as { code?: number }).code ?? 0)) throw error;
      } finally {
        await connection.dispose();
      }
      restarts.ws += 1;
    }
  }

  async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms (seed ${SEED})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const writing = postgres ? 'while writers commit concurrently and slow transactions commit out of order' : 'while writers commit concurrently';
  it(`gives a consumer that stores its cursor every rating change exactly once, in the store’s order, ${writing}`, async () => {
    const next = random(SEED);
    let writersDone = false;
    const releases: (() => void)[] = [];
    const slow = postgres ? FIRMS.slice(5, 8).map((firm) => slowChange(firm, new Promise<void>((resolve) => releases.push(resolve)))) : [];
    const oldest = (await Promise.all(slow.map((s) => s.begun))).sort((a, b) => Number(BigInt(b) - BigInt(a)))[0];
    const httpConsumer = followOverHttp(next, () => writersDone);
    const wsConsumer = followOverWs(random(SEED + 1), () => writersDone && ws.handled.length >= expected.length);
    // Once a writer's rating change has committed behind them, the slow transactions commit, newest first.
    const committedBehind = async () =>
      Number(
        (await service.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events WHERE transaction_id > $1::xid8 AND event_type = ANY ($2)`, [oldest, [...RATING_TYPES]]))
          .rows[0]!.n,
      );
    const released = (async () => {
      for (let waited = 0; postgres && (await committedBehind()) === 0; waited += 1) {
        if (waited > 1_500) throw new Error('no writer committed a rating change within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const release of releases.reverse()) {
        release();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const writers = FIRMS.slice(0, 4).map(async (firm, w) => {
      for (let round = 1; round <= 3; round += 1) {
        await credit.recordConduct(firm, `WAGE-${w}-${round}`, 'WAGE_ARREARS', '2022-05-20');
        const answer = await reinstate(firm, w * 10 + round);
        if (answer.errors?.length) expect(answer.errors[0]!.extensions?.code).toBe('RULE_VIOLATION');
      }
    });
    const renameAndRevoke = (async () => {
      await credit.admin.ok(`mutation ($input: UpdateEnterpriseProfileInput!) { updateEnterpriseProfile(input: $input) { __typename } }`, {
        input: { code: FIRMS[4], name: RENAMED, reason: '工商变更登记' },
      });
      await credit.recordConduct(FIRMS[4]!, 'BRIBE-1', 'BRIBERY', '2022-05-25');
    })();
    await Promise.all([...writers, renameAndRevoke, released, ...slow.map((s) => s.committed)]);
    await service.settled();

    const store = service.service.runtime.store;
    const all: { id: string; type: string; subject: string }[] = [];
    for (let after: string | null = null; ; ) {
      const page = await store.readAll({ after, limit: 1000 });
      for (const event of page.events) {
        if (RATING_TYPES.has(event.type)) all.push({ id: event.id, type: event.type, subject: (event.data as { subjectId: string }).subjectId });
      }
      if (page.events.length === 0) break;
      after = page.position;
    }
    expected = all;
    writersDone = true;
    await httpConsumer;
    await until(() => ws.handled.length >= expected.length, 30_000);
    await current?.dispose();
    await wsConsumer;

    const context = `seed ${SEED}, restarts ${JSON.stringify(restarts)}`;
    expect({ context, n: expected.filter((e) => e.type === 'CreditRatingConfirmed').length }).toEqual({ context, n: postgres ? 3 : 0 });
    expect(expected.length).toBeGreaterThan(FIRMS.length + 8);
    if (postgres) {
      // The slow changes took their positions first and committed after writers' changes that follow them in the order.
      expect(expected.slice(FIRMS.length, FIRMS.length + 3).map((e) => e.type)).toEqual(['CreditRatingConfirmed', 'CreditRatingConfirmed', 'CreditRatingConfirmed']);
    }
    for (const consumer of [http, ws]) {
      expect({ context, ids: consumer.handled.map((c) => c.eventId) }).toEqual({ context, ids: expected.map((e) => e.id) });
      expect(consumer.handled.map((c) => c.eventType)).toEqual(expected.map((e) => e.type));
      expect(new Set(consumer.handled.map((c) => c.cursor)).size).toBe(consumer.handled.length);
    }
    expect(ws.handled).toEqual(http.handled);
    expect(restarts.http).toBeGreaterThan(0);
    expect(restarts.cut).toBeGreaterThan(0);
    expect(restarts.ws).toBeGreaterThan(restarts.cut);
    process.stdout.write(`rating change feed: ${expected.length} changes, ${context}\n`);
    // Nothing after the last stored cursor: a consumer that caught up has nothing left to read.
    const after = await tender.ok<PageAnswer>(PAGE, { after: http.cursor, first: 200 });
    expect(after.ratingChanges.edges).toEqual([]);
  }, 240_000);

  it('describes each change by the rating before and after it, and a firm by its name when the change was recorded', () => {
    const bySubject = new Map<string, Change[]>();
    for (const change of http.handled) bySubject.set(change.subjectCode, [...(bySubject.get(change.subjectCode) ?? []), change]);
    for (const [subject, changes] of bySubject) {
      const [issued, ...rest] = changes;
      expect(issued).toMatchObject({ change: 'ISSUED', gradeBefore: null, statusBefore: null, gradeAfter: 'AAA', statusAfter: 'ACTIVE', effectiveOn: '2022-05-11' });
      expect(issued).toMatchObject({ associationId: ASSOC, subjectKind: 'ENTERPRISE' });
      let previous = issued!;
      for (const change of rest) {
        expect({ subject, gradeBefore: change.gradeBefore, statusBefore: change.statusBefore }).toEqual({
          subject, gradeBefore: previous.gradeAfter, statusBefore: previous.statusAfter,
        });
        previous = change;
      }
    }
    const renamed = bySubject.get(FIRMS[4]!)!;
    expect(renamed.map((c) => [c.change, c.firmName, c.statusAfter])).toEqual([
      ['ISSUED', nameOf(FIRMS[4]!), 'ACTIVE'],
      ['REVOKED', RENAMED, 'REVOKED'],
    ]);
    expect(bySubject.get(FIRMS[0]!)!.map((c) => c.change).slice(0, 3)).toEqual(['ISSUED', 'SUSPENDED', 'REINSTATED']);
    expect(bySubject.get(FIRMS[5]!)!.map((c) => [c.change, c.statusBefore, c.statusAfter])).toEqual([
      ['ISSUED', null, 'ACTIVE'],
      ...(postgres ? [['CONFIRMED', 'ACTIVE', 'ACTIVE']] : []),
    ]);
  });

  // What follows is about the API, not the store: run once, on Postgres.
  if (!postgres) return;

  it('answers "changed since my cursor" for a list of codes', async () => {
    const firstOfOthers = http.handled.findIndex((c) => c.subjectCode !== FIRMS[0]);
    const cursor = http.handled[firstOfOthers]!.cursor;
    const since = await tender.ok<PageAnswer>(PAGE, { after: cursor, first: 200, codes: [FIRMS[0], FIRMS[8]] });
    const expectedIds = http.handled.slice(firstOfOthers + 1).filter((c) => c.subjectCode === FIRMS[0] || c.subjectCode === FIRMS[8]).map((c) => c.eventId);
    expect(since.ratingChanges.edges.map((e) => e.node.eventId)).toEqual(expectedIds);
    const untouched = await tender.ok<PageAnswer>(PAGE, { after: null, first: 200, codes: [FIRMS[8]] });
    expect(untouched.ratingChanges.edges.map((e) => e.node.change)).toEqual(['ISSUED']);
    const unknown = await tender.ok<PageAnswer>(PAGE, { after: null, first: 200, codes: [memberCode('NOBODY', 1)] });
    expect(unknown.ratingChanges.edges).toEqual([]);
  });

  it('refuses a malformed cursor, codes or page size on the field, naming no identity-card number', async () => {
    const refusal = async (variables: Record<string, unknown>) => (await tender.request(PAGE, { first: 10, ...variables })).errors?.[0]?.extensions;
    expect(await refusal({ after: 'not-a-cursor' })).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'after' }] });
    expect(await refusal({ after: Buffer.from(JSON.stringify(['rc', '1:2'])).toString('base64url') })).toMatchObject({ fieldErrors: [{ field: 'after' }] });
    expect(await refusal({ codes: ['not a code'] })).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'codes.0' }] });
    expect(await refusal({ codes: [] })).toMatchObject({ fieldErrors: [{ field: 'codes' }] });
    expect(await refusal({ first: 0 })).toMatchObject({ fieldErrors: [{ field: 'first' }] });
    const card = '110101199003074514';
    const answer = await tender.request(PAGE, { first: 10, codes: [card] });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'codes.0' }] });
    expect(JSON.stringify(answer)).not.toContain(card);
  });

  it("narrows an admin to its own association's ratings and refuses another association's", async () => {
    const own = service.client('ADMIN', { associationId: ASSOC, userId: 'secretary-general' });
    const other = service.client('ADMIN', { associationId: OTHER_ASSOC, userId: 'other-secretariat' });
    const ownPage = await own.ok<PageAnswer>(PAGE, { first: 200 });
    expect(ownPage.ratingChanges.edges.length).toBe(Math.min(200, http.handled.length));
    expect((await other.ok<PageAnswer>(PAGE, { first: 200 })).ratingChanges.edges).toEqual([]);
    expect((await other.request(PAGE, { first: 10, associationId: ASSOC })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const role of ['MEMBER', 'EXPERT'] as const) {
      const caller = service.client(role, { associationId: ASSOC, enterpriseCode: FIRMS[0], userId: `feed-${role.toLowerCase()}` });
      expect((await caller.request(PAGE, { first: 10 })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  describe('over graphql-ws', () => {
    it('refuses a connection without a token, with a forged one, and of a role no subscription admits, saying why', async () => {
      const cases: [string | null, number, RegExp][] = [
        [null, 4401, /Unauthenticated: send connectionParams/],
        ['forged.token.value', 4401, /Unauthenticated: the token is forged, expired or malformed/],
        [await service.token('MEMBER', { associationId: ASSOC, enterpriseCode: FIRMS[0] }), 4403, /Forbidden: a MEMBER may not subscribe/],
        [await service.token('EXPERT', { userId: 'feed-cia-expert' }), 4403, /Forbidden: a EXPERT may not subscribe/],
      ];
      for (const [token, code, reason] of cases) {
        const connection = connectWs(service.url, token);
        const answer = await firstAnswer(connection, SUBSCRIBE, {});
        expect(answer).toMatchObject({ kind: 'closed', code });
        expect((answer as { reason: string }).reason).toMatch(reason);
        await connection.dispose();
      }
    });

    it("refuses another association's admin at subscribe, and a malformed cursor or codes on the field", async () => {
      const other = connectWs(service.url, await service.token('ADMIN', { associationId: OTHER_ASSOC }));
      expect(await firstAnswer(other, SUBSCRIBE, { associationId: ASSOC })).toMatchObject({
        kind: 'next', result: { errors: [{ extensions: { code: 'FORBIDDEN' } }] },
      });
      await other.dispose();
      const connection = connectWs(service.url, tenderToken);
      expect(await firstAnswer(connection, SUBSCRIBE, { after: 'garbage' })).toMatchObject({
        kind: 'next', result: { errors: [{ extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'after' }] } }] },
      });
      expect(await firstAnswer(connection, SUBSCRIBE, { codes: ['no'] })).toMatchObject({
        kind: 'next', result: { errors: [{ extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'codes.0' }] } }] },
      });
      await connection.dispose();
    });

    it('holds a subscription to the request checks of HTTP, and runs nothing but subscriptions', async () => {
      const connection = connectWs(service.url, tenderToken);
      expect(await firstAnswer(connection, SUBSCRIBE, { codes: [7] })).toMatchObject({
        kind: 'error', errors: [{ extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'codes.0' }] } }],
      });
      expect(await firstAnswer(connection, SUBSCRIBE, { codes: ['A\u0000B'] })).toMatchObject({
        kind: 'error', errors: [{ extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'codes.0' }] } }],
      });
      expect(await firstAnswer(connection, 'subscription { ratingChanged { nope } }')).toMatchObject({
        kind: 'error', errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
      });
      expect(await firstAnswer(connection, '{ associations { associationId } }')).toMatchObject({
        kind: 'error', errors: [{ message: expect.stringMatching(/over HTTP/) }],
      });
      await connection.dispose();
    });

    it('serves an admin its own association, replaying from a cursor and then tailing a new change', async () => {
      const connection = connectWs(service.url, await service.token('ADMIN', { associationId: ASSOC, userId: 'secretary-general' }));
      const last = http.handled[http.handled.length - 1]!;
      const received: Change[] = [];
      const iterator = connection.client.iterate<{ ratingChanged: Change }>({ query: SUBSCRIBE, variables: { after: http.handled[http.handled.length - 2]!.cursor } });
      const first = await iterator.next();
      received.push(first.value!.data!.ratingChanged);
      expect(received[0]!.eventId).toBe(last.eventId);
      // A change recorded while the subscription waits arrives without another request.
      await credit.recordConduct(FIRMS[8]!, 'WAGE-LIVE', 'WAGE_ARREARS', '2022-05-28');
      const live = await iterator.next();
      expect(live.value!.data!.ratingChanged).toMatchObject({ subjectCode: FIRMS[8], change: 'SUSPENDED', gradeBefore: 'AAA', statusBefore: 'ACTIVE', statusAfter: 'SUSPENDED' });
      await iterator.return?.();
      await connection.dispose();
    });

    it('answers a subscription sent over HTTP as a request error that says where subscriptions are served', async () => {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tenderToken}` },
        body: JSON.stringify({ query: 'subscription { ratingChanged { cursor } }' }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, message: expect.stringMatching(/WebSocket/) });
    });
  });
}

describe('the rating change feed for tender systems (ADR 0018), on the Postgres store', () => feedSuite('postgres'));
describe('the rating change feed for tender systems (ADR 0018), on KurrentDB (the protocol test server)', () => feedSuite('kurrentdb'));

describe('subscriptions under the rate limit', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('counts a connection and each subscribe against the allowance of the token, and says when to send again', async () => {
    const token = await service.token('TENDER', { userId: 'tender-limited' });
    const connection = connectWs(service.url, token);
    // The connection and two subscribes use up the three a minute; the first stays open (tailing) so the socket does.
    const errors: unknown[] = [];
    const hold = connection.client.subscribe({ query: SUBSCRIBE }, { next: () => undefined, error: (error) => errors.push(error), complete: () => undefined });
    const tailing = await firstAnswer(connection, SUBSCRIBE, {}, new Promise((resolve) => setTimeout(resolve, 200)));
    expect(tailing).toEqual({ kind: 'complete' });
    const refused = await firstAnswer(connection, SUBSCRIBE, {});
    expect(refused).toMatchObject({ kind: 'error', errors: [{ extensions: { code: 'RATE_LIMITED', limitPerMinute: 3, retryAfterSeconds: expect.any(Number) } }] });
    expect(errors).toEqual([]);
    hold();
    await connection.dispose();
    const again = connectWs(service.url, token);
    expect(await firstAnswer(again, SUBSCRIBE, {})).toMatchObject({ kind: 'closed', code: 4429 });
    await again.dispose();
  });
});
