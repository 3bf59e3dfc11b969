export * from './experts.projection.js';
export * from './experts.queries.js';
