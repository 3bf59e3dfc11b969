import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { withCheckCharacter } from '#domain/shared';
import { type GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const REGISTER = `
  mutation Register($input: RegisterEnterpriseInput!) {
    registerEnterprise(input: $input) {
      commandId revision position duplicate readModelCurrent
      enterprise { code name regionCode ownership sizeClass codeCheckOverridden codeOverrideReason revision }
    }
  }`;

const ENTERPRISE = `
  query One($code: String!) {
    enterprise(code: $code) {
      code name legalRepresentative sizeClass revision
      qualifications { category specialty grade status }
      nameHistory { name effectiveFrom reason revision }
    }
  }`;

interface HistoryStep {
  revision: number;
  type: string;
  data: Record<string, unknown>;
  actor: { userId: string; role: string };
  recordedAt: string;
  prevHash: string;
  hash: string;
}

let sequence = 0;
/** A fresh, valid credit code per test, so tests never collide. */
function newCode(): string {
  sequence += 1;
  const body = `9142010${String(Date.now() % 1e6).padStart(6, '0')}${String(sequence).padStart(4, '0')}`;
  return withCheckCharacter(body.slice(0, 17));
}

function input(code: string, overrides: Record<string, unknown> = {}) {
  return {
    code,
    name: `武汉测试建设工程有限公司${code.slice(-4)}`,
    legalRepresentative: '王五',
    regionCode: '420106',
    ownership: 'PRIVATE',
    sizeClass: 'SMALL',
    ...overrides,
  };
}

describe('enterprise register over GraphQL', () => {
  let service: TestService;
  let admin: GraphQLClient;

  beforeAll(async () => {
    service = await startTestService();
    admin = service.client('ADMIN');
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function eventCount(): Promise<number> {
    const rows = await service.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM es_events');
    return Number(rows.rows[0]!.n);
  }

  describe('when an admin registers an enterprise', () => {
    it('returns the new revision and the read model, already caught up', async () => {
      const code = newCode();
      const data = await admin.ok<{ registerEnterprise: Record<string, unknown> }>(REGISTER, { input: input(code) });
      expect(data.registerEnterprise).toMatchObject({
        revision: 0,
        duplicate: false,
        readModelCurrent: true,
        enterprise: { code, regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'SMALL', codeCheckOverridden: false, revision: 0 },
      });
      expect(typeof data.registerEnterprise.position).toBe('string');
    });

    it('answers a re-sent command with the original outcome and writes nothing', async () => {
      const code = newCode();
      const commandId = randomUUID();
      const first = await admin.ok<{ registerEnterprise: { position: string } }>(REGISTER, { input: input(code, { commandId }) });
      const before = await eventCount();
      const again = await admin.ok<{ registerEnterprise: { position: string; duplicate: boolean } }>(REGISTER, {
        input: input(code, { commandId }),
      });
      expect(again.registerEnterprise).toMatchObject({ duplicate: true, position: first.registerEnterprise.position });
      expect(await eventCount()).toBe(before);
    });

    it('refuses a reused command id carrying a different command', async () => {
      const commandId = randomUUID();
      const code = newCode();
      await admin.ok(REGISTER, { input: input(code, { commandId }) });
      const result = await admin.request(REGISTER, { input: input(code, { commandId, name: 'Another name Ltd' }) });
      expect(result.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });
  });

  describe('when the input is bad, nothing is written', () => {
    it.each([
      ['a credit code failing its check character', { code: 'BAD' }, 'code'],
      ['an empty name', { name: '' }, 'name'],
      ['a 10 kB name', { name: '名'.repeat(10_240) }, 'name'],
      ['a region that is not a division code', { regionCode: '99010' }, 'regionCode'],
    ])('refuses %s with a field error', async (_label, overrides: Record<string, unknown>, field) => {
      const code = newCode();
      const before = await eventCount();
      const badCode = overrides.code === 'BAD' ? `${code.slice(0, 17)}${code.endsWith('0') ? '1' : '0'}` : code;
      const result = await admin.request(REGISTER, { input: input(badCode, { ...overrides, code: badCode }) });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.fieldErrors?.map((e) => e.field)).toContain(field);
      expect(result.errors?.[0]?.message).not.toMatch(/at .*\.(js|ts):\d+/);
      expect(await eventCount()).toBe(before);
    });

    it('registers a failing code only with an audited override reason', async () => {
      const code = newCode();
      const failing = `${code.slice(0, 17)}${code.endsWith('0') ? '1' : '0'}`;
      const data = await admin.ok<{ registerEnterprise: { enterprise: Record<string, unknown> } }>(REGISTER, {
        input: input(failing, { checkDigitOverrideReason: '与营业执照原件核对一致，发证机关赋码' }),
      });
      expect(data.registerEnterprise.enterprise).toMatchObject({
        code: failing,
        codeCheckOverridden: true,
        codeOverrideReason: '与营业执照原件核对一致，发证机关赋码',
      });
    });

    it('refuses registering the same code twice with a stable rule', async () => {
      const code = newCode();
      await admin.ok(REGISTER, { input: input(code) });
      const before = await eventCount();
      const result = await admin.request(REGISTER, { input: input(code) });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RULE_VIOLATION', rule: 'ENTERPRISE_ALREADY_REGISTERED' });
      expect(await eventCount()).toBe(before);
    });
  });

  describe('access', () => {
    it('refuses a call without a token', async () => {
      const before = await eventCount();
      const result = await admin.as(undefined).request(REGISTER, { input: input(newCode()) });
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await eventCount()).toBe(before);
    });

    it('refuses a forged token', async () => {
      const result = await admin.as('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4Iiwicm9sZSI6IkFETUlOIn0.c2lnbmF0dXJl').request(ENTERPRISE, { code: newCode() });
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a role that may not register', async () => {
      const before = await eventCount();
      const result = await service.client('AUDITOR').request(REGISTER, { input: input(newCode()) });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(await eventCount()).toBe(before);
    });

    it('lets a member read its own record and no other', async () => {
      const own = newCode();
      const other = newCode();
      await admin.ok(REGISTER, { input: input(own) });
      await admin.ok(REGISTER, { input: input(other) });
      const member = service.client('MEMBER', { enterpriseCode: own });
      expect((await member.ok<{ enterprise: { code: string } }>(ENTERPRISE, { code: own })).enterprise.code).toBe(own);
      const refused = await member.request(ENTERPRISE, { code: other });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('profile, qualifications and history', () => {
    it('keeps the name history and shows every step with actor, time and hash', async () => {
      const code = newCode();
      await admin.ok(REGISTER, { input: input(code, { name: '甲建设有限公司' }) });
      await admin.ok(
        `mutation($input: UpdateEnterpriseProfileInput!) { updateEnterpriseProfile(input: $input) { revision } }`,
        { input: { code, name: '甲建设集团有限公司', effectiveFrom: '2026-01-15', reason: '工商变更登记' } },
      );
      await admin.ok(`mutation($input: RecordQualificationInput!) { recordQualification(input: $input) { revision } }`, {
        input: { code, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', grade: 'GRADE_2', effectiveFrom: '2025-05-01' },
      });
      await admin.ok(`mutation($input: RecordQualificationInput!) { recordQualification(input: $input) { revision } }`, {
        input: { code, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', grade: 'GRADE_1', effectiveFrom: '2026-02-01' },
      });
      const withdrawn = await admin.ok<{ withdrawQualification: { revision: number; enterprise: { qualifications: unknown[] } } }>(
        `mutation($input: WithdrawQualificationInput!) { withdrawQualification(input: $input) { revision enterprise { qualifications { grade } } } }`,
        { input: { code, category: 'GENERAL_CONTRACTING', specialty: '建筑工程', reason: '资质证书被注销' } },
      );
      expect(withdrawn.withdrawQualification).toEqual({ revision: 4, enterprise: { qualifications: [] } });

      const one = await admin.ok<{ enterprise: Record<string, unknown> }>(ENTERPRISE, { code });
      expect(one.enterprise).toMatchObject({
        name: '甲建设集团有限公司',
        revision: 4,
        nameHistory: [
          { name: '甲建设有限公司', effectiveFrom: null, reason: null, revision: 0 },
          { name: '甲建设集团有限公司', effectiveFrom: '2026-01-15', reason: '工商变更登记', revision: 1 },
        ],
      });

      const history = await service.client('AUDITOR').ok<{
        enterpriseHistory: { totalCount: number; edges: { node: HistoryStep }[] };
      }>(
        `query($code: String!) { enterpriseHistory(code: $code, first: 10) { totalCount edges { node {
            revision type data actor { userId role } recordedAt prevHash hash } } } }`,
        { code },
      );
      const steps = history.enterpriseHistory.edges.map((e) => e.node);
      expect(steps.map((s) => s.type)).toEqual([
        'EnterpriseRegistered',
        'EnterpriseRenamed',
        'QualificationRecorded',
        'QualificationRecorded',
        'QualificationWithdrawn',
      ]);
      expect(steps[0]!.prevHash).toBe('0'.repeat(64));
      steps.slice(1).forEach((step, i) => expect(step.prevHash).toBe(steps[i]!.hash));
      expect(steps[3]!.data).toMatchObject({ grade: 'GRADE_1', previousGrade: 'GRADE_2' });
      expect(steps.every((s) => s.actor.role === 'ADMIN' && typeof s.recordedAt === 'string')).toBe(true);
    });

    it('shows a change in the history at once, even while the audit trail is behind', async () => {
      const code = newCode();
      await admin.ok(REGISTER, { input: input(code) });
      await service.settled();
      // SHARE mode lets the history query read audit_event but holds the audit trail's insert back.
      const blocker = await service.pool.connect();
      let released = false;
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE audit_event IN SHARE MODE');
        await admin.ok(`mutation($input: SetEnterpriseSizeClassInput!) { setEnterpriseSizeClass(input: $input) { revision } }`, {
          input: { code, sizeClass: 'LARGE' },
        });
        const history = service
          .client('AUDITOR')
          .ok<{ enterpriseHistory: { edges: { node: { type: string } }[] } }>(
            `query($code: String!) { enterpriseHistory(code: $code, first: 10) { edges { node { type } } } }`,
            { code },
          )
          .then((result) => ({ result, answeredAfterRelease: released }));
        await new Promise((resolve) => setTimeout(resolve, 300));
        released = true;
        await blocker.query('COMMIT');
        const { result, answeredAfterRelease } = await history;
        expect(answeredAfterRelease).toBe(true);
        expect(result.enterpriseHistory.edges.map((e) => e.node.type)).toEqual(['EnterpriseRegistered', 'EnterpriseSizeClassSet']);
      } finally {
        if (!released) await blocker.query('ROLLBACK');
        blocker.release();
      }
    });

    it('lists enterprises by name, region, qualification and size, page by page', async () => {
      const prefix = `筛选${Date.now() % 100000}`;
      const codes = [newCode(), newCode(), newCode()];
      await admin.ok(REGISTER, { input: input(codes[0]!, { name: `${prefix}一公司`, regionCode: '420106', sizeClass: 'MICRO' }) });
      await admin.ok(REGISTER, { input: input(codes[1]!, { name: `${prefix}二公司`, regionCode: '430600', sizeClass: 'MICRO' }) });
      await admin.ok(REGISTER, { input: input(codes[2]!, { name: `${prefix}三公司`, regionCode: '420111', sizeClass: 'LARGE' }) });
      await admin.ok(`mutation($input: RecordQualificationInput!) { recordQualification(input: $input) { revision } }`, {
        input: { code: codes[2], category: 'SPECIALIST_CONTRACTING', specialty: '地基基础工程', grade: 'GRADE_1' },
      });
      const LIST = `query($filter: EnterpriseFilter, $after: String) {
        enterprises(filter: $filter, first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { code name } } } }`;
      type Page = { enterprises: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { code: string } }[] } };

      const wuhan = await admin.ok<Page>(LIST, { filter: { nameContains: prefix, region: '420100' } });
      expect(wuhan.enterprises.totalCount).toBe(2);
      const next = await admin.ok<Page>(LIST, { filter: { nameContains: prefix, region: '420100' }, after: wuhan.enterprises.pageInfo.endCursor });
      const seen = [wuhan, next].map((p) => p.enterprises.edges[0]!.node.code).sort();
      expect(seen).toEqual([codes[0], codes[2]].sort());
      expect(next.enterprises.pageInfo.hasNextPage).toBe(false);

      const micro = await admin.ok<Page>(LIST, { filter: { nameContains: prefix, sizeClass: 'MICRO' } });
      expect(micro.enterprises.totalCount).toBe(2);
      const qualified = await admin.ok<Page>(LIST, {
        filter: { nameContains: prefix, qualificationCategory: 'SPECIALIST_CONTRACTING', qualificationGrade: 'GRADE_1' },
      });
      expect(qualified.enterprises.edges.map((e) => e.node.code)).toEqual([codes[2]]);

      const badCursor = await admin.request(LIST, { after: 'not-a-cursor' });
      expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('answers a batch of enterprises by code in one request, as a tender system asks at bid opening', async () => {
      const codes = [newCode(), newCode(), newCode()];
      for (const code of codes) await admin.ok(REGISTER, { input: input(code) });
      const query = `{ ${codes.map((code, i) => `e${i}: enterprise(code: "${code}") { code name }`).join(' ')} }`;
      const data = await service.client('TENDER').ok<Record<string, { code: string }>>(query);
      expect(codes.map((_, i) => data[`e${i}`]!.code)).toEqual(codes);
    });

    it('answers NOT_FOUND for a code that is not in the register', async () => {
      const result = await admin.request(ENTERPRISE, { code: newCode() });
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });
});
