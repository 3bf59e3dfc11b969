import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { buildSchema } from 'graphql';
import { noStorePlugin } from './no-store.plugin.js';

describe('the no-store header', () => {
  it('is on every answer, with data or with errors, with the cache-control plugin off', async () => {
    const server = new ApolloServer({
      schema: buildSchema(`type Query { ok: String! fails: String! }`),
      rootValue: { ok: () => 'yes', fails: () => { throw new Error('no'); } },
      plugins: [ApolloServerPluginCacheControlDisabled(), noStorePlugin()],
    });
    await server.start();
    for (const query of ['{ ok }', '{ fails }', '{ unknownField }']) {
      const response = await server.executeOperation({ query });
      expect(response.http.headers.get('cache-control')).toBe('no-store');
    }
    await server.stop();
  });
});
