import pg from 'pg';
import { log } from './harness.js';

/** Rows per INSERT … SELECT (one transaction each, as a bulk import would commit them). */
const ROWS_PER_STATEMENT = 250_000;
const STREAM_LENGTH = 10;

/**
 * Fills the store with `count` events generated inside Postgres: dues payments in streams of 10, with the
 * payload size and shape of the benchmark's own appends, random event ids (as the command handler's
 * name-based ids are) and stream heads. It exists to give the store the table and index sizes of a large
 * register quickly: generated server-side it runs at COPY-like speed where client-built chained rows took
 * about 15 minutes for 5,000,000. The hashes are the right width but not a valid chain, so this cluster is
 * never handed to `verify-chain`; the rebuild scenario's dataset (dataset.ts) is the one with real chains.
 */
export async function fillServerSide(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let first = 0; first < count; first += ROWS_PER_STATEMENT) {
      const last = Math.min(count, first + ROWS_PER_STATEMENT) - 1;
      await client.query(
        `INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
         SELECT 'fill-' || (g / ${STREAM_LENGTH}), g % ${STREAM_LENGTH}, gen_random_uuid(), 'DuesPaid',
                jsonb_build_object(
                  'memberId', 'member-' || (g % 1000), 'enterpriseName', '深圳市某某建设工程集团有限公司',
                  'unifiedSocialCreditCode', '91440300MA5XXXXXX1', 'invoiceNo', '2025-' || g, 'amountFen', 1200000 + g % 1000,
                  'year', 2025, 'method', 'bank_transfer',
                  'payer', jsonb_build_object('name', '张三', 'title', '财务经理', 'phone', '13800000000'),
                  'note', '会员年费（甲级），含行业信用评价服务费，按协会第三届理事会决议执行。'),
                jsonb_build_object(
                  'actor', jsonb_build_object('userId', 'treasurer-1', 'role', 'ADMIN', 'associationId', 'assoc-sz'),
                  'commandId', c.id, 'correlationId', c.id, 'causationId', c.id,
                  'recordedAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                h.content, h.prev, h.hash, now()
           FROM generate_series($1::bigint, $2::bigint) AS g,
                LATERAL (SELECT gen_random_uuid()::text AS id) c,
                LATERAL (SELECT encode(sha256(convert_to('c' || g, 'UTF8')), 'hex') AS content,
                                encode(sha256(convert_to('p' || g, 'UTF8')), 'hex') AS prev,
                                encode(sha256(convert_to('h' || g, 'UTF8')), 'hex') AS hash) h`,
        [first, last],
      );
      await client.query(
        `INSERT INTO es_streams (stream_id, revision, last_hash)
         SELECT 'fill-' || s, LEAST(${STREAM_LENGTH - 1}, $2::bigint - s * ${STREAM_LENGTH}), encode(sha256(convert_to('h' || s, 'UTF8')), 'hex')
           FROM generate_series($1::bigint / ${STREAM_LENGTH}, $2::bigint / ${STREAM_LENGTH}) AS s
         ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`,
        [first, last],
      );
      if ((last + 1) % 1_000_000 === 0) log(`  filled ${last + 1} events`);
    }
  } finally {
    await client.end();
  }
}
