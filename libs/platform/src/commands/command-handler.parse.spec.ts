import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Decider, type DomainEvent, FieldErrors, InvalidInput } from '#domain/shared';
import { PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '#testing';
import { FixedClock } from '../clock/index.js';
import { CommandHandler } from './command-handler.js';

type Name = { type: 'Name'; name: string };
type Named = DomainEvent<'Named', { name: string }>;

/** Names a thing once; its parse step trims the name and refuses an empty one. */
const namer: Decider<Name, Named, { name: string | null }> = {
  initialState: { name: null },
  eventTypes: ['Named'],
  evolve: (_state, event) => ({ name: event.data.name }),
  parse(command) {
    const errors = new FieldErrors();
    const name = typeof command.name === 'string' ? command.name.trim() : '';
    if (name === '') errors.add('name', 'must not be empty.');
    errors.throwIfAny();
    return { ...command, name };
  },
  decide: (command, state) => (state.name === command.name ? [] : [{ type: 'Named', data: { name: command.name } }]),
};

describe('the parse step of the command path', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let handler: CommandHandler;
  const actor = { userId: 'u-1', role: 'ADMIN' as const, associationId: 'a' };

  beforeAll(async () => {
    database = await createTestDatabase('parse');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    handler = new CommandHandler(store, new FixedClock('2026-01-01T00:00:00Z'));
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('refuses malformed input on its field and writes nothing', async () => {
    await expect(handler.handle(namer, 'thing-1', { command: { type: 'Name', name: '   ' }, actor })).rejects.toBeInstanceOf(InvalidInput);
    expect(await store.readStream('thing-1')).toEqual([]);
  });

  it('decides on the parsed command, and knows a re-send by the command as sent', async () => {
    const envelope = { command: { type: 'Name', name: '  武汉  ' } as Name, actor, commandId: '0b6f2b1e-7f6c-4d3e-9a41-2f5e8c9d1a70' };
    const first = await handler.handle(namer, 'thing-2', envelope);
    expect(first.streams[0]!.events.map((e) => e.data)).toEqual([{ name: '武汉' }]);
    const again = await handler.handle(namer, 'thing-2', envelope);
    expect(again.duplicate).toBe(true);
    expect((await store.readStream('thing-2')).length).toBe(1);
  });
});
