// Concurrent submissions through one recommending channel over real HTTP (ADR 0012, 0023). Every entry takes a slot of
// its channel's quota on the channel's one stream, so several recommending officers of a channel submitting at once
// all write to that stream. Each submission must end accepted or refused by a rule, never in CONFLICT: all N accepted
// when the quota holds them, exactly K accepted and N − K refused on the quota when it is K < N; a re-sent command
// answers its first outcome. A list submitted at once (submitAwardEntries) takes its channel's slots in list order,
// refuses the rest on the quota by entry id, and sent again answers the same and writes nothing more.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withCheckCharacter } from '#domain/shared';
import type { GraphQLClient } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia';

const RULEBOOK = {
  referenceNumber: '武建协〔2026〕7号',
  effectiveFrom: '2026-01-01',
  programmeKind: 'QUALITY_AWARD',
  subjectKind: 'ENTERPRISE',
  categories: [{ code: 'BUILDING', name: '房屋建筑', places: 10, amountFen: null }],
  eligibility: { membershipInGoodStanding: false, minimumCreditGrade: null, creditGrades: [], yearsSinceAcceptance: null, noMajorAccident: false, barsReentryAfterFailure: false },
  rubric: [{ code: 'QUALITY', name: '工程质量', maxHundredths: 10000, weight: 100 }],
  normalisation: 'NONE',
  rounds: [
    { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 1, advancement: null },
    { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
  ],
  votes: { ballot: 'SECRET', quorum: { atLeast: [2, 3] }, pass: { moreThan: [1, 2] } },
  grading: 'NONE',
  grades: [],
  noticeDays: 7,
  tieBreak: [{ by: 'ENTRY_ID' }],
  budgetFen: null,
};

const SUBMIT = `mutation ($input: SubmitAwardEntryInput!) { submitAwardEntry(input: $input) { commandId duplicate } }`;
const SUBMIT_LIST = `mutation ($input: SubmitAwardEntriesInput!) { submitAwardEntries(input: $input) { considered written unchanged refused refusals { entryId rule message } readModelCurrent } }`;

interface ListPayload {
  considered: number;
  written: number;
  unchanged: number;
  refused: number;
  refusals: { entryId: string; rule: string; message: string }[];
  readModelCurrent: boolean;
}

interface Outcome {
  readonly code: string;
  readonly rule?: string;
  readonly duplicate?: boolean;
}

describe('concurrent submissions through one channel', () => {
  let service: TestService;
  let admin: GraphQLClient;
  const firm = (edition: number, n: number) => withCheckCharacter(`91420100MA7K${String(edition)}${String(n).padStart(4, '0')}`);

  /** An open edition whose one channel has `quota` places. */
  async function edition(editionId: string, quota: number): Promise<void> {
    await admin.ok(`mutation ($input: DefineAwardRulebookInput!) { defineAwardRulebook(input: $input) { rulebookVersion } }`, {
      input: { associationId: ASSOC, rulebook: { ...RULEBOOK, rulebookId: editionId, channels: [{ code: 'CITY', name: '市协会', quota }] } },
    });
    await admin.ok(`mutation ($input: OpenAwardEditionInput!) { openAwardEdition(input: $input) { revision } }`, {
      input: { associationId: ASSOC, editionId, programmeCode: 'HUANGHE', title: `${editionId} 评选`, year: 2026, rulebookId: editionId, rulebookVersion: 1 },
    });
  }

  const submission = (editionId: string, editionNo: number, n: number) => ({
    associationId: ASSOC,
    editionId,
    entryId: `c-${String(n).padStart(3, '0')}`,
    commandId: randomUUID(),
    category: 'BUILDING',
    channel: 'CITY',
    subjectKind: 'ENTERPRISE',
    subjectId: firm(editionNo, n),
    applicantCode: firm(editionNo, n),
    specialty: 'BUILDING_CONSTRUCTION',
  });

  /** Fires every submission at once and answers each one's outcome: OK, or the error code (and rule). */
  async function allAtOnce(inputs: readonly Record<string, unknown>[]): Promise<Outcome[]> {
    return Promise.all(
      inputs.map(async (input) => {
        const answer = await admin.request<{ submitAwardEntry: { duplicate: boolean } }>(SUBMIT, { input });
        const error = answer.errors?.[0];
        if (!error) return { code: 'OK', duplicate: answer.data!.submitAwardEntry.duplicate };
        return { code: String(error.extensions?.code), rule: error.extensions?.rule as string | undefined };
      }),
    );
  }

  const tally = (outcomes: readonly Outcome[]) =>
    outcomes.reduce<Record<string, number>>((counts, o) => {
      const key = o.rule ? `${o.code}:${o.rule}` : o.code;
      return { ...counts, [key]: (counts[key] ?? 0) + 1 };
    }, {});

  const slotsTaken = async (editionId: string) =>
    (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events WHERE event_type = 'AwardChannelSlotTaken' AND data->>'editionId' = $1`, [editionId])).rows[0]!.n;

  beforeAll(async () => {
    service = await startTestService();
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    await admin.ok(`mutation ($input: RegisterAssociationInput!) { registerAssociation(input: $input) { revision } }`, {
      input: { associationId: ASSOC, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  for (const [editionNo, n] of [[1, 16], [2, 32]] as const) {
    it(`accepts all ${n} submissions sent at once when the quota holds them`, async () => {
      const editionId = `concurrent-${n}`;
      await edition(editionId, 40);
      const outcomes = await allAtOnce(Array.from({ length: n }, (_, i) => submission(editionId, editionNo, i + 1)));
      expect(tally(outcomes)).toEqual({ OK: n });
      expect(await slotsTaken(editionId)).toBe(n);
    }, 120_000);
  }

  it('accepts exactly K of N sent at once to a channel with a quota of K and refuses the rest on the quota, never CONFLICT', async () => {
    const [n, quota] = [32, 12];
    const editionId = 'concurrent-quota';
    await edition(editionId, quota);
    const inputs = Array.from({ length: n }, (_, i) => submission(editionId, 3, i + 1));
    const outcomes = await allAtOnce(inputs);
    expect(tally(outcomes)).toEqual({ OK: quota, 'RULE_VIOLATION:AWARDS_CHANNEL_QUOTA_EXCEEDED': n - quota });
    expect(await slotsTaken(editionId)).toBe(quota);

    // Sent again, each accepted command answers its first outcome and writes nothing; the refused stay refused.
    const before = (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
    const again = await allAtOnce(inputs);
    expect(again.map((o) => o.code)).toEqual(outcomes.map((o) => o.code));
    expect(again.filter((o) => o.code === 'OK').every((o) => o.duplicate === true)).toBe(true);
    expect((await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n).toBe(before);
  }, 120_000);

  describe('a channel’s list submitted at once', () => {
    const listed = (editionNo: number, from: number, count: number) =>
      Array.from({ length: count }, (_, i) => {
        const { associationId: _a, editionId: _e, commandId: _c, ...entry } = submission('unused', editionNo, from + i);
        return entry;
      });
    const eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;

    it('takes the quota’s slots in list order and refuses the rest by entry id; sent again, answers the same and writes nothing more', async () => {
      const editionId = 'city-list';
      await edition(editionId, 29);
      // A city association puts forward 40 projects through its one channel with a quota of 29.
      const input = { associationId: ASSOC, editionId, commandId: randomUUID(), entries: listed(4, 1, 40) };
      const first = (await admin.ok<{ submitAwardEntries: ListPayload }>(SUBMIT_LIST, { input })).submitAwardEntries;
      expect(first).toMatchObject({ considered: 40, written: 29, unchanged: 0, refused: 11, readModelCurrent: true });
      expect(first.refusals.map((r) => r.entryId)).toEqual(input.entries.slice(29).map((e) => e.entryId));
      expect(new Set(first.refusals.map((r) => r.rule))).toEqual(new Set(['AWARDS_CHANNEL_QUOTA_EXCEEDED']));
      const slots = await service.pool.query<{ entryId: string; slot: number }>(
        `SELECT data->>'entryId' AS "entryId", (data->>'slot')::int AS slot FROM es_events WHERE event_type = 'AwardChannelSlotTaken' AND data->>'editionId' = $1 ORDER BY global_position`,
        [editionId],
      );
      expect(slots.rows).toEqual(input.entries.slice(0, 29).map((e, i) => ({ entryId: e.entryId, slot: i + 1 })));
      const listedNow = await admin.ok<{ awardEntries: { totalCount: number } }>(`query ($a: String!, $e: String!) { awardEntries(associationId: $a, editionId: $e) { totalCount } }`, { a: ASSOC, e: editionId });
      expect(listedNow.awardEntries.totalCount).toBe(29);

      const before = await eventCount();
      const again = (await admin.ok<{ submitAwardEntries: ListPayload }>(SUBMIT_LIST, { input })).submitAwardEntries;
      expect(again).toEqual({ ...first, written: 0, unchanged: 29 });
      expect(await eventCount()).toBe(before);
    }, 120_000);

    it('refuses a list with a malformed entry on that entry’s field, by its index, writing nothing', async () => {
      const editionId = 'city-malformed';
      await edition(editionId, 29);
      const entries = listed(5, 1, 5);
      entries[3] = { ...entries[3]!, applicantCode: 'not-a-code' };
      const before = await eventCount();
      const refused = await admin.request(SUBMIT_LIST, { input: { associationId: ASSOC, editionId, entries } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect((refused.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((f) => f.field)).toEqual(['entries.3.applicantCode']);
      expect(await eventCount()).toBe(before);
      const unknown = await admin.request(SUBMIT_LIST, { input: { associationId: ASSOC, editionId: 'no-such-edition', entries: listed(5, 1, 2) } });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await eventCount()).toBe(before);
    }, 60_000);

    it('takes two lists and single submissions sent at once through one channel, none in CONFLICT', async () => {
      const editionId = 'city-mixed';
      await edition(editionId, 48);
      const [lists, singles] = await Promise.all([
        Promise.all([listed(6, 1, 20), listed(6, 21, 20)].map((entries) => admin.ok<{ submitAwardEntries: ListPayload }>(SUBMIT_LIST, { input: { associationId: ASSOC, editionId, entries } }))),
        allAtOnce(Array.from({ length: 8 }, (_, i) => submission(editionId, 6, 41 + i))),
      ]);
      expect(lists.map((l) => [l.submitAwardEntries.written, l.submitAwardEntries.refused])).toEqual([[20, 0], [20, 0]]);
      expect(tally(singles)).toEqual({ OK: 8 });
      expect(await slotsTaken(editionId)).toBe(48);
    }, 120_000);
  });
});
