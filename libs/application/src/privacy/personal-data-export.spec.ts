import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { CREDIT_APPLICATION_EVENT_TYPES, CREDIT_CONDUCT_EVENT_TYPES } from '#domain/credit';
import { PERSON_EVENT_TYPES, PERSON_IDENTITY_EVENT_TYPES } from '#domain/persons';
import { type Decider, type DomainEvent, ERASED, InvalidInput, isSealed, NotFound } from '#domain/shared';
import { PostgresEventStore } from '#eventstore';
import { CommandHandler, FixedClock, PersonalData, PostgresDataKeyStore, type ReadModelWaiter } from '#platform';
import { AuditQueries, auditTrailProjection, createReadModelDataSource, registerEntities, registerMigrations } from '#projections';
import { createTestDatabase, type TestDatabase } from '#testing';
import { PersonalDataExport, type PersonalDataExportResult } from './personal-data-export.js';

const P = 'PSN0000000000000001';
const Q = 'PSN0000000000000002';
const KEY = 'a'.repeat(64);
const ASSOC = 'hubei-mea';
const APPLICATION = { associationId: ASSOC, cycleId: 'sancheng-2022', subjectId: P };
const applicationStream = `creditApplication-${ASSOC}:sancheng-2022:${P}`;

/** Every event type of the streams recorded here (a decider names all its stream kind holds). */
const EVENT_TYPES = [...PERSON_EVENT_TYPES, ...PERSON_IDENTITY_EVENT_TYPES, ...CREDIT_APPLICATION_EVENT_TYPES, ...CREDIT_CONDUCT_EVENT_TYPES];

/** Appends the given events as one command: the command path seals their personal fields, as for every decider. */
function recording(events: DomainEvent[]): Decider<{ type: 'Record' }, DomainEvent, null> {
  return { initialState: null, eventTypes: EVENT_TYPES, evolve: (s) => s, decide: () => events };
}

/** The audit trail caught up (it is applied by hand below), or held behind. */
const caughtUp: ReadModelWaiter = { waitFor: () => Promise.resolve(true) };
const behind: ReadModelWaiter = { waitFor: () => Promise.resolve(false) };

describe("a person's own access: the export of everything the register holds about them", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let personalData: PersonalData;
  const clock = new FixedClock('2022-07-02T02:00:00.000Z');
  const exporter = (waiter: ReadModelWaiter = caughtUp) =>
    new PersonalDataExport({ store, personalData, clock, waiter, config: { readYourWritesTimeoutMs: 100 } }, new AuditQueries(dataSource));

  beforeAll(async () => {
    database = await createTestDatabase('personal-data-export');
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    store = new PostgresEventStore({ pool });
    await store.ensureSchema();
    dataSource = createReadModelDataSource({ url: database.url, entities: registerEntities, migrations: registerMigrations, poolSize: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations();
    personalData = new PersonalData(new PostgresDataKeyStore(pool), randomBytes(32), randomBytes(32));
    const handler = new CommandHandler(store, clock, { personalData });
    const actor = { userId: 'sec-wang', role: 'ADMIN' as const, associationId: ASSOC };
    const record = (streamId: string, events: DomainEvent[]) => handler.handle(recording(events), streamId, { command: { type: 'Record' }, actor, commandId: randomUUID() });

    await record(`person-${P}`, [
      {
        type: 'PersonRegistered',
        data: { personId: P, associationId: ASSOC, identityKey: KEY, name: '张建国', identityCardNumber: '420106198001010015', phone: null, address: '武汉市江岸区沿江大道188号', registeredOn: '2022-05-03' },
      },
    ]);
    await record(`personIdentity-${KEY}`, [{ type: 'PersonIdentityReserved', data: { identityKey: KEY, personId: P } }]);
    await record(`person-${P}`, [{ type: 'PersonDetailsCorrected', data: { personId: P, associationId: ASSOC, changes: { phone: '13871234567' }, correctedOn: '2022-05-04' } }]);
    await record(applicationStream, [
      {
        type: 'CreditApplicationFiled',
        data: { ...APPLICATION, subjectKind: 'PERSON', rulebookId: 'sancheng-pm', rulebookVersion: 1, filedOn: '2022-05-05', member: false, selfAssessment: [] },
      },
      { type: 'CreditObjectionFiled', data: { ...APPLICATION, objectionId: 'obj-1', objector: '刘德明', grounds: '现场记录不符', evidenceReference: null, filedOn: '2022-05-22' } },
    ]);
    await record(`creditConduct-${P}`, [
      {
        type: 'CreditConductRecorded',
        data: {
          associationId: ASSOC, subjectId: P, recordId: 'aj-2022-17', code: 'SAFETY_ACCIDENT', kind: 'ADVERSE', severity: 'SERIOUS', occurredOn: '2022-06-25',
          sourceAuthority: '岳阳市住房和城乡建设局', disclosureMonths: 12, penaltyMonths: 6, evidenceReference: '岳建罚〔2022〕17号', description: '项目发生一般安全事故',
        },
      },
    ]);
    // Someone else, who must not appear.
    await record(`person-${Q}`, [
      {
        type: 'PersonRegistered',
        data: { personId: Q, associationId: ASSOC, identityKey: 'b'.repeat(64), name: '李秀兰', identityCardNumber: '420102197503150026', phone: null, address: null, registeredOn: '2022-05-03' },
      },
    ]);
    await record(`creditConduct-${Q}`, [
      {
        type: 'CreditConductRecorded',
        data: {
          associationId: ASSOC, subjectId: Q, recordId: 'aj-2022-18', code: 'SAFETY_ACCIDENT', kind: 'ADVERSE', severity: 'SERIOUS', occurredOn: '2022-06-25',
          sourceAuthority: '岳阳市住房和城乡建设局', disclosureMonths: 12, penaltyMonths: 6, evidenceReference: '岳建罚〔2022〕18号', description: '项目发生一般安全事故',
        },
      },
    ]);
    const { events } = await store.readAll({ limit: 100 });
    await dataSource.transaction((tx) => auditTrailProjection.apply(events, tx));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  const hashesOf = (result: PersonalDataExportResult) => result.streams.flatMap((s) => s.events.map((e) => [s.streamId, e.revision, e.hash, e.previousHash]));
  async function recordedHashes(streamIds: readonly string[]) {
    const read = await Promise.all(streamIds.map((id) => store.readStream(id)));
    return read.flat().map((e) => [e.streamId, e.revision, e.metadata.hash, e.metadata.prevHash]);
  }

  it('holds the details in plain, as the person stream last set them, and every stream naming the person with each recorded hash', async () => {
    const result = await exporter().of(P);
    expect(result).toMatchObject({
      personId: P,
      status: 'REGISTERED',
      associationId: ASSOC,
      generatedAt: '2022-07-02T02:00:00.000Z',
      details: { name: '张建国', identityCardNumber: '420106198001010015', phone: '13871234567', address: '武汉市江岸区沿江大道188号' },
    });
    const streamIds = [`person-${P}`, `personIdentity-${KEY}`, `creditConduct-${P}`, applicationStream];
    expect(result.streams.map((s) => s.streamId)).toEqual(streamIds);
    expect(hashesOf(result)).toEqual(await recordedHashes(streamIds));
    const [registered] = result.streams[0]!.events;
    expect(registered).toMatchObject({ type: 'PersonRegistered', revision: 0, actor: { userId: 'sec-wang', role: 'ADMIN', associationId: ASSOC }, previousHash: '0'.repeat(64) });
    expect(registered!.data).toMatchObject({ name: '张建国', identityCardNumber: '420106198001010015' });
    // The objector's name is sealed under a key of its own: opened as well.
    expect(result.streams[3]!.events[1]!.data).toMatchObject({ objectionId: 'obj-1', objector: '刘德明' });
    expect(JSON.stringify(result)).not.toContain(Q);
    expect(JSON.stringify(result)).not.toContain('"sealed"');
    expect(result.sources).toEqual([
      { readModel: null, query: 'EventStore.readStream', current: true, streamIds: [`person-${P}`, `personIdentity-${KEY}`, `creditConduct-${P}`] },
      { readModel: 'audit-trail', query: 'AuditQueries.streamsNaming', current: true, streamIds: [applicationStream, `creditConduct-${P}`, `person-${P}`, `personIdentity-${KEY}`] },
    ]);
  });

  it('says so when the audit trail had not caught up, and still reads the streams that follow from the person', async () => {
    const result = await exporter(behind).of(P);
    expect(result.sources[1]).toMatchObject({ readModel: 'audit-trail', current: false });
    expect(result.streams.map((s) => s.streamId).slice(0, 3)).toEqual([`person-${P}`, `personIdentity-${KEY}`, `creditConduct-${P}`]);
  });

  it('refuses a malformed register id as a field error and answers NotFound for one the register does not hold', async () => {
    await expect(exporter().of('420106198001010015')).rejects.toMatchObject({ constructor: InvalidInput, fieldErrors: [{ field: 'personId' }] });
    await expect(exporter().of('PSN00000000000000ZZ')).rejects.toBeInstanceOf(NotFound);
  });

  it('after an erasure shows the details and every sealed field of theirs erased, the hashes unchanged, and others\' data still open', async () => {
    const before = await exporter().of(P);
    await personalData.destroy(P, 'erasure-2022-007');
    const after = await exporter().of(P);
    expect(after.details).toEqual({ name: ERASED, identityCardNumber: ERASED, phone: ERASED, address: ERASED });
    expect(hashesOf(after)).toEqual(hashesOf(before));
    expect(after.streams[0]!.events.map((e) => e.data)).toEqual([
      expect.objectContaining({ personId: P, name: ERASED, identityCardNumber: ERASED, phone: null, address: ERASED }),
      expect.objectContaining({ changes: { phone: ERASED } }),
    ]);
    expect(after.streams[3]!.events[1]!.data).toMatchObject({ objector: '刘德明' });
    const stored = await store.readStream(`person-${P}`);
    expect(isSealed(stored[0]!.data.name)).toBe(true);
  });
});
