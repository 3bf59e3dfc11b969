import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import { enterpriseProjection, auditTrailProjection, rebuildProjection } from '#projections';
import { startTestService, type TestService } from '../support/service.js';

const TABLES = ['enterprise', 'enterprise_name', 'enterprise_qualification', 'audit_event'];

describe('rebuilding the enterprise register read models', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService();
    const admin = service.client('ADMIN');
    for (let i = 0; i < 12; i++) {
      const code = withCheckCharacter(`91430600MA4L${String(i).padStart(5, '0')}`);
      await admin.ok(
        `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { revision } }`,
        { input: { code, name: `岳阳第${i}建筑有限公司`, legalRepresentative: '赵七', regionCode: '430600', ownership: 'PRIVATE' } },
      );
      await admin.ok(`mutation($input: RecordQualificationInput!) { recordQualification(input: $input) { revision } }`, {
        input: { code, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', grade: i % 3 === 0 ? 'GRADE_1' : 'GRADE_3' },
      });
      if (i % 4 === 0) {
        await admin.ok(`mutation($input: UpdateEnterpriseProfileInput!) { updateEnterpriseProfile(input: $input) { revision } }`, {
          input: { code, name: `岳阳第${i}建设集团有限公司`, reason: '更名' },
        });
      }
      if (i % 5 === 0) {
        await admin.ok(`mutation($input: WithdrawQualificationInput!) { withdrawQualification(input: $input) { revision } }`, {
          input: { code, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', reason: '证书注销' },
        });
      }
    }
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function snapshot(): Promise<Record<string, unknown[]>> {
    const result: Record<string, unknown[]> = {};
    for (const table of TABLES) {
      const rows = await service.pool.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
      result[table] = rows.rows;
    }
    return result;
  }

  it('replays the events into the same rows the live projections wrote, and keeps the indexes', async () => {
    // Mutations wait only for the projection they read; the audit trail may still be a batch behind.
    await service.settled();
    const live = await snapshot();
    expect(live.enterprise).toHaveLength(12);
    const indexesBefore = await service.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'enterprise' ORDER BY 1`);

    // The live audit trail copied events inside Postgres (the service hands its runner the log): a rebuild
    // through `apply` must give the same rows, and so must one through the log again.
    const { infrastructure } = service.service;
    for (const projection of [enterpriseProjection, auditTrailProjection]) {
      const result = await rebuildProjection({ store: infrastructure.store, dataSource: infrastructure.dataSource, projection });
      expect(result.eventsReplayed).toBeGreaterThanOrEqual(12 * 2);
    }
    expect(await snapshot()).toEqual(live);
    const { eventLog } = infrastructure;
    expect(eventLog).not.toBeNull();
    await rebuildProjection({ store: infrastructure.store, dataSource: infrastructure.dataSource, eventLog, projection: auditTrailProjection });

    expect(await snapshot()).toEqual(live);
    const indexesAfter = await service.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'enterprise' ORDER BY 1`);
    expect(indexesAfter.rows).toEqual(indexesBefore.rows);
  });
});
