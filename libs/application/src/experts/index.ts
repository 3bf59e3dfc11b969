export * from './commands/enrol-expert.handler.js';
export * from './commands/expert.handler.js';
export * from './experts.facts.js';
export * from './experts.module.js';
