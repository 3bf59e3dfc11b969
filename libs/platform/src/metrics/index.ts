export {
  COMMAND_OUTCOMES,
  GRAPHQL_OPERATION_TYPES,
  Metrics,
  type CommandOutcome,
  type GraphqlOperationType,
  type MetricsOptions,
  type ProjectionLagSource,
} from './metrics.js';
export { MetricsModule } from './metrics.module.js';
export { graphqlMetricsPlugin } from './graphql-metrics.plugin.js';
