import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type DomainEvent, type MultiStreamDecider, RuleViolation } from '#domain/shared';
import { PostgresEventStore } from '#eventstore';
import { ConflictError, FixedClock, type ServiceRuntime } from '#platform';
import { createTestDatabase, type TestDatabase } from '#testing';
import { CHANNEL_CONTENTION } from '../awards/award-entry-submissions.js';
import { type ContentionPolicy, contentionDelayMs, retryOnContention } from './contention.js';
import { EventSourcedCommands } from './event-sourced-commands.js';
import { SerialQueues } from './serial-queues.js';

const POLICY: ContentionPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 25 };
const concurrent = () => new ConflictError('slots-1 was changed by someone else while this command was being decided (1 attempts). Send it again with command id c-1.', 'concurrent_modification', 'c-1');

describe('retrying a command beaten to its stream', () => {
  const recorded = () => {
    const waits: number[] = [];
    return { waits, timing: { wait: async (ms: number) => void waits.push(ms), random: () => 0.999 } };
  };

  it('decides again after a jittered wait below a doubling ceiling, and answers the first attempt that is not beaten', async () => {
    const { waits, timing } = recorded();
    let calls = 0;
    const answer = await retryOnContention(POLICY, async () => (++calls < 4 ? Promise.reject(concurrent()) : 'appended'), timing);
    expect(answer).toBe('appended');
    expect(calls).toBe(4);
    expect(waits.map(Math.round)).toEqual([10, 20, 25]);
    expect([0, 0.5].map((r) => contentionDelayMs(POLICY, 2, () => r))).toEqual([0, 10]);
  });

  it('answers CONFLICT, naming every attempt, once the attempts are spent', async () => {
    const { timing } = recorded();
    let calls = 0;
    const refusal = await retryOnContention(POLICY, async () => (calls++, Promise.reject(concurrent())), timing).catch((e: unknown) => e);
    expect(calls).toBe(POLICY.attempts);
    expect(refusal).toBeInstanceOf(ConflictError);
    expect(refusal).toMatchObject({ reason: 'concurrent_modification', commandId: 'c-1' });
    expect((refusal as Error).message).toContain('(4 attempts)');
  });

  it('never retries a refusal or a command id reused for another command', async () => {
    const { waits, timing } = recorded();
    for (const error of [new RuleViolation('QUOTA', 'full'), new ConflictError('reused', 'command_id_reused', 'c-2')]) {
      let calls = 0;
      await expect(retryOnContention(POLICY, async () => (calls++, Promise.reject(error)), timing)).rejects.toBe(error);
      expect(calls).toBe(1);
    }
    expect(waits).toEqual([]);
  });
});

describe('work serialised by key', () => {
  it('runs one key’s work one at a time in the order given, other keys alongside, past a failure, and then forgets the key', async () => {
    const queues = new SerialQueues();
    const log: string[] = [];
    const gate: { open?: () => void } = {};
    const opened = new Promise<void>((resolve) => (gate.open = resolve));
    const step = (name: string, wait?: Promise<void>) => async () => {
      log.push(`start ${name}`);
      if (wait) await wait;
      log.push(`end ${name}`);
      if (name === 'a2') throw new Error('a2 failed');
      return name;
    };
    const a1 = queues.run('a', step('a1', opened));
    const a2 = queues.run('a', step('a2'));
    const a3 = queues.run('a', step('a3'));
    const b1 = queues.run('b', step('b1'));
    expect(await b1).toBe('b1');
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    gate.open!();
    expect(await a1).toBe('a1');
    await expect(a2).rejects.toThrow('a2 failed');
    expect(await a3).toBe('a3');
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queues.busyKeys).toBe(0);
  });
});

/*
 * Two processes (each its own pool, its own command path and its own per-key queue) take slots of one quota stream
 * at once: each process queues its own commands, so the streams meet only the other process's writer, and the
 * channel's contention policy rides that out.
 */
interface Take {
  readonly type: 'TakeSlot';
  readonly itemId: string;
  readonly quota: number;
}
type SlotStreams = { item: { taken: boolean }; slots: { items: readonly string[] } };

const takeSlot = (quotaStream: string): MultiStreamDecider<Take, SlotStreams> => ({
  streams: (command) => ({
    item: { streamId: `contentionItem-${command.itemId}`, evolver: { initialState: { taken: false }, eventTypes: ['ItemEntered'], evolve: () => ({ taken: true }) } },
    slots: {
      streamId: quotaStream,
      evolver: {
        initialState: { items: [] as readonly string[] },
        eventTypes: ['SlotTaken'],
        evolve: (state: { items: readonly string[] }, event: DomainEvent) => ({ items: [...state.items, (event.data as { itemId: string }).itemId] }),
      },
    },
  }),
  decide(command, states) {
    if (states.item.taken) return {};
    if (states.slots.items.length >= command.quota) throw new RuleViolation('QUOTA_EXCEEDED', `The quota of ${command.quota} is taken.`);
    return { item: [{ type: 'ItemEntered', data: { itemId: command.itemId } }], slots: [{ type: 'SlotTaken', data: { itemId: command.itemId, slot: states.slots.items.length + 1 } }] };
  },
});

describe('two processes taking slots of one quota stream at once', () => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];
  const observed: [string, string][] = [];
  let processes: { commands: EventSourcedCommands; queue: SerialQueues }[];

  beforeAll(async () => {
    database = await createTestDatabase('contention');
    const clock = new FixedClock('2026-03-02T02:00:00.000Z');
    processes = [];
    for (let p = 0; p < 2; p++) {
      const pool = new pg.Pool({ connectionString: database.url, max: 8 });
      pools.push(pool);
      const store = new PostgresEventStore({ pool });
      if (p === 0) await store.ensureSchema();
      const runtime = { store, clock, metrics: { recordCommand: (command: string, outcome: string) => observed.push([command, outcome]) } } as unknown as ServiceRuntime;
      processes.push({ commands: new EventSourcedCommands(runtime), queue: new SerialQueues() });
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await database?.drop();
  });

  /** `n` commands, alternately sent by each process, all at once; each answers OK, DUPLICATE or its error. */
  const takeAll = (quotaStream: string, quota: number, ids: readonly string[], commandIds: readonly string[]) =>
    Promise.all(
      ids.map((itemId, i) => {
        const { commands, queue } = processes[i % 2]!;
        const envelope = { command: { type: 'TakeSlot' as const, itemId, quota }, actor: { userId: 'sec-wang', role: 'ADMIN' as const, associationId: 'wuhan-cia' }, commandId: commandIds[i]! };
        return queue
          .run(quotaStream, () => commands.executeAcross(takeSlot(quotaStream), envelope, [], { contention: CHANNEL_CONTENTION }))
          .then((r) => (r.duplicate ? 'DUPLICATE' : 'OK'), (e: unknown) => (e instanceof RuleViolation ? e.rule : e instanceof ConflictError ? 'CONFLICT' : String(e)));
      }),
    );
  const counts = (outcomes: readonly string[]) => outcomes.reduce<Record<string, number>>((c, o) => ({ ...c, [o]: (c[o] ?? 0) + 1 }), {});

  it('takes every slot when the quota holds them all, observing each command once with its outcome', async () => {
    observed.length = 0;
    const ids = Array.from({ length: 32 }, (_, i) => `all-${i}`);
    const outcomes = await takeAll('contentionSlots-all', 40, ids, ids.map(() => randomUUID()));
    expect(counts(outcomes)).toEqual({ OK: 32 });
    expect(await processes[0]!.commands.stateOf('contentionSlots-all', takeSlot('contentionSlots-all').streams({ type: 'TakeSlot', itemId: 'x', quota: 0 }).slots.evolver)).toMatchObject({
      items: expect.arrayContaining(ids),
    });
    expect(observed).toEqual(ids.map(() => ['TakeSlot', 'ok']));
  }, 60_000);

  it('takes exactly the quota and refuses the rest on the rule, never CONFLICT; sent again, answers each as first', async () => {
    const ids = Array.from({ length: 32 }, (_, i) => `some-${i}`);
    const commandIds = ids.map(() => randomUUID());
    const outcomes = await takeAll('contentionSlots-some', 12, ids, commandIds);
    expect(counts(outcomes)).toEqual({ OK: 12, QUOTA_EXCEEDED: 20 });
    const again = await takeAll('contentionSlots-some', 12, ids, commandIds);
    expect(again).toEqual(outcomes.map((o) => (o === 'OK' ? 'DUPLICATE' : o)));
    const slots = await pools[0]!.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = 'contentionSlots-some'`);
    expect(slots.rows[0]!.n).toBe(12);
  }, 60_000);
});
