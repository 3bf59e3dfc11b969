import { buildSchemaSdl, RESOLVERS } from '#api';
import type { CliCommand } from './command.js';

export const printSchemaCommand: CliCommand = {
  name: 'print-schema',
  summary: 'Print the GraphQL schema (SDL) built from the code; apps/api/schema.gql is this output.',
  usage: '',
  async run() {
    process.stdout.write(await buildSchemaSdl(RESOLVERS));
    return 0;
  },
};
