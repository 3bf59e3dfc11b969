import { parseArgs } from 'node:util';
import type { ChainVerification, EventStore } from '#eventstore';
import { type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';
import { databaseJson, databaseLine, openCliInfrastructure } from './database.js';

type Status = 'intact' | 'empty' | 'broken';

export const verifyChainCommand: CliCommand = {
  name: 'verify-chain',
  summary: 'Recompute the hash chains of the event store (or of one stream) and check every event belongs in its stream; name the first broken event if any.',
  usage: '[--stream ID] [--json]',
  options: [
    ['--stream ID', 'Verify only this stream (e.g. enterprise-91420100177678329F).'],
    ['--json', 'Print the result as JSON (with "status" and "database").'],
  ],
  notes: [
    'It checks the database `start` uses with the same settings (the cluster running in the data folder, on\n' +
      'whatever port it listens, or DATABASE_URL) and prints which one first.',
    'Exit codes: 0 intact, 2 broken, 3 empty (no events, so nothing was verified), 1 could not check\n' +
      '(no database, refused), 64 bad arguments.',
  ],
  async run(args) {
    const { values } = parseOrUsage(() => parseArgs({ args, options: { stream: { type: 'string' }, json: { type: 'boolean' } } }));
    if (values.stream !== undefined && values.stream.trim() === '') throw new CliUsageError('--stream needs a stream id.');
    const { loadConfig } = await import('#platform');
    const config = loadConfig();
    const infrastructure = await openCliInfrastructure(config);
    try {
      const result = await verify(infrastructure.store, values.stream);
      const status: Status = !result.intact ? 'broken' : result.eventsChecked === 0 ? 'empty' : 'intact';
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ status, database: databaseJson(infrastructure), ...result }, null, 2)}\n`);
      } else {
        process.stdout.write(`${databaseLine(infrastructure)}\n${describe(status, result, values.stream)}`);
      }
      return status === 'intact' ? EXIT.ok : status === 'empty' ? EXIT.empty : EXIT.broken;
    } finally {
      await infrastructure.close();
    }
  },
};

async function verify(store: Pick<EventStore, 'verifyAll' | 'verifyStream'>, stream: string | undefined) {
  // Besides the hash chains: every event must belong in its stream (a stream of a known kind, a type that kind holds).
  const { misfitOf } = await import('#domain/streams');
  try {
    return stream === undefined ? await store.verifyAll({ misfit: misfitOf }) : await store.verifyStream(stream, { misfit: misfitOf });
  } catch (error) {
    // A database no service has started yet has no event store tables: it holds no events.
    if ((error as { code?: unknown }).code === '42P01') return { intact: true, streamsChecked: 0, eventsChecked: 0, firstBreak: null };
    throw error;
  }
}

function describe(status: Status, result: ChainVerification, stream: string | undefined): string {
  if (status === 'empty') {
    return stream === undefined
      ? 'Empty: the event store holds no events; nothing to verify.\n'
      : `Empty: stream ${stream} holds no events; nothing to verify.\n`;
  }
  const counted = `${plural(result.eventsChecked, 'event')} in ${plural(result.streamsChecked, 'stream')}`;
  if (status === 'intact') return `Intact: ${counted} verified.\n`;
  const b = result.firstBreak!;
  return (
    `BROKEN at stream ${b.streamId}, revision ${b.revision} (event ${b.eventId}, position ${b.position}): ${b.reason}.\n` +
    `  expected ${b.expected}\n  found    ${b.actual}\n` +
    `  (${counted} checked)\n`
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
