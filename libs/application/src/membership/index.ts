export * from './commands/association.handler.js';
export * from './commands/council-election.handler.js';
export * from './commands/membership.handler.js';
export * from './commands/membership-reservations.handler.js';
export * from './membership.facts.js';
export * from './membership.module.js';
