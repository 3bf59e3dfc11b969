import type { DataSource } from 'typeorm';
import { misfitOf } from '#domain/streams';
import type { EventStore, Position } from '#eventstore';

/**
 * The stream-id scheme this build writes and reads (ADR 0012): `<category>-<part>[:<part>…]`, one kind per category.
 * Earlier builds wrote ids such as `dues-receipt-<association>-<receipt>` that could collide across associations;
 * a store holding them is refused at start rather than read under a scheme it was not written in.
 */
export const STREAM_ID_SCHEME = 2;

const SCAN_PAGE = 1_000;

/** The data folder cannot be used by this build: the message says why and what to do. */
export class StoreFormatError extends Error {
  override readonly name = 'StoreFormatError';
}

interface FormatRow {
  stream_id_scheme: number;
}

async function recordedScheme(dataSource: DataSource): Promise<number | null> {
  const rows = (await dataSource.query('SELECT stream_id_scheme FROM register_store_format')) as FormatRow[];
  return rows[0]?.stream_id_scheme ?? null;
}

/**
 * Part of migrate: makes sure the store follows this build's stream-id scheme, once per database. An empty store
 * does at once; a store without the record (written by an earlier build, or read models reset beside an existing
 * store) is read to its end, and the first stream of no known kind, or holding an event its kind does not hold,
 * refuses the store. Returns how many events were checked (0 when the record was there).
 */
export async function ensureStoreFormat(store: EventStore, dataSource: DataSource, where: string): Promise<number> {
  const scheme = await recordedScheme(dataSource);
  if (scheme === STREAM_ID_SCHEME) return 0;
  if (scheme !== null) {
    throw new StoreFormatError(`${where} was written with stream-id scheme ${scheme}; this build reads scheme ${STREAM_ID_SCHEME} only. Run the build that wrote it.`);
  }
  let after: Position | null = null;
  let checked = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: SCAN_PAGE });
    for (const event of page.events) {
      const misfit = misfitOf(event.streamId, event.type);
      if (misfit) {
        throw new StoreFormatError(
          `${where} holds events written by an earlier version of the register, whose stream ids could collide across ` +
            `associations (first found: ${misfit.message}; docs/adr/0012-stream-identities-and-atomic-reservations.md). ` +
            `This version does not read them, so that nothing is misread.\n` +
            `To start afresh, stop the register and move the data folder aside (for example: mv data data.before-upgrade), then start again; ` +
            `to keep using these records, run the earlier version on this folder.`,
        );
      }
    }
    checked += page.events.length;
    if (page.events.length < SCAN_PAGE) break;
    after = page.position;
  }
  await dataSource.query(
    `INSERT INTO register_store_format (stream_id_scheme, events_checked) VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING`,
    [STREAM_ID_SCHEME, checked],
  );
  return checked;
}

/** For processes that do not migrate (api, projector): the store must have been checked by a migrate of this build. */
export async function assertStoreFormat(dataSource: DataSource, where: string): Promise<void> {
  const scheme = await recordedScheme(dataSource).catch(() => null);
  if (scheme !== STREAM_ID_SCHEME) {
    throw new StoreFormatError(`${where} has not been migrated by this build: run \`npm run cli -- migrate\` once, then start this process again.`);
  }
}
