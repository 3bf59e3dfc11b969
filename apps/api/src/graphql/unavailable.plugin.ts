import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCodes } from '#platform';

/** Used when an UNAVAILABLE error does not say how long to wait. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

function retryAfterOf(errors: readonly GraphQLFormattedError[]): number | null {
  let longest: number | null = null;
  for (const error of errors) {
    if (error.extensions?.code !== ErrorCodes.unavailable) continue;
    const hinted = error.extensions.retryAfterSeconds;
    const seconds = typeof hinted === 'number' && Number.isFinite(hinted) && hinted > 0 ? Math.ceil(hinted) : DEFAULT_RETRY_AFTER_SECONDS;
    longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}

/**
 * An answer holding an UNAVAILABLE error (the database could not be reached) is sent as HTTP 503 with
 * `Retry-After`, the longest wait its errors ask for: what an HTTP client, a proxy or a load balancer reads as
 * "try again", without parsing the GraphQL body. The body is unchanged (the errors keep `retryAfterSeconds`).
 *
 * It owns the status of every execution result (a body with `data`): any other one goes out as 200, whatever an
 * error's `extensions.http` asks for, which is what the Nest driver's own plugin did before it was turned off
 * (`preserveHttpStatusForExecutionErrors: false` in app.module.ts): that plugin runs after this one and would set
 * the 503 back to 200. Request-level refusals (parse, validation, limits) keep their status.
 */
export function unavailablePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          const retryAfter = retryAfterOf(singleResult.errors ?? []);
          if (retryAfter !== null) {
            response.http.status = 503;
            response.http.headers.set('retry-after', String(retryAfter));
          } else if ('data' in singleResult) {
            response.http.status = 200;
          }
        },
      };
    },
  };
}
