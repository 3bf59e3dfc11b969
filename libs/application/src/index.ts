export * from './application.module.js';
export * from './commands/bulk.js';
export * from './commands/commands.module.js';
export * from './commands/event-sourced-commands.js';
export * from './commands/use-case.js';
export * from './credit/index.js';
export * from './dues/index.js';
export * from './enterprise/index.js';
