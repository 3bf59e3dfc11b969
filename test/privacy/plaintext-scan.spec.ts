/*
 * No personal data in plain at rest (docs/privacy.md): after a 三诚 evaluation of individuals run end to end over
 * GraphQL — persons registered, rated, objected to by named members of the public, a conduct record, look-ups, an
 * AUDITOR's export, one person erased — every table of the database (the event log with its stream ids and metadata,
 * every read model, the key store) and every log line the service wrote at debug level is searched for each person's
 * name, identity-card number, phone and address and each objector's name, and so is an audit bundle exported after
 * the erasure (which the standalone verifier still finds intact). Two of the persons are enrolled in the expert pool
 * too, with a declared conflict, and one of them is the person erased: an expert names a person by register id only.
 * None may be there. The same search finds the register ids, so it does read what it searches.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ownerOfEvent } from '#domain/visibility';
import { withCheckCharacter } from '#domain/shared';
import { exportAuditBundle, SealSigningKey, sealEventStore } from '#eventstore';
import { ASSOC, OBJECTORS, PERSONS, type PrivacyScenario, erasePerson, runPrivacyScenario } from './privacy-scenario.js';

const EMPLOYER = withCheckCharacter('91420100MA4EXPRT0');

/** Enrols persons of the scenario in the association's expert pool, one with a declared conflict; answers the expert ids. */
async function enrolExperts(scenario: PrivacyScenario, personIds: readonly string[]): Promise<string[]> {
  const { admin } = scenario;
  await admin.ok(`mutation ($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`, {
    input: { code: EMPLOYER, name: '湖北省市政工程设计研究院有限公司', legalRepresentative: '周明', regionCode: '420106', ownership: 'STATE_OWNED', sizeClass: 'MEDIUM' },
  });
  const expertIds: string[] = [];
  for (const personId of personIds) {
    const enrolled = await admin.ok<{ enrolExpert: { expertId: string } }>(`mutation ($input: EnrolExpertInput!) { enrolExpert(input: $input) { expertId } }`, {
      input: { associationId: ASSOC, personId, specialties: ['MUNICIPAL', 'SAFETY'], employerCode: EMPLOYER, title: '高级工程师', userId: `expert-${personId.slice(-4).toLowerCase()}` },
    });
    expertIds.push(enrolled.enrolExpert.expertId);
  }
  await admin.ok(`mutation ($input: DeclareExpertConflictInput!) { declareExpertConflict(input: $input) { revision } }`, {
    input: { associationId: ASSOC, expertId: expertIds[0], conflictId: 'c-1', enterpriseCode: EMPLOYER, reason: '本单位', from: '2022-01-01', to: '2022-12-31' },
  });
  return expertIds;
}

/** Every row of every table of the database, as JSON text, with the table it came from. */
async function everyRow(scenario: PrivacyScenario): Promise<{ table: string; text: string }[]> {
  const { pool } = scenario.service;
  const tables = await pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const rows: { table: string; text: string }[] = [];
  for (const { schema, name } of tables.rows) {
    const table = `"${schema}"."${name}"`;
    const found = await pool.query<{ text: string }>(`SELECT row_to_json(t)::text AS text FROM ${table} t`);
    for (const row of found.rows) rows.push({ table, text: row.text });
  }
  return rows;
}

describe('personal data at rest after a 三诚 evaluation of individuals', () => {
  let scenario: PrivacyScenario;
  let expertIds: string[] = [];

  beforeAll(async () => {
    scenario = await runPrivacyScenario();
    expertIds = await enrolExperts(scenario, [scenario.personIds[0]!, scenario.personIds[3]!]);
    await erasePerson(scenario, scenario.personIds[3]!, 'erasure-2022-001');
    await scenario.service.settled();
  }, 180_000);

  afterAll(async () => {
    await scenario?.service.stop();
  });

  const needles = (): string[] => [
    ...PERSONS.flatMap((p) => [p.name, p.identityCardNumber, p.phone, p.address].flatMap((v: string | null) => (v === null ? [] : [v]))),
    ...OBJECTORS,
  ];

  it('finds no name, identity-card number, phone or address in plain in any table: the log, its stream ids, the read models, the key store', async () => {
    const rows = await everyRow(scenario);
    const tables = new Set(rows.map((r) => r.table));
    for (const expected of ['"public"."es_events"', '"public"."person"', '"public"."audit_event"', '"privacy"."data_keys"']) expect(tables).toContain(expected);
    const found = needles().flatMap((needle) => rows.filter((r) => r.text.includes(needle)).map((r) => `${needle} in ${r.table}: ${r.text.slice(0, 200)}`));
    expect(found).toEqual([]);
    // The search reads what it searches: the register ids are there, in the log and in the read models.
    for (const personId of scenario.personIds) {
      expect(rows.some((r) => r.table === '"public"."es_events"' && r.text.includes(personId))).toBe(true);
      expect(rows.some((r) => r.table === '"public"."person"' && r.text.includes(personId))).toBe(true);
    }
    // The experts are there, in the log and the pool's read model, by register id and expert id only.
    for (const expertId of expertIds) {
      expect(rows.some((r) => r.table === '"public"."es_events"' && r.text.includes(expertId))).toBe(true);
      expect(rows.some((r) => r.table === '"public"."expert"' && r.text.includes(expertId))).toBe(true);
    }
    expect(rows.some((r) => r.table === '"public"."expert"' && r.text.includes(scenario.personIds[3]!))).toBe(true);
  });

  it('names no stream by anything but register ids and keyed hashes', async () => {
    const { rows } = await scenario.service.pool.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM es_events');
    const byNumber = rows.filter((r) => PERSONS.some((p) => r.stream_id.includes(p.identityCardNumber)));
    expect(byNumber).toEqual([]);
    const expertStreams = rows.map((r) => r.stream_id).filter((id) => id.startsWith('expert-'));
    expect(expertStreams.sort()).toEqual(expertIds.map((id) => `expert-${ASSOC}:${id}`).sort());
    const personStreams = rows.map((r) => r.stream_id).filter((id) => /^(person|personIdentity|creditApplication|creditConduct)-/.test(id));
    expect(personStreams.length).toBeGreaterThanOrEqual(PERSONS.length * 2 + 3);
    for (const id of personStreams) expect(id).toMatch(/^(person-PSN[0-9A-Z]{16}|personIdentity-[0-9a-f]{64}|creditApplication-.+:PSN[0-9A-Z]{16}|creditConduct-PSN[0-9A-Z]{16})$/);
  });

  it('exports an audit bundle that holds none of them in plain, which the standalone verifier checks as intact', async () => {
    const { infrastructure, runtime } = scenario.service.service;
    const key = new SealSigningKey(runtime.config.seals.signingKey);
    await sealEventStore(infrastructure.store, infrastructure.seals, key, { now: () => runtime.clock.now() });
    const out = join(await mkdtemp(join(tmpdir(), 'privacy-bundle-')), 'bundle');
    try {
      const manifest = await exportAuditBundle(infrastructure.store, infrastructure.seals, {
        out,
        key,
        build: { version: 'test', commit: null },
        now: runtime.clock.now(),
        association: null,
        from: null,
        to: null,
        associationOf: (streamId, data) => ownerOfEvent(streamId, data).associationId ?? null,
      });
      const { rows } = await scenario.service.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
      expect(manifest.counts.events).toBe(rows[0]!.n);
      const files = await readdir(out);
      const contents = await Promise.all(files.map(async (file) => ({ file, text: await readFile(join(out, file), 'utf8') })));
      const found = needles().flatMap((needle) => contents.filter((c) => c.text.includes(needle)).map((c) => `${needle} in ${c.file}`));
      expect(found).toEqual([]);
      expect(contents.some((c) => c.text.includes(scenario.personIds[0]!))).toBe(true);
      const verified = await promisify(execFile)(process.execPath, [join(process.cwd(), 'verifier', 'verify.mjs'), out]);
      expect(verified.stdout).toMatch(/intact/i);
    } finally {
      await rm(join(out, '..'), { recursive: true, force: true });
    }
  });

  it('writes none of them to the logs, at debug level, through the whole run', () => {
    expect(scenario.logLines.length).toBeGreaterThan(0);
    const found = needles().flatMap((needle) => scenario.logLines.filter((line) => line.includes(needle)).map((line) => `${needle}: ${line.slice(0, 200)}`));
    expect(found).toEqual([]);
  });
});
