import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { PersonEvent } from '#domain/persons';
import { type Decider, ERASED, isSealed, type SealedValue } from '#domain/shared';
import { PostgresEventStore } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '#testing';
import { FixedClock } from '../clock/index.js';
import { CommandHandler, hashCommand } from '../commands/command-handler.js';
import { PostgresDataKeyStore } from './data-key-store.js';
import { OwnerErasedError, PersonalData, SealedValueError } from './personal-data.js';

const P = 'PSN0000000000000001';
const Q = 'PSN0000000000000002';
const NAME = '张建国';
const ID_NUMBER = '42010619800101001X';

type Register = { type: 'Register'; personId: string; name: string; identityCardNumber: string };
/** Registers a person in one event, deciding on the plain values as every decider does. */
const registrar: Decider<Register, PersonEvent, { registered: boolean }> = {
  initialState: { registered: false },
  eventTypes: ['PersonRegistered'],
  personalFields: ['name', 'identityCardNumber'],
  evolve: () => ({ registered: true }),
  decide: (command, state) =>
    state.registered
      ? []
      : [
          {
            type: 'PersonRegistered',
            data: {
              personId: command.personId,
              associationId: 'wuhan-cia',
              identityKey: 'k'.repeat(64),
              name: command.name,
              identityCardNumber: command.identityCardNumber,
              phone: null,
              address: '武汉市江岸区沿江大道 1 号',
              registeredOn: '2026-03-01',
            },
          },
        ],
};

describe('personal data at rest: sealing, opening, erasure', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let keys: PostgresDataKeyStore;
  let personalData: PersonalData;
  const masterKey = randomBytes(32);
  const identitySecret = randomBytes(32);
  const actor = { userId: 'wuhan-clerk', role: 'ADMIN' as const, associationId: 'wuhan-cia' };

  beforeAll(async () => {
    database = await createTestDatabase('privacy');
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    store = new PostgresEventStore({ pool });
    await store.ensureSchema();
    keys = new PostgresDataKeyStore(pool);
    personalData = new PersonalData(keys, masterKey, identitySecret);
  });

  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  it('seals a value under its owner so that only that owner\'s key opens it, and refuses an altered envelope', async () => {
    const sealed = await personalData.seal(P, NAME);
    expect(isSealed(sealed)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain(NAME);
    expect(await personalData.open([sealed])).toEqual([NAME]);
    // Two seals of one value differ (fresh nonce), so equal names cannot be told apart in the log.
    expect((await personalData.seal(P, NAME)).data).not.toBe(sealed.data);
    const moved: SealedValue = { ...sealed, owner: Q };
    await personalData.seal(Q, 'x');
    await expect(personalData.open([moved])).rejects.toBeInstanceOf(SealedValueError);
    const flipped = Buffer.from(sealed.data, 'base64');
    flipped[0]! ^= 1;
    await expect(personalData.open([{ ...sealed, data: flipped.toString('base64') }])).rejects.toBeInstanceOf(SealedValueError);
  });

  it('stores only wrapped keys, which another master key cannot unwrap', async () => {
    const sealed = await personalData.seal(P, NAME);
    const { rows } = await pool.query<{ wrapped: Buffer }>('SELECT wrapped FROM privacy.data_keys WHERE owner = $1', [P]);
    expect(rows[0]!.wrapped.length).toBe(12 + 16 + 32);
    const otherMaster = new PersonalData(keys, randomBytes(32), identitySecret);
    await expect(otherMaster.open([sealed])).rejects.toThrow(/not the one it was wrapped with/);
  });

  it('seals the personal and sensitive fields of events in the command path, hashes them keyed, and the chain covers the ciphertext', async () => {
    const handler = new CommandHandler(store, new FixedClock('2026-03-01T02:00:00Z'), { personalData });
    const envelope = { command: { type: 'Register', personId: P, name: NAME, identityCardNumber: ID_NUMBER } as Register, actor, commandId: '6b3c1f0e-1d2a-4c5b-8e7f-9a0b1c2d3e4f' };
    await handler.handle(registrar, `person-${P}`, envelope);
    const [stored] = await store.readStream(`person-${P}`);
    const raw = JSON.stringify(stored);
    expect(raw).not.toContain(NAME);
    expect(raw).not.toContain(ID_NUMBER);
    expect(raw).not.toContain('沿江大道');
    expect(stored!.data.personId).toBe(P);
    expect(stored!.data.phone).toBeNull();
    const [opened] = await personalData.openEvents([stored!]);
    expect(opened!.data).toMatchObject({ name: NAME, identityCardNumber: ID_NUMBER, address: '武汉市江岸区沿江大道 1 号', phone: null });
    // The command hash is keyed: it does not match the plain command's digest, yet a re-send is recognised.
    // (the plain digest is what a guesser could recompute from a candidate name and number)
    expect(raw).not.toContain(hashCommand(envelope.command));
    expect((await handler.handle(registrar, `person-${P}`, envelope)).duplicate).toBe(true);
    expect((await store.verifyStream(`person-${P}`)).intact).toBe(true);
  });

  it('refuses to append personal data in plain when the command path has no keys', async () => {
    const handler = new CommandHandler(store, new FixedClock('2026-03-01T02:00:00Z'));
    const command = { type: 'Register', personId: Q, name: NAME, identityCardNumber: ID_NUMBER } as Register;
    await expect(handler.handle({ ...registrar, personalFields: undefined }, `person-${Q}`, { command, actor })).rejects.toThrow(/in plain/);
    expect(await store.readStream(`person-${Q}`)).toEqual([]);
  });

  it('erases for good: the key destroyed (a tombstone says when and why), every envelope answers erased, the chain still verifies', async () => {
    const [stored] = await store.readStream(`person-${P}`);
    expect(await personalData.destroy(P, 'erasure e-1')).toBe(true);
    expect(await personalData.destroy(P, 'erasure e-1')).toBe(false);
    const [opened] = await personalData.openEvents([stored!]);
    expect(opened!.data).toMatchObject({ personId: P, name: ERASED, identityCardNumber: ERASED, address: ERASED, phone: null });
    expect(await personalData.isErased(P)).toBe(true);
    await expect(personalData.seal(P, 'again')).rejects.toBeInstanceOf(OwnerErasedError);
    const { rows } = await pool.query('SELECT wrapped, destroyed_for FROM privacy.data_keys WHERE owner = $1', [P]);
    expect(rows).toEqual([{ wrapped: null, destroyed_for: 'erasure e-1' }]);
    expect((await store.verifyStream(`person-${P}`)).intact).toBe(true);
  });

  it('leaves a tombstone for an owner erased before any key was made, so none is made afterwards', async () => {
    expect(await personalData.destroyEach(['PSN00000000000000ZZ'], 'erasure e-2')).toBe(0);
    await expect(personalData.seal('PSN00000000000000ZZ', 'x')).rejects.toBeInstanceOf(OwnerErasedError);
  });

  it('derives look-up keys and register ids under the identity secret: stable, and unlike another secret\'s', () => {
    const other = new PersonalData(keys, masterKey, randomBytes(32));
    expect(personalData.identityKey(ID_NUMBER)).toMatch(/^[0-9a-f]{64}$/);
    expect(personalData.identityKey(ID_NUMBER)).toBe(personalData.identityKey(ID_NUMBER));
    expect(other.identityKey(ID_NUMBER)).not.toBe(personalData.identityKey(ID_NUMBER));
    expect(personalData.registerIdFor('c-1')).toMatch(/^PSN[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(personalData.registerIdFor('c-1')).toBe(personalData.registerIdFor('c-1'));
    expect(personalData.registerIdFor('c-2')).not.toBe(personalData.registerIdFor('c-1'));
  });
});
