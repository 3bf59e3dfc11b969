export * from './enterprise.commands.js';
export * from './enterprise.decide.js';
export * from './enterprise.errors.js';
export * from './enterprise.events.js';
export * from './enterprise.state.js';
