import { parseArgs } from 'node:util';
import { type CliCommand, CliFailure, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseLine, openCliInfrastructure } from './database.js';
import { findingLine, openSealStore, progressLine, unmigrated } from './seals.js';

export const sealCommand: CliCommand = {
  name: 'seal',
  summary: 'Sign a seal over the event log now: the Merkle root of the global order and of the stream heads, signed with SEAL_SIGNING_KEY.',
  usage: '[--print] [--json] | --prove OLDER NEWER',
  options: [
    ['--print', 'Print the latest seal as JSON (root, size, position, time, public key, signature) for a department to keep.'],
    ['--json', 'Print the outcome as JSON.'],
    ['--prove OLDER NEWER', 'Print the RFC 6962 consistency proof between two seals (by number) and check it; seals nothing.'],
  ],
  notes: [
    'The store is checked against every seal it holds first; a store that no longer matches them is not sealed over\n' +
      '(exit 2, with what was found). Nothing appended since the latest seal: no new seal, the latest is printed.\n' +
      'The key is the service\'s (SEAL_SIGNING_KEY or DATA_DIR/keys/seal.key): run it with the settings of the service.',
    'Exit codes: 0 sealed (or proof holds), 2 the store does not match its seals (or the proof fails), 1 could not seal\n' +
      '(no database, refused), 64 bad arguments.',
  ],
  async run(args) {
    const { values, positionals } = parseOrUsage(() =>
      parseArgs({ args, allowPositionals: true, options: { print: { type: 'boolean' }, json: { type: 'boolean' }, prove: { type: 'boolean' } } }),
    );
    let prove: [number, number] | null = null;
    if (values.prove) {
      const numbers = positionals.map(Number);
      if (positionals.length !== 2 || !numbers.every((n) => Number.isSafeInteger(n) && n >= 1)) throw new CliUsageError('--prove needs two seal numbers, the older first (e.g. --prove 3 7).');
      if (numbers[0]! > numbers[1]!) throw new CliUsageError('--prove takes the older seal first.');
      prove = [numbers[0]!, numbers[1]!];
    } else if (positionals.length > 0) {
      throw new CliUsageError(`Unexpected argument ${JSON.stringify(positionals[0])}.`);
    }
    const [{ loadConfig, SystemClock }, { proveSealConsistency, sealEventStore, SealRefusedError, SealSigningKey, allSeals }] = await Promise.all([import('#platform'), import('#eventstore')]);
    const config = loadConfig();
    const key = new SealSigningKey(config.seals.signingKey);
    const infrastructure = await openCliInfrastructure(config);
    const seals = openSealStore(infrastructure);
    try {
      process.stderr.write(`${databaseLine(infrastructure)}\n`);
      if (prove) {
        const all = await allSeals(seals).catch(unmigrated);
        const older = all.find((r) => r.seal.sequence === prove[0]);
        const newer = all.find((r) => r.seal.sequence === prove[1]);
        if (!older || !newer) throw new CliFailure(`No seal ${!older ? prove[0] : prove[1]}: the store holds seals 1 to ${all.length}.`);
        const proof = await proveSealConsistency(infrastructure.store, older.seal, newer.seal);
        process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
        process.stderr.write(proof.verified ? `Consistent: seal ${prove[0]} is a prefix of seal ${prove[1]}.\n` : `NOT consistent: the store's events do not prove seal ${prove[0]} a prefix of seal ${prove[1]}.\n`);
        return proof.verified ? EXIT.ok : EXIT.broken;
      }
      const clock = new SystemClock();
      const progress = progressLine('sealing', null);
      let outcome;
      try {
        outcome = await sealEventStore(infrastructure.store, seals, key, { now: () => clock.now(), onProgress: (n) => progress.update(n) });
      } catch (error) {
        if (error instanceof SealRefusedError) {
          progress.finish(error.verification.eventsChecked);
          const lines = error.verification.findings.map(findingLine);
          if (values.json) process.stdout.write(`${JSON.stringify({ status: 'broken', findings: error.verification.findings }, null, 2)}\n`);
          else process.stdout.write(`NOT SEALED: the event store does not match its seals (${lines.length} finding${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}\n`);
          return EXIT.broken;
        }
        return unmigrated(error);
      }
      progress.finish(outcome.verification.eventsChecked);
      const seal = outcome.record.seal;
      if (values.print) {
        process.stdout.write(`${JSON.stringify(seal, null, 2)}\n`);
      } else if (values.json) {
        process.stdout.write(`${JSON.stringify({ status: outcome.created ? 'sealed' : 'unchanged', seal }, null, 2)}\n`);
      } else {
        const what = outcome.created ? `Sealed: seal ${seal.sequence}` : `Nothing new since seal ${seal.sequence}`;
        process.stdout.write(
          `${what} over ${seal.treeSize} events up to position ${seal.position ?? '(none)'}, sealed ${seal.sealedAt}.\n` +
            `  root        ${seal.rootHash}\n  heads root  ${seal.headsRoot} (${seal.headsCount} streams)\n  public key  ${seal.publicKey} (ed25519)\n`,
        );
      }
      return EXIT.ok;
    } finally {
      await seals.close();
      await infrastructure.close();
    }
  },
};
