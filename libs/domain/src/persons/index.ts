export * from './person.decide.js';
export * from './persons.commands.js';
export * from './persons.errors.js';
export * from './persons.events.js';
export * from './persons.fields.js';
export * from './persons.personal-fields.js';
export * from './persons.state.js';
