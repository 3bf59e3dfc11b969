/*
 * The field layer of ADR 0014 over real HTTP: for every personal and staff field of the schema, the legal
 * representative (public), and the redacted event payloads of the histories, what each caller of the matrix gets —
 * the value, null, or FORBIDDEN where the operation itself refuses (layers 1 and 2). The scene: association A with
 * member firms F and G, a credit cycle of A that F and G applied to (F's grade overridden, in notice, objected to;
 * G's override awaiting approval), F's dues for the year (a payment, an approved and partly revoked waiver, a
 * rejected one), and association B. Personal data is stored sealed (ADR 0016): every answer is scanned for the
 * envelope, which no caller may ever receive.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { type GraphQLObjectType, type GraphQLSchema, isObjectType } from 'graphql';
import { RESOLVERS } from '#api';
import { type Actor, isSealed, withCheckCharacter } from '#domain/shared';
import { classesToDecide, EVENT_FIELD_CLASSES, type FieldClass, isRelated, type RecordOwner, redactData, restrictedPaths, visibilityOf } from '#domain/visibility';
import { FixedClock } from '#platform';
import { GraphQLClient, type GraphQLResponse } from '#testing';
import { FIELD_CLASS_EXTENSION, FieldVisibility, REDACTED_AS_EXTENSION } from '../../apps/api/src/graphql/field-visibility.js';
import { startTestService, type TestService } from '../support/service.js';

const NOW = '2026-03-02T02:00:00.000Z';
const A = 'wuhan-cia';
const B = 'yueyang-ucca';
const CYCLE = 'wuhan-2026';
const firmCode = (n: number) => withCheckCharacter(`91420100MA4W${String(n).padStart(5, '0')}`);
/** A's members: F (the MEMBER own token's firm) and G (the MEMBER other token's). */
const F = firmCode(1);
const G = firmCode(2);
/** Firms for the relation: K applied to B, L applied for a credit rating in A's cycle only, U held by nobody. */
const K = firmCode(3);
const L = firmCode(4);
const U = firmCode(5);
const SECRETARIAT = 'wuhan-secretariat';
const APPROVER = 'wuhan-approver';
const COMMITTEE = 'wuhan-committee';
const EXPERT = 'expert-zhao';
const OFFICER = 'officer-qian';
const OBJECTOR = '赵六';
/** A project manager A registers in the persons register. */
const PERSON_NAME = '张建国';
const PERSON_NUMBER = '420106198001010015';

const CALLERS = ['ADMIN own', 'ADMIN other', 'EXPERT', 'AUDITOR', 'TENDER', 'MEMBER own', 'MEMBER other'] as const;
type Caller = (typeof CALLERS)[number];
const FORBIDDEN = 'FORBIDDEN';

/**
 * A row's expected answers: `value` for the callers that see the field, FORBIDDEN for those the operation refuses,
 * `hidden` (null, or the value's shape with nulls) for everyone else.
 */
function cells(value: unknown, sees: readonly Caller[], refused: readonly Caller[], hidden: unknown = null): Record<Caller, unknown> {
  return Object.fromEntries(CALLERS.map((c) => [c, refused.includes(c) ? FORBIDDEN : sees.includes(c) ? value : hidden])) as Record<Caller, unknown>;
}
/** Who reads an association's own records at all (layer 2): its admin, the auditor, and the firm for its own. */
const ONLY_A_AND_FIRM: readonly Caller[] = ['ADMIN other', 'EXPERT', 'TENDER', 'MEMBER other'];
const ONLY_A: readonly Caller[] = [...ONLY_A_AND_FIRM, 'MEMBER own'];
const STAFF: readonly Caller[] = ['ADMIN own', 'AUDITOR'];
/** Personal fields of a firm's record, among the callers that reach it: its association's admin, the auditor, the firm. */
const PERSONAL: readonly Caller[] = ['ADMIN own', 'AUDITOR', 'MEMBER own'];

interface Row<T = never> {
  readonly field: string;
  readonly query: string;
  /** The firm whose member is "MEMBER own" for this row (the other firm's member is "MEMBER other"). */
  readonly firm: string;
  /** The part of the answer (the data the query selected) the row is about. */
  readonly pick: (data: T) => unknown;
  readonly expected: Record<Caller, unknown>;
}
/** A row typed by the data its query selects, kept in one list with the others. */
const row = <T>(r: Row<T>): Row<unknown> => r as unknown as Row<unknown>;
type Edges<N> = { edges: { node: N }[] };
type Scores = { code: string; scorerId: string | null }[];
type Waiver = { status: string };

const byCode = (list: Scores) => [...list].sort((a, b) => a.code.localeCompare(b.code));

const ROWS: Row<unknown>[] = [
  row<{ enterprise: { legalRepresentative: string | null } }>({
    field: 'Enterprise.legalRepresentative',
    query: `{ enterprise(code: "${F}") { legalRepresentative } }`,
    firm: F,
    pick: (d) => d.enterprise.legalRepresentative,
    // Public, as the business licence publishes it: every caller that may read the firm at all.
    expected: cells('王五', CALLERS, ['MEMBER other']),
  }),
  row<{ enterprise: { registeredBy: string | null } }>({
    field: 'Enterprise.registeredBy',
    query: `{ enterprise(code: "${F}") { registeredBy } }`,
    firm: F,
    pick: (d) => d.enterprise.registeredBy,
    expected: cells(SECRETARIAT, STAFF, ['MEMBER other']),
  }),
  row<{ enterpriseHistory: Edges<{ actor: unknown }> }>({
    field: 'AuditEvent.actor.userId (enterpriseHistory)',
    query: `{ enterpriseHistory(code: "${F}") { edges { node { actor { userId role associationId } } } } }`,
    firm: F,
    pick: (d) => d.enterpriseHistory.edges.map((e) => e.node.actor),
    expected: cells(
      [0, 1].map(() => ({ userId: SECRETARIAT, role: 'ADMIN', associationId: A })),
      STAFF,
      ['MEMBER other'],
      [0, 1].map(() => ({ userId: null, role: 'ADMIN', associationId: A })),
    ),
  }),
  row<{ enterpriseHistory: Edges<{ type: string; data: { legalRepresentative?: string; name?: string; reason?: string; changes?: { legalRepresentative?: string } } }> }>({
    field: 'AuditEvent.data legalRepresentative, public (enterpriseHistory)',
    query: `{ enterpriseHistory(code: "${F}") { edges { node { type data } } } }`,
    firm: F,
    pick: (d) =>
      d.enterpriseHistory.edges.map(({ node: { type, data } }) =>
        type === 'EnterpriseRegistered' ? [type, data.legalRepresentative, data.name] : [type, data.changes?.legalRepresentative, data.reason],
      ),
    expected: cells([['EnterpriseRegistered', '张三', '武汉第一建设有限公司'], ['EnterpriseProfileUpdated', '王五', '法定代表人变更']], CALLERS, ['MEMBER other']),
  }),
  row<{ association: { waiverApprovers: string[] | null; name: string } }>({
    field: 'Association.waiverApprovers',
    query: `{ association(associationId: "${A}") { waiverApprovers name } }`,
    firm: F,
    pick: (d) => [d.association.waiverApprovers, d.association.name],
    expected: cells([[APPROVER], '武汉建筑业协会'], STAFF, [], [null, '武汉建筑业协会']),
  }),
  row<{ membership: { events: Edges<{ type: string; actor: { userId: string | null } }> } }>({
    field: 'AuditEvent.actor.userId (Membership.events)',
    query: `{ membership(associationId: "${A}", enterpriseCode: "${F}") { events { edges { node { type actor { userId } } } } } }`,
    firm: F,
    pick: (d) => d.membership.events.edges.map((e) => [e.node.type, e.node.actor.userId]),
    expected: cells([['MembershipApplied', SECRETARIAT], ['MembershipAdmitted', SECRETARIAT]], STAFF, ONLY_A_AND_FIRM, [['MembershipApplied', null], ['MembershipAdmitted', null]]),
  }),
  row<{ feeSchedules: unknown }>({
    field: 'FeeScheduleVersionView.adoptedBy',
    query: `{ feeSchedules(associationId: "${A}") { version adoptedBy } }`,
    firm: F,
    pick: (d) => d.feeSchedules,
    expected: cells([{ version: 1, adoptedBy: SECRETARIAT }], STAFF, ONLY_A),
  }),
  row<{ duesStatement: { years: { waivers: Waiver[] }[] } }>({
    field: 'WaiverView.requestedBy, approvedBy, recordedBy, rejectedBy, revokedBy; WaiverAuthorityView.approvedBy',
    query: `{ duesStatement(associationId: "${A}", enterpriseCode: "${F}") { years { waivers { status reason requestedBy approvedBy recordedBy rejectedBy revokedBy authority { kind approvedBy } } } } }`,
    firm: F,
    pick: (d) => [...d.duesStatement.years[0]!.waivers].sort((a, b) => a.status.localeCompare(b.status)),
    expected: cells(
      [
        { status: 'APPROVED', reason: '特困走访', requestedBy: SECRETARIAT, approvedBy: APPROVER, recordedBy: APPROVER, rejectedBy: null, revokedBy: APPROVER, authority: { kind: 'APPROVAL', approvedBy: APPROVER } },
        { status: 'REJECTED', reason: '自行申请', requestedBy: SECRETARIAT, approvedBy: null, recordedBy: null, rejectedBy: APPROVER, revokedBy: null, authority: null },
      ],
      STAFF,
      ONLY_A_AND_FIRM,
      [
        { status: 'APPROVED', reason: '特困走访', requestedBy: null, approvedBy: null, recordedBy: null, rejectedBy: null, revokedBy: null, authority: { kind: 'APPROVAL', approvedBy: null } },
        { status: 'REJECTED', reason: '自行申请', requestedBy: null, approvedBy: null, recordedBy: null, rejectedBy: null, revokedBy: null, authority: null },
      ],
    ),
  }),
  row<{ duesStatement: { years: { payments: unknown }[] } }>({
    field: 'PaymentView.recordedBy',
    query: `{ duesStatement(associationId: "${A}", enterpriseCode: "${F}") { years { payments { receiptNumber recordedBy } } } }`,
    firm: F,
    pick: (d) => d.duesStatement.years[0]!.payments,
    expected: cells([{ receiptNumber: 'R-2026-001', recordedBy: SECRETARIAT }], STAFF, ONLY_A_AND_FIRM, [{ receiptNumber: 'R-2026-001', recordedBy: null }]),
  }),
  row<{ creditCycle: { scorers: { body: string }[] } }>({
    field: 'CreditScorerView.scorerId',
    query: `{ creditCycle(associationId: "${A}", cycleId: "${CYCLE}") { scorers { scorerId body } } }`,
    firm: F,
    pick: (d) => [...d.creditCycle.scorers].sort((a, b) => a.body.localeCompare(b.body)),
    expected: cells([{ scorerId: EXPERT, body: 'ASSOCIATION' }, { scorerId: OFFICER, body: 'DEPARTMENT' }], STAFF, ONLY_A),
  }),
  row<{ creditApplication: { scores: Scores } }>({
    field: 'IndicatorScoreView.scorerId (CreditApplicationView.scores)',
    query: `{ creditApplication(associationId: "${A}", cycleId: "${CYCLE}", subjectId: "${F}") { scores { code points scorerId } } }`,
    firm: F,
    pick: (d) => byCode(d.creditApplication.scores),
    expected: cells(
      [{ code: 'COMPLIANCE', points: 42, scorerId: OFFICER }, { code: 'MANAGEMENT', points: 44, scorerId: EXPERT }],
      STAFF,
      ONLY_A_AND_FIRM,
      [{ code: 'COMPLIANCE', points: 42, scorerId: null }, { code: 'MANAGEMENT', points: 44, scorerId: null }],
    ),
  }),
  row<{ creditApplication: { objections: { objectionId: string; objector: string | null; grounds: string }[] } }>({
    field: 'CreditApplicationView.objections objector',
    query: `{ creditApplication(associationId: "${A}", cycleId: "${CYCLE}", subjectId: "${F}") { objections } }`,
    firm: F,
    pick: (d) => d.creditApplication.objections.map((o) => [o.objectionId, o.objector, o.grounds]),
    expected: cells([['obj-1', OBJECTOR, '得分依据不足']], PERSONAL, ONLY_A_AND_FIRM, [['obj-1', null, '得分依据不足']]),
  }),
  row<{ creditApplication: { overridePending: { requestedBy: string | null; toGrade: string } } }>({
    field: 'CreditApplicationView.overridePending requestedBy',
    query: `{ creditApplication(associationId: "${A}", cycleId: "${CYCLE}", subjectId: "${G}") { overridePending } }`,
    firm: G,
    pick: (d) => [d.creditApplication.overridePending.requestedBy, d.creditApplication.overridePending.toGrade],
    expected: cells([SECRETARIAT, 'AAA'], STAFF, ONLY_A_AND_FIRM, [null, 'AAA']),
  }),
  row<{ creditExplanation: { override: { requestedBy: string | null; approvedBy: string | null; toGrade: string }; indicators: Scores } }>({
    field: 'CreditExplanation.override requestedBy, approvedBy; IndicatorScoreView.scorerId (indicators)',
    query: `{ creditExplanation(associationId: "${A}", cycleId: "${CYCLE}", subjectId: "${F}") { override indicators { code scorerId } } }`,
    firm: F,
    pick: ({ creditExplanation: { override, indicators } }) => [override.requestedBy, override.approvedBy, override.toGrade, byCode(indicators)],
    expected: cells(
      [SECRETARIAT, COMMITTEE, 'AAA', [{ code: 'COMPLIANCE', scorerId: OFFICER }, { code: 'MANAGEMENT', scorerId: EXPERT }]],
      STAFF,
      ONLY_A_AND_FIRM,
      [null, null, 'AAA', [{ code: 'COMPLIANCE', scorerId: null }, { code: 'MANAGEMENT', scorerId: null }]],
    ),
  }),
];

/** F's credit history as each caller reads it: every step's type, actor and the declared fields of its payload. */
const HISTORY = `{ creditHistory(subjectId: "${F}") { type hash actor { userId } data } }`;
/** The value at a dotted path of a payload, through lists (each element's). */
function valueAt(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return value;
  if (Array.isArray(value)) return value.map((element: unknown) => valueAt(element, path));
  return valueAt(value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[path[0]!] : undefined, path.slice(1));
}
function historyOf(d: { creditHistory: { type: string; actor: { userId: string | null }; data: unknown }[] }): unknown[] {
  return d.creditHistory.map((s) => {
    const declared = restrictedPaths(EVENT_FIELD_CLASSES[s.type] ?? {}).map(({ path }) => `${path}=${JSON.stringify(valueAt(s.data, path.split('.')))}`);
    return [s.type, s.actor.userId, ...declared];
  });
}
const HISTORY_SEEN = [
  ['CreditApplicationFiled', SECRETARIAT],
  ['CreditIndicatorScored', EXPERT, `scorerId="${EXPERT}"`],
  ['CreditIndicatorScored', OFFICER, `scorerId="${OFFICER}"`],
  ['CreditReviewCompleted', SECRETARIAT, `computation.scores.scorerId=["${EXPERT}","${OFFICER}"]`],
  ['CreditGradeOverrideRequested', SECRETARIAT, `requestedBy="${SECRETARIAT}"`],
  ['CreditGradeOverridden', COMMITTEE, `requestedBy="${SECRETARIAT}"`, `approvedBy="${COMMITTEE}"`],
  ['CreditNoticeStarted', SECRETARIAT],
  ['CreditObjectionFiled', SECRETARIAT, `objector="${OBJECTOR}"`],
];
const HISTORY_OF_THE_FIRM = [
  ['CreditApplicationFiled', null],
  ['CreditIndicatorScored', null, 'scorerId=null'],
  ['CreditIndicatorScored', null, 'scorerId=null'],
  ['CreditReviewCompleted', null, 'computation.scores.scorerId=[null,null]'],
  ['CreditGradeOverrideRequested', null, 'requestedBy=null'],
  ['CreditGradeOverridden', null, 'requestedBy=null', 'approvedBy=null'],
  ['CreditNoticeStarted', null],
  ['CreditObjectionFiled', null, `objector="${OBJECTOR}"`],
];

/** The schema as the service builds it, with the field extensions the printed SDL leaves out. */
async function builtSchema(): Promise<GraphQLSchema> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    return await app.get(GraphQLSchemaFactory).create(RESOLVERS);
  } finally {
    await app.close();
  }
}

/** Names of output fields that hold a person's data or a user id; each must be declared (or be listed below as not one). */
const PERSON_OR_STAFF_NAME = /^(legalRepresentative|objector|phone|address|identityCard\w*|userId|scorerId|waiverApprovers|[a-z]+By)$/;
const NOT_RESTRICTED: Record<string, string> = {
  'CreditRatingView.changedBy': 'the event type that set the rating state',
  'CreditRulebookView.pinnedBy': 'the cycles that use the rulebook version',
  'Enterprise.legalRepresentative': 'public, as the business licence publishes it',
  'RankingTieBreak.thenBy': "the methodology's last tie-break step (DECISION or CREDIT_CODE)",
  'RankingEntry.placedBy': 'the rule that placed the entry below the one above it',
  'RankingHistoryEntry.placedBy': 'the rule that placed the entry below the one above it',
  'RankingFigure.supersededBy': 'the id of the figure that replaced this one',
};

/**
 * The records the classes table is about: one of association A about firm F, which A and B hold (an unended
 * membership each), and one of person P, registered by A, whose credit application B holds; C holds neither.
 */
const CLASS_PERSON = 'PSN0000000000000001';
const CLASS_RECORDS: readonly { readonly label: string; readonly classes: readonly FieldClass[]; readonly owner: RecordOwner }[] = [
  { label: '', classes: ['public'], owner: { associationId: A, firm: F } },
  { label: ", of a firm's record", classes: ['personal'], owner: { associationId: A, firm: F } },
  { label: ", of a person's record", classes: ['personal'], owner: { associationId: A, person: CLASS_PERSON } },
  { label: '', classes: ['sensitive', 'staff'], owner: { associationId: A, firm: F } },
];
const CLASS_TIES = { memberships: [{ associationId: A, status: 'ACTIVE' }, { associationId: B, status: 'PENDING' }], creditApplicants: [] };
const CLASS_PERSON_TIES: ReadonlySet<string> = new Set([A, B]);
const CLASS_CALLERS: readonly (readonly [string, Actor])[] = [
  ['ADMIN of A', { userId: 'a', role: 'ADMIN', associationId: A }],
  ['ADMIN of B (related)', { userId: 'b', role: 'ADMIN', associationId: B }],
  ['ADMIN of C', { userId: 'c', role: 'ADMIN', associationId: 'changsha-cia' }],
  ['EXPERT', { userId: 'e', role: 'EXPERT' }],
  ['AUDITOR', { userId: 'u', role: 'AUDITOR' }],
  ['TENDER', { userId: 't', role: 'TENDER' }],
  ['MEMBER F', { userId: 'f', role: 'MEMBER', associationId: A, enterpriseCode: F }],
  ['MEMBER G', { userId: 'g', role: 'MEMBER', associationId: A, enterpriseCode: G }],
];
/** One cell of the classes table, from the field layer's own decision. */
function seesClass(actor: Actor, fieldClass: FieldClass, owner: RecordOwner): string {
  const visibility = visibilityOf(actor, fieldClass, owner);
  const sees =
    typeof visibility === 'string'
      ? visibility === 'visible'
      : 'ifRelated' in visibility
        ? isRelated(CLASS_TIES, visibility.ifRelated.associationId)
        : CLASS_PERSON_TIES.has(visibility.ifRelatedToPerson.associationId);
  return sees ? 'value' : 'null';
}

/** The docs/security.md "Field visibility" tables, rendered from the built schema and the event declarations. */
function renderFieldTables(schema: GraphQLSchema): string[] {
  const restricted: string[] = [];
  const payloads: string[] = [];
  for (const type of Object.values(schema.getTypeMap()).filter(isObjectType).sort((a, b) => a.name.localeCompare(b.name))) {
    for (const field of Object.values(type.getFields())) {
      const fieldClass = field.extensions[FIELD_CLASS_EXTENSION];
      const redactedAs = field.extensions[REDACTED_AS_EXTENSION];
      if (typeof fieldClass === 'string') restricted.push(`| \`${type.name}.${field.name}\` | ${fieldClass} | ${field.description ?? ''} |`);
      if (typeof redactedAs === 'string') {
        payloads.push(`| \`${type.name}.${field.name}\` | ${redactedAs === '*' ? "the event's own type" : `\`${redactedAs}\``} |`);
      }
    }
  }
  const events = Object.entries(EVENT_FIELD_CLASSES)
    .map(([type, tree]) => [type, restrictedPaths(tree)] as const)
    .filter(([, paths]) => paths.length > 0)
    .map(([type, paths]) => {
      const of = (c: string) => paths.filter((p) => p.fieldClass === c).map((p) => `\`${p.path}\``).join(', ') || '—';
      return `| \`${type}\` | ${of('personal')} | ${of('sensitive')} | ${of('staff')} |`;
    });
  return [
    `| Class | ${CLASS_CALLERS.map(([name]) => name).join(' | ')} |`,
    `| --- |${CLASS_CALLERS.map(() => ' --- |').join('')}`,
    ...CLASS_RECORDS.flatMap(({ label, classes, owner }) =>
      classes.map((fieldClass) => `| ${fieldClass}${label} | ${CLASS_CALLERS.map(([, actor]) => seesClass(actor, fieldClass, owner)).join(' | ')} |`),
    ),
    '| Field | Class | Who sees it |',
    '| --- | --- | --- |',
    ...restricted,
    '| Payload field | Redacted as |',
    '| --- | --- |',
    ...payloads,
    '| Event type | Personal fields | Sensitive fields | Staff fields |',
    '| --- | --- | --- | --- |',
    ...events,
  ];
}

/** The keys of a sealed value's envelope (`SealedValue`), and its cipher's name. */
const ENVELOPE_KEYS: ReadonlySet<string> = new Set(['sealed', 'iv', 'tag']);
const CIPHER = 'aes-256-gcm';
/** Where in a value an envelope shows: a key of one, or its cipher's name in a text. */
function envelopeTraces(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return value.includes(CIPHER) ? [path] : [];
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((element: unknown, i) => envelopeTraces(element, `${path}[${i}]`));
  return Object.entries(value).flatMap(([key, v]) => [...(ENVELOPE_KEYS.has(key) ? [`${path}.${key}`] : []), ...envelopeTraces(v, `${path}.${key}`)]);
}
interface ScannedAnswer {
  readonly query: string;
  readonly traces: readonly string[];
}
/** A client that keeps, for every answer it receives (data and errors), where an envelope showed in it. */
class ScanningClient extends GraphQLClient {
  constructor(
    baseUrl: string,
    token: string,
    private readonly scanned: ScannedAnswer[],
  ) {
    super(baseUrl, token);
  }

  override async request<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    const response = await super.request<T>(query, variables);
    this.scanned.push({ query, traces: envelopeTraces(response) });
    return response;
  }
}

/** Mutations whose input type is not named after them. */
const INPUT_TYPES: Record<string, string> = {
  completeCreditReview: 'CreditApplicationRefInput',
  approveCreditGradeOverride: 'CreditApplicationRefInput',
  rejectMembershipApplication: 'RejectApplicationInput',
};

describe('personal data and staff identities by role, association and firm (ADR 0014, the field layer)', () => {
  const clock = new FixedClock(NOW);
  let service: TestService;
  let callers: Record<Caller, GraphQLClient>;
  let memberOf: Record<string, GraphQLClient>;
  let adminOfA: GraphQLClient;
  let adminOfB: GraphQLClient;
  /** Every answer any caller of this spec received, mutations included. */
  const scanned: ScannedAnswer[] = [];

  const client = (role: Parameters<TestService['token']>[0], claims: Parameters<TestService['token']>[1]): Promise<GraphQLClient> =>
    service.token(role, claims).then((token) => new ScanningClient(service.url, token, scanned));
  const mutate = async (as: GraphQLClient, name: string, input: Record<string, unknown>) => {
    const type = INPUT_TYPES[name] ?? `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const result = await as.request(`mutation ($input: ${type}!) { ${name}(input: $input) { __typename } }`, { input });
    if (result.errors?.length) throw new Error(`${name}: ${JSON.stringify(result.errors)}`);
  };
  const registerFirm = (as: GraphQLClient, code: string, name: string, legalRepresentative = '张三') =>
    mutate(as, 'registerEnterprise', { code, name, legalRepresentative, regionCode: '420106', ownership: 'PRIVATE', sizeClass: 'MEDIUM' });
  const admit = async (code: string, n: number) => {
    await mutate(adminOfA, 'applyForMembership', { associationId: A, enterpriseCode: code, appliedOn: '2026-01-05' });
    await mutate(adminOfA, 'admitMember', {
      associationId: A, enterpriseCode: code, tier: 'MEMBER', certificateNumber: `WJX-2026-000${n}`, admittedOn: '2026-01-20',
      decision: { body: 'COUNCIL', reference: '武建协〔2026〕2号', decidedOn: '2026-01-20' },
    });
  };

  beforeAll(async () => {
    service = await startTestService({ clock });
    adminOfA = await client('ADMIN', { associationId: A, userId: SECRETARIAT });
    adminOfB = await client('ADMIN', { associationId: B, userId: 'yueyang-secretariat' });
    const [expert, officer, approver, committee, auditor, tender, memberF, memberG] = await Promise.all([
      client('EXPERT', { userId: EXPERT }),
      client('EXPERT', { userId: OFFICER }),
      client('ADMIN', { associationId: A, userId: APPROVER }),
      client('ADMIN', { associationId: A, userId: COMMITTEE }),
      client('AUDITOR', { userId: 'audit-office' }),
      client('TENDER', { userId: 'tender-platform' }),
      client('MEMBER', { associationId: A, enterpriseCode: F, userId: 'firm-f' }),
      client('MEMBER', { associationId: A, enterpriseCode: G, userId: 'firm-g' }),
    ]);
    memberOf = { [F]: memberF, [G]: memberG };
    callers = { 'ADMIN own': adminOfA, 'ADMIN other': adminOfB, EXPERT: expert, AUDITOR: auditor, TENDER: tender, 'MEMBER own': memberF, 'MEMBER other': memberG };

    const charter = { regionCode: '420100', deemedWithdrawalYears: 2, admissionBodies: ['COUNCIL', 'SECRETARIAT'] };
    await mutate(adminOfA, 'registerAssociation', { associationId: A, name: '武汉建筑业协会', ...charter, waiverApprovers: [APPROVER] });
    await mutate(adminOfB, 'registerAssociation', { associationId: B, name: '岳阳市城乡建设协会', ...charter, regionCode: '430600' });
    await registerFirm(adminOfA, F, '武汉第一建设有限公司');
    await mutate(adminOfA, 'updateEnterpriseProfile', { code: F, legalRepresentative: '王五', reason: '法定代表人变更', effectiveFrom: '2026-01-10' });
    await registerFirm(adminOfA, G, '武汉第二建设有限公司', '李四');
    await admit(F, 1);
    await admit(G, 2);
    await registerFirm(adminOfA, K, '岳阳第三建设有限公司', '孙七');
    await mutate(adminOfB, 'applyForMembership', { associationId: B, enterpriseCode: K, appliedOn: '2026-02-01' });
    await registerFirm(adminOfA, L, '武汉第四建设有限公司', '周八');
    await registerFirm(adminOfB, U, '岳阳第五建设有限公司', '吴九');

    // F's dues for 2026: a payment, a waiver approved and partly revoked, another rejected.
    const GA = { body: 'GENERAL_ASSEMBLY', reference: '武建协〔2025〕12号', decidedOn: '2025-12-20' };
    await mutate(adminOfA, 'adoptFeeSchedule', { associationId: A, amounts: [{ tier: 'MEMBER', annualFen: 200_000 }], effectiveFrom: '2026-01-01', decision: GA });
    const account = { associationId: A, enterpriseCode: F, year: 2026 };
    await mutate(adminOfA, 'issueDuesInvoice', account);
    await mutate(adminOfA, 'recordDuesPayment', { ...account, receiptNumber: 'R-2026-001', amountFen: 50_000, paidOn: '2026-02-10' });
    const approved = '00000000-0000-4000-8000-000000000001';
    const rejected = '00000000-0000-4000-8000-000000000002';
    await mutate(adminOfA, 'requestDuesWaiver', { ...account, commandId: approved, amountFen: 20_000, reasonCategory: 'HARDSHIP_VISIT', reason: '特困走访' });
    await mutate(approver, 'approveDuesWaiver', { ...account, waiverId: approved });
    await mutate(approver, 'revokeDuesWaiver', { ...account, waiverId: approved, amountFen: 5_000, reason: '复核' });
    await mutate(adminOfA, 'requestDuesWaiver', { ...account, commandId: rejected, amountFen: 10_000, reasonCategory: 'OTHER', reason: '自行申请' });
    await mutate(approver, 'rejectDuesWaiver', { ...account, waiverId: rejected, reason: '无走访记录' });

    // A's credit cycle: F reviewed, overridden on a committee decision, in notice and objected to; G's override pending.
    await mutate(adminOfA, 'defineCreditRulebook', {
      associationId: A, rulebookId: 'wuhan-credit', title: '武汉市建筑业企业信用评价办法', referenceNumber: '武建协〔2026〕1号', effectiveFrom: '2026-01-01',
      subjectKind: 'ENTERPRISE', validityYears: 3, noticeDays: 5, vetoRules: [], dynamicRules: [],
      indicators: [
        { code: 'MANAGEMENT', name: '经营管理', category: '协会评价', maxPoints: 50, body: 'ASSOCIATION', evidenceRequired: false },
        { code: 'COMPLIANCE', name: '合规记录', category: '主管部门评价', maxPoints: 50, body: 'DEPARTMENT', evidenceRequired: false },
      ],
      thresholds: [{ grade: 'AAA', minPoints: 90 }, { grade: 'AA', minPoints: 80 }, { grade: 'A', minPoints: 60 }],
    });
    await mutate(adminOfA, 'openCreditCycle', {
      associationId: A, cycleId: CYCLE, title: '2026年度信用评价', rulebookId: 'wuhan-credit', rulebookVersion: 1,
      assessmentFrom: '2024-01-01', assessmentTo: '2025-12-31', filingFrom: '2026-01-01', filingTo: '2026-12-31', eligibility: 'ALL',
    });
    await mutate(adminOfA, 'assignCreditScorer', { associationId: A, cycleId: CYCLE, scorerId: EXPERT, body: 'ASSOCIATION' });
    await mutate(adminOfA, 'assignCreditScorer', { associationId: A, cycleId: CYCLE, scorerId: OFFICER, body: 'DEPARTMENT' });
    const committeeDecision = { body: 'CREDIT_COMMITTEE', reference: '武建协信〔2026〕2号', decidedOn: '2026-02-25' };
    for (const subjectId of [F, G, L]) {
      const key = { associationId: A, cycleId: CYCLE, subjectId };
      await mutate(adminOfA, 'fileCreditApplication', { ...key, selfAssessment: [] });
      if (subjectId === L) continue;
      await mutate(expert, 'scoreCreditIndicators', { ...key, scores: [{ code: 'MANAGEMENT', points: 44 }] });
      await mutate(officer, 'scoreCreditIndicators', { ...key, scores: [{ code: 'COMPLIANCE', points: 42 }] });
      await mutate(adminOfA, 'completeCreditReview', key);
      await mutate(adminOfA, 'requestCreditGradeOverride', { ...key, toGrade: 'AAA', reason: '补充材料证明质量管理优良', decision: committeeDecision });
      if (subjectId === G) continue;
      await mutate(committee, 'approveCreditGradeOverride', key);
      await mutate(adminOfA, 'startCreditNotice', { ...key, startsOn: '2026-03-02' });
      await mutate(adminOfA, 'fileCreditObjection', { ...key, objectionId: 'obj-1', objector: OBJECTOR, grounds: '得分依据不足' });
    }
    await service.settled();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  /** What a caller gets for a row: FORBIDDEN when the operation refuses it, else the picked part of the data. */
  async function answer(row: Row<unknown>, caller: Caller): Promise<unknown> {
    const as = caller === 'MEMBER own' ? memberOf[row.firm]! : caller === 'MEMBER other' ? memberOf[row.firm === F ? G : F]! : callers[caller];
    const response = await as.request(row.query);
    const code = response.errors?.[0]?.extensions?.code;
    if (code === FORBIDDEN) return FORBIDDEN;
    if (response.errors?.length) return `errors: ${JSON.stringify(response.errors)}`;
    return row.pick(response.data);
  }

  it.each(ROWS.map((row) => [row.field, row] as const))('%s: the value, null or FORBIDDEN for each caller as ADR 0014 says', async (_field, row) => {
    const actual: Record<string, unknown> = {};
    for (const caller of CALLERS) actual[caller] = await answer(row, caller);
    expect(actual).toEqual(row.expected);
  });

  it("redacts F's credit history by the declared fields of each event type: staff for A's admin and the auditor, the objector also for the firm", async () => {
    const actual: Record<string, unknown> = {};
    for (const caller of CALLERS) {
      const response = await callers[caller].request(HISTORY);
      actual[caller] = response.errors?.[0]?.extensions?.code === FORBIDDEN ? FORBIDDEN : historyOf(response.data as Parameters<typeof historyOf>[0]);
    }
    expect(actual).toEqual({
      'ADMIN own': HISTORY_SEEN,
      // Another association's admin reads its own records of F only: it holds none.
      'ADMIN other': [],
      EXPERT: FORBIDDEN,
      AUDITOR: HISTORY_SEEN,
      TENDER: FORBIDDEN,
      'MEMBER own': HISTORY_OF_THE_FIRM,
      'MEMBER other': FORBIDDEN,
    });
  });

  it("answers the recorded event's hash to every caller, redacted or not", async () => {
    const recorded = await service.pool.query<{ hash: string }>('SELECT hash FROM es_events WHERE stream_id = $1 ORDER BY stream_revision', [`enterprise-${F}`]);
    const query = `{ enterpriseHistory(code: "${F}") { edges { node { hash prevHash } } } }`;
    for (const caller of CALLERS.filter((c) => c !== 'MEMBER other')) {
      const { enterpriseHistory } = await callers[caller].ok<{ enterpriseHistory: { edges: { node: { hash: string } }[] } }>(query);
      expect(enterpriseHistory.edges.map((e) => e.node.hash)).toEqual(recorded.rows.map((r) => r.hash));
    }
    const history = await callers['MEMBER own'].ok<{ creditHistory: { hash: string; type: string }[] }>(HISTORY);
    const auditor = await callers.AUDITOR.ok<{ creditHistory: { hash: string; type: string }[] }>(HISTORY);
    expect(history.creditHistory.map((s) => s.hash)).toEqual(auditor.creditHistory.map((s) => s.hash));
  });

  it('shows the legal representative, public, to every caller that lists firms, whoever holds the firm', async () => {
    const query = `{ enterprises(filter: { region: "420106" }, first: 200) { edges { node { code legalRepresentative } } } }`;
    const seen = async (as: GraphQLClient) =>
      Object.fromEntries((await as.ok<{ enterprises: { edges: { node: { code: string; legalRepresentative: string | null } }[] } }>(query)).enterprises.edges.map((e) => [e.node.code, e.node.legalRepresentative]));
    // F and G are A's members, L applied for A's credit rating, K applied to B, U is held by nobody: none of it matters.
    const published = { [F]: '王五', [G]: '李四', [K]: '孙七', [L]: '周八', [U]: '吴九' };
    for (const caller of ['ADMIN own', 'ADMIN other', 'EXPERT', 'AUDITOR', 'TENDER'] as const) expect([caller, await seen(callers[caller])]).toEqual([caller, published]);
    // The staff field of a firm nobody holds is still its registering association's: B registered U.
    const registered = `{ enterprise(code: "${U}") { registeredBy legalRepresentative } }`;
    expect((await adminOfB.ok<{ enterprise: unknown }>(registered)).enterprise).toEqual({ registeredBy: 'yueyang-secretariat', legalRepresentative: '吴九' });
    expect((await adminOfA.ok<{ enterprise: unknown }>(registered)).enterprise).toEqual({ registeredBy: null, legalRepresentative: '吴九' });
  });

  it("opens F's objector for an admin of an association related to F (a membership not ended) and for no unrelated one, as the service's field layer decides the objections field", async () => {
    const fieldVisibility = service.service.host.get(FieldVisibility);
    const { rows } = await service.pool.query<{ objections: Record<string, unknown> }>(
      'SELECT objections FROM credit_application WHERE association_id = $1 AND cycle_id = $2 AND subject_id = $3',
      [A, CYCLE, F],
    );
    // The read model holds the objection as the event does: the objector sealed, never in plain.
    const objections = Object.values(rows[0]!.objections);
    expect(objections.map((o) => isSealed((o as { objector: unknown }).objector))).toEqual([true]);
    expect(JSON.stringify(objections)).not.toContain(OBJECTOR);
    // What CreditApplicationView.objections answers each caller: redacted for its owner (A's record about F), then opened.
    const classes = EVENT_FIELD_CLASSES.CreditObjectionFiled;
    const objectorsFor = async (actor: Actor) => {
      const access = fieldVisibility.forRequest({ actor });
      const shown = await Promise.all(
        objections.map(async (o) =>
          access.openPayload(redactData(o, classes, await access.visibleClasses(classesToDecide(o, classes), () => ({ associationId: A, firm: F }))), classes),
        ),
      );
      // Opened or null, never the envelope.
      expect(envelopeTraces(shown)).toEqual([]);
      return shown.map((o) => (o as { objector: unknown }).objector);
    };
    const adminOf = (associationId: string): Actor => ({ userId: `${associationId}-secretariat`, role: 'ADMIN', associationId });
    const C = 'changsha-cia';
    const seen = async () =>
      Object.fromEntries(
        await Promise.all(
          ([[A, adminOf(A)], [B, adminOf(B)], [C, adminOf(C)], ['AUDITOR', { userId: 'audit-office', role: 'AUDITOR' }], ['EXPERT', { userId: EXPERT, role: 'EXPERT' }]] as const).map(
            async ([name, actor]) => [name, await objectorsFor(actor)] as const,
          ),
        ),
      );
    expect(await seen()).toEqual({ [A]: [OBJECTOR], [B]: [null], [C]: [null], AUDITOR: [OBJECTOR], EXPERT: [null] });
    // B applies for F's membership: B is related to F, so its admin sees F's personal fields; C still does not.
    await mutate(adminOfB, 'applyForMembership', { associationId: B, enterpriseCode: F, appliedOn: '2026-02-20' });
    await service.settled();
    expect(await seen()).toEqual({ [A]: [OBJECTOR], [B]: [OBJECTOR], [C]: [null], AUDITOR: [OBJECTOR], EXPERT: [null] });
    // Over HTTP B still reaches none of A's records of F: the scope refuses before any field is decided.
    expect((await adminOfB.request(`{ creditApplication(associationId: "${A}", cycleId: "${CYCLE}", subjectId: "${F}") { objections } }`)).errors?.[0]?.extensions?.code).toBe(FORBIDDEN);
    expect((await adminOfB.ok<{ creditHistory: unknown[] }>(HISTORY)).creditHistory).toEqual([]);
    // A membership that ended relates nothing: once B rejects the application, its admin no longer sees the objector.
    await mutate(adminOfB, 'rejectMembershipApplication', { associationId: B, enterpriseCode: F, reason: '材料不全' });
    await service.settled();
    expect(await seen()).toEqual({ [A]: [OBJECTOR], [B]: [null], [C]: [null], AUDITOR: [OBJECTOR], EXPERT: [null] });
  });

  it("shows a person's personal fields to the registering association's admin, to another's only once it files the person's credit application, and the identity-card number to the auditor alone", async () => {
    const registered = await adminOfA.request<{ registerPerson: { personId: string } }>(
      'mutation ($input: RegisterPersonInput!) { registerPerson(input: $input) { personId } }',
      { input: { associationId: A, name: PERSON_NAME, identityCardNumber: PERSON_NUMBER, phone: '13871234567', address: '武汉市江岸区沿江大道188号' } },
    );
    expect(registered.errors).toBeUndefined();
    const personId = registered.data!.registerPerson.personId;
    await service.settled();
    const adminOfC = await client('ADMIN', { associationId: 'changsha-cia', userId: 'changsha-secretariat' });
    const detailsFor = async (as: GraphQLClient) => {
      const response = await as.request<{ person: unknown }>(`{ person(personId: "${personId}") { name phone address identityCardNumberMasked } }`);
      return response.errors?.[0]?.extensions?.code === FORBIDDEN ? FORBIDDEN : response.errors ? response.errors : response.data!.person;
    };
    const seen = async () =>
      Object.fromEntries(
        await Promise.all([...CALLERS.map((c) => [c, callers[c]] as const), ['ADMIN of C', adminOfC] as const].map(async ([name, as]) => [name, await detailsFor(as)] as const)),
      );
    const details = { name: PERSON_NAME, phone: '13871234567', address: '武汉市江岸区沿江大道188号', identityCardNumberMasked: '4201**********0015' };
    const hidden = { name: null, phone: null, address: null, identityCardNumberMasked: null };
    const before = { 'ADMIN own': details, 'ADMIN other': hidden, 'ADMIN of C': hidden, EXPERT: FORBIDDEN, AUDITOR: details, TENDER: hidden, 'MEMBER own': FORBIDDEN, 'MEMBER other': FORBIDDEN };
    expect(await seen()).toEqual(before);

    // B rates project managers: once it holds P's credit application (P named by register id), B is related to P.
    await mutate(adminOfB, 'defineCreditRulebook', {
      associationId: B, rulebookId: 'yueyang-pm', title: '岳阳市项目经理信用评价办法', referenceNumber: '岳城建协〔2026〕3号', effectiveFrom: '2026-01-01',
      subjectKind: 'PERSON', validityYears: 2, noticeDays: 5, vetoRules: [], dynamicRules: [],
      indicators: [{ code: 'OVERALL', name: '综合评价', category: '协会评价', maxPoints: 100, body: 'ASSOCIATION', evidenceRequired: false }],
      thresholds: [{ grade: 'A', minPoints: 60 }],
    });
    await mutate(adminOfB, 'openCreditCycle', {
      associationId: B, cycleId: 'yueyang-pm-2026', title: '2026年度项目经理信用评价', rulebookId: 'yueyang-pm', rulebookVersion: 1,
      assessmentFrom: '2024-01-01', assessmentTo: '2025-12-31', filingFrom: '2026-01-01', filingTo: '2026-12-31', eligibility: 'ALL',
    });
    await mutate(adminOfB, 'fileCreditApplication', { associationId: B, cycleId: 'yueyang-pm-2026', subjectId: personId, selfAssessment: [] });
    await service.settled();
    expect(await seen()).toEqual({ ...before, 'ADMIN other': details });

    // Sensitive: the number itself only in the auditor's export of the person.
    const exported = async (as: GraphQLClient) => {
      const response = await as.request<{ personalDataExport: { details: unknown } }>(`{ personalDataExport(personId: "${personId}") { details { name identityCardNumber } } }`);
      return response.errors?.[0]?.extensions?.code === FORBIDDEN ? FORBIDDEN : response.errors ? response.errors : response.data!.personalDataExport.details;
    };
    const exports: Record<string, unknown> = {};
    for (const caller of CALLERS) exports[caller] = await exported(callers[caller]);
    expect(exports).toEqual(cells({ name: PERSON_NAME, identityCardNumber: PERSON_NUMBER }, ['AUDITOR'], CALLERS.filter((c) => c !== 'AUDITOR')));
  }, 60_000);

  it('decides a list of 200 firms in one statement on the audit trail and none on the registers for the public legal representative; their ties in one statement per register', async () => {
    const codes = Array.from({ length: 195 }, (_, i) => firmCode(100 + i));
    for (let i = 0; i < codes.length; i += 15) {
      await Promise.all(codes.slice(i, i + 15).map((code, j) => registerFirm(adminOfB, code, `批量建设有限公司${String(i + j).padStart(3, '0')}`)));
    }
    await service.settled();
    const dataSource = service.service.runtime.dataSource;
    const statements = jest.spyOn(dataSource, 'query');
    const counted = () => {
      const sql = statements.mock.calls.map(([text]) => String(text));
      statements.mockClear();
      return {
        memberships: sql.filter((s) => /FROM membership\s+WHERE enterprise_code = ANY/.test(s)).length,
        creditApplications: sql.filter((s) => /FROM credit_application WHERE subject_id = ANY/.test(s)).length,
        firstRecorders: sql.filter((s) => /FROM audit_event WHERE stream_id = ANY\(\$1\) AND revision = 0/.test(s)).length,
      };
    };
    try {
      const listed = await adminOfA.ok<{ enterprises: { edges: { node: { code: string; legalRepresentative: string | null; registeredBy: string | null } }[] } }>(
        `{ enterprises(filter: { region: "420106" }, first: 200) { edges { node { code legalRepresentative registeredBy } } } }`,
      );
      expect(listed.enterprises.edges).toHaveLength(200);
      const of = (code: string) => listed.enterprises.edges.find((e) => e.node.code === code)?.node;
      expect(of(F)).toEqual({ code: F, legalRepresentative: '王五', registeredBy: SECRETARIAT });
      expect(of(codes[0]!)).toEqual({ code: codes[0], legalRepresentative: '张三', registeredBy: null });
      expect(counted()).toEqual({ memberships: 0, creditApplications: 0, firstRecorders: 1 });
      // A personal field of 200 firms' records of another association, decided for A's admin in one request: the ties of
      // every firm in one statement per register (A holds F and G, and L by its credit application; the rest nobody).
      const access = service.service.host.get(FieldVisibility).forRequest({ actor: { userId: SECRETARIAT, role: 'ADMIN', associationId: A } });
      const firms = [F, G, K, L, U, ...codes];
      const sees = await Promise.all(firms.map((firm) => access.maySee('personal', () => ({ associationId: B, firm }))));
      expect(firms.filter((_, i) => sees[i])).toEqual([F, G, L]);
      expect(counted()).toEqual({ memberships: 1, creditApplications: 1, firstRecorders: 0 });
    } finally {
      statements.mockRestore();
    }
  }, 90_000);

  it('declares every output field that holds a person or a user id, and docs/security.md lists each under "Field visibility"', async () => {
    const schema = await builtSchema();
    const objectTypes = Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'));
    const outputFields = objectTypes
      .filter((type) => type !== schema.getQueryType() && type !== schema.getMutationType())
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })));
    const undeclared = outputFields
      .filter(({ name, field }) => PERSON_OR_STAFF_NAME.test(field.name) && field.extensions[FIELD_CLASS_EXTENSION] === undefined && !(name in NOT_RESTRICTED))
      .map(({ name }) => name);
    expect(undeclared).toEqual([]);
    // The exceptions name fields that exist, so a renamed one cannot leave a stale exception behind.
    expect(Object.keys(NOT_RESTRICTED).filter((name) => !outputFields.some((f) => f.name === name))).toEqual([]);
    const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    const section = /^## Field visibility\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(doc)?.[1] ?? '';
    expect(section.split('\n').filter((line) => line.startsWith('|'))).toEqual(renderFieldTables(schema));
  });

  it('never answers a sealed envelope: no answer of this spec holds a key sealed, iv or tag, or the cipher name', async () => {
    // The scan finds an envelope where there is one: the read models store F's objector and the person's details sealed.
    const { rows } = await service.pool.query<{ objections: unknown }>('SELECT objections FROM credit_application WHERE association_id = $1 AND subject_id = $2', [A, F]);
    expect(envelopeTraces(rows[0]!.objections)).toEqual(expect.arrayContaining(['$.obj-1.objector.sealed', '$.obj-1.objector.iv', '$.obj-1.objector.tag']));
    const persons = await service.pool.query<{ name: unknown; identity_card_number: unknown }>('SELECT name, identity_card_number FROM person');
    expect(persons.rows.map((r) => [isSealed(r.name), isSealed(r.identity_card_number)])).toEqual([[true, true]]);
    // The answers include the objector and the person's details opened for those who may see them, null for the rest.
    const about = (text: string) => scanned.filter((a) => a.query.includes(text)).length;
    expect({
      objections: about('objections'),
      histories: about('creditHistory'),
      persons: about('person(personId'),
      exports: about('personalDataExport'),
      mutations: about('mutation') > 50,
    }).toEqual({ objections: CALLERS.length + 1, histories: CALLERS.length + 3, persons: 2 * (CALLERS.length + 1), exports: CALLERS.length, mutations: true });
    expect(scanned.filter((a) => a.traces.length > 0)).toEqual([]);
  });
});
