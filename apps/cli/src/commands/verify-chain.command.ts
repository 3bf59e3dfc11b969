import { parseArgs } from 'node:util';
import { createLogger, loadConfig, openInfrastructure } from '#platform';
import type { CliCommand } from './command.js';

export const verifyChainCommand: CliCommand = {
  name: 'verify-chain',
  summary: 'Recompute the hash chain of one stream or of the whole store; exit 2 and name the first broken event if any.',
  usage: '[--stream <stream id>] [--json]',
  async run(args) {
    const { values } = parseArgs({ args, options: { stream: { type: 'string' }, json: { type: 'boolean' } } });
    const config = loadConfig();
    const infrastructure = await openInfrastructure(config, createLogger({ level: 'warn', service: 'register-cli' }));
    try {
      const result = values.stream
        ? await infrastructure.store.verifyStream(values.stream)
        : await infrastructure.store.verifyAll();
      if (values.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (result.intact) {
        process.stdout.write(`Intact: ${result.eventsChecked} events in ${result.streamsChecked} streams verified.\n`);
      } else {
        const b = result.firstBreak!;
        process.stdout.write(
          `BROKEN at stream ${b.streamId}, revision ${b.revision} (event ${b.eventId}, position ${b.position}): ${b.reason}.\n` +
            `  expected ${b.expected}\n  found    ${b.actual}\n` +
            `  (${result.eventsChecked} events in ${result.streamsChecked} streams checked)\n`,
        );
      }
      return result.intact ? 0 : 2;
    } finally {
      await infrastructure.close();
    }
  },
};
