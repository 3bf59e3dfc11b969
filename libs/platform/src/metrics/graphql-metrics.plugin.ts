import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphqlOperationType, Metrics } from './metrics.js';

/**
 * Apollo Server plugin counting requests by operation type and outcome. Add it to the driver options:
 * `GraphQLModule.forRootAsync({ inject: [Metrics], useFactory: (m) => ({ plugins: [graphqlMetricsPlugin(m)] }) })`.
 */
export function graphqlMetricsPlugin<TContext extends BaseContext = BaseContext>(metrics: Metrics): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let failed = false;
      return {
        async didEncounterErrors() {
          failed = true;
        },
        async willSendResponse({ operation }) {
          const type: GraphqlOperationType = operation?.operation ?? 'unknown';
          metrics.recordGraphqlRequest(type, failed ? 'error' : 'ok');
        },
      };
    },
  };
}
