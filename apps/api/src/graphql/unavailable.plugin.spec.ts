import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { formatGraphQLError, UnavailableError } from '#platform';
import { unavailablePlugin } from './unavailable.plugin.js';

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

describe('answers the database could not give', () => {
  const server = new ApolloServer({
    schema: buildSchema(`type Query { ok: String! down: String refused: String slow: String broken: String }`),
    rootValue: {
      ok: () => 'yes',
      down: () => {
        throw new UnavailableError(undefined, 12);
      },
      refused: () => {
        throw refused();
      },
      slow: () => {
        throw new UnavailableError(undefined, 30);
      },
      broken: () => {
        throw new Error('a fault in the program');
      },
    },
    formatError: (formatted, error) => formatGraphQLError(formatted, error),
    plugins: [unavailablePlugin()],
  });

  it('go out as 503 with Retry-After, the longest wait any of their errors asks for', async () => {
    await server.start();
    try {
      const down = await server.executeOperation({ query: '{ ok down }' });
      expect(down.http.status).toBe(503);
      expect(down.http.headers.get('retry-after')).toBe('12');

      const both = await server.executeOperation({ query: '{ refused slow }' });
      expect(both.http.status).toBe(503);
      expect(both.http.headers.get('retry-after')).toBe('30');
      expect(both.body.kind === 'single' && both.body.singleResult.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);

      // A lost connection (not raised as UnavailableError) is classified by formatGraphQLError and gets the default hint.
      const lost = await server.executeOperation({ query: '{ refused }' });
      expect(lost.http.status).toBe(503);
      expect(lost.http.headers.get('retry-after')).toBe('5');

      for (const query of ['{ ok }', '{ broken }', '{ unknownField }']) {
        const other = await server.executeOperation({ query });
        expect(other.http.status).not.toBe(503);
        expect(other.http.headers.get('retry-after')).toBeUndefined();
      }
    } finally {
      await server.stop();
    }
  });
});
