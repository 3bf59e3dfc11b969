export * from './commands/approve-person-erasure.handler.js';
export * from './commands/person.handler.js';
export * from './commands/register-person.handler.js';
export * from './person-key-reconciler.js';
export * from './persons.facts.js';
export * from './persons.module.js';
