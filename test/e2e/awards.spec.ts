// Award editions over real HTTP (ADR 0023). A Yellow-Crane-style quality edition (documents, then a site round with
// its inspection reports, then the committee vote): firms of the association entered through a channel, eligibility checked
// with its evidence, panels drawn from the expert pool with a recorded seed, a recusal replaced from the same seed
// stream, scores by the panel (an expert through their own token), ranking, the committee vote, the notice, the
// published list with its purse summed to the fen, awards, and one revocation approved by a second person. The
// published list equals a recomputation from the events in the store; every recorded draw replays to its panel;
// another association's admin, an expert off the panel and a malformed value are refused, writing nothing. Then a
// monetary edition like Kaiping's summed to the fen, and a QC edition of 406 results graded 85 / 200 / 121.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { drawPanel, type PanelDrawRecord, recomputeEditionResults } from '#domain/awards';
import { type DomainEvent, withCheckCharacter } from '#domain/shared';
import { DecisionReplay } from '#application';
import { canonicalJson } from '#eventstore';
import { FixedClock } from '#platform';
import { type GraphQLClient, scenario } from '#testing';
import { startTestService, type TestService } from '../support/service.js';

const ASSOC = 'wuhan-cia';
const OTHER = 'yueyang-ucca';
const EDITION = 'huanghe-2026';
const EMPLOYER = withCheckCharacter('91420100MA4K2JQ51');
const FIRMS = [1, 2, 3].map((n) => withCheckCharacter(`91420100MA4K3000${n}`));
const COUNCIL = { body: 'COUNCIL', reference: '武建协〔2026〕3号', decidedOn: '2026-01-20' };

/** A resident identity number with its GB 11643 check character. */
function identityNumber(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
  return body17 + '10X98765432'[sum % 11]!;
}
const PERSONS = ['张建华', '李明远', '王志强', '赵文静'].map((name, i) => ({ name, identityCardNumber: identityNumber(`42010619850312${String(120 + i)}`), phone: null, address: null }));

const RULEBOOK = {
  rulebookId: 'huanghe',
  referenceNumber: '武建协〔2026〕5号',
  effectiveFrom: '2026-01-01',
  programmeKind: 'QUALITY_AWARD',
  subjectKind: 'ENTERPRISE',
  categories: [
    { code: 'BUILDING', name: '房屋建筑', places: 2, amountFen: 100_000_00 },
    { code: 'CIVIL', name: '市政', places: 1, amountFen: 50_000_01 },
  ],
  channels: [{ code: 'DISTRICT_A', name: '江岸区', quota: 5 }],
  eligibility: { membershipInGoodStanding: true, minimumCreditGrade: null, creditGrades: [], yearsSinceAcceptance: null, noMajorAccident: true, barsReentryAfterFailure: false },
  rubric: [
    { code: 'QUALITY', name: '工程质量', maxHundredths: 6000, weight: 60 },
    { code: 'SAFETY', name: '安全文明', maxHundredths: 4000, weight: 40 },
  ],
  normalisation: 'NONE',
  rounds: [
    { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 2, advancement: null },
    { code: 'SITE', kind: 'SITE_INSPECTION', panelSize: 1, advancement: null },
    { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
  ],
  votes: { ballot: 'SECRET', quorum: { atLeast: [2, 3] }, pass: { moreThan: [1, 2] } },
  grading: 'NONE',
  grades: [],
  noticeDays: 7,
  tieBreak: [{ by: 'ITEM', item: 'QUALITY' }, { by: 'ENTRY_ID' }],
  budgetFen: 250_000_01,
};

const ROUND_COMMANDS = ['openAwardRound', 'closeAwardRound', 'rankAwardRound'];
const inputTypeOf = (name: string) => (ROUND_COMMANDS.includes(name) ? 'AwardRoundInput' : `${name[0]!.toUpperCase()}${name.slice(1)}Input`);
const mutation = (name: string, selection = '__typename') => `mutation ($input: ${inputTypeOf(name)}!) { ${name}(input: $input) { ${selection} } }`;
const ENTRIES = `query ($a: String!, $e: String!) { awardEntries(associationId: $a, editionId: $e) { totalCount entries { entryId status eligibility panel { roundCode expertId status items weightedTotal } } } }`;
const RESULTS = `query ($a: String!, $e: String!, $at: DateTime) { awardResults(associationId: $a, editionId: $e, asOf: $at) { publishedOn totalFen results { entryId category rank grade amountFen } revoked { entryId publishedOn } } }`;
const DRAWS = `query ($a: String!, $e: String!) { awardPanelDraws(associationId: $a, editionId: $e) { entryId revision kind seed draw reproduces } }`;

interface Entry {
  entryId: string;
  status: string;
  eligibility: { condition: string; met: boolean; evidence: Record<string, unknown> }[];
  panel: { roundCode: string; expertId: string; status: string; items: unknown; weightedTotal: string | null }[];
}

describe('an award edition over the API', () => {
  const clock = new FixedClock('2026-03-02T02:00:00.000Z');
  let service: TestService;
  let admin: GraphQLClient;
  let deputy: GraphQLClient;
  let outsider: GraphQLClient;
  let li: GraphQLClient;
  const expertIds: string[] = [];
  let eventCount: () => Promise<number>;
  const ok = (as: GraphQLClient, name: string, input: Record<string, unknown>) => as.ok<Record<string, { rulebookVersion: number | null }>>(mutation(name), { input });
  const edition = { associationId: ASSOC, editionId: EDITION };
  const entries = async () => (await admin.ok<{ awardEntries: { entries: Entry[] } }>(ENTRIES, { a: ASSOC, e: EDITION })).awardEntries.entries;

  beforeAll(async () => {
    service = await startTestService({ clock });
    admin = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-wang' });
    deputy = service.client('ADMIN', { associationId: ASSOC, userId: 'sec-zhou' });
    outsider = service.client('ADMIN', { associationId: OTHER, userId: 'yueyang-sec' });
    li = service.client('EXPERT', { associationId: ASSOC, userId: 'expert-li' });
    eventCount = async () => (await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`)).rows[0]!.n;
    await ok(admin, 'registerAssociation', { associationId: ASSOC, name: '武汉建筑业协会', regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] });
    for (const [n, code] of [EMPLOYER, ...FIRMS].entries()) {
      await ok(admin, 'registerEnterprise', { code, name: `武汉第${n + 1}建设有限公司`, legalRepresentative: '张三', regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'MEDIUM' });
      if (n === 0) continue;
      await ok(admin, 'applyForMembership', { associationId: ASSOC, enterpriseCode: code, appliedOn: '2026-01-05' });
      await ok(admin, 'admitMember', { associationId: ASSOC, enterpriseCode: code, tier: 'MEMBER', certificateNumber: `WJX-2026-000${n}`, admittedOn: '2026-01-20', decision: COUNCIL });
    }
    for (const [i, person] of PERSONS.entries()) {
      const { registerPerson } = await admin.ok<{ registerPerson: { personId: string } }>(`mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { personId } }`, {
        input: { associationId: ASSOC, ...person },
      });
      const { enrolExpert } = await admin.ok<{ enrolExpert: { expertId: string } }>(`mutation ($input: EnrolExpertInput!) { enrolExpert(input: $input) { expertId } }`, {
        input: { associationId: ASSOC, personId: registerPerson.personId, specialties: ['BUILDING_CONSTRUCTION'], employerCode: EMPLOYER, title: '高级工程师', ...(i === 0 ? { userId: 'expert-li' } : {}) },
      });
      expertIds.push(enrolExpert.expertId);
    }
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('opens an edition on a defined rulebook version and takes one entry per firm, each checked with its evidence', async () => {
    const { defineAwardRulebook } = await admin.ok<{ defineAwardRulebook: { rulebookVersion: number } }>(mutation('defineAwardRulebook', 'rulebookVersion'), {
      input: { associationId: ASSOC, rulebook: RULEBOOK },
    });
    expect(defineAwardRulebook.rulebookVersion).toBe(1);
    await ok(admin, 'openAwardEdition', { ...edition, programmeCode: 'HUANGHE', title: '2026年度黄鹤奖', year: 2026, rulebookId: 'huanghe', rulebookVersion: 1 });
    for (const [n, firm] of FIRMS.entries()) {
      const entry = { ...edition, entryId: `e-${n + 1}` };
      await ok(admin, 'submitAwardEntry', { ...entry, category: n < 2 ? 'BUILDING' : 'CIVIL', channel: 'DISTRICT_A', subjectKind: 'ENTERPRISE', subjectId: firm, applicantCode: firm, specialty: 'BUILDING_CONSTRUCTION' });
      await ok(admin, 'checkAwardEligibility', entry);
    }
    const listed = await entries();
    expect(listed.map((e) => e.status)).toEqual(['ELIGIBLE', 'ELIGIBLE', 'ELIGIBLE']);
    expect(listed[0]!.eligibility.find((c) => c.condition === 'MEMBERSHIP_IN_GOOD_STANDING')).toMatchObject({ met: true, evidence: { standing: 'GOOD', asOf: '2026-03-02' } });
  });

  it('refuses another association’s admin and a malformed code on its field, writing nothing', async () => {
    const before = await eventCount();
    await scenario()
      .when({ as: outsider, query: mutation('drawAwardPanel'), variables: { input: { ...edition, entryId: 'e-1', roundCode: 'DOCS' } } })
      .thenRefuses({ code: 'FORBIDDEN' });
    const malformed = await admin.request(mutation('submitAwardEntry'), {
      input: { ...edition, entryId: 'e-9', category: 'BUILDING', channel: 'DISTRICT_A', subjectKind: 'ENTERPRISE', subjectId: FIRMS[0], applicantCode: 'not-a-code', specialty: 'BUILDING_CONSTRUCTION' },
    });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((malformed.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((f) => f.field)).toEqual(['applicantCode']);
    expect(await eventCount()).toBe(before);
  });

  it('draws each panel at random, replaces a recusal from the same seed stream and takes scores from the panel only', async () => {
    clock.set('2026-04-01T02:00:00.000Z');
    await ok(admin, 'openAwardRound', { ...edition, roundCode: 'DOCS' });
    for (const n of [1, 2, 3]) await ok(admin, 'drawAwardPanel', { ...edition, entryId: `e-${n}`, roundCode: 'DOCS' });
    let listed = await entries();
    const first = listed[0]!.panel.map((m) => m.expertId);
    expect(first).toHaveLength(2);
    await ok(admin, 'recuseAwardExpert', { ...edition, entryId: 'e-1', roundCode: 'DOCS', expertId: first[0], reason: '曾任该公司技术顾问' });
    listed = await entries();
    expect(listed[0]!.panel.filter((m) => m.status === 'ON_PANEL')).toHaveLength(2);
    // An expert off an entry's panel is refused before anything is read; on it, they score under their own id.
    const liOn = listed.find((e) => e.panel.some((m) => m.expertId === expertIds[0] && m.status === 'ON_PANEL'));
    const liOff = listed.find((e) => !e.panel.some((m) => m.expertId === expertIds[0]));
    const before = await eventCount();
    if (liOff) {
      await scenario()
        .when({ as: li, query: mutation('scoreAwardEntry'), variables: { input: { ...edition, entryId: liOff.entryId, roundCode: 'DOCS', expertId: expertIds[0], items: [{ code: 'QUALITY', points: 5000 }, { code: 'SAFETY', points: 3000 }] } } })
        .thenRefuses({ code: 'FORBIDDEN' });
      expect(await eventCount()).toBe(before);
    }
    const points: Record<string, [number, number]> = { 'e-1': [5800, 3900], 'e-2': [5500, 3600], 'e-3': [5000, 3000] };
    for (const entry of listed) {
      for (const member of entry.panel.filter((m) => m.status === 'ON_PANEL')) {
        const [quality, safety] = points[entry.entryId]!;
        const as = member.expertId === expertIds[0] ? li : admin;
        await ok(as, 'scoreAwardEntry', { ...edition, entryId: entry.entryId, roundCode: 'DOCS', expertId: member.expertId, items: [{ code: 'QUALITY', points: quality }, { code: 'SAFETY', points: safety }] });
      }
    }
    if (liOn) {
      // Until the round closes an expert sees only their own scores.
      const seen = (await li.ok<{ awardEntries: { entries: Entry[] } }>(ENTRIES, { a: ASSOC, e: EDITION })).awardEntries.entries;
      expect(seen.map((e) => e.entryId)).toEqual(listed.filter((e) => e.panel.some((m) => m.expertId === expertIds[0])).map((e) => e.entryId));
      // Pool ids are staff fields (null to an expert); the one score an expert sees on an entry is their own.
      for (const entry of seen) {
        const onIt = listed.find((e) => e.entryId === entry.entryId)!.panel.some((m) => m.expertId === expertIds[0] && m.status === 'ON_PANEL');
        expect(entry.panel.every((m) => m.expertId === null)).toBe(true);
        expect(entry.panel.filter((m) => m.items !== null)).toHaveLength(onIt ? 1 : 0);
      }
    }
  });

  it('ranks, votes, notices and publishes; the list is the recomputation from the stored events, summed to the fen', async () => {
    clock.set('2026-04-10T02:00:00.000Z');
    await ok(admin, 'closeAwardRound', { ...edition, roundCode: 'DOCS' });
    await ok(admin, 'rankAwardRound', { ...edition, roundCode: 'DOCS' });
    // The second round: each site inspected by the expert drawn for it, who also scores it.
    await ok(admin, 'openAwardRound', { ...edition, roundCode: 'SITE' });
    for (const n of [1, 2, 3]) await ok(admin, 'drawAwardPanel', { ...edition, entryId: `e-${n}`, roundCode: 'SITE' });
    for (const entry of await entries()) {
      const inspector = entry.panel.find((m) => m.roundCode === 'SITE')!.expertId;
      const site = { ...edition, entryId: entry.entryId, roundCode: 'SITE' };
      await ok(admin, 'reportSiteInspection', { ...site, inspectorExpertId: inspector, reportReference: `HH-SITE-${entry.entryId}`, findings: '现场实体质量良好，资料齐全', passed: true });
      await ok(admin, 'scoreAwardEntry', { ...site, expertId: inspector, items: [{ code: 'QUALITY', points: 5010 - Number(entry.entryId.slice(2)) }, { code: 'SAFETY', points: 3500 }] });
    }
    await ok(admin, 'closeAwardRound', { ...edition, roundCode: 'SITE' });
    await ok(admin, 'rankAwardRound', { ...edition, roundCode: 'SITE' });
    await ok(admin, 'openAwardRound', { ...edition, roundCode: 'VOTE' });
    for (const n of [1, 2, 3]) {
      await ok(admin, 'recordAwardVote', {
        ...edition,
        entryId: `e-${n}`,
        ballot: 'SECRET',
        decision: { body: 'COUNCIL', reference: `武建协评〔2026〕${n}号`, decidedOn: '2026-04-10', votes: { entitled: 15, present: 13, inFavour: 11, against: 1, abstaining: 1 } },
      });
    }
    await ok(admin, 'closeAwardRound', { ...edition, roundCode: 'VOTE' });
    clock.set('2026-04-11T02:00:00.000Z');
    await ok(admin, 'startAwardNotice', edition);
    clock.set('2026-04-18T02:00:00.000Z');
    await ok(admin, 'publishAwardResults', edition);
    const published = (await admin.ok<{ awardResults: { totalFen: string; results: Record<string, unknown>[]; publishedOn: string } }>(RESULTS, { a: ASSOC, e: EDITION })).awardResults;
    expect(published.publishedOn).toBe('2026-04-18');
    expect(published.totalFen).toBe('25000001');
    const stored = (await service.pool.query<{ type: string; data: Record<string, unknown> }>(
      `SELECT event_type AS type, data FROM es_events WHERE stream_id LIKE 'awardEdition-%' OR stream_id LIKE 'awardEntry-%' ORDER BY global_position`,
    )).rows as unknown as DomainEvent[];
    const recomputed = recomputeEditionResults(stored);
    expect(published.results).toEqual(recomputed.results.map((r) => ({ ...r, amountFen: String(r.amountFen) })));
    expect(recomputed.results.map((r) => r.entryId)).toEqual(['e-1', 'e-2', 'e-3']);
    // Read as the other association and as a tender system: the published list only.
    expect((await outsider.ok<{ awardResults: { totalFen: string } }>(RESULTS, { a: ASSOC, e: EDITION })).awardResults.totalFen).toBe('25000001');
  });

  it('grants the awards and revokes one on a second person’s approval; an earlier asOf keeps its answer', async () => {
    for (const n of [1, 2, 3]) await ok(admin, 'grantAward', { ...edition, entryId: `e-${n}`, certificateNumber: `HH2026-00${n}` });
    const beforeRevocation = clock.now().toISOString();
    clock.set('2026-05-06T02:00:00.000Z');
    const request = { ...edition, entryId: 'e-2', grounds: 'FRAUD', reason: '申报材料造假', decision: { body: 'COUNCIL', reference: '武建协〔2026〕20号', decidedOn: '2026-05-06' } };
    await ok(admin, 'requestAwardRevocation', request);
    await scenario().when({ as: admin, query: mutation('approveAwardRevocation'), variables: { input: { ...edition, entryId: 'e-2' } } }).thenRefuses({ code: 'RULE_VIOLATION', rule: 'AWARDS_REVOCATION_SELF_APPROVAL' });
    await ok(deputy, 'approveAwardRevocation', { ...edition, entryId: 'e-2' });
    const now = (await admin.ok<{ awardResults: { totalFen: string; results: { entryId: string }[]; revoked: unknown[] } }>(RESULTS, { a: ASSOC, e: EDITION })).awardResults;
    expect(now.results.map((r) => r.entryId)).toEqual(['e-1', 'e-3']);
    expect(now).toMatchObject({ totalFen: '15000001', revoked: [{ entryId: 'e-2', publishedOn: '2026-05-06' }] });
    const earlier = (await admin.ok<{ awardResults: { totalFen: string; results: unknown[] } }>(RESULTS, { a: ASSOC, e: EDITION, at: beforeRevocation })).awardResults;
    expect(earlier.totalFen).toBe('25000001');
    expect(earlier.results).toHaveLength(3);
  });

  it('replays every recorded panel draw from its seed to the recorded panel, and verify-decisions finds nothing amiss', async () => {
    const { awardPanelDraws } = await admin.ok<{ awardPanelDraws: { entryId: string; kind: string; seed: string; draw: PanelDrawRecord; reproduces: boolean }[] }>(DRAWS, { a: ASSOC, e: EDITION });
    expect(awardPanelDraws.map((d) => [d.entryId, d.kind])).toEqual([
      ['e-1', 'DRAW'], ['e-1', 'REPLACEMENT'], ['e-1', 'DRAW'], ['e-2', 'DRAW'], ['e-2', 'DRAW'], ['e-3', 'DRAW'], ['e-3', 'DRAW'],
    ]);
    for (const d of awardPanelDraws) {
      expect(d.reproduces).toBe(true);
      expect(canonicalJson(drawPanel(d.draw).panel)).toBe(canonicalJson(d.draw.panel));
    }
    // The replacement continues the first draw's seed stream where it stopped.
    expect(awardPanelDraws[1]!.draw).toMatchObject({ seed: awardPanelDraws[0]!.seed, startPosition: awardPanelDraws[0]!.draw.endPosition });
    expect(new Set(awardPanelDraws.filter((d) => d.kind === 'DRAW').map((d) => d.seed)).size).toBe(6);
    const replay = await new DecisionReplay(service.service.runtime.store).run();
    expect(replay.findings).toEqual([]);
    expect(replay.byKind.PANEL_DRAW).toEqual({ checked: 7, matched: 7, mismatched: 0, notRecomputable: 0 });
    expect(replay.byKind.AWARD_RANKING).toEqual({ checked: 2, matched: 2, mismatched: 0, notRecomputable: 0 });
    expect(replay.byKind.AWARD_RESULTS).toEqual({ checked: 2, matched: 2, mismatched: 0, notRecomputable: 0 });
    expect(replay.byKind.AWARD_GRANT).toEqual({ checked: 3, matched: 3, mismatched: 0, notRecomputable: 0 });
    // Each draw, recusal and score is on the experts' own streams.
    const history = await service.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events WHERE stream_id LIKE 'expert-%' AND event_type IN ('ExpertAssigned', 'ExpertRecused', 'ExpertScoreRecorded')`);
    // Assignments: 3 × 2 drawn, 1 replacement, 3 site inspectors; one recusal; scores: 9 × 2 rubric items.
    expect(history.rows[0]!.n).toBe(7 + 3 + 1 + 9 * 2);
  });

  it('runs a monetary edition like Kaiping’s: 27 firms in 5 categories, 15,300,000.00 yuan in all, summed to the fen', async () => {
    const categories = [
      { code: 'CONTRACTOR', name: '施工总承包', places: 3, amountFen: 100_000_000 },
      { code: 'SPECIALIST', name: '专业承包', places: 4, amountFen: 80_000_000 },
      { code: 'DESIGN', name: '勘察设计', places: 5, amountFen: 60_000_000 },
      { code: 'SUPERVISION', name: '工程监理', places: 7, amountFen: 40_000_000 },
      { code: 'GROWTH', name: '成长型企业', places: 8, amountFen: 41_250_000 },
    ];
    const rulebook = {
      ...RULEBOOK,
      rulebookId: 'kaiping',
      programmeKind: 'MONETARY_AWARD',
      categories,
      channels: [{ code: 'ALLIANCE', name: '开平建筑业联盟', quota: 27 }],
      eligibility: { ...RULEBOOK.eligibility, membershipInGoodStanding: false, noMajorAccident: false },
      rubric: [{ code: 'MERIT', name: '综合评价', maxHundredths: 10000, weight: 100 }],
      rounds: [
        { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 1, advancement: null },
        { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
      ],
      tieBreak: [{ by: 'ENTRY_ID' }],
      budgetFen: 1_530_000_000,
    };
    const kaiping = { associationId: ASSOC, editionId: 'kaiping-2026' };
    await ok(admin, 'defineAwardRulebook', { associationId: ASSOC, rulebook });
    await ok(admin, 'openAwardEdition', { ...kaiping, programmeCode: 'KAIPING', title: '开平市建筑业奖励', year: 2026, rulebookId: 'kaiping', rulebookVersion: 1 });
    const slots = categories.flatMap((c) => Array.from({ length: c.places }, () => c.code));
    const ids = slots.map((_, n) => `k-${String(n + 1).padStart(2, '0')}`);
    const inParallel = (work: ((n: number) => Promise<unknown>)) => Promise.all(ids.map((_, n) => work(n)));
    // All at once through the one channel: its submissions take their quota's slots in turn, none in CONFLICT.
    await inParallel((n) => {
      const firm = withCheckCharacter(`91440783MA5K${String(n).padStart(5, '0')}`);
      return ok(admin, 'submitAwardEntry', { ...kaiping, entryId: ids[n], category: slots[n], channel: 'ALLIANCE', subjectKind: 'ENTERPRISE', subjectId: firm, applicantCode: firm, specialty: 'BUILDING_CONSTRUCTION' });
    });
    await inParallel((n) => ok(admin, 'checkAwardEligibility', { ...kaiping, entryId: ids[n] }));
    clock.set('2026-05-07T02:00:00.000Z');
    await ok(admin, 'openAwardRound', { ...kaiping, roundCode: 'DOCS' });
    // One at a time: each draw also records the assignment on the expert's stream, which concurrent draws would contend for.
    for (const id of ids) await ok(admin, 'drawAwardPanel', { ...kaiping, entryId: id, roundCode: 'DOCS' });
    const drawn = (await admin.ok<{ awardEntries: { entries: Entry[] } }>(`query ($a: String!, $e: String!) { awardEntries(associationId: $a, editionId: $e, first: 100) { entries { entryId panel { expertId } } } }`, { a: ASSOC, e: kaiping.editionId })).awardEntries.entries;
    for (const [n, entry] of drawn.entries()) {
      await ok(admin, 'scoreAwardEntry', { ...kaiping, entryId: entry.entryId, roundCode: 'DOCS', expertId: entry.panel[0]!.expertId, items: [{ code: 'MERIT', points: 9000 - n }] });
    }
    await ok(admin, 'closeAwardRound', { ...kaiping, roundCode: 'DOCS' });
    await ok(admin, 'rankAwardRound', { ...kaiping, roundCode: 'DOCS' });
    await ok(admin, 'openAwardRound', { ...kaiping, roundCode: 'VOTE' });
    const votes = { entitled: 9, present: 9, inFavour: 8, against: 1, abstaining: 0 };
    await inParallel((n) => ok(admin, 'recordAwardVote', { ...kaiping, entryId: ids[n], ballot: 'SECRET', decision: { body: 'COUNCIL', reference: `开建联〔2026〕${n + 1}号`, decidedOn: '2026-05-07', votes } }));
    await ok(admin, 'closeAwardRound', { ...kaiping, roundCode: 'VOTE' });
    await ok(admin, 'startAwardNotice', kaiping);
    clock.set('2026-05-15T02:00:00.000Z');
    await ok(admin, 'publishAwardResults', kaiping);
    const published = (await admin.ok<{ awardResults: { totalFen: string; results: { category: string; amountFen: string }[] } }>(RESULTS, { a: ASSOC, e: kaiping.editionId })).awardResults;
    expect(published.results).toHaveLength(27);
    expect(categories.map((c) => published.results.filter((r) => r.category === c.code).length)).toEqual([3, 4, 5, 7, 8]);
    // 15,300,000.00 yuan: the lines add up to the fen, and so does the total the register published.
    expect(published.results.reduce((sum, r) => sum + BigInt(r.amountFen), 0n)).toBe(1_530_000_000n);
    expect(published.totalFen).toBe('1530000000');
    const { awardPanelDraws } = await admin.ok<{ awardPanelDraws: { reproduces: boolean }[] }>(DRAWS, { a: ASSOC, e: kaiping.editionId });
    expect(awardPanelDraws).toHaveLength(27);
    expect(awardPanelDraws.every((d) => d.reproduces)).toBe(true);
    const replay = await new DecisionReplay(service.service.runtime.store).run({ associationId: ASSOC });
    expect(replay.findings).toEqual([]);
    expect(replay.byKind.PANEL_DRAW.matched).toBe(7 + 27);
  }, 120_000);

  it('runs a QC edition of 406 results graded 85 first, 200 second and 121 third class (Hubei, 2022), equal to the recomputation', async () => {
    const channels = Array.from({ length: 14 }, (_, c) => ({ code: `BRANCH_${c + 1}`, name: `第${c + 1}分会`, quota: 29 }));
    const rulebook = {
      ...RULEBOOK,
      rulebookId: 'qc',
      programmeKind: 'QC_RESULT',
      categories: [{ code: 'QC', name: 'QC成果', places: 406, amountFen: null }],
      channels,
      eligibility: { ...RULEBOOK.eligibility, membershipInGoodStanding: false, noMajorAccident: false },
      rubric: [{ code: 'MERIT', name: '成果评价', maxHundredths: 100000, weight: 100 }],
      rounds: [
        { code: 'DOCS', kind: 'DOCUMENT_REVIEW', panelSize: 1, advancement: null },
        { code: 'VOTE', kind: 'COMMITTEE_VOTE', panelSize: 0, advancement: null },
      ],
      grading: 'QUOTAS',
      grades: [
        { code: 'FIRST', quota: 85, vote: { atLeast: [2, 3] } },
        { code: 'SECOND', quota: 200, vote: { moreThan: [1, 2] } },
        { code: 'THIRD', quota: 121, vote: { moreThan: [1, 2] } },
      ],
      tieBreak: [{ by: 'ENTRY_ID' }],
      budgetFen: null,
    };
    const qc = { associationId: ASSOC, editionId: 'qc-2022' };
    await ok(admin, 'defineAwardRulebook', { associationId: ASSOC, rulebook });
    await ok(admin, 'openAwardEdition', { ...qc, programmeCode: 'QC', title: '2022年度工程建设质量管理小组活动成果', year: 2022, rulebookId: 'qc', rulebookVersion: 1 });
    const ids = Array.from({ length: 406 }, (_, n) => `qc-${String(n + 1).padStart(3, '0')}`);
    const inBatches = async (work: (id: string, n: number) => Promise<unknown>, size = 8) => {
      for (let from = 0; from < ids.length; from += size) await Promise.all(ids.slice(from, from + size).map((id, k) => work(id, from + k)));
    };
    // The branches put their lists forward at once, in two requests of seven branches' lists each: every entry takes a
    // slot of its branch's quota, each branch's in list order.
    const listOf = (c: number) =>
      ids.flatMap((entryId, n) => {
        if (n % channels.length !== c) return [];
        const firm = withCheckCharacter(`91420100MA6K${String(n).padStart(5, '0')}`);
        return [{ entryId, category: 'QC', channel: channels[c]!.code, subjectKind: 'ENTERPRISE', subjectId: firm, applicantCode: firm, specialty: 'BUILDING_CONSTRUCTION' }];
      });
    const halves = [channels.slice(0, 7), channels.slice(7)].map((part, h) => part.flatMap((_, k) => listOf(h * 7 + k)));
    const submitted = await Promise.all(
      halves.map((entries) =>
        admin.ok<{ submitAwardEntries: { considered: number; written: number; refused: number } }>(
          `mutation ($input: SubmitAwardEntriesInput!) { submitAwardEntries(input: $input) { considered written refused } }`,
          { input: { ...qc, entries } },
        ),
      ),
    );
    expect(submitted.map((r) => r.submitAwardEntries)).toEqual(halves.map((entries) => ({ considered: entries.length, written: entries.length, refused: 0 })));
    expect(halves.flat()).toHaveLength(406);
    await inBatches((id) => ok(admin, 'checkAwardEligibility', { ...qc, entryId: id }));
    clock.set('2026-05-16T02:00:00.000Z');
    await ok(admin, 'openAwardRound', { ...qc, roundCode: 'DOCS' });
    // One at a time: each draw and score is also recorded on the expert's own stream.
    for (const id of ids) await ok(admin, 'drawAwardPanel', { ...qc, entryId: id, roundCode: 'DOCS' });
    const panelOf = new Map<string, string>();
    for (let after: string | null = null; ; ) {
      const page: { awardEntries: { endCursor: string | null; hasNextPage: boolean; entries: Entry[] } } = await admin.ok(
        `query ($a: String!, $e: String!, $after: String) { awardEntries(associationId: $a, editionId: $e, first: 500, after: $after) { endCursor hasNextPage entries { entryId panel { expertId } } } }`,
        { a: ASSOC, e: qc.editionId, after },
      );
      for (const entry of page.awardEntries.entries) panelOf.set(entry.entryId, entry.panel[0]!.expertId);
      if (!page.awardEntries.hasNextPage) break;
      after = page.awardEntries.endCursor;
    }
    for (const [n, id] of ids.entries()) await ok(admin, 'scoreAwardEntry', { ...qc, entryId: id, roundCode: 'DOCS', expertId: panelOf.get(id), items: [{ code: 'MERIT', points: 90000 - n * 7 }] });
    await ok(admin, 'closeAwardRound', { ...qc, roundCode: 'DOCS' });
    await ok(admin, 'rankAwardRound', { ...qc, roundCode: 'DOCS' });
    await ok(admin, 'openAwardRound', { ...qc, roundCode: 'VOTE' });
    const votes = { entitled: 15, present: 15, inFavour: 12, against: 2, abstaining: 1 };
    await inBatches((id, n) => ok(admin, 'recordAwardVote', { ...qc, entryId: id, ballot: 'SECRET', decision: { body: 'COUNCIL', reference: `鄂市政协〔2022〕${n + 1}号`, decidedOn: '2026-05-16', votes } }));
    await ok(admin, 'closeAwardRound', { ...qc, roundCode: 'VOTE' });
    await ok(admin, 'startAwardNotice', qc);
    clock.set('2026-05-24T02:00:00.000Z');
    await ok(admin, 'publishAwardResults', qc);
    const published = (await admin.ok<{ awardResults: { results: { entryId: string; grade: string; rank: number }[] } }>(RESULTS, { a: ASSOC, e: qc.editionId })).awardResults.results;
    const count = (grade: string) => published.filter((r) => r.grade === grade).length;
    expect([published.length, count('FIRST'), count('SECOND'), count('THIRD')]).toEqual([406, 85, 200, 121]);
    const stored = (await service.pool.query<{ type: string; data: Record<string, unknown> }>(
      `SELECT event_type AS type, data FROM es_events WHERE stream_id LIKE 'awardEdition-%qc-2022' OR stream_id LIKE 'awardEntry-%qc-2022:%' ORDER BY global_position`,
    )).rows as unknown as DomainEvent[];
    const recomputed = recomputeEditionResults(stored);
    expect(published).toEqual(recomputed.results.map((r) => ({ entryId: r.entryId, grade: r.grade, rank: r.rank, category: r.category, amountFen: null })));
    const { awardPanelDraws } = await admin.ok<{ awardPanelDraws: { reproduces: boolean }[] }>(DRAWS, { a: ASSOC, e: qc.editionId });
    expect(awardPanelDraws.filter((d) => d.reproduces)).toHaveLength(406);
  }, 240_000);
});
