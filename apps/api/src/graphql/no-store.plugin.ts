import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Every GraphQL answer is `Cache-Control: no-store`: answers depend on the bearer token and on data that
 * changes with every command. Apollo's cache-control plugin gave the same header (the schema sets no cache
 * hints), but it does so from a `willResolveField` hook, which makes Apollo wrap and call a hook for every
 * field of every answer; it is disabled in the driver options and this one header replaces it.
 */
export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
