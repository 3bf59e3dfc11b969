import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type CliCommand, CliFailure, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseLine, openCliInfrastructure } from './database.js';

export const exportPersonCommand: CliCommand = {
  name: 'export-person',
  summary: 'Write everything the register holds about one person (PIPL Art. 45) as JSON, opened, with every event and its hash.',
  usage: '--person ID [--out FILE]',
  options: [
    ['--person ID', 'The register id of the person (PSN and 16 characters; required).'],
    ['--out FILE', 'Write the JSON to this new file (mode 0600; refused if it exists) instead of standard output.'],
  ],
  notes: [
    'The output holds personal data in plain text, the identity-card number included: hand it to the person only,\n' +
      'and delete it once handed over. The data keys are read as the service reads them (PERSONAL_DATA_MASTER_KEY or\n' +
      'DATA_DIR/keys/master.key): run it with the settings of the service.',
    'Exit codes: 0 written, 1 failed (no database, no such person), 64 bad arguments.',
  ],
  async run(args) {
    const { values } = parseOrUsage(() => parseArgs({ args, options: { person: { type: 'string' }, out: { type: 'string' } } }));
    const { isPersonId } = await import('#domain/persons');
    if (values.person === undefined) throw new CliUsageError('--person is required: the register id of the person.');
    if (!isPersonId(values.person)) {
      // Not echoed: what was typed may be an identity-card number.
      throw new CliUsageError('--person must be a register id: PSN and 16 characters of Crockford base32.');
    }
    if (values.out !== undefined && values.out.trim() === '') throw new CliUsageError('--out needs a file name.');

    const [{ loadConfig, SystemClock }, { PersonalDataExport }, { AuditQueries, CheckpointWaiter }, { NotFound }] = await Promise.all([
      import('#platform'),
      import('#application'),
      import('#projections'),
      import('#domain/shared'),
    ]);
    const config = loadConfig();
    const infrastructure = await openCliInfrastructure(config);
    const waiter = new CheckpointWaiter({ dataSource: infrastructure.dataSource });
    try {
      process.stderr.write(`${databaseLine(infrastructure)}\n`);
      const exporter = new PersonalDataExport(
        { store: infrastructure.store, personalData: infrastructure.personalData, clock: new SystemClock(), waiter, config },
        new AuditQueries(infrastructure.dataSource),
      );
      let result;
      try {
        result = await exporter.of(values.person);
      } catch (error) {
        if (error instanceof NotFound) throw new CliFailure(`No person ${values.person} is in the register.`);
        // A database this build has not migrated lacks the event store, the audit trail or its person index.
        const code = (error as { code?: unknown }).code;
        if (code === '42883' || code === '42P01') {
          throw new CliFailure('This database is not migrated for this build: run `npm run cli -- migrate` (or start the service) first.');
        }
        throw error;
      }
      const json = `${JSON.stringify(result, null, 2)}\n`;
      if (values.out === undefined) process.stdout.write(json);
      else await writeNew(values.out, json);
      process.stderr.write(
        `The output${values.out === undefined ? '' : ` (${values.out})`} holds personal data of ${result.personId} in plain text: hand it to the person only.\n`,
      );
      const behind = result.sources.filter((s) => !s.current).map((s) => s.readModel);
      if (behind.length > 0) {
        process.stderr.write(`Warning: the ${behind.join(', ')} read model had not caught up with the event store: streams naming the person may be missing.\n`);
      }
      return EXIT.ok;
    } finally {
      await waiter.close();
      await infrastructure.close();
    }
  },
};

/** Creates the file readable by its owner only, never over an existing one (a link could point anywhere). */
async function writeNew(path: string, text: string): Promise<void> {
  let file;
  try {
    file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliFailure(code === 'EEXIST' ? `${path} exists already: choose a new file.` : `Could not create ${path}: ${(error as Error).message}`);
  }
  try {
    // The mode given to open is narrowed by the umask, never widened; set it exactly.
    await file.chmod(0o600);
    await file.writeFile(text, 'utf8');
  } finally {
    await file.close();
  }
}
