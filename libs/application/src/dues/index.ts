export * from './commands/adopt-dues-rules.handler.js';
export * from './commands/dues-account.handler.js';
export * from './commands/dues-bulk.handler.js';
export * from './commands/record-dues-payment.handler.js';
export * from './dues.facts.js';
export * from './dues.module.js';
