export * from './credit.commands.js';
export * from './credit.dates.js';
export * from './credit.decide.js';
export * from './credit.errors.js';
export * from './credit.events.js';
export * from './credit.rulebook.js';
export * from './credit.state.js';
export * from './credit-reservations.decide.js';
