export * from './app-errors.js';
export * from './graphql-errors.js';
export * from './validation.pipe.js';
export * from './graphql-exception.filter.js';
