export * from './decider-spec.js';
export * from './postgres.js';
export * from './graphql-client.js';
export * from './graphql-scenario.js';
