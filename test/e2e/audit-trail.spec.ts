/*
 * The auditor's trail over HTTP: everything about one firm across contexts (its register entry, credit application,
 * conduct file and dues), narrowed by actor, recorded time and event type, paged in the global order; each entry with
 * its audit metadata, authority and business date; the objector's name, sealed in the store, opened for the auditor
 * by the field layer; bad filters refused on their fields.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { FixedClock } from '#platform';
import type { GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';
import { CreditCycleScenario } from './credit-fixtures.js';

const ASSOC = 'trail-assoc';
const CYCLE = 'trail-2022';
const [FIRM, OTHER] = [1, 2].map((i) => withCheckCharacter(`91420100MA4T${String(i).padStart(5, '0')}`)) as [string, string];

const TRAIL = `query ($filter: AuditTrailFilterInput, $first: Int, $after: String) {
  auditTrail(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { eventId streamId revision position type data actor { userId role associationId } associationId
      authority { body reference decidedOn } effectiveDate recordedAt commandId correlationId prevHash hash } }
  }
}`;

interface Entry {
  eventId: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string | null; role: string; associationId: string | null };
  associationId: string | null;
  authority: { body: string; reference: string; decidedOn: string } | null;
  effectiveDate: string | null;
  recordedAt: string;
  commandId: string;
  correlationId: string;
  prevHash: string;
  hash: string;
}
interface Trail {
  auditTrail: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: Entry }[] };
}

describe("the auditor's trail across contexts", () => {
  const clock = new FixedClock('2022-05-03T02:00:00.000Z');
  let service: TestService;
  let auditor: GraphQLClient;

  beforeAll(async () => {
    service = await startTestService({ clock });
    auditor = service.client('AUDITOR');
    const credit = new CreditCycleScenario(service, clock, { associationId: ASSOC, cycleId: CYCLE, filingFrom: '2022-05-01', filingTo: '2022-05-15' });
    await credit.registerFirm(FIRM, '武汉审计建设有限公司');
    await credit.registerFirm(OTHER, '武汉其他建设有限公司');
    await credit.open();
    for (const code of [FIRM, OTHER]) {
      await credit.file(code);
      await credit.score(code, 46, 47);
      await credit.completeReview(code);
      await credit.startNotice(code, '2022-05-04');
    }
    clock.set('2022-05-06T02:00:00.000Z');
    await credit.upholdObjection(FIRM, 'obj-1');
    clock.set('2023-02-01T02:00:00.000Z');
    await credit.issue(OTHER, 'TR-2022-001', '2022-05-12');
    await credit.recordConduct(FIRM, 'hr-2023-1', 'WAGE_ARREARS', '2023-01-20');
    await service.settled();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const trail = (filter: Record<string, unknown> | null, first = 100, after: string | null = null) => auditor.ok<Trail>(TRAIL, { filter, first, after });

  it('answers everything about a firm, from every context, in the global order, and nothing of another firm', async () => {
    const { auditTrail } = await trail({ firmCode: ` ${FIRM.toLowerCase()} ` });
    const streams = [...new Set(auditTrail.edges.map((e) => e.node.streamId))];
    expect(streams).toEqual([`enterprise-${FIRM}`, `creditApplication-${ASSOC}:${CYCLE}:${FIRM}`, `creditConduct-${FIRM}`]);
    expect(auditTrail.totalCount).toBe(auditTrail.edges.length);
    const positions = auditTrail.edges.map((e) => e.node.position);
    expect(positions).toEqual([...positions].sort());
    const { rows } = await service.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM es_events WHERE stream_id = ANY($1)`,
      [streams],
    );
    expect(auditTrail.totalCount).toBe(rows.length);
  });

  it('carries the audit metadata, authority and business date of each entry, the hash as recorded', async () => {
    const { auditTrail } = await trail({ firmCode: FIRM, eventTypes: ['CreditObjectionResolved', 'CreditApplicationFiled'] });
    expect(auditTrail.edges.map((e) => e.node.type)).toEqual(['CreditApplicationFiled', 'CreditObjectionResolved']);
    const [filed] = auditTrail.edges.map((e) => e.node);
    const { rows } = await service.pool.query<{ hash: string; metadata: Record<string, unknown> }>('SELECT hash, metadata FROM es_events WHERE event_id = $1', [filed!.eventId]);
    expect(filed).toMatchObject({
      streamId: `creditApplication-${ASSOC}:${CYCLE}:${FIRM}`,
      revision: 0,
      associationId: ASSOC,
      authority: null,
      effectiveDate: '2022-05-03',
      actor: { userId: `${ASSOC}-secretariat`, role: 'ADMIN', associationId: ASSOC },
      hash: rows[0]!.hash,
      commandId: rows[0]!.metadata.commandId,
      correlationId: rows[0]!.metadata.correlationId,
      recordedAt: '2022-05-03T02:00:00.000Z',
    });
    const [conduct] = (await trail({ firmCode: FIRM, eventTypes: ['CreditRatingSuspended', 'CreditConductRecorded'] })).auditTrail.edges.map((e) => e.node);
    expect(conduct).toMatchObject({ type: 'CreditConductRecorded', effectiveDate: '2023-01-20', streamId: `creditConduct-${FIRM}` });
  });

  it("opens the objector's name for the auditor, which the store holds sealed", async () => {
    const { auditTrail } = await trail({ firmCode: FIRM, eventTypes: ['CreditObjectionFiled'] });
    expect(auditTrail.edges.map((e) => e.node.data.objector)).toEqual(['某投标人']);
    const { rows } = await service.pool.query<{ data: { objector: unknown } }>(`SELECT data FROM es_events WHERE event_type = 'CreditObjectionFiled'`);
    expect(rows[0]!.data.objector).toMatchObject({ sealed: 'aes-256-gcm/1' });
  });

  it('narrows by actor and by recorded time, combined with the subject', async () => {
    const byExpert = await trail({ actorUserId: `${ASSOC}-expert` });
    expect(new Set(byExpert.auditTrail.edges.map((e) => e.node.type))).toEqual(new Set(['CreditIndicatorScored']));
    expect(byExpert.auditTrail.totalCount).toBe(2);
    const in2023 = await trail({ recordedFrom: '2023-01-01T00:00:00Z', recordedTo: '2023-12-31T23:59:59Z' });
    expect(new Set(in2023.auditTrail.edges.map((e) => e.node.type))).toEqual(new Set(['CreditRatingIssued', 'CreditCertificateReserved', 'CreditConductRecorded']));
    expect(in2023.auditTrail.edges.every((e) => e.node.recordedAt.startsWith('2023-'))).toBe(true);
    const firmIn2023 = await trail({ firmCode: FIRM, recordedFrom: '2023-01-01T00:00:00Z' });
    expect(firmIn2023.auditTrail.edges.map((e) => e.node.type)).toEqual(['CreditConductRecorded']);
  });

  it('pages the whole trail by cursor, without a gap or a repeat', async () => {
    const whole = await trail(null, 200);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { auditTrail } = await trail({}, 7, after);
      seen.push(...auditTrail.edges.map((e) => e.node.eventId));
      if (!auditTrail.pageInfo.hasNextPage) break;
      after = auditTrail.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole.auditTrail.edges.map((e) => e.node.eventId));
    expect(new Set(seen).size).toBe(whole.auditTrail.totalCount);
  });

  it('refuses bad filters on their fields, each at once', async () => {
    const result = await auditor.request(TRAIL, { filter: { firmCode: 'NOT-A-CODE', recordedFrom: '2023-01-02T00:00:00Z', recordedTo: '2023-01-01T00:00:00Z' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const fields = (result.errors?.[0]?.extensions?.fieldErrors as { field: string }[] | undefined)?.map((e) => e.field);
    expect(fields).toEqual(['filter.firmCode']);
    const range = await auditor.request(TRAIL, { filter: { recordedFrom: '2023-01-02T00:00:00Z', recordedTo: '2023-01-01T00:00:00Z' } });
    expect(range.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const types = await auditor.request(TRAIL, { filter: { eventTypes: ['credit review; drop table'] } });
    expect(types.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const person = await auditor.request(TRAIL, { filter: { personId: '420106198001010015' } });
    expect(person.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(person.errors)).not.toContain('420106198001010015');
  });

  it('is for auditors only', async () => {
    for (const client of [service.client('ADMIN', { associationId: ASSOC }), service.client('TENDER'), service.client('MEMBER', { associationId: ASSOC, enterpriseCode: FIRM })]) {
      const result = await client.request(TRAIL, { filter: { firmCode: FIRM } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(result.data ?? null).toBeNull();
    }
  });
});
