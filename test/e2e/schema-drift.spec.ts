import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { buildSchemaSdl, RESOLVERS } from '#api';

describe('the committed GraphQL schema', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing resolvers or types)', async () => {
    const committed = await readFile(new URL('../../apps/api/schema.gql', import.meta.url), 'utf8');
    expect(await buildSchemaSdl(RESOLVERS)).toBe(committed);
  });
});
