export * from './decider-spec.js';
export * from './postgres.js';
