export * from './commands/credit-application.handler.js';
export * from './commands/credit-conduct.handler.js';
export * from './commands/credit-cycle-bulk.handler.js';
export * from './commands/credit-listed-bulk.handler.js';
export * from './commands/credit-rulebook-cycle.handler.js';
export * from './credit-expiry.job.js';
export * from './credit.facts.js';
export * from './credit.module.js';
