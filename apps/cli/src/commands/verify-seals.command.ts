import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Seal } from '#eventstore';
import { type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseJson, databaseLine, openCliInfrastructure } from './database.js';
import { findingLine, openSealStore, progressLine, unmigrated } from './seals.js';

export const verifySealsCommand: CliCommand = {
  name: 'verify-seals',
  summary: 'Check the event store against its signed seals and its hash chains; name what was deleted, reordered, recomputed or appended behind a seal.',
  usage: '[--seal FILE]... [--json]',
  options: [
    ['--seal FILE', 'A seal printed by `seal --print` and kept outside the register; it must be in the store as printed (repeatable).'],
    ['--json', 'Print the result as JSON (with "status" and "database").'],
  ],
  notes: [
    'The signatures are checked with the public key of SEAL_SIGNING_KEY (or DATA_DIR/keys/seal.key): run it with the\n' +
      'settings of the service. A department checks an exported bundle with verifier/verify.mjs instead.',
    'Exit codes: 0 intact, 2 tampered, 3 no seal yet (nothing to check against; the chains were checked), 1 could not\n' +
      'check (no database), 64 bad arguments.',
  ],
  async run(args) {
    const { values } = parseOrUsage(() => parseArgs({ args, options: { seal: { type: 'string', multiple: true }, json: { type: 'boolean' } } }));
    const printed: Seal[] = [];
    for (const file of values.seal ?? []) printed.push(...readPrinted(file));
    const [{ loadConfig }, { SealSigningKey, verifyStoreSeals }, { misfitOf }] = await Promise.all([import('#platform'), import('#eventstore'), import('#domain/streams')]);
    const config = loadConfig();
    const key = new SealSigningKey(config.seals.signingKey);
    const infrastructure = await openCliInfrastructure(config);
    const seals = openSealStore(infrastructure);
    try {
      if (!values.json) process.stderr.write(`${databaseLine(infrastructure)}\n`);
      const chain = await infrastructure.store.verifyAll({ misfit: misfitOf }).catch(unmigrated);
      const progress = progressLine('checking seals', chain.eventsChecked);
      const sealed = await verifyStoreSeals(infrastructure.store, seals, key.publicKeyRaw, { printed, onProgress: (n) => progress.update(n) }).catch(unmigrated);
      progress.finish(sealed.eventsChecked);
      const status = !chain.intact || !sealed.intact ? 'broken' : sealed.sealsChecked === 0 ? 'unsealed' : 'intact';
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ status, database: databaseJson(infrastructure), chain, seals: sealed }, null, 2)}\n`);
      } else if (status === 'intact') {
        const latest = sealed.latest!;
        process.stdout.write(
          `Intact: ${sealed.eventsChecked} events against ${sealed.sealsChecked} seal${sealed.sealsChecked === 1 ? '' : 's'} (latest: seal ${latest.sequence} of ${latest.sealedAt}, ${latest.treeSize} events, root ${latest.rootHash}); ${sealed.unsealedEvents} appended since.\n`,
        );
      } else if (status === 'unsealed') {
        process.stdout.write(`No seal yet: ${chain.eventsChecked} events checked by their chains only. Run \`npm run cli -- seal\`.\n`);
      } else {
        const lines = sealed.findings.map(findingLine);
        const b = chain.firstBreak;
        if (b) lines.unshift(`  chain     ${b.streamId}@${b.revision}: ${b.reason} (event ${b.eventId}, position ${b.position}; expected ${b.expected}, found ${b.actual})`);
        process.stdout.write(`TAMPERED: ${lines.length} finding${lines.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n`);
      }
      return status === 'intact' ? EXIT.ok : status === 'unsealed' ? EXIT.empty : EXIT.broken;
    } finally {
      await seals.close();
      await infrastructure.close();
    }
  },
};

/** A file from `seal --print`: one seal as JSON, an array of them, or one per line. */
function readPrinted(file: string): Seal[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    throw new CliUsageError(`--seal ${file}: cannot read the file.`);
  }
  const seals: Seal[] = [];
  const take = (value: unknown) => {
    const seal = ((value as { seal?: unknown })?.seal ?? value) as Partial<Seal>;
    if (typeof seal?.sequence !== 'number' || typeof seal.signature !== 'string' || typeof seal.rootHash !== 'string') throw new CliUsageError(`--seal ${file} does not hold a printed seal.`);
    seals.push(seal as Seal);
  };
  try {
    const whole = JSON.parse(text) as unknown;
    if (Array.isArray(whole)) whole.forEach(take);
    else take(whole);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    try {
      for (const line of text.split('\n')) if (line.trim()) take(JSON.parse(line));
    } catch (inner) {
      if (inner instanceof SyntaxError) throw new CliUsageError(`--seal ${file} is not JSON.`);
      throw inner;
    }
  }
  return seals;
}
