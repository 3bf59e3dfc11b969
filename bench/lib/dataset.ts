/**
 * Realistic event sets for the rebuild and scale scenarios, with valid hash chains.
 *
 * A template is written through the product itself: the association, its member firms (enterprise
 * registered, membership applied and admitted) through the command handler and the real deciders, then
 * the fee schedule, the year's invoicing, a relief policy, payments and a credit evaluation of the members
 * (bench/lib/credit-seed.ts) through the GraphQL API of a running service (so every context's events are
 * exactly what the product writes). The template is then cloned:
 * each clone gets its own association id, credit codes and UUIDs, its content is re-encoded and hashed
 * (`encodeContent`) and chained per stream (`chainHash`) as `es_append` would, and the rows are inserted in
 * large multi-row statements, with the stream heads. `verify-chain` accepts the result.
 */
import type pg from 'pg';
import { enterpriseDecider, enterpriseStreamId } from '#domain/enterprise';
import { associationDecider, associationStreamId, admitMemberDecider, membershipDecider, membershipStreamId } from '#domain/membership';
import { type Actor, withCheckCharacter } from '#domain/shared';
import { chainHash, encodeContent, GENESIS_HASH, PostgresEventStore } from '#eventstore';
import { CommandHandler, SystemClock } from '#platform';
import { chinaDate, seedCreditCycle } from './credit-seed.js';
import { log } from './harness.js';
import { graphql, startProduct } from './http.js';
import { sampleEvents } from './sample.js';
import { benchPool } from './cluster.js';

const TEMPLATE_ASSOC = 'bench-assoc'; // the association of the service's admin token
const SEEDER: Actor = { userId: 'secretariat-seed', role: 'ADMIN', associationId: null };

export interface TemplateEvent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly recordedAt: string;
}

function templateCode(i: number): string {
  return withCheckCharacter(`914201TPL${String(i).padStart(8, '0')}`);
}

function cloneCode(clone: number, i: number): string {
  return withCheckCharacter(`9142${String(clone).padStart(7, '0')}${String(i).padStart(6, '0')}`);
}

async function settled(pool: pg.Pool, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ behind: boolean }>(
      `SELECT EXISTS (
         SELECT 1 FROM projection_checkpoints c
          WHERE c.position IS NULL OR c.position < (
            SELECT lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0')
              FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1)) AS behind`,
    );
    if (!rows[0]?.behind) return;
    if (Date.now() > deadline) throw new Error('projections did not catch up with the template');
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Writes the template through the product into `url` (an empty database) and returns its events. `credit: false`
 * leaves out the credit cycle (a scenario that reads only membership and dues).
 */
export async function writeTemplate(url: string, members = 20, { credit = true }: { credit?: boolean } = {}): Promise<TemplateEvent[]> {
  const product = await startProduct(url);
  const store = new PostgresEventStore({ connectionString: url, poolSize: 4 });
  const pool = benchPool(url, 2);
  try {
    const handler = new CommandHandler(store, new SystemClock());
    await handler.handle(associationDecider, associationStreamId(TEMPLATE_ASSOC), {
      command: {
        type: 'RegisterAssociation',
        associationId: TEMPLATE_ASSOC,
        name: '基准测试建筑业协会',
        regionCode: '420100',
        deemedWithdrawalYears: 2,
        admissionBodies: ['COUNCIL', 'SECRETARIAT'],
        waiverApprovers: ['secretary-general', 'president-office'],
      },
      actor: SEEDER,
    });
    for (let i = 0; i < members; i++) {
      const code = templateCode(i);
      await handler.handle(enterpriseDecider, enterpriseStreamId(code), {
        command: { type: 'RegisterEnterprise', code, name: `会员企业${code.slice(-7)}建设有限公司`, legalRepresentative: '张三', regionCode: '420106', ownership: 'PRIVATE', sizeClass: i % 3 === 0 ? 'SMALL' : 'MEDIUM' },
        actor: SEEDER,
      });
      const stream = membershipStreamId(TEMPLATE_ASSOC, code);
      await handler.handle(membershipDecider, stream, {
        command: { type: 'ApplyForMembership', associationId: TEMPLATE_ASSOC, enterpriseCode: code, appliedOn: '2019-01-01', associationRegistered: true, enterpriseRegistered: true },
        actor: SEEDER,
      });
      await handler.handleAcross(admitMemberDecider, {
        command: {
          type: 'AdmitMember',
          associationId: TEMPLATE_ASSOC,
          enterpriseCode: code,
          tier: 'MEMBER',
          certificateNumber: `证-${String(i).padStart(5, '0')}`,
          admittedOn: '2019-03-01',
          decision: { body: 'COUNCIL', reference: '理事会〔2019〕1号', decidedOn: '2019-03-01' },
          admissionBodies: ['COUNCIL', 'SECRETARIAT'],
        },
        actor: SEEDER,
      });
    }
    await settled(pool);
    const admin = product.adminToken;
    await graphql(product.url, admin, `mutation($input: AdoptFeeScheduleInput!) { adoptFeeSchedule(input: $input) { revision } }`, {
      input: {
        associationId: TEMPLATE_ASSOC,
        amounts: [
          { tier: 'VICE_PRESIDENT', annualFen: 3_000_000 },
          { tier: 'DIRECTOR', annualFen: 500_000 },
          { tier: 'MEMBER', annualFen: 300_000 },
        ],
        secondHalfPercent: 50,
        effectiveFrom: '2020-01-01',
        decision: { body: 'GENERAL_ASSEMBLY', reference: '协〔2019〕30号', decidedOn: '2019-12-26' },
      },
    });
    await graphql(product.url, admin, `mutation($input: InvoiceDuesYearInput!) { invoiceDuesYear(input: $input) { written } }`, {
      input: { associationId: TEMPLATE_ASSOC, year: 2020 },
    });
    await graphql(product.url, admin, `mutation($input: AdoptWaiverPolicyInput!) { adoptWaiverPolicy(input: $input) { revision } }`, {
      input: {
        associationId: TEMPLATE_ASSOC,
        policyId: 'relief-2020',
        year: 2020,
        title: '2020年会费减免',
        reasonCategory: 'DISASTER_EPIDEMIC_RELIEF',
        reason: '疫情：全体会员减免半年会费，小微企业全免',
        defaultPercent: 50,
        sizeClassPercents: [{ sizeClass: 'SMALL', percent: 100 }],
        decision: { body: 'COUNCIL', reference: '协〔2020〕6号', decidedOn: '2020-03-06', votes: { entitled: 60, present: 52, inFavour: 50, against: 0, abstaining: 2 } },
      },
    });
    await graphql(product.url, admin, `mutation { applyWaiverPolicy(input: { associationId: "${TEMPLATE_ASSOC}", policyId: "relief-2020" }) { written } }`);
    for (let i = 0; i < members; i++) {
      if (i % 3 === 0 || i % 5 === 4) continue; // waived in full, or still owing
      await graphql(product.url, admin, `mutation($input: RecordDuesPaymentInput!) { recordDuesPayment(input: $input) { revision } }`, {
        input: { associationId: TEMPLATE_ASSOC, enterpriseCode: templateCode(i), year: 2020, receiptNumber: `R2020-${String(i).padStart(5, '0')}`, amountFen: 150_000 },
      });
    }
    // A year's credit evaluation of the members (all apply; one scores below every grade, a few are downgraded
    // in the annual review, one by a conduct record). Its ids carry the association id, so the clones'
    // association mapping makes their certificates, reservation streams and scorers their own.
    const year = chinaDate(-40).slice(0, 4); // the cycle runs on the real clock: named after its assessment year
    if (credit) await seedCreditCycle(product, {
      associationId: TEMPLATE_ASSOC,
      rulebookId: 'credit-rules',
      cycleId: `credit-${year}`,
      certificatePrefix: `${TEMPLATE_ASSOC}-XY`,
      scorers: [`${TEMPLATE_ASSOC}-expert`, `${TEMPLATE_ASSOC}-dept-expert`],
      subjects: Array.from({ length: members }, (_, i) => templateCode(i)),
      conduct: { recordId: `rs-${year}-17` },
    });
    await settled(pool);
    const { rows } = await pool.query<{ stream_id: string; event_id: string; event_type: string; data: string; metadata: string; recorded_at: string }>(
      `SELECT stream_id, event_id::text, event_type, data::text, metadata::text, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
         FROM es_events ORDER BY transaction_id, global_position`,
    );
    return rows.map((r) => ({ streamId: r.stream_id, eventId: r.event_id, type: r.event_type, data: r.data, metadata: r.metadata, recordedAt: r.recorded_at }));
  } catch (error) {
    // The service logs the cause of an internal error (JSON lines on its stdout); keep it with the failure.
    const logged = product.child.stdout().split('\n').filter((l) => l.startsWith('{')).slice(-3).join('\n');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nservice log:\n${logged}`, { cause: error });
  } finally {
    await pool.end();
    await store.close();
    await product.child.stop();
  }
}

const UUID = /[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g;

interface Row {
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
  contentHash: string;
  prevHash: string;
  hash: string;
  recordedAt: string;
}

/** Inserts rows (chains already computed) in one statement and moves the stream heads. */
async function insertRows(pool: pg.Pool, rows: Row[], heads: Map<string, { revision: number; hash: string }>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
       SELECT s, r, i, t, d::jsonb, m::jsonb, c, p, h, a
         FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
              AS u(s, r, i, t, d, m, c, p, h, a)`,
      [
        rows.map((r) => r.stream),
        rows.map((r) => r.revision),
        rows.map((r) => r.id),
        rows.map((r) => r.type),
        rows.map((r) => r.data),
        rows.map((r) => r.metadata),
        rows.map((r) => r.contentHash),
        rows.map((r) => r.prevHash),
        rows.map((r) => r.hash),
        rows.map((r) => r.recordedAt),
      ],
    );
    const streams = [...heads.keys()];
    await client.query(
      `INSERT INTO es_streams (stream_id, revision, last_hash)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
       ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`,
      [streams, streams.map((s) => heads.get(s)!.revision), streams.map((s) => heads.get(s)!.hash)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Appends clones of the template until `count` more events are in the store; returns the events added. */
export async function cloneTemplate(url: string, template: readonly TemplateEvent[], count: number, firstClone: number): Promise<number> {
  const pool = benchPool(url, 2);
  const codes = [...new Set(template.flatMap((e) => e.data.match(/9142[0-9A-Z]{14}/g) ?? []))].filter((c) => c.startsWith('914201TPL'));
  const codeIndex = new Map(codes.map((c) => [c, Number(c.slice(9, 17))]));
  let written = 0;
  let clone = firstClone;
  let rows: Row[] = [];
  let heads = new Map<string, { revision: number; hash: string }>();
  let pending: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = rows;
    const batchHeads = heads;
    rows = [];
    heads = new Map();
    await pending;
    pending = insertRows(pool, batch, batchHeads);
  };
  try {
    while (written < count) {
      const prefix = clone.toString(16).padStart(8, '0');
      const assoc = `bench-c${clone}`;
      // What must differ per clone: the association id (in stream ids, data and actors; the template's credit
      // certificate numbers, hence their reservation streams, and its scorer ids embed it), the member codes
      // (membership, enterprise and credit-conduct streams) and the UUIDs (event, command, correlation ids).
      // Rulebook, cycle and conduct-record ids are keyed by association (and subject) in the streams and the
      // read models, so they stay.
      const map = (text: string) =>
        text
          .replaceAll(TEMPLATE_ASSOC, assoc)
          .replace(/914201TPL[0-9A-Z]{9}/g, (c) => cloneCode(clone, codeIndex.get(c) ?? 0))
          .replace(UUID, (_, rest: string) => `${prefix}${rest}`);
      const local = new Map<string, { revision: number; hash: string }>();
      for (const event of template) {
        if (written >= count) break;
        const stream = map(event.streamId);
        const head = local.get(stream);
        const revision = head ? head.revision + 1 : 0;
        const prevHash = head ? head.hash : GENESIS_HASH;
        const content = encodeContent({ type: event.type, data: JSON.parse(map(event.data)) as unknown, metadata: JSON.parse(map(event.metadata)) as Record<string, unknown> });
        const hash = chainHash(prevHash, stream, revision, content.contentHash);
        local.set(stream, { revision, hash });
        heads.set(stream, { revision, hash });
        rows.push({ stream, revision, id: map(event.eventId), type: event.type, data: content.dataJson, metadata: content.metadataJson, contentHash: content.contentHash, prevHash, hash, recordedAt: event.recordedAt });
        written++;
        if (rows.length >= 5000) await flush();
      }
      clone++;
    }
    if (rows.length > 0) await flush();
    await pending;
  } finally {
    await pool.end();
  }
  return clone;
}

/** Fills the store with `count` generic events (streams of 10 payment events) with valid chains. */
export async function fillGeneric(url: string, count: number): Promise<void> {
  const pool = benchPool(url, 2);
  let rows: Row[] = [];
  let heads = new Map<string, { revision: number; hash: string }>();
  let pending: Promise<void> = Promise.resolve();
  try {
    for (let n = 0; n < count; n += 10) {
      const stream = `fill-${n}`;
      let prevHash = GENESIS_HASH;
      const events = sampleEvents(stream, n, n, Math.min(10, count - n));
      events.forEach((event, revision) => {
        const content = encodeContent(event);
        const hash = chainHash(prevHash, stream, revision, content.contentHash);
        rows.push({ stream, revision, id: event.id, type: event.type, data: content.dataJson, metadata: content.metadataJson, contentHash: content.contentHash, prevHash, hash, recordedAt: event.metadata.recordedAt });
        prevHash = hash;
        heads.set(stream, { revision, hash });
      });
      if (rows.length >= 5000) {
        const batch = rows;
        const batchHeads = heads;
        rows = [];
        heads = new Map();
        await pending;
        pending = insertRows(pool, batch, batchHeads);
      }
      if (n % 500_000 === 0 && n > 0) log(`  filled ${n} events`);
    }
    await pending;
    if (rows.length > 0) await insertRows(pool, rows, heads);
  } finally {
    await pool.end();
  }
}
