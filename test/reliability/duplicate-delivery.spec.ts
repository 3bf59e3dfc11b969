import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DuesRules, duesPaymentDecider, type RecordDuesPayment } from '#domain/dues';
import type { EventStore } from '#eventstore';
import { CommandHandler } from '#platform';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from '../e2e/dues-fixtures.js';

/*
 * Every command of a workload delivered twice, as a client that retries after a timeout does: half of the second
 * deliveries race the first, the other half come after the whole workload. ADR 0006 promises that a re-sent command
 * id takes effect once and is answered with its original revision and position, `duplicate: true`; so the store
 * holds each command's events once, and the second answer is the first, byte for byte, apart from `duplicate`
 * (which delivery wrote is the point of it) and `readModelCurrent` (whether the bounded read-your-writes wait got
 * there is timing). RELIABILITY_SIZE=large runs 10,000 commands instead of 1,000.
 */

const LARGE = process.env.RELIABILITY_SIZE === 'large';
const FIRMS = LARGE ? 1_000 : 100;
const CONCURRENCY = 16;
const ASSOC = 'dup-cia';
const YEAR = 2026;
const TORN_FIRM = memberCode('TEARX', 1);
const ANNUAL_FEN = 1_000_000;
const DECISION = { body: 'COUNCIL', reference: '理事会〔2025〕3号', decidedOn: '2025-02-01' };
const OUTCOME = 'commandId revision position duplicate readModelCurrent';

interface Command {
  readonly commandId: string;
  readonly mutation: string;
  readonly input: Record<string, unknown>;
  /** Events the command writes when it takes effect (a payment: the account and the receipt claim). */
  readonly events: number;
  /** The rule that refuses it, for the commands of the workload meant to be refused. */
  readonly refusedBy?: string;
}

const INPUT_TYPES: Record<string, string> = {
  registerEnterprise: 'RegisterEnterpriseInput',
  applyForMembership: 'ApplyForMembershipInput',
  admitMember: 'AdmitMemberInput',
  recordQualification: 'RecordQualificationInput',
  issueDuesInvoice: 'IssueDuesInvoiceInput',
  setEnterpriseSizeClass: 'SetEnterpriseSizeClassInput',
  recordDuesPayment: 'RecordDuesPaymentInput',
  requestDuesWaiver: 'RequestDuesWaiverInput',
};

function command(mutation: string, input: Record<string, unknown>, events: number, refusedBy?: string): Command {
  const commandId = randomUUID();
  return { commandId, mutation, input: { ...input, commandId }, events, ...(refusedBy ? { refusedBy } : {}) };
}

/**
 * The workload in phases: the commands of a phase do not depend on one another (one command per stream), each
 * phase depends on the ones before it. Ten commands per firm, enterprise, membership and dues.
 */
function workload(firms: readonly string[]): Command[][] {
  const account = (code: string) => ({ associationId: ASSOC, enterpriseCode: code, year: YEAR });
  const pay = (code: string, i: number, n: number, amountFen: number, refusedBy?: string) =>
    command('recordDuesPayment', { ...account(code), receiptNumber: `DUP-${n}-${String(i).padStart(5, '0')}`, amountFen, paidOn: '2026-04-01' }, 2, refusedBy);
  return [
    firms.map((code, i) =>
      command('registerEnterprise', { code, name: `重复投递测试建设有限公司${i}`, legalRepresentative: '李四', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'MEDIUM' }, 1),
    ),
    firms.map((code) => command('applyForMembership', { associationId: ASSOC, enterpriseCode: code, appliedOn: '2025-01-10' }, 1)),
    firms.flatMap((code, i) => [
      command('admitMember', { associationId: ASSOC, enterpriseCode: code, tier: 'MEMBER', certificateNumber: `DUP-C-${i}`, admittedOn: '2025-02-01', decision: DECISION }, 2),
      command('recordQualification', { code, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', grade: 'GRADE_2', effectiveFrom: '2025-03-01' }, 1),
    ]),
    firms.flatMap((code) => [
      command('issueDuesInvoice', account(code), 1),
      command('setEnterpriseSizeClass', { code, sizeClass: 'SMALL', effectiveFrom: '2026-01-01' }, 1),
    ]),
    firms.map((code, i) => pay(code, i, 1, 100_000)),
    firms.map((code, i) => pay(code, i, 2, 200_000)),
    // More than is owed: refused by the rule, on both deliveries, with the same answer.
    firms.map((code, i) => pay(code, i, 3, 2 * ANNUAL_FEN, DuesRules.paymentExceedsBalance)),
    firms.map((code) => command('requestDuesWaiver', { ...account(code), amountFen: 50_000, reasonCategory: 'HARDSHIP_VISIT', reason: '走访困难企业' }, 1)),
  ];
}

/** The response as the client receives it: status and body text, unparsed. */
interface Delivery {
  readonly status: number;
  readonly body: string;
}

/** The answer without the two fields ADR 0006 lets differ between deliveries. */
function comparable(delivery: Delivery): string {
  return `${delivery.status} ${delivery.body.replace(/"duplicate":(true|false)/g, '"duplicate":_').replace(/"readModelCurrent":(true|false)/g, '"readModelCurrent":_')}`;
}

/**
 * The store as a command sees it when its reads of two streams fall on either side of another transaction's commit:
 * reads of `held` wait for `open`; `read` resolves once a read of another stream has returned.
 */
function readsAroundACommit(store: EventStore, held: string): { store: EventStore; read: Promise<void>; open: () => void } {
  let open!: () => void;
  let read!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const readDone = new Promise<void>((resolve) => (read = resolve));
  const gated = new Proxy(store, {
    get(target, property) {
      if (property === 'readStream') {
        return async (streamId: string, options?: Parameters<EventStore['readStream']>[1]) => {
          if (streamId === held) await opened;
          const events = await target.readStream(streamId, options);
          if (streamId !== held) read();
          return events;
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: gated, read: readDone, open };
}

async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe(`every command of a ${FIRMS * 10}-command workload delivered twice`, () => {
  let service: TestService;
  let token: string;

  beforeAll(async () => {
    service = await startTestService();
    token = await service.token('ADMIN', { associationId: ASSOC, userId: 'dup-clerk' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, []);
    await fixtures.members(ASSOC, [{ code: TORN_FIRM, sizeClass: 'LARGE', tier: 'MEMBER', admittedOn: '2024-03-01' }]);
    await fixtures.settled();
    const admin = service.client('ADMIN', { associationId: ASSOC });
    await admin.ok(`mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: ASSOC,
        amounts: [{ tier: 'MEMBER', annualFen: ANNUAL_FEN }],
        effectiveFrom: '2026-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2025〕1号', decidedOn: '2025-12-20' },
      },
    });
    await admin.ok(`mutation($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) { revision } }`, {
      input: { associationId: ASSOC, enterpriseCode: TORN_FIRM, year: YEAR },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  const deliver = async (c: Command): Promise<Delivery> => {
    const query = `mutation($input: ${INPUT_TYPES[c.mutation]}!) { ${c.mutation}(input: $input) { ${OUTCOME} } }`;
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { input: c.input } }),
    });
    return { status: response.status, body: await response.text() };
  };

  it('writes each command’s events once and answers the second delivery as the first', async () => {
    const phases = workload(Array.from({ length: FIRMS }, (_, i) => memberCode('DUPLX', i + 1)));
    const commands = phases.flat();
    const first = new Map<string, Delivery>();
    const second = new Map<string, Delivery>();
    // Every other command is delivered a second time at once, racing its first delivery.
    const racing = new Set(commands.filter((_, i) => i % 2 === 0).map((c) => c.commandId));
    const before = Number((await service.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]!.n);

    const started = Date.now();
    for (const phase of phases) {
      await runPool(phase, CONCURRENCY, async (c) => {
        if (racing.has(c.commandId)) {
          const [a, b] = await Promise.all([deliver(c), deliver(c)]);
          first.set(c.commandId, a);
          second.set(c.commandId, b);
        } else {
          first.set(c.commandId, await deliver(c));
        }
      });
      // The next phase's facts (a membership, an invoice) are read from the read models.
      await service.settled();
    }
    const firstDeliveryMs = Date.now() - started;
    await runPool(
      commands.filter((c) => !racing.has(c.commandId)),
      CONCURRENCY,
      async (c) => void second.set(c.commandId, await deliver(c)),
    );
    const totalMs = Date.now() - started;

    let raceWonBySecond = 0;
    let staleReads = 0;
    for (const c of commands) {
      const a = first.get(c.commandId)!;
      const b = second.get(c.commandId)!;
      expect({ commandId: c.commandId, second: comparable(b) }).toEqual({ commandId: c.commandId, second: comparable(a) });
      const answers = [a, b].map((d) => JSON.parse(d.body) as { data?: Record<string, { commandId: string; duplicate: boolean; readModelCurrent: boolean }>; errors?: { extensions: { rule?: string } }[] });
      if (c.refusedBy) {
        expect(answers.map((r) => r.errors?.[0]?.extensions.rule)).toEqual([c.refusedBy, c.refusedBy]);
        continue;
      }
      expect({ mutation: c.mutation, errors: answers.map((r) => r.errors ?? null) }).toEqual({ mutation: c.mutation, errors: [null, null] });
      const outcomes = answers.map((r) => r.data?.[c.mutation]);
      expect(outcomes.map((o) => o?.commandId)).toEqual([c.commandId, c.commandId]);
      // Exactly one delivery wrote; the other was answered as the re-send it was.
      expect(outcomes.map((o) => o!.duplicate).sort()).toEqual([false, true]);
      if (outcomes[0]!.duplicate) raceWonBySecond++;
      staleReads += outcomes.filter((o) => !o!.readModelCurrent).length;
    }

    // Each command's events are in the store once: counted by the command id in their metadata.
    const counted = await service.pool.query<{ command_id: string; n: number }>(
      `SELECT metadata->>'commandId' AS command_id, count(*)::int AS n FROM es_events WHERE metadata->>'commandId' = ANY($1) GROUP BY 1`,
      [commands.map((c) => c.commandId)],
    );
    const expected = new Map(commands.filter((c) => !c.refusedBy).map((c) => [c.commandId, c.events]));
    expect(new Map(counted.rows.map((row) => [row.command_id, row.n]))).toEqual(expected);
    const after = Number((await service.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]!.n);
    expect(after - before).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    await expect(service.service.runtime.store.verifyAll()).resolves.toMatchObject({ intact: true });

    // When RELIABILITY_REPORT is set (docs/reliability.md quotes it).
    if (process.env.RELIABILITY_REPORT) {
      const measured = { commands: commands.length, deliveries: 2 * commands.length, racing: racing.size, raceWonBySecond, refused: commands.filter((c) => c.refusedBy).length, events: after - before, staleReads, firstDeliveryMs, totalMs };
      process.stderr.write(`reliability duplicate delivery: ${JSON.stringify(measured)}\n`);
    }
  }, LARGE ? 1_800_000 : 180_000);

  it('answers a re-send with the whole original outcome when it read one stream before the first delivery’s commit and one after', async () => {
    const store = service.service.runtime.store;
    const clock = service.service.runtime.clock;
    const command: RecordDuesPayment = {
      type: 'RecordDuesPayment',
      associationId: ASSOC,
      enterpriseCode: TORN_FIRM,
      year: YEAR,
      receiptNumber: 'TORN-0001',
      amountFen: 10_000,
      paidOn: '2026-04-02',
    };
    const envelope = { command, actor: { userId: 'dup-clerk', role: 'ADMIN' as const, associationId: ASSOC }, commandId: randomUUID() };
    const streams = duesPaymentDecider.streams(command) as { account: { streamId: string }; receipt: { streamId: string } };
    // The re-send reads the account before the first delivery commits and the receipt claim after it.
    const torn = readsAroundACommit(store, streams.receipt.streamId);
    const resent = new CommandHandler(torn.store, clock).handleAcross(duesPaymentDecider, envelope);
    await torn.read;
    const original = await new CommandHandler(store, clock).handleAcross(duesPaymentDecider, envelope);
    torn.open();

    expect(original).toMatchObject({ duplicate: false, revision: 1, eventCount: 2 });
    expect(await resent).toEqual({ ...original, duplicate: true });
  });
});
