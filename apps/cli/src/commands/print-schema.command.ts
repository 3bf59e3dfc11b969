import { parseArgs } from 'node:util';
import { type CliCommand, EXIT, parseOrUsage } from './command.js';

export const printSchemaCommand: CliCommand = {
  name: 'print-schema',
  summary: 'Print the GraphQL schema (SDL) built from the code; apps/api/schema.gql is this output.',
  usage: '',
  async run(args) {
    parseOrUsage(() => parseArgs({ args, options: {} }));
    const { buildSchemaSdl, RESOLVERS } = await import('#api');
    process.stdout.write(await buildSchemaSdl(RESOLVERS));
    return EXIT.ok;
  },
};
