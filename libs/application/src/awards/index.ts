export * from './awards.facts.js';
export * from './awards.module.js';
export * from './commands/award-edition.handler.js';
export * from './commands/award-entries-bulk.handler.js';
export * from './commands/award-entry.handler.js';
export * from './commands/award-panel.handler.js';
