export * from './persons.events.js';
export * from './persons.personal-fields.js';
export * from './persons.state.js';
