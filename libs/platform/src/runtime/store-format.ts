import type { DataSource } from 'typeorm';
import { CreditApplicationStream, CreditConductStream, isIdentityCardShaped } from '#domain/credit';
import { isPersonId } from '#domain/persons';
import { misfitOf } from '#domain/streams';
import type { EventStore, Position, RecordedEvent } from '#eventstore';

/**
 * The stream-id scheme this build writes and reads (ADR 0012): `<category>-<part>[:<part>…]`, one kind per category.
 * Earlier builds wrote ids such as `dues-receipt-<association>-<receipt>` that could collide across associations;
 * a store holding them is refused at start rather than read under a scheme it was not written in.
 * 3: the same ids, and a person is a credit subject by register id only (docs/privacy.md): a store where a person is
 * named by identity-card number (in a stream id or an event) is refused.
 */
export const STREAM_ID_SCHEME = 3;
/** The scheme before persons were subjects by register id: its ids are read as they are, once checked for persons. */
const SCHEME_BEFORE_PERSONS = 2;

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
 * What a store says of persons it names as credit subjects other than by register id: applications under a PERSON
 * rulebook, and conduct files of a subject shaped like an identity-card number or rated as a person. It counts, and
 * keeps the first association and cycle; never the subject.
 */
class PersonSubjects {
  private applications = 0;
  private firstApplication: string | null = null;
  private readonly personSubjects = new Set<string>();
  private readonly conductSubjects = new Set<string>();

  see(event: RecordedEvent): void {
    const application = CreditApplicationStream.parse(event.streamId);
    if (application) {
      const [associationId, cycleId, subjectId] = application as [string, string, string];
      const data = event.data as { subjectKind?: unknown; subjectId?: unknown };
      const person = event.type === 'CreditApplicationFiled' && data.subjectKind === 'PERSON' && !isPersonId(data.subjectId);
      if (person || (event.type === 'CreditApplicationFiled' && isIdentityCardShaped(subjectId))) {
        this.applications += 1;
        this.firstApplication ??= `association ${associationId}, cycle ${cycleId}`;
        this.personSubjects.add(subjectId);
      }
      return;
    }
    const conduct = CreditConductStream.parse(event.streamId);
    if (conduct) this.conductSubjects.add(conduct[0]!);
  }

  /** The refusal, or null when every person the store names is named by register id. */
  refusal(where: string): StoreFormatError | null {
    const conductFiles = [...this.conductSubjects].filter((s) => this.personSubjects.has(s) || isIdentityCardShaped(s)).length;
    if (this.applications === 0 && conductFiles === 0) return null;
    const found = [
      this.applications > 0 ? `${this.applications} credit application(s) of persons (first: ${this.firstApplication})` : null,
      conductFiles > 0 ? `${conductFiles} conduct file(s) of persons` : null,
    ].filter((f) => f !== null);
    return new StoreFormatError(
      `${where} holds credit evaluations that name persons by identity-card number or another id that is not a register id of the ` +
        `persons register: ${found.join(' and ')}. Identity-card numbers in stream ids and events cannot be erased from an ` +
        `append-only log, so this version does not open the folder.\n` +
        `Start the register on a new data folder and re-file those evaluations under register ids (register each person with ` +
        `registerPerson first). Keep the old folder only as long as the law requires you to keep those records, then destroy it ` +
        `securely (docs/privacy.md, "Data folders written before").`,
    );
  }
}

/**
 * Part of migrate: makes sure the store follows this build's stream-id scheme, once per database. An empty store
 * does at once; a store without the record (written by an earlier build, or read models reset beside an existing
 * store) is read to its end, and the first stream of no known kind, or holding an event its kind does not hold,
 * refuses the store; a store of the scheme before persons were subjects by register id is read once more for them.
 * Either way a store naming a person as a credit subject by anything but a register id is refused. Returns how many
 * events were checked (0 when the record was there).
 */
export async function ensureStoreFormat(store: EventStore, dataSource: DataSource, where: string): Promise<number> {
  const scheme = await recordedScheme(dataSource);
  if (scheme === STREAM_ID_SCHEME) return 0;
  if (scheme !== null && scheme !== SCHEME_BEFORE_PERSONS) {
    throw new StoreFormatError(`${where} was written with stream-id scheme ${scheme}; this build reads scheme ${STREAM_ID_SCHEME} only. Run the build that wrote it.`);
  }
  const persons = new PersonSubjects();
  let after: Position | null = null;
  let checked = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: SCAN_PAGE });
    for (const event of page.events) {
      // A store recorded at the scheme before persons already had its ids checked.
      const misfit = scheme === null ? misfitOf(event.streamId, event.type) : null;
      if (misfit) {
        throw new StoreFormatError(
          `${where} holds events written by an earlier version of the register, whose stream ids could collide across ` +
            `associations (first found: ${misfit.message}; docs/adr/0012-stream-identities-and-atomic-reservations.md). ` +
            `This version does not read them, so that nothing is misread.\n` +
            `To start afresh, stop the register and move the data folder aside (for example: mv data data.before-upgrade), then start again; ` +
            `to keep using these records, run the earlier version on this folder.`,
        );
      }
      persons.see(event);
    }
    checked += page.events.length;
    if (page.events.length < SCAN_PAGE) break;
    after = page.position;
  }
  const refusal = persons.refusal(where);
  if (refusal) throw refusal;
  await dataSource.query(
    `INSERT INTO register_store_format (stream_id_scheme, events_checked) VALUES ($1, $2)
     ON CONFLICT (singleton) DO UPDATE SET stream_id_scheme = EXCLUDED.stream_id_scheme, events_checked = EXCLUDED.events_checked, checked_at = now()
       WHERE register_store_format.stream_id_scheme < EXCLUDED.stream_id_scheme`,
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
