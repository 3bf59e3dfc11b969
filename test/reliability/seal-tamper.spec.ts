import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  chainHash,
  contentHash,
  deterministicEventId,
  type EventToAppend,
  exportAuditBundle,
  GENESIS_HASH,
  PostgresEventStore,
  PostgresSealStore,
  type RecordedEvent,
  sealEventStore,
  SealSigningKey,
  verifyStoreSeals,
} from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../libs/testing/src/postgres.js';

/*
 * Tamper trials against the signed seals (ADR 0017), on the Postgres store and on the audit bundle exported from it,
 * checked by the standalone verifier (verifier/verify.mjs) as a child process. Someone with write access to the
 * database, but not to the sealing key, changes what was sealed. The nine trials the issue counts:
 *
 *   1. alter an event's data                     6. delete a stream's last event and move its head back
 *   2. alter an event's metadata                 7. delete a stream together with its head row
 *   3. delete an event from the middle           8. rewrite a stream and recompute its chain with the register's code
 *   4. swap two events of a stream               9. add an event behind the seal (a new stream, chained correctly,
 *   5. truncate a stream (head left as it was)      written at a position the seal covers)
 *
 * 1-5 the per-stream chains find already; 6-9 only the seals do, and so does a tenth the chains cannot see either: events
 * of different streams swapped in the global order. Each is found with its stream (and revision), by the
 * store's verification (chains plus seals) and by the verifier over a bundle exported after the tampering. An untouched
 * store and its bundle verify intact, events appended after the seal included.
 */

const VERIFIER = join(process.cwd(), 'verifier', 'verify.mjs');

/** Until readAll shows everything committed: an open transaction anywhere in the test cluster holds the global order back. */
async function settle(store: PostgresEventStore): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if ((await store.headPosition()) === (await store.lastCommittedPosition())) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the global order stayed held back');
}

const ASSOCIATION = 'assoc-seal-1';

function dues(streamId: string, amounts: number[], recordedAt = '2026-03-01T08:00:00.000Z'): EventToAppend[] {
  const commandId = randomUUID();
  return amounts.map((amountFen, index) => ({
    id: deterministicEventId(commandId, streamId, index),
    type: 'DuesPaid',
    data: { amountFen, payer: { sealed: 'aes-256-gcm/1', owner: 'PSN0000000000000001', iv: 'aXY=', data: 'Y2lwaGVy', tag: 'dGFn' } },
    metadata: {
      actor: { userId: 'treasurer-1', role: 'ADMIN', associationId: ASSOCIATION },
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt,
    },
  }));
}

interface Verdict {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runVerifier(args: string[]): Promise<Verdict> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFIER, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}

describe('Signed seals: tamper trials on the Postgres store and on its audit bundle', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let sql: pg.Pool;
  let seals: PostgresSealStore;
  let key: SealSigningKey;
  let scratch: string;
  let streams: { a: string; b: string; c: string; later: string };
  let b: RecordedEvent[];

  const detect = async () => ({
    chain: await store.verifyAll(),
    seals: await verifyStoreSeals(store, seals, key.publicKeyRaw),
  });

  const bundle = async (name: string, association?: string, range: { from?: Date; to?: Date } = {}) => {
    const out = join(scratch, name);
    await exportAuditBundle(store, seals, {
      ...range,
      out,
      key,
      build: { version: 'test', commit: null },
      now: new Date('2026-03-02T00:00:00.000Z'),
      ...(association ? { association, associationOf: (streamId: string) => (streamId.startsWith('a-') || streamId.startsWith('b-') ? ASSOCIATION : 'other') } : {}),
    });
    return out;
  };

  const verifyBundle = async (dir: string) => {
    writeFileSync(join(scratch, 'department.pem'), key.publicKeyPem);
    return runVerifier(['--key', join(scratch, 'department.pem'), '--json', '--quiet', dir]);
  };

  beforeEach(async () => {
    database = await createTestDatabase('es_seal_tamper');
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    seals = new PostgresSealStore(sql);
    key = new SealSigningKey(randomBytes(32));
    scratch = mkdtempSync(join(tmpdir(), 'seal-tamper-'));
    const suffix = randomUUID();
    streams = { a: `a-${suffix}`, b: `b-${suffix}`, c: `c-${suffix}`, later: `later-${suffix}` };
    for (const streamId of [streams.a, streams.b, streams.c]) {
      await store.append(streamId, dues(streamId, [100, 200]), { expectedRevision: 'no_stream' });
    }
    // A first seal half way, so that trials also cross a seal boundary.
    await settle(store);
    await sealEventStore(store, seals, key, { now: () => new Date('2026-03-01T09:00:00.000Z') });
    for (const streamId of [streams.a, streams.b, streams.c]) {
      await store.append(streamId, dues(streamId, [300, 400]), { expectedRevision: 1 });
    }
    await settle(store);
    await sealEventStore(store, seals, key, { now: () => new Date('2026-03-01T10:00:00.000Z') });
    // Appended after the latest seal: not sealed yet, and no finding.
    await store.append(streams.later, dues(streams.later, [500], '2026-03-02T08:00:00.000Z'), { expectedRevision: 'no_stream' });
    await settle(store);
    b = await store.readStream(streams.b);
  });

  afterEach(async () => {
    await sql?.end();
    await store?.close();
    await database?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('finds the untouched store and its bundles intact, with the event appended after the seal unsealed', async () => {
    const { chain, seals: sealed } = await detect();
    expect(chain).toMatchObject({ intact: true, eventsChecked: 13 });
    expect(sealed).toMatchObject({ intact: true, sealsChecked: 2, eventsChecked: 13, unsealedEvents: 1, findings: [] });
    expect(sealed.latest).toMatchObject({ sequence: 2, treeSize: 12 });

    const full = await verifyBundle(await bundle('intact'));
    expect(full.stdout).toContain('"status": "intact"');
    expect(full.exitCode).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({ status: 'intact', counts: { events: 13, streams: 4, seals: 2 }, findings: [] });
    const partial = await verifyBundle(await bundle('intact-association', ASSOCIATION));
    expect(partial.stdout).toContain('"status": "intact"');
    expect(partial.exitCode).toBe(0);
    expect(JSON.parse(partial.stdout)).toMatchObject({ status: 'intact', counts: { events: 8, streams: 2, seals: 2 } });
  });

  it('refuses to seal over a store that no longer matches its seals', async () => {
    await sql.query('DELETE FROM es_events WHERE stream_id = $1', [streams.c]);
    await sql.query('DELETE FROM es_streams WHERE stream_id = $1', [streams.c]);
    await expect(sealEventStore(store, seals, key, { now: () => new Date() })).rejects.toThrow(/does not match its seals/);
    await expect(seals.latest()).resolves.toMatchObject({ seal: { sequence: 2 } });
  });

  it('finds a bundle file changed after export, a bundle under another key, and answers 64 to a bad command line', async () => {
    const dir = await bundle('edited');
    const events = join(dir, 'events.ndjson');
    writeFileSync(events, readFileSync(events, 'utf8').replace('"amountFen":300', '"amountFen":301'));
    const edited = await verifyBundle(dir);
    expect(edited.exitCode).toBe(1);
    expect(edited.stdout).toContain('events.ndjson does not match the manifest');

    const other = new SealSigningKey(randomBytes(32));
    writeFileSync(join(scratch, 'other.pem'), other.publicKeyPem);
    const foreign = await runVerifier(['--key', join(scratch, 'other.pem'), '--quiet', await bundle('foreign')]);
    expect(foreign.exitCode).toBe(1);
    expect(foreign.stdout).toContain('signature does not verify with the trusted key');

    expect((await runVerifier([])).exitCode).toBe(64);
    expect((await runVerifier(['--nonsense', scratch])).exitCode).toBe(64);
  });

  // Each trial: the tampering, then what the store's verification and the bundle's verifier must report.
  const trials: { name: string; tamper: () => Promise<void>; chain: boolean; expectStore: () => object; bundleMentions: () => string }[] = [
    {
      name: '1. alter data',
      tamper: () => sql.query(`UPDATE es_events SET data = jsonb_set(data, '{amountFen}', '20') WHERE event_id = $1`, [b[1]!.id]).then(() => undefined),
      chain: true,
      expectStore: () => ({ chain: { firstBreak: { streamId: streams.b, revision: 1, reason: 'content_hash_mismatch' } } }),
      bundleMentions: () => `stream ${streams.b} revision 1`,
    },
    {
      name: '2. alter metadata',
      tamper: () => sql.query(`UPDATE es_events SET metadata = jsonb_set(metadata, '{actor,userId}', '"someone-else"') WHERE event_id = $1`, [b[2]!.id]).then(() => undefined),
      chain: true,
      expectStore: () => ({ chain: { firstBreak: { streamId: streams.b, revision: 2, reason: 'content_hash_mismatch' } } }),
      bundleMentions: () => `stream ${streams.b} revision 2`,
    },
    {
      name: '3. delete an event',
      tamper: () => sql.query('DELETE FROM es_events WHERE event_id = $1', [b[1]!.id]).then(() => undefined),
      chain: true,
      expectStore: () => ({ chain: { firstBreak: { streamId: streams.b, revision: 2, reason: 'revision_gap' } }, seals: { findings: [expect.objectContaining({ kind: 'deleted', seal: 1 })] } }),
      bundleMentions: () => `stream ${streams.b} revisions 1..1 are missing`,
    },
    {
      name: '4. swap two events',
      tamper: async () => {
        await sql.query('UPDATE es_events SET stream_revision = -1 WHERE event_id = $1', [b[1]!.id]);
        await sql.query('UPDATE es_events SET stream_revision = 1 WHERE event_id = $1', [b[2]!.id]);
        await sql.query('UPDATE es_events SET stream_revision = 2 WHERE event_id = $1', [b[1]!.id]);
      },
      chain: true,
      // Two revisions of b trade places in the global order: the first seal saw b end at revision 1, the store now
      // has revision 2 there.
      expectStore: () => ({ chain: { firstBreak: { streamId: streams.b, revision: 1 } }, seals: { findings: [expect.objectContaining({ kind: 'appended', seal: 1, streamId: streams.b, revision: 2 })] } }),
      bundleMentions: () => `stream ${streams.b} revision 1 comes after revision 2`,
    },
    {
      name: '5. truncate a stream',
      tamper: () => sql.query('DELETE FROM es_events WHERE event_id = $1', [b[3]!.id]).then(() => undefined),
      chain: true,
      expectStore: () => ({ chain: { firstBreak: { streamId: streams.b, reason: 'revision_gap' } }, seals: { findings: [expect.objectContaining({ kind: 'deleted', streamId: streams.b, revision: 3, toRevision: 3 })] } }),
      bundleMentions: () => `stream ${streams.b} revisions 3..3 were sealed and are gone`,
    },
    {
      name: '6. delete the last event and move the head back',
      tamper: async () => {
        await sql.query('DELETE FROM es_events WHERE event_id = $1', [b[3]!.id]);
        await sql.query('UPDATE es_streams SET revision = 2, last_hash = $2 WHERE stream_id = $1', [streams.b, b[2]!.metadata.hash]);
      },
      chain: false,
      expectStore: () => ({ seals: { findings: [expect.objectContaining({ kind: 'deleted', streamId: streams.b, revision: 3, toRevision: 3 })] } }),
      bundleMentions: () => `stream ${streams.b} revisions 3..3 were sealed and are gone`,
    },
    {
      name: '7. delete a stream with its head row',
      tamper: async () => {
        await sql.query('DELETE FROM es_events WHERE stream_id = $1', [streams.c]);
        await sql.query('DELETE FROM es_streams WHERE stream_id = $1', [streams.c]);
      },
      chain: false,
      expectStore: () => ({ seals: { findings: [expect.objectContaining({ kind: 'deleted', seal: 1, streamId: streams.c, revision: 0, toRevision: 1 })] } }),
      bundleMentions: () => `stream ${streams.c} had revisions 0..1; the bundle has none`,
    },
    {
      name: '8. rewrite a stream and recompute its chain',
      tamper: async () => {
        // The register's own hash functions, applied from revision 2 to the end, head included.
        let prev = b[1]!.metadata.hash;
        for (const event of b.slice(2)) {
          const data = { ...event.data, amountFen: 1 };
          const { prevHash: _p, hash: _h, ...metadata } = event.metadata;
          const content = contentHash({ type: event.type, data, metadata });
          const hash = chainHash(prev, event.streamId, event.revision, content);
          await sql.query('UPDATE es_events SET data = $2::jsonb, content_hash = $3, prev_hash = $4, hash = $5 WHERE event_id = $1', [event.id, JSON.stringify(data), content, prev, hash]);
          prev = hash;
        }
        await sql.query('UPDATE es_streams SET last_hash = $2 WHERE stream_id = $1', [streams.b, prev]);
      },
      chain: false,
      expectStore: () => ({ seals: { findings: [expect.objectContaining({ kind: 'recomputed', seal: 2, streamId: streams.b, revision: 3 })] } }),
      bundleMentions: () => `stream ${streams.b} ends at revision 3 with hash`,
    },
    {
      name: '9. add an event behind the seal',
      tamper: async () => {
        // A correctly chained stream, written at the transaction of the first sealed event: inside the sealed range.
        const forged = dues(`forged-${randomUUID()}`, [999])[0]!;
        const streamId = `a-forged-${randomUUID()}`;
        const content = contentHash(forged);
        const hash = chainHash(GENESIS_HASH, streamId, 0, content);
        const first = await sql.query<{ xid: string }>('SELECT min(transaction_id)::text AS xid FROM es_events');
        await sql.query(
          `INSERT INTO es_events (transaction_id, stream_id, stream_revision, event_id, event_type, data, metadata, content_hash, prev_hash, hash, recorded_at)
           VALUES ($1::xid8, $2, 0, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, '2026-03-01T08:00:00Z')`,
          [first.rows[0]!.xid, streamId, forged.id, forged.type, JSON.stringify(forged.data), JSON.stringify(forged.metadata), content, GENESIS_HASH, hash],
        );
        await sql.query('INSERT INTO es_streams (stream_id, revision, last_hash) VALUES ($1, 0, $2)', [streamId, hash]);
        forgedStream = streamId;
      },
      chain: false,
      expectStore: () => ({ seals: { findings: [expect.objectContaining({ kind: 'appended', seal: 1, streamId: forgedStream, revision: 0 })] } }),
      bundleMentions: () => `stream ${forgedStream} revisions 0..0 are at or before the seal's position but were not sealed`,
    },
  ];
  let forgedStream = '';

  it.each(trials)('$name: found by the store’s verification and by the verifier over the bundle', async (trial) => {
    await trial.tamper();
    const found = await detect();
    expect(found.chain.intact).toBe(!trial.chain);
    expect(found.chain.intact && found.seals.intact).toBe(false);
    expect(found).toMatchObject(trial.expectStore());

    const verdict = await verifyBundle(await bundle('tampered'));
    expect(verdict.exitCode).toBe(1);
    const report = JSON.parse(verdict.stdout) as { status: string; findings: { message: string }[] };
    expect(report.status).toBe('tampered');
    expect(report.findings.map((f) => f.message).join('\n')).toContain(trial.bundleMentions());
  });

  it('counts nine trials, four of which the chains alone cannot see', () => {
    expect(trials).toHaveLength(9);
    expect(trials.filter((t) => !t.chain).map((t) => t.name)).toEqual([
      '6. delete the last event and move the head back',
      '7. delete a stream with its head row',
      '8. rewrite a stream and recompute its chain',
      '9. add an event behind the seal',
    ]);
  });

  it('also finds events of different streams swapped in the global order, which no chain sees', async () => {
    // Streams a and c trade the transactions their first append was written in: each chain and each stream's order
    // stay intact, the global order up to the first seal does not.
    const a0 = (await store.readStream(streams.a))[0]!;
    const c0 = (await store.readStream(streams.c))[0]!;
    const xid = async (eventId: string) => (await sql.query<{ xid: string }>('SELECT transaction_id::text AS xid FROM es_events WHERE event_id = $1', [eventId])).rows[0]!.xid;
    const [xa, xc] = [await xid(a0.id), await xid(c0.id)];
    await sql.query('UPDATE es_events SET transaction_id = CASE WHEN transaction_id = $1::xid8 THEN $2::xid8 ELSE $1::xid8 END WHERE transaction_id IN ($1::xid8, $2::xid8)', [xa, xc]);
    const found = await detect();
    expect(found.chain.intact).toBe(true);
    expect(found.seals.findings).toEqual([expect.objectContaining({ kind: 'reordered', seal: 1 })]);
    const verdict = await verifyBundle(await bundle('reordered'));
    expect(verdict.exitCode).toBe(1);
    expect(verdict.stdout).toContain('events behind it were reordered, moved or replaced');
  });

  it('checks a date-range bundle: the day after the seals intact, the sealed day with a rewritten stream not', async () => {
    const dayAfter = await verifyBundle(await bundle('day-after', undefined, { from: new Date('2026-03-02T00:00:00.000Z') }));
    expect(dayAfter.stdout).toContain('"status": "intact"');
    expect(JSON.parse(dayAfter.stdout)).toMatchObject({ counts: { events: 1, streams: 1, seals: 2 } });

    let prev = b[1]!.metadata.hash;
    for (const event of b.slice(2)) {
      const data = { ...event.data, amountFen: 1 };
      const { prevHash: _p, hash: _h, ...metadata } = event.metadata;
      const content = contentHash({ type: event.type, data, metadata });
      const hash = chainHash(prev, event.streamId, event.revision, content);
      await sql.query('UPDATE es_events SET data = $2::jsonb, content_hash = $3, prev_hash = $4, hash = $5 WHERE event_id = $1', [event.id, JSON.stringify(data), content, prev, hash]);
      prev = hash;
    }
    await sql.query('UPDATE es_streams SET last_hash = $2 WHERE stream_id = $1', [streams.b, prev]);
    const sealedDay = await verifyBundle(await bundle('sealed-day', undefined, { from: new Date('2026-03-01T00:00:00.000Z'), to: new Date('2026-03-02T00:00:00.000Z') }));
    expect(sealedDay.exitCode).toBe(1);
    expect(sealedDay.stdout).toContain(`stream ${streams.b} ends at revision 3 with hash`);
  });

  it('finds in an association’s bundle a stream of it cut back with its head moved back', async () => {
    await sql.query('DELETE FROM es_events WHERE event_id = $1', [b[3]!.id]);
    await sql.query('UPDATE es_streams SET revision = 2, last_hash = $2 WHERE stream_id = $1', [streams.b, b[2]!.metadata.hash]);
    const verdict = await verifyBundle(await bundle('association', ASSOCIATION));
    expect(verdict.stdout).toContain('"status": "tampered"');
    expect(verdict.exitCode).toBe(1);
    const messages = (JSON.parse(verdict.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message).join('\n');
    expect(messages).toContain(`stream ${streams.b} revisions 3..3 were sealed and are gone`);
  });
});
