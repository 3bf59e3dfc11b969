export { RESOLVERS } from './app.module.js';
export { consoleUrl } from './console/index.js';
export { buildSchemaSdl, schemaSdl } from './graphql/schema-printer.js';
export * from './runtime.js';
export * from './server.js';
