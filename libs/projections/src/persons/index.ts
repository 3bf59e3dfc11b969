export * from './persons.projection.js';
export * from './persons.queries.js';
