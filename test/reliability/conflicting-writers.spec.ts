import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DuesRules, duesAccountStreamId, receiptStreamId } from '#domain/dues';
import { EnterpriseRules, enterpriseStreamId, qualificationKey } from '#domain/enterprise';
import type { RecordedEvent } from '#eventstore';
import type { GraphQLClient, GraphQLResponse } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { DuesFixtures, memberCode } from '../e2e/dues-fixtures.js';

/*
 * Many writers on one stream at once, over real HTTP. Whatever the interleaving, the commands the service accepted
 * must form a serial order (the stream, replayed, shows each accepted command doing exactly what it would have done
 * at its place in it), the others must be CONFLICT naming their command id (and go through, or be refused by a
 * rule, when sent again) or a rule's refusal that holds at some point of that order; nothing lost, nothing twice,
 * nothing left reserved. RELIABILITY_SIZE=large runs 256 writers per stream instead of 64.
 */

const LARGE = process.env.RELIABILITY_SIZE === 'large';
const WRITERS = LARGE ? 256 : 64;
const TIMEOUT_MS = LARGE ? 600_000 : 60_000;
const ASSOC = 'race-cia';
const YEAR = 2026;
const INVOICED_FEN = 1_000_000;
const QUALIFIED_FIRM = memberCode('RACEQ', 1);
const PAYING_FIRM = memberCode('RACEP', 1);
const SECOND_FIRM = memberCode('RACEP', 2);
const GA = { body: 'GENERAL_ASSEMBLY', reference: '协〔2025〕9号', decidedOn: '2025-12-20' };

const RECORD = `mutation($input: RecordQualificationInput!) { recordQualification(input: $input) { commandId revision duplicate } }`;
const WITHDRAW = `mutation($input: WithdrawQualificationInput!) { withdrawQualification(input: $input) { commandId revision duplicate } }`;
const PAY = `mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { commandId revision duplicate } }`;
const ADOPT = `mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`;
const ISSUE = `mutation($input: IssueDuesInvoiceInput!) { issueDuesInvoice(input: $input) { revision } }`;

type Answer = Record<string, { commandId: string; revision: number; duplicate: boolean }>;

/** What the service answered one command, classified; anything else fails the spec. */
type Outcome =
  | { readonly kind: 'accepted'; readonly revision: number }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'refused'; readonly rule: string };

function outcomeOf(sent: { commandId: string }, response: GraphQLResponse<Answer>, refusals: readonly string[]): Outcome {
  const error = response.errors?.[0];
  if (!error) {
    const answer = Object.values(response.data ?? {})[0];
    expect(answer).toEqual({ commandId: sent.commandId, revision: expect.any(Number), duplicate: false });
    return { kind: 'accepted', revision: answer!.revision };
  }
  expect(response.errors).toHaveLength(1);
  if (error.extensions?.code === 'CONFLICT') {
    // The command id to send the same command again under is the one the client sent.
    expect(error.extensions).toEqual({ code: 'CONFLICT', reason: 'concurrent_modification', commandId: sent.commandId });
    return { kind: 'conflict' };
  }
  expect(error.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: expect.any(String) });
  expect(refusals).toContain(error.extensions!.rule);
  return { kind: 'refused', rule: error.extensions!.rule! };
}

interface Tally {
  accepted: number;
  conflicts: number;
  refused: number;
  retriedAccepted: number;
  retriedRefused: number;
  ms: number;
}

/** Sends every command at once, then each CONFLICT again under its command id, one at a time. */
async function race<C extends { commandId: string }>(
  commands: readonly C[],
  send: (command: C) => Promise<GraphQLResponse<Answer>>,
  refusals: readonly string[],
  beforeRetry: (first: Map<string, Outcome>) => Promise<void>,
): Promise<{ first: Map<string, Outcome>; final: Map<string, Outcome>; tally: Tally }> {
  const started = Date.now();
  const responses = await Promise.all(commands.map(send));
  const first = new Map(commands.map((command, i) => [command.commandId, outcomeOf(command, responses[i]!, refusals)]));
  const conflicted = commands.filter((command) => first.get(command.commandId)!.kind === 'conflict');
  await beforeRetry(first);
  const final = new Map(first);
  for (const command of conflicted) {
    const again = outcomeOf(command, await send(command), refusals);
    // Alone on the stream now: it goes through or a rule refuses it, it does not conflict again.
    expect(again.kind).not.toBe('conflict');
    final.set(command.commandId, again);
  }
  const count = (outcomes: Map<string, Outcome>, kind: Outcome['kind']) => [...outcomes.values()].filter((o) => o.kind === kind).length;
  return {
    first,
    final,
    tally: {
      accepted: count(first, 'accepted'),
      conflicts: conflicted.length,
      refused: count(first, 'refused'),
      retriedAccepted: conflicted.filter((c) => final.get(c.commandId)!.kind === 'accepted').length,
      retriedRefused: conflicted.filter((c) => final.get(c.commandId)!.kind === 'refused').length,
      ms: Date.now() - started,
    },
  };
}

/**
 * The stream as a serial order of the accepted commands: revisions 0..n without holes, every event after the setup
 * written by exactly one accepted command (at the revision its answer named), every accepted command present once.
 */
function assertSerialStream(events: readonly RecordedEvent[], setupEvents: number, outcomes: Map<string, Outcome>): RecordedEvent[] {
  expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
  const written = events.slice(setupEvents);
  const accepted = [...outcomes].filter(([, o]) => o.kind === 'accepted');
  expect(written.map((e) => e.metadata.commandId).sort()).toEqual(accepted.map(([id]) => id).sort());
  for (const event of written) {
    const outcome = outcomes.get(event.metadata.commandId)!;
    expect(outcome).toEqual({ kind: 'accepted', revision: event.revision });
  }
  return written;
}

describe(`${WRITERS} concurrent writers on one stream`, () => {
  let service: TestService;
  let admin: GraphQLClient;
  const tallies: Record<string, Tally> = {};

  beforeAll(async () => {
    service = await startTestService();
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'race-clerk' });
    const fixtures = new DuesFixtures(service);
    await fixtures.association(ASSOC, []);
    // Members of the association, so its admin is related to each firm it changes.
    await fixtures.members(ASSOC, [QUALIFIED_FIRM, PAYING_FIRM, SECOND_FIRM].map((code) => ({ code, sizeClass: 'LARGE' as const, tier: 'MEMBER' as const, admittedOn: '2024-03-01' })));
    await fixtures.settled();
    await admin.ok(ADOPT, { input: { associationId: ASSOC, amounts: [{ tier: 'MEMBER', annualFen: INVOICED_FEN }], effectiveFrom: '2026-01-01', decision: GA } });
    for (const code of [PAYING_FIRM, SECOND_FIRM]) await admin.ok(ISSUE, { input: { associationId: ASSOC, enterpriseCode: code, year: YEAR } });
  });

  afterAll(async () => {
    await service?.stop();
    // One line per stream kind when RELIABILITY_REPORT is set (docs/reliability.md quotes them).
    if (process.env.RELIABILITY_REPORT) {
      for (const [name, tally] of Object.entries(tallies)) process.stderr.write(`reliability conflicting writers, ${name}: ${JSON.stringify({ writers: WRITERS, ...tally })}\n`);
    }
  });

  it('keeps a firm’s qualifications a serial history of the records and withdrawals it accepted', async () => {
    const specialties = ['建筑工程', '市政公用工程', '公路工程', '水利水电工程'];
    const grades = ['SPECIAL', 'GRADE_1', 'GRADE_2', 'GRADE_3'] as const;
    type Command = { commandId: string; op: 'record' | 'withdraw'; specialty: string; grade: (typeof grades)[number] };
    const commands: Command[] = Array.from({ length: WRITERS }, (_, i) => ({
      commandId: randomUUID(),
      op: i % 3 === 2 ? 'withdraw' : 'record',
      specialty: specialties[i % specialties.length]!,
      grade: grades[Math.floor(i / specialties.length) % grades.length]!,
    }));
    const byId = new Map(commands.map((c) => [c.commandId, c]));
    const send = (c: Command) =>
      c.op === 'record'
        ? admin.request<Answer>(RECORD, {
            input: { commandId: c.commandId, code: QUALIFIED_FIRM, category: 'GENERAL_CONTRACTING', specialty: c.specialty, grade: c.grade, effectiveFrom: '2026-03-01' },
          })
        : admin.request<Answer>(WITHDRAW, {
            input: { commandId: c.commandId, code: QUALIFIED_FIRM, category: 'GENERAL_CONTRACTING', specialty: c.specialty, reason: '证书注销', effectiveFrom: '2026-03-01' },
          });
    const stream = enterpriseStreamId(QUALIFIED_FIRM);
    const setupEvents = (await service.service.runtime.store.readStream(stream)).length;
    const refusals = [EnterpriseRules.qualificationAlreadyHeld, EnterpriseRules.qualificationNotHeld];

    /** Replays the stream: each event is what its command does on the state before it; each refusal holds somewhere. */
    const checkSerialOrder = async (outcomes: Map<string, Outcome>) => {
      const written = assertSerialStream(await service.service.runtime.store.readStream(stream), setupEvents, outcomes);
      const held = new Map<string, string>();
      const states: Map<string, string>[] = [new Map(held)];
      for (const event of written) {
        const command = byId.get(event.metadata.commandId)!;
        const key = qualificationKey('GENERAL_CONTRACTING', command.specialty);
        if (command.op === 'record') {
          expect(held.get(key)).not.toBe(command.grade);
          expect(event).toMatchObject({ type: 'QualificationRecorded', data: { qualificationKey: key, grade: command.grade, previousGrade: held.get(key) ?? null } });
          held.set(key, command.grade);
        } else {
          expect(held.has(key)).toBe(true);
          expect(event).toMatchObject({ type: 'QualificationWithdrawn', data: { qualificationKey: key, grade: held.get(key) } });
          held.delete(key);
        }
        states.push(new Map(held));
      }
      for (const [commandId, outcome] of outcomes) {
        if (outcome.kind !== 'refused') continue;
        const command = byId.get(commandId)!;
        const key = qualificationKey('GENERAL_CONTRACTING', command.specialty);
        const holdsAt = (state: Map<string, string>) =>
          outcome.rule === EnterpriseRules.qualificationAlreadyHeld ? state.get(key) === command.grade : !state.has(key);
        expect({ commandId, rule: outcome.rule, holdsSomewhere: states.some(holdsAt) }).toEqual({ commandId, rule: outcome.rule, holdsSomewhere: true });
      }
      return held;
    };

    const { final, tally } = await race(commands, send, refusals, async (first) => {
      await checkSerialOrder(first);
    });
    tallies.qualifications = tally;
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.conflicts).toBeGreaterThan(0);
    const held = await checkSerialOrder(final);

    // Nothing twice in the whole store, and the register shows the replayed state.
    const perCommand = await service.pool.query<{ command_id: string; n: number }>(
      `SELECT metadata->>'commandId' AS command_id, count(*)::int AS n FROM es_events WHERE metadata->>'commandId' = ANY($1) GROUP BY 1`,
      [commands.map((c) => c.commandId)],
    );
    expect(perCommand.rows.every((row) => row.n === 1)).toBe(true);
    expect(perCommand.rows.length).toBe([...final.values()].filter((o) => o.kind === 'accepted').length);
    await service.settled();
    const shown = await admin.ok<{ enterprise: { qualifications: { specialty: string; grade: string }[] } }>(
      `query($code: String!) { enterprise(code: $code) { qualifications { specialty grade } } }`,
      { code: QUALIFIED_FIRM },
    );
    const expected = [...held].map(([key, grade]) => ({ specialty: key.split(':')[1]!, grade }));
    expect([...shown.enterprise.qualifications].sort((a, b) => a.specialty.localeCompare(b.specialty))).toEqual(expected.sort((a, b) => a.specialty.localeCompare(b.specialty)));
    await expect(service.service.runtime.store.verifyStream(stream)).resolves.toMatchObject({ intact: true });
  }, TIMEOUT_MS);

  it('keeps an invoice’s payments a serial history, never above the invoice, and leaves no refused receipt number claimed', async () => {
    type Command = { commandId: string; receiptNumber: string; amountFen: number };
    // Together far more than is owed, so the later ones in any order are refused as overpayment.
    const commands: Command[] = Array.from({ length: WRITERS }, (_, i) => ({
      commandId: randomUUID(),
      receiptNumber: `CW-${String(i + 1).padStart(4, '0')}`,
      amountFen: 10_000 * (1 + (i % 5)),
    }));
    const byId = new Map(commands.map((c) => [c.commandId, c]));
    const pay = (enterpriseCode: string, c: Command) =>
      admin.request<Answer>(PAY, {
        input: { commandId: c.commandId, associationId: ASSOC, enterpriseCode, year: YEAR, receiptNumber: c.receiptNumber, amountFen: c.amountFen, paidOn: '2026-05-01' },
      });
    const store = service.service.runtime.store;
    const account = duesAccountStreamId(ASSOC, PAYING_FIRM, YEAR);
    const setupEvents = (await store.readStream(account)).length;
    const claimOf = async (receiptNumber: string) => store.readStream(receiptStreamId(ASSOC, receiptNumber));

    const checkSerialOrder = async (outcomes: Map<string, Outcome>) => {
      const written = assertSerialStream(await store.readStream(account), setupEvents, outcomes);
      let balance = INVOICED_FEN;
      const balances = [balance];
      for (const event of written) {
        const command = byId.get(event.metadata.commandId)!;
        expect(command.amountFen).toBeLessThanOrEqual(balance);
        balance -= command.amountFen;
        expect(event).toMatchObject({ type: 'DuesPaymentRecorded', data: { receiptNumber: command.receiptNumber, amountFen: command.amountFen, balanceAfterFen: balance } });
        balances.push(balance);
      }
      const paid = written.reduce((sum, e) => sum + Number(e.data.amountFen), 0);
      expect(paid).toBe(INVOICED_FEN - balance);
      expect(paid).toBeLessThanOrEqual(INVOICED_FEN);
      for (const [commandId, outcome] of outcomes) {
        const command = byId.get(commandId)!;
        const claim = await claimOf(command.receiptNumber);
        if (outcome.kind === 'accepted') {
          // Claimed once, by the command that recorded the payment, for this account.
          expect(claim.map((e) => [e.type, e.metadata.commandId, e.data.enterpriseCode])).toEqual([['DuesReceiptReserved', commandId, PAYING_FIRM]]);
          continue;
        }
        expect(claim).toEqual([]);
        if (outcome.kind === 'refused') {
          expect(outcome.rule).toBe(DuesRules.paymentExceedsBalance);
          expect({ commandId, overpaysSomewhere: balances.some((b) => command.amountFen > b) }).toEqual({ commandId, overpaysSomewhere: true });
        }
      }
      return paid;
    };

    const { final, tally } = await race(commands, (c) => pay(PAYING_FIRM, c), [DuesRules.paymentExceedsBalance], async (first) => {
      // Before anything is sent again: what the race refused claimed nothing.
      await checkSerialOrder(first);
    });
    tallies.payments = tally;
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.conflicts).toBeGreaterThan(0);
    const paid = await checkSerialOrder(final);

    const perCommand = await service.pool.query<{ command_id: string; streams: string[] }>(
      `SELECT metadata->>'commandId' AS command_id, array_agg(stream_id ORDER BY stream_id) AS streams
         FROM es_events WHERE metadata->>'commandId' = ANY($1) GROUP BY 1`,
      [commands.map((c) => c.commandId)],
    );
    const accepted = commands.filter((c) => final.get(c.commandId)!.kind === 'accepted');
    expect(new Map(perCommand.rows.map((row) => [row.command_id, row.streams]))).toEqual(
      new Map(accepted.map((c) => [c.commandId, [account, receiptStreamId(ASSOC, c.receiptNumber)].sort()])),
    );
    await service.settled();
    const statement = await admin.ok<{ duesStatement: { years: { year: number; paidFen: number; balanceFen: number; payments: unknown[] }[] } }>(
      `query($a: String!, $c: String!) { duesStatement(associationId: $a, enterpriseCode: $c) { years { year paidFen balanceFen payments { receiptNumber } } } }`,
      { a: ASSOC, c: PAYING_FIRM },
    );
    expect(statement.duesStatement.years).toEqual([{ year: YEAR, paidFen: paid, balanceFen: INVOICED_FEN - paid, payments: expect.any(Array) }]);
    expect(statement.duesStatement.years[0]!.payments).toHaveLength(accepted.length);

    // Every receipt number a payment was finally refused under is free: another member's payment takes it.
    const refused = commands.filter((c) => final.get(c.commandId)!.kind === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    for (const c of refused) {
      const later = await pay(SECOND_FIRM, { commandId: randomUUID(), receiptNumber: c.receiptNumber, amountFen: 100 });
      expect(later.errors).toBeUndefined();
      expect((await claimOf(c.receiptNumber)).map((e) => e.data.enterpriseCode)).toEqual([SECOND_FIRM]);
    }
    for (const streamId of [account, duesAccountStreamId(ASSOC, SECOND_FIRM, YEAR)]) {
      await expect(store.verifyStream(streamId)).resolves.toMatchObject({ intact: true });
    }
  }, TIMEOUT_MS);
});
