export * from './dues.commands.js';
export * from './dues.decide.js';
export * from './dues.errors.js';
export * from './dues.events.js';
export * from './dues.state.js';
export * from './payment.decide.js';
export * from './dues-bulk.workflows.js';
