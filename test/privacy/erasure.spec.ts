/*
 * Erasure keeps the chain valid (PIPL Art. 47, docs/privacy.md): a rated person is erased — requested by one admin,
 * approved by another — and then every read model shows them erased, the hash chain of every stream still verifies,
 * a rebuild of the read models from the log gives the same erased rows, and nothing of theirs can be decrypted any
 * more, however it is tried. Their credit record stays, under the register id alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { personStreamId } from '#domain/persons';
import { ERASED, isSealed, type SealedValue } from '#domain/shared';
import { PersonalData, PostgresDataKeyStore } from '#platform';
import { registerProjections, rebuildProjections } from '#projections';
import { ASSOC, CYCLE, type PrivacyScenario, erasePerson, runPrivacyScenario } from './privacy-scenario.js';

type Export = {
  personalDataExport: {
    status: string;
    details: { name: unknown; identityCardNumber: unknown };
    streams: { streamId: string; events: { eventId: string; hash: string; data: Record<string, unknown> }[] }[];
  };
};
const EXPORT = `query ($personId: ID!) { personalDataExport(personId: $personId) { status details { name identityCardNumber } streams { streamId events { eventId hash data } } } }`;
const PERSON = `query ($personId: ID!) { person(personId: $personId) { personId status erased erasedOn name phone address identityCardNumberMasked } }`;

describe('erasing a rated person', () => {
  let scenario: PrivacyScenario;
  let erased: string;
  let kept: string;
  let before: Export;
  let envelopes: SealedValue[];

  beforeAll(async () => {
    scenario = await runPrivacyScenario();
    [erased, kept] = scenario.personIds as [string, string];
    before = await scenario.auditor.ok<Export>(EXPORT, { personId: erased });
    const [registered] = await scenario.service.service.runtime.store.readStream(personStreamId(erased));
    envelopes = Object.values(registered!.data).filter(isSealed);
    await erasePerson(scenario, erased, 'erasure-2022-007');
    await scenario.service.settled();
  }, 180_000);

  afterAll(async () => {
    await scenario?.service.stop();
  });

  it('had their details sealed and readable to the AUDITOR before', () => {
    expect(envelopes.length).toBe(4);
    expect(before.personalDataExport.status).toBe('REGISTERED');
    expect(before.personalDataExport.details.name).toBe('张建国');
  });

  it('shows them erased in the persons register at once, to every caller, while the others stay readable', async () => {
    for (const client of [scenario.auditor, scenario.admin]) {
      const { person } = await client.ok<{ person: Record<string, unknown> }>(PERSON, { personId: erased });
      expect(person).toMatchObject({ status: 'ERASED', erased: true, erasedOn: '2022-07-01', name: null, phone: null, address: null, identityCardNumberMasked: null });
    }
    expect((await scenario.auditor.ok<{ person: { name: string } }>(PERSON, { personId: kept })).person.name).toBe('李秀兰');
    const { rows } = await scenario.service.pool.query('SELECT status, name, identity_card_number, phone, address, identity_key FROM person WHERE person_id = $1', [erased]);
    expect(rows).toEqual([{ status: 'ERASED', name: null, identity_card_number: null, phone: null, address: null, identity_key: null }]);
  });

  it('exports them as erased, with every event and hash the export had before', async () => {
    const after = await scenario.auditor.ok<Export>(EXPORT, { personId: erased });
    expect(after.personalDataExport.status).toBe('ERASED');
    expect(after.personalDataExport.details).toEqual({ name: null, identityCardNumber: null });
    const hashes = (e: Export) => e.personalDataExport.streams.flatMap((s) => s.events.map((ev) => [ev.eventId, ev.hash]));
    // Every event exported before is there with the same hash; the erasure added its own events (no personal data).
    expect(hashes(after)).toEqual(expect.arrayContaining(hashes(before)));
    expect(hashes(after).length).toBe(hashes(before).length + 3);
    const registered = after.personalDataExport.streams.find((s) => s.streamId === personStreamId(erased))!.events[0]!;
    expect(registered.data).toMatchObject({ personId: erased, name: ERASED, identityCardNumber: ERASED });
  });

  it('keeps the chain of every stream intact', async () => {
    const verification = await scenario.service.service.infrastructure.store.verifyAll();
    expect(verification.intact).toBe(true);
    expect((await scenario.service.service.infrastructure.store.verifyStream(personStreamId(erased))).intact).toBe(true);
  });

  it('gives the same erased rows when every read model is rebuilt from the log', async () => {
    const snapshot = () =>
      scenario.service.pool
        .query<Record<string, unknown>>('SELECT * FROM person ORDER BY person_id')
        .then((r) => r.rows.map((row): Record<string, unknown> => ({ ...row, last_position: null })));
    const beforeRebuild = await snapshot();
    const { store, dataSource } = scenario.service.service.infrastructure;
    await rebuildProjections({ store, dataSource, projections: registerProjections });
    expect(await snapshot()).toEqual(beforeRebuild);
    expect(beforeRebuild.find((row) => row.person_id === erased)).toMatchObject({ status: 'ERASED', name: null });
  });

  it('cannot decrypt anything of theirs any more: not with the service\'s keys, not with a fresh reader of the same key store and master key', async () => {
    const runtime = scenario.service.service.runtime;
    expect(await runtime.personalData.open(envelopes)).toEqual(envelopes.map(() => ERASED));
    const { pool } = scenario.service;
    const fresh = new PersonalData(new PostgresDataKeyStore(pool), runtime.config.privacy.masterKey, runtime.config.privacy.identitySecret);
    expect(await fresh.open(envelopes)).toEqual(envelopes.map(() => ERASED));
    const { rows } = await pool.query('SELECT wrapped, destroyed_for FROM privacy.data_keys WHERE owner = $1', [erased]);
    expect(rows).toEqual([{ wrapped: null, destroyed_for: 'erasure-2022-007' }]);
    await expect(fresh.seal(erased, '张建国')).rejects.toThrow(/erased/);
  });

  it('keeps their credit record under the register id: a tender system still reads the rating', async () => {
    const { creditRatingsAsOf } = await scenario.tender.ok<{ creditRatingsAsOf: { subjectId: string; ratings: { grade: string; status: string }[] }[] }>(
      `{ creditRatingsAsOf(subjectIds: ["${erased}"]) { subjectId ratings { grade status } } }`,
    );
    expect(creditRatingsAsOf).toEqual([{ subjectId: erased, ratings: [{ grade: 'AAA', status: 'ACTIVE' }] }]);
    const application = await scenario.admin.ok<{ creditApplication: { status: string } | null }>(
      `{ creditApplication(associationId: "${ASSOC}", cycleId: "${CYCLE}", subjectId: "${erased}") { status } }`,
    );
    expect(application.creditApplication?.status).toBeDefined();
  });

  it('refuses a second erasure and any correction of an erased person', async () => {
    const again = await scenario.admin.request(`mutation ($input: RequestPersonErasureInput!) { requestPersonErasure(input: $input) { person { personId } } }`, {
      input: { associationId: ASSOC, personId: erased, requestId: 'erasure-2022-008', legalBasis: 'CONSENT_WITHDRAWN', requester: 'DATA_SUBJECT', decision: { body: 'SECRETARIAT', reference: '鄂市政协〔2022〕22号', decidedOn: '2022-07-01' } },
    });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: expect.stringMatching(/^PERSON_/) });
    const correction = await scenario.admin.request(`mutation ($input: CorrectPersonDetailsInput!) { correctPersonDetails(input: $input) { person { personId } } }`, {
      input: { associationId: ASSOC, personId: erased, name: '张建国' },
    });
    expect(correction.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: expect.stringMatching(/^PERSON_/) });
  });
});
