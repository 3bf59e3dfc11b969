import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { type PersonEvent, personStreamId } from '#domain/persons';
import type { SealedValue } from '#domain/shared';
import type { RecordedEvent } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { eventRecorder } from '../recorded-events.fixture.js';
import { registerEntities, registerMigrations } from '../registry.js';
import { personsProjection } from './persons.projection.js';
import { PersonsQueries } from './persons.queries.js';

const A = 'wuhan-cia';
const B = 'yueyang-cia';
const P1 = 'PSN0000000000000001';
const P2 = 'PSN0000000000000002';
const decision = { body: 'SECRETARIAT', reference: '武建协〔2026〕12号', decidedOn: '2026-05-01', votes: null } as const;
/** Envelopes as the command path stores them (the projection copies them; it never opens one). */
const sealed = (owner: string, n: number): SealedValue => ({ sealed: 'aes-256-gcm/1', owner, iv: `iv${n}`, data: `ct${n}`, tag: `tag${n}` });

const record = eventRecorder();
const at = (streamId: string, revision: number, event: PersonEvent, day: string, associationId = A): RecordedEvent =>
  record(streamId, revision, event, `${day}T02:00:00.000Z`, { associationId, userId: `${associationId}-clerk` });

const registered = (personId: string, associationId: string, n: number): PersonEvent => ({
  type: 'PersonRegistered',
  data: {
    personId,
    associationId,
    identityKey: String(n).repeat(64).slice(0, 64),
    name: sealed(personId, n),
    identityCardNumber: sealed(personId, n + 1),
    phone: sealed(personId, n + 2),
    address: null,
    registeredOn: '2026-03-01',
  },
});

const history: RecordedEvent[] = [
  at(personStreamId(P1), 0, registered(P1, A, 1), '2026-03-01'),
  at(personStreamId(P2), 0, registered(P2, B, 5), '2026-03-01', B),
  at(personStreamId(P1), 1, { type: 'PersonDetailsCorrected', data: { personId: P1, associationId: A, changes: { phone: null, address: sealed(P1, 9) }, correctedOn: '2026-03-02' } }, '2026-03-02'),
  at(
    personStreamId(P1),
    2,
    {
      type: 'PersonErasureRequested',
      data: { personId: P1, associationId: A, requestId: 'e-1', legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision, requestedBy: 'wuhan-clerk', requestedOn: '2026-05-02' },
    },
    '2026-05-02',
  ),
  at(personStreamId(P1), 3, { type: 'PersonErased', data: { personId: P1, associationId: A, requestId: 'e-1', approvedBy: 'wuhan-head', erasedOn: '2026-05-03' } }, '2026-05-03'),
  at(
    personStreamId(P2),
    1,
    {
      type: 'PersonErasureRequested',
      data: { personId: P2, associationId: B, requestId: 'e-2', legalBasis: 'PURPOSE_FULFILLED', requester: 'ASSOCIATION', decision, requestedBy: 'yueyang-clerk', requestedOn: '2026-05-04' },
    },
    '2026-05-04',
    B,
  ),
];

describe('the persons register read model', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queries: PersonsQueries;

  beforeAll(async () => {
    database = await createTestDatabase('persons');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    queries = new PersonsQueries(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const project = async (batches: readonly (readonly RecordedEvent[])[]) => {
    await dataSource.query('TRUNCATE person, person_erasure_request');
    for (const batch of batches) await dataSource.transaction((tx) => personsProjection.apply(batch, tx));
  };
  const contents = async () => ({
    persons: await dataSource.query('SELECT * FROM person ORDER BY person_id'),
    requests: await dataSource.query('SELECT * FROM person_erasure_request ORDER BY person_id, request_id'),
  });

  it('keeps the sealed envelopes, and clears every personal column and the identity key of an erased person', async () => {
    await project([history]);
    const [p1, p2] = [await queries.person(P1), await queries.person(P2)];
    expect(p1).toMatchObject({ status: 'ERASED', name: null, identityCardNumber: null, phone: null, address: null, erasedOn: '2026-05-03', pendingErasure: null });
    expect(p2).toMatchObject({ status: 'REGISTERED', name: sealed(P2, 5), identityCardNumber: sealed(P2, 6), phone: sealed(P2, 7), address: null });
    expect(p2!.pendingErasure).toEqual({ requestId: 'e-2', legalBasis: 'PURPOSE_FULFILLED', requester: 'ASSOCIATION', decision, requestedBy: 'yueyang-clerk', requestedOn: '2026-05-04' });
    expect(await queries.byIdentityKey('1'.repeat(64))).toBeNull();
    expect((await queries.byIdentityKey('5'.repeat(64)))?.personId).toBe(P2);
    expect(await queries.erasedPersonIds()).toEqual([P1]);
    expect((await queries.erasureRequests(P1)).map((r) => [r.requestId, r.outcome, r.decidedBy, r.decidedOn])).toEqual([['e-1', 'APPROVED', 'wuhan-head', '2026-05-03']]);
    const raw = JSON.stringify((await contents()).persons);
    expect(raw).not.toContain('"ct1"');
    expect(raw).not.toContain('"ct9"');
  });

  it('gives the same rows event by event, in one batch, and when a batch is delivered twice', async () => {
    await project([history]);
    const once = await contents();
    await project(history.map((event) => [event]));
    expect(await contents()).toEqual(once);
    await project([history.slice(0, 3), history.slice(0, 3), history.slice(3)]);
    expect(await contents()).toEqual(once);
  });

  it('relates a person to the association that registered them and to those holding their credit records', async () => {
    await project([history]);
    await dataSource.query(
      `INSERT INTO credit_application (association_id, cycle_id, subject_id, subject_kind, member, rulebook_id, rulebook_version, status, filed_on, self_assessment,
         revision, last_event_id, last_position, updated_at)
       VALUES ($1, 'c-2026', $2, 'PERSON', false, 'rb', 1, 'FILED', '2026-03-05', '{}', 0, '00000000-0000-4000-8000-000000000099', '1', now())`,
      [B, P1],
    ).catch(async (error: unknown) => {
      // The application table's required columns are the credit projection's; show them if this insert falls behind.
      const columns = await dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'credit_application' AND is_nullable = 'NO'`);
      throw new Error(`${String(error)}; required columns: ${JSON.stringify(columns)}`);
    });
    const related = await queries.relatedAssociationsOfEach([P1, P2, 'PSN000000000000000X']);
    expect([...related.get(P1)!].sort()).toEqual([A, B]);
    expect([...related.get(P2)!]).toEqual([B]);
    expect([...related.get('PSN000000000000000X')!]).toEqual([]);
  });

  it('pages the persons an association registered', async () => {
    await project([history]);
    const page = await queries.registeredBy(B, 10);
    expect(page.edges.map((e) => e.node.personId)).toEqual([P2]);
    expect(page.totalCount).toBe(1);
  });
});
