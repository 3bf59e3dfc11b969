export * from './commands/rankings.handler.js';
export * from './rankings.facts.js';
export * from './rankings.module.js';
