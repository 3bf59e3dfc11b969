import { parseArgs } from 'node:util';
import { type CliCommand, CliFailure, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseLine, openCliInfrastructure } from './database.js';
import { buildInfo, openSealStore, progressLine, unmigrated } from './seals.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A date is a day in China (UTC+8); `--to` a date takes the whole day. An instant is taken as given. */
function parseBound(option: string, value: string | undefined, endOfDay: boolean): Date | null {
  if (value === undefined) return null;
  let instant: number;
  if (DATE.test(value)) instant = Date.parse(`${value}T00:00:00+08:00`) + (endOfDay ? 86_400_000 : 0);
  else if (INSTANT.test(value)) instant = Date.parse(value);
  else instant = Number.NaN;
  if (Number.isNaN(instant)) throw new CliUsageError(`${option} must be a date (2026-01-31) or an instant with a time zone (2026-01-31T08:00:00Z).`);
  return new Date(instant);
}

export const exportAuditCommand: CliCommand = {
  name: 'export-audit',
  summary: 'Write an offline audit bundle: events as NDJSON with their hashes, the seals, the public key and a signed manifest, for verifier/verify.mjs.',
  usage: '[--association ID] [--from DATE] [--to DATE] --out DIR',
  options: [
    ['--association ID', 'Only the streams of this association, whole (with every leaf hash of the store and head proofs to check them).'],
    ['--from DATE', 'Only events recorded from this day (China time) or instant on.'],
    ['--to DATE', 'Only events recorded up to this day (inclusive) or before this instant.'],
    ['--out DIR', 'A new or empty folder for the bundle (required).'],
  ],
  notes: [
    'Personal fields are exported as recorded: sealed ciphertext, never opened; no personal-data key is read. The\n' +
      "bundle's README.txt says what is in it and how to check it: `node verifier/verify.mjs DIR`.",
    'Exit codes: 0 written, 1 failed (no database, folder not empty), 64 bad arguments.',
  ],
  async run(args) {
    const { values } = parseOrUsage(() =>
      parseArgs({ args, options: { association: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } } }),
    );
    if (values.out === undefined || values.out.trim() === '') throw new CliUsageError('--out is required: a new or empty folder for the bundle.');
    if (values.association !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(values.association)) throw new CliUsageError('--association must be an association id (letters, digits, - and _).');
    const from = parseBound('--from', values.from, false);
    const to = parseBound('--to', values.to, true);
    if (from && to && from >= to) throw new CliUsageError('--from must be before --to.');

    const [{ loadConfig, SystemClock }, { exportAuditBundle, SealSigningKey }, { ownerOfEvent }] = await Promise.all([import('#platform'), import('#eventstore'), import('#domain/visibility')]);
    const config = loadConfig();
    const key = new SealSigningKey(config.seals.signingKey);
    const infrastructure = await openCliInfrastructure(config);
    const seals = openSealStore(infrastructure);
    try {
      process.stderr.write(`${databaseLine(infrastructure)}\n`);
      const total = await infrastructure.store.countEventsAfter(null, Number.MAX_SAFE_INTEGER).catch(unmigrated);
      const progress = progressLine('exporting', total);
      let manifest;
      try {
        manifest = await exportAuditBundle(infrastructure.store, seals, {
          out: values.out,
          key,
          build: buildInfo(),
          now: new SystemClock().now(),
          association: values.association ?? null,
          from,
          to,
          associationOf: (streamId, data) => ownerOfEvent(streamId, data).associationId ?? null,
          onProgress: (n) => progress.update(n),
        });
      } catch (error) {
        if (error instanceof Error && /is not empty/.test(error.message)) throw new CliFailure(error.message);
        return unmigrated(error);
      }
      progress.finish(manifest.counts.storeEvents);
      process.stdout.write(
        `Written: ${values.out} with ${manifest.counts.events} events in ${manifest.counts.streams} streams and ${manifest.counts.seals} seals` +
          `${manifest.scope.complete ? '' : ` (partial: ${manifest.counts.leaves} leaf hashes of the store)`}.\n` +
          `Check it with: node verifier/verify.mjs ${values.out}\n`,
      );
      if (manifest.counts.seals === 0) process.stderr.write('Warning: the store holds no seal yet; run `npm run cli -- seal` first for a bundle that proves more than its chains.\n');
      return EXIT.ok;
    } finally {
      await seals.close();
      await infrastructure.close();
    }
  },
};
