export * from './commands/enterprise.handler.js';
export * from './enterprise.facts.js';
export * from './enterprise.module.js';
